"""Each request that only reads is a question asked at its start (domain.asked): the books the web app keeps
from the logs read each log at most once for it, and one look serves every request asked before it began.

A page used to look at each log again for every book it asked, and on PostgreSQL every look is a round trip
on the event loop while the other users' requests wait (ten on a case page). A request that writes (POST,
PUT, DELETE) sets no moment: each of its looks reads, so it sees what it recorded itself."""

from __future__ import annotations

import time

from starlette.types import Receive, Scope, Send

from domain.asked import ASKED
from web.middleware import HttpMiddleware

READING = frozenset({"GET", "HEAD"})


class Asked(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") not in READING:
            await self.app(scope, receive, send)
            return
        token = ASKED.set(time.monotonic())
        try:
            await self.app(scope, receive, send)
        finally:
            ASKED.reset(token)
