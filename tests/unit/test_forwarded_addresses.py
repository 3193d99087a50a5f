"""The address a failed sign-in is counted against: a forwarded one is believed only from a proxy named
in the settings, never from whoever connects."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from deploy.web import server_config
from web.config import WebSettings

FORGED = [(b"x-forwarded-for", b"203.0.113.9")]


async def client_seen(web: WebSettings, connected_from: str) -> str:
    """The client address the app sees for a request from `connected_from` claiming to forward another."""
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["client"][0])

    config = server_config(app, web)
    config.load()
    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": FORGED,
        "client": (connected_from, 50_000),
        "scheme": "http",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        pass

    await config.loaded_app(scope, receive, send)
    return seen[0]


def test_a_forwarded_address_is_ignored_unless_its_proxy_is_trusted() -> None:
    plain = asyncio.run(client_seen(WebSettings(secret="x"), "127.0.0.1"))
    proxied = WebSettings(secret="x", trusted_proxies="10.0.0.2")
    through_proxy = asyncio.run(client_seen(proxied, "10.0.0.2"))
    around_proxy = asyncio.run(client_seen(proxied, "10.0.0.3"))

    assert plain == "127.0.0.1"
    assert through_proxy == "203.0.113.9"
    assert around_proxy == "10.0.0.3"
