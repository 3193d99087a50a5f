"""A limit on request bodies (an oversized one is refused with 413 before it is read whole), and the
headers that keep pages from being framed or sniffed."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import BodyTooLarge
from web.middleware import HttpMiddleware


async def _refuse(send: Send, status: int, sentence: str) -> None:
    body = json.dumps({"error": sentence}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit(HttpMiddleware):
    """Refuses a declared Content-Length over the limit at once, and a streamed body as it passes it.

    Files sent as multipart/form-data to the paths `uploads` matches (the documents attached to steps) may
    take up to `upload_limit`; each document's own limit is checked as it is stored.
    """

    def __init__(
        self, app: ASGIApp, limit: int, upload_limit: int = 0, uploads: re.Pattern[str] | None = None
    ) -> None:
        super().__init__(app)
        self.default = limit
        self.upload_limit = max(limit, upload_limit)
        self.uploads = uploads

    def limit_of(self, scope: Scope) -> int:
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        if multipart and self.uploads is not None and self.uploads.fullmatch(str(scope.get("path", ""))):
            return self.upload_limit
        return self.default

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_of(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "The Content-Length header is not a number.")
                return
            if int(declared) > limit:
                await _refuse(send, 413, str(BodyTooLarge(limit).detail))
                return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge as error:
            # Raised where no handler saw it (a body read outside FastAPI's own reading).
            if not started:
                await _refuse(send, 413, str(error.detail))


# Pages use no script and load nothing from elsewhere; the API's viewer (/api/docs) loads Swagger UI's.
PAGE_POLICY = (
    b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; "
    b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SafetyHeaders(HttpMiddleware):
    """Adds no-framing, no-sniffing and (outside /api) a content security policy to every response.

    A response that brings its own policy keeps it: the Temporal UI's pages need their scripts.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = not str(scope.get("path", "")).startswith("/api")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff")]
                headers += [(b"referrer-policy", b"same-origin")]
                if page and all(name.lower() != b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", PAGE_POLICY))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
