"""`python -m deploy.web [--port P]`: serve the web app and API with uvicorn (started by `palermo up`), in
one process, or with `PALERMO_WEB_WORKERS` worker processes sharing the one listening socket."""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp
from uvicorn.supervisors import Multiprocess

from deploy.processes import port_is_free
from usecases import logs
from usecases.embedded import remove_address, temporal_address_for, write_address
from usecases.metrics import MULTIPROCESS_DIR
from usecases.settings import Settings, SettingsError, keep_private, load_settings
from usecases.tracing import install
from web.app import create_app
from web.config import WebSettings, load_web_settings

# What each worker process imports to build its own app: the supervisor starts them fresh (spawn).
WORKER_APP = "deploy.web:worker_app"
WORKER_START_S = 60


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `port`, or to a free port when `port` is taken (0 asks for a free one)."""
    # Named TCP, so that the connections it accepts are too: asyncio sets TCP_NODELAY only on sockets whose
    # protocol says TCP. Without it, an answer's body waits for the client to acknowledge its headers (Nagle),
    # and a client delays that acknowledgement: 40 ms on each request but a connection's first.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port if port and port_is_free(port) else 0))
    except OSError:
        sock.bind((host, 0))
    # Listening before the address is announced: early connections wait in the backlog, none is refused.
    sock.listen(128)
    return sock


def server_config(app: ASGIApp | str, web: WebSettings) -> uvicorn.Config:
    """uvicorn serving `app` (or, with several workers, the factory it names); X-Forwarded-For is believed
    only from the proxies the settings name, since failed sign-ins are counted by address and anyone may
    send the header (uvicorn trusts loopback)."""
    trusted = web.trusted_proxies
    return uvicorn.Config(
        app,
        log_level="info",
        log_config=logs.UVICORN_LOGGING,
        access_log=False,
        lifespan="off",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
        # Given, so that uvicorn's own WEB_CONCURRENCY cannot change it behind the settings' back.
        workers=web.workers,
        factory=isinstance(app, str),
        # A new worker imports the whole app before it answers the supervisor's first ping: on a busy
        # machine that takes longer than uvicorn's 5 s, and a worker not answering in time is killed.
        timeout_worker_healthcheck=WORKER_START_S,
    )


def prepared() -> tuple[Settings, WebSettings]:
    """This process's settings, its traces and logs set up: what the server and each worker start with."""
    keep_private()
    try:
        settings = load_settings()
        web = load_web_settings()
        # Read now, so that an unreadable certificate stops the server at start, not a request later.
        settings.temporal_tls()
    except SettingsError as error:
        raise SystemExit(str(error)) from None
    install(settings, "palermo-web")
    logs.configure()
    return settings.model_copy(update={"temporal_address": temporal_address_for(settings)}), web


def worker_app() -> FastAPI:
    """The app of one worker process, read from the same environment as the supervisor's: each worker
    keeps its own read-model caches, which key on the store's versions and so agree with each other."""
    settings, web = prepared()
    return create_app(settings, web=web)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.web", description=__doc__)
    parser.add_argument("--host", help="Address to listen on (default PALERMO_WEB_HOST or 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port (default PALERMO_WEB_PORT or 8000, else a free one).")
    args = parser.parse_args(argv)
    settings, web = prepared()
    sock = listen(args.host or web.host, web.port if args.port is None else args.port)
    host, port = sock.getsockname()[:2]
    with ExitStack() as stack:
        run: Callable[[], None]
        if web.workers == 1:
            run = partial(uvicorn.Server(server_config(create_app(settings, web=web), web)).run, [sock])
        else:
            # Every worker counts into one folder, so that GET /metrics, which any of them answers, tells all.
            metrics = stack.enter_context(tempfile.TemporaryDirectory(prefix="palermo-web-metrics-"))
            os.environ[MULTIPROCESS_DIR] = metrics
            # The supervisor restarts a worker that dies, and stops them all on SIGTERM or SIGINT.
            run = Multiprocess(server_config(WORKER_APP, web), sockets=[sock]).run
        write_address(settings.home_dir, f"http://{host}:{port}")
        stack.callback(remove_address, settings.home_dir)
        run()


if __name__ == "__main__":
    main()
