"""Checking an audit chain: every link recomputed from the rows, and the first break named with its reason."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from activities.store.chain import GENESIS, Link, RawEvent, key_id, link_hash

# After a mismatch, how many later rows are searched for the event's true place (a diagnosis only).
LOOKAHEAD = 100_000
Row = tuple[int, RawEvent | None, Link | None]


class Reason(StrEnum):
    """Why a chain breaks at a position."""

    MODIFIED = "modified"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    UNLINKED = "unlinked"
    CUT_OFF = "cut off"
    REWRITTEN = "rewritten"
    WRONG_KEY = "wrong key"


class ChainBroken(Exception):
    """The first position at which a log's events no longer match their chain, and why."""

    def __init__(self, position: int, reason: Reason, detail: str) -> None:
        super().__init__(f"position {position}: {reason.value} — {detail}")
        self.position = position
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Entry:
    """An event whose link checked out, with the hash of the link before it."""

    event: RawEvent
    link: Link
    previous_hash: bytes


def merged(events: Iterable[RawEvent], links: Iterable[Link]) -> Iterator[Row]:
    """Events and links side by side by position (either may be missing), in position order."""
    event_rows, link_rows = iter(events), iter(links)
    event, link = next(event_rows, None), next(link_rows, None)
    while event is not None or link is not None:
        if link is None or (event is not None and event.position < link.position):
            assert event is not None
            yield event.position, event, None
            event = next(event_rows, None)
        elif event is None or link.position < event.position:
            yield link.position, None, link
            link = next(link_rows, None)
        else:
            yield event.position, event, link
            event, link = next(event_rows, None), next(link_rows, None)


def walk(key: bytes, events: Iterable[RawEvent], links: Iterable[Link]) -> Iterator[Entry]:
    """Each event in order once its link checks out; ChainBroken at the first that does not."""
    return walk_rows(key, merged(events, links))


def walk_rows(key: bytes, rows: Iterator[Row]) -> Iterator[Entry]:
    """`walk` over rows already side by side, in position order."""
    previous, previous_hash = 0, GENESIS
    for position, event, link in rows:
        if link is None:
            assert event is not None
            raise _unchained(position, rows)
        if event is None:
            raise ChainBroken(position, Reason.DELETED, "the event is gone; its chain row remains")
        if link.previous > previous:
            first, last = previous + 1, link.previous
            gone = (
                f"the event at position {first} and its chain row are"
                if first == last
                else f"the events at positions {first} to {last} and their chain rows are"
            )
            after = f"position {position} was chained after {last}"
            raise ChainBroken(first, Reason.DELETED, f"{gone} gone ({after})")
        if link.previous < previous:
            raise ChainBroken(
                previous,
                Reason.INSERTED,
                f"position {position} was chained after {link.previous}, not after it",
            )
        if link_hash(key, previous_hash, previous, event) != link.hash:
            raise _mismatch(key, previous_hash, event, link, rows)
        yield Entry(event=event, link=link, previous_hash=previous_hash)
        previous, previous_hash = position, link.hash


def _next_link(rows: Iterator[Row]) -> Link | None:
    return next((link for _, _, link in rows if link is not None), None)


def _unchained(position: int, rows: Iterator[Row]) -> ChainBroken:
    following = _next_link(rows)
    if following is not None and following.previous == position:
        return ChainBroken(position, Reason.UNLINKED, "the event was chained but its chain row is gone")
    return ChainBroken(
        position, Reason.INSERTED, "the event has no chain row: it was stored around the chain"
    )


def _mismatch(
    key: bytes, previous_hash: bytes, event: RawEvent, link: Link, rows: Iterator[Row]
) -> ChainBroken:
    """Why `event` does not match its link: another key, a forged row, a move, or an edit."""
    position = event.position
    if link.key_id != key_id(key):
        return ChainBroken(
            position,
            Reason.WRONG_KEY,
            f"the chain was written with key {link.key_id.hex()}, and this key is {key_id(key).hex()}",
        )
    before_hash, before = link.hash, position
    first = True
    for seen, (later, later_event, later_link) in enumerate(rows):
        if seen >= LOOKAHEAD:
            break
        if later_link is None:
            continue
        if first and later_link.previous == link.previous:
            return ChainBroken(
                position, Reason.INSERTED, "a forged row: the next event was chained without it"
            )
        first = False
        if later_link.previous == before:
            # The edited row may hold an event chained elsewhere, or its own event may have moved on.
            if link_hash(key, before_hash, before, replace(event, position=later)) == later_link.hash:
                return _moved(position, f"the event here was chained at position {later}")
            if later_event is not None:
                moved = replace(later_event, position=position)
                if link_hash(key, previous_hash, link.previous, moved) == link.hash:
                    return _moved(position, f"the event chained here now sits at position {later}")
        before_hash, before = later_link.hash, later
    return ChainBroken(position, Reason.MODIFIED, "the event differs from what was chained")


def _moved(position: int, detail: str) -> ChainBroken:
    return ChainBroken(position, Reason.REORDERED, detail)
