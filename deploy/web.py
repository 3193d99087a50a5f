"""`python -m deploy.web [--port P]`: serve the web app and API with uvicorn (started by `palermo up`)."""

from __future__ import annotations

import argparse
import asyncio
import socket

import uvicorn
from starlette.types import ASGIApp

from deploy.processes import port_is_free
from usecases import logs
from usecases.embedded import remove_address, temporal_address_for, write_address
from usecases.settings import SettingsError, keep_private, load_settings
from usecases.tracing import install
from web.app import create_app
from web.config import WebSettings, load_web_settings


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `port`, or to a free port when `port` is taken (0 asks for a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port if port and port_is_free(port) else 0))
    except OSError:
        sock.bind((host, 0))
    # Listening before the address is announced: early connections wait in the backlog, none is refused.
    sock.listen(128)
    return sock


def server_config(app: ASGIApp, web: WebSettings) -> uvicorn.Config:
    """uvicorn serving `app`; X-Forwarded-For is believed only from the proxies the settings name, since
    failed sign-ins are counted by address and anyone may send the header (uvicorn trusts loopback)."""
    trusted = web.trusted_proxies
    return uvicorn.Config(
        app, log_level="info", lifespan="off", proxy_headers=bool(trusted), forwarded_allow_ips=trusted or ""
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.web", description=__doc__)
    parser.add_argument("--host", help="Address to listen on (default PALERMO_WEB_HOST or 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port (default PALERMO_WEB_PORT or 8000, else a free one).")
    args = parser.parse_args(argv)
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
    settings = settings.model_copy(update={"temporal_address": temporal_address_for(settings)})
    sock = listen(args.host or web.host, web.port if args.port is None else args.port)
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(server_config(create_app(settings, web=web), web))
    home = settings.home_dir
    write_address(home, f"http://{host}:{port}")
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        remove_address(home)


if __name__ == "__main__":
    main()
