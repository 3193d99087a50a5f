"""The embedded stack's ports: a port found free stays free until its server binds it."""

from __future__ import annotations

import socket
from pathlib import Path

from deploy.launch import new_stack, temporal_argv
from deploy.processes import LOOPBACK, SPARE_PORTS, pick_port
from usecases.settings import Settings


def ephemeral_ports() -> range:
    """The kernel's range for outgoing connections' source ports: a port there may be taken by any connect."""
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return range(int(low), int(high) + 1)


def test_a_taken_port_is_replaced_by_one_outside_the_kernels_range_for_outgoing_connections() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        busy = taken.getsockname()[1]
        picked = {pick_port(busy) for _ in range(50)}

    assert busy not in picked
    assert not picked & set(ephemeral_ports())
    assert picked <= set(SPARE_PORTS)


def test_a_port_to_avoid_is_never_picked() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        busy = taken.getsockname()[1]
        first = pick_port(busy)
        assert all(pick_port(busy, avoid=(first,)) != first for _ in range(50))


def test_the_temporal_server_is_given_every_port_it_opens(tmp_path: Path) -> None:
    argv = temporal_argv(new_stack(Settings(home=tmp_path)), {})

    ports = {
        flag: int(argv[argv.index(flag) + 1])
        for flag in ("--port", "--ui-port", "--http-port", "--metrics-port")
    }
    assert len(set(ports.values())) == 4
    assert not {ports["--http-port"], ports["--metrics-port"]} & set(ephemeral_ports())
