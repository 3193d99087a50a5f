"""What the web app keeps between requests by a key that names everything it was made from."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """The last `limit` values made, by key, the latest asked for kept longest. A value is made outside the
    lock: two requests asking for a new key at once both make it, alike, and one of them is kept; a value
    whose making failed is not kept."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, V] = OrderedDict()

    def peek(self, key: Hashable) -> V | None:
        """The value kept by `key`, or None: never made here."""
        with self._lock:
            return self._kept.get(key)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        made = make()
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)
        return made
