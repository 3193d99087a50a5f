"""Failed sign-ins counted per client address and per token id over a sliding window, and how long to wait."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SignInLimits:
    """Refuses, before any hashing, an address past its own failures, and an address that has failed
    at all on a user past theirs.

    A user's limit never refuses an address without failures: whoever holds the right token signs in
    from a clean address however many others are guessing. The counts live in this process (each web
    server keeps its own) and forget a failure once it is `window_s` old.
    """

    def __init__(
        self,
        *,
        per_client: int,
        per_user: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_client = per_client
        self.per_user = per_user
        self.window_s = window_s
        self.clock = clock
        self._lock = threading.Lock()
        # Only the newest `limit` failures decide anything, so no more are kept.
        self._clients: dict[str, deque[float]] = {}
        self._users: dict[str, deque[float]] = {}
        self._swept = clock()

    @property
    def remembered(self) -> int:
        """How many addresses and token ids have a failure on record."""
        with self._lock:
            return len(self._clients) + len(self._users)

    def wait(self, client: str, token_id: str) -> int:
        """Whole seconds before `client` may try `token_id`: 0 when it may now."""
        with self._lock:
            now = self.clock()
            mine = self._recent(self._clients, client, now)
            theirs = self._recent(self._users, token_id, now)
            waits = []
            if len(mine) >= self.per_client:
                waits.append(mine[0] + self.window_s - now)
            if mine and len(theirs) >= self.per_user:
                # Until this address is clean again, or the user's count drops below the limit.
                waits.append(min(mine[-1], theirs[0]) + self.window_s - now)
            return max((max(1, math.ceil(w)) for w in waits), default=0)

    def failed(self, client: str, token_id: str) -> None:
        """Count a token that did not sign in."""
        with self._lock:
            now = self.clock()
            if now - self._swept >= self.window_s:
                self._sweep(now)
            self._clients.setdefault(client, deque(maxlen=self.per_client)).append(now)
            self._users.setdefault(token_id, deque(maxlen=self.per_user)).append(now)

    def _recent(self, counts: dict[str, deque[float]], key: str, now: float) -> deque[float]:
        found = counts.get(key)
        if found is None:
            return deque()
        while found and now - found[0] >= self.window_s:
            found.popleft()
        if not found:
            del counts[key]
        return found

    def _sweep(self, now: float) -> None:
        """Forget every address and id whose failures are all past the window: guessed ids are endless."""
        for counts in (self._clients, self._users):
            for key in [k for k, stamps in counts.items() if now - stamps[-1] >= self.window_s]:
                del counts[key]
        self._swept = now
