"""States that went on under another name and code, and States that succeeded to treaties on their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple


class Succession(NamedTuple):
    """On `day`, the State known by `earlier` went on as `later` (the same State under a new name)."""

    earlier: str
    later: str
    day: date


# Yugoslavia became Serbia and Montenegro on 4 February 2003, which became Serbia on 3 June 2006: one State,
# whose engagement, treaty actions and figures carry across its names. Montenegro, independent on 3 June 2006,
# succeeded to the treaties on its own (the Collection's `d`, 23 October 2006): a new State, not a new name.
CONTINUATIONS: tuple[Succession, ...] = (
    Succession("YUG", "SCG", date(2003, 2, 4)),
    Succession("SCG", "SRB", date(2006, 6, 3)),
)
# New States that succeeded to treaties of a State they were part of, and the day of their independence.
SUCCESSOR_STATES: dict[str, Succession] = {"MNE": Succession("SCG", "MNE", date(2006, 6, 3))}


def names_of(code: str) -> tuple[str, ...]:
    """Every code the same State has borne, oldest first (just `code` for a State that never changed)."""
    key = code.strip().upper()
    earlier = {s.later: s.earlier for s in CONTINUATIONS}
    later = {s.earlier: s.later for s in CONTINUATIONS}
    first = key
    while first in earlier:
        first = earlier[first]
    found = [first]
    while found[-1] in later:
        found.append(later[found[-1]])
    return tuple(found)


def engaged_code(state: str, engaged: Callable[[str], bool]) -> str:
    """The code the State's engagement was opened under, among every code the State has borne (Yugoslavia's
    YUG for Serbia): the first that `engaged` finds; `state` itself when none has an engagement."""
    return next((code for code in names_of(state) if engaged(code)), state.strip().upper())


def code_on(code: str, on: date) -> str:
    """The code the State bore on `on`."""
    chain = names_of(code)
    found = chain[0]
    for step in CONTINUATIONS:
        if step.earlier in chain and step.day <= on:
            found = step.later
    return found
