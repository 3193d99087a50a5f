"""What both chained recorders share: the key, the refusals, and the links of newly stored events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eventsourcing.persistence import StoredEvent

from activities.store.chain import Link, key_from, new_links

# A link as its table holds it: position, previous position, hash, key id.
LinkRow = tuple[int, int, bytes, bytes]
# Rows read, and links written, per round trip when a whole log is read or adopted.
PAGE = 2_000


class UnchainedHistory(Exception):
    """The log holds events stored before its audit chain began; `palermo audit adopt` chains them."""


class ChainAhead(Exception):
    """The chain already covers the position a new event was given: events were deleted from the log."""


class AdoptionRefused(Exception):
    """Only a log whose chain is empty can be adopted; a chain once begun is never rebuilt."""


class ChainKey:
    """The audit key of one application, read (or, for the embedded stack, created) when first needed."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = key_from(self._env)
        return self._secret


def links_after(
    key: ChainKey,
    head: Link | None,
    ids: Sequence[int],
    stored_events: Sequence[StoredEvent],
    *,
    unchained: bool,
    log: str,
) -> list[LinkRow]:
    """The link rows of newly stored events (`ids` their positions), refusing a log (named `log`) the chain
    cannot honestly continue."""
    if head is None and unchained:
        raise UnchainedHistory(
            f"The log {log} holds events stored before its audit chain began; run `palermo audit adopt` "
            "once to chain them."
        )
    if head is not None and head.position >= ids[0]:
        raise ChainAhead(
            f"The audit chain of {log} reaches position {head.position}, but the next event was given "
            f"position {ids[0]}: events were deleted from the log. Run `palermo audit verify`."
        )
    events = zip(ids, stored_events, strict=True)
    return new_links(
        key.secret, head, ((p, s.originator_id, s.originator_version, s.topic, s.state) for p, s in events)
    )


def link_row(link: Link) -> LinkRow:
    return link.position, link.previous, link.hash, link.key_id
