"""The web app's metrics: every request timed by route template, method and status, and GET /metrics."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Response
from starlette.types import Message, Receive, Scope, Send

from usecases.metrics import CONTENT_TYPE_LATEST, HTTP_SECONDS, exposition
from web.middleware import HttpMiddleware

router = APIRouter()
# One JSON line a request (usecases.logs), in place of the server's plain-text access log.
ACCESS = logging.getLogger("palermo.web.access")


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Every series of this process in the Prometheus text format: counts and timings, no case data."""
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


def _route_of(scope: Scope) -> str:
    """The matched route's template (`/api/cases/{state}`), so that each case is not a series of its own;
    `other` for static files, the Temporal UI and paths no route matched."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "other"


class RequestTiming(HttpMiddleware):
    """Observes each HTTP request's seconds, from its first byte in to its answer's start, and logs it:
    method, route, path (never the query, which may hold a token), status, milliseconds, client and trace."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            seconds = time.perf_counter() - started
            route, method = _route_of(scope), scope.get("method", "")
            HTTP_SECONDS.labels(route, method, str(status)).observe(seconds)
            if ACCESS.isEnabledFor(logging.INFO):
                path, client = scope.get("path", ""), scope.get("client")
                fields = {"method": method, "route": route, "path": path, "status": status}
                fields |= {"ms": round(seconds * 1000, 1), "client": client[0] if client else None}
                ACCESS.info("%s %s %d", method, path, status, extra=fields)
