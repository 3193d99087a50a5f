"""The web app's metrics: every request timed by route template, method and status, and GET /metrics."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from starlette.types import Message, Receive, Scope, Send

from usecases.metrics import CONTENT_TYPE_LATEST, HTTP_SECONDS, exposition
from web.middleware import HttpMiddleware

router = APIRouter()


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
    """Observes each HTTP request's seconds, from its first byte in to its answer's start."""

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
            HTTP_SECONDS.labels(_route_of(scope), scope.get("method", ""), str(status)).observe(seconds)
