"""Limits on failed sign-ins: an address that keeps failing waits, a user under attack is slowed only for
addresses that have failed, and nobody else's failures ever keep a clean address out."""

from __future__ import annotations

from web.sign_in_limits import SignInLimits

WINDOW_S = 60.0


class Clock:
    """Seconds, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limits(clock: Clock, per_client: int = 3, per_user: int = 2) -> SignInLimits:
    return SignInLimits(per_client=per_client, per_user=per_user, window_s=WINDOW_S, clock=clock)


def test_an_address_waits_after_its_failures_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    limited = limits(clock, per_client=3, per_user=100)
    for step, token_id in enumerate(("aaa", "bbb", "ccc")):
        assert limited.wait("192.0.2.1", token_id) == 0
        limited.failed("192.0.2.1", token_id)
        clock.now += 10 if step < 2 else 5

    assert limited.wait("192.0.2.1", "ddd") == 35
    clock.now += 34.5
    assert limited.wait("192.0.2.1", "ddd") == 1
    clock.now += 0.5
    assert limited.wait("192.0.2.1", "ddd") == 0
    assert limited.wait("192.0.2.2", "ddd") == 0


def test_a_clean_address_is_never_kept_out_by_failures_against_a_user_from_elsewhere() -> None:
    clock = Clock()
    limited = limits(clock, per_user=2)
    for address in ("192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"):
        limited.failed(address, "victim")

    assert limited.wait("198.51.100.7", "victim") == 0


def test_an_address_that_failed_is_slowed_on_a_user_past_their_limit_only() -> None:
    clock = Clock()
    limited = limits(clock, per_client=10, per_user=2)
    limited.failed("192.0.2.10", "victim")
    clock.now += 20
    limited.failed("192.0.2.11", "victim")
    clock.now += 10
    limited.failed("192.0.2.12", "someone-else")

    # Until the user's older failure leaves the window (30 s), or the address's own one does (50 s).
    assert limited.wait("192.0.2.11", "victim") == 30
    assert limited.wait("192.0.2.12", "victim") == 30
    assert limited.wait("192.0.2.11", "someone-else") == 0
    clock.now += 30
    assert limited.wait("192.0.2.11", "victim") == 0


def test_failures_older_than_the_window_are_forgotten() -> None:
    clock = Clock()
    limited = limits(clock)
    for n in range(50):
        limited.failed(f"192.0.2.{n}", f"id{n}")

    clock.now += WINDOW_S
    limited.failed("198.51.100.7", "new")

    assert limited.remembered == 2
    assert limited.wait("192.0.2.1", "id1") == 0
