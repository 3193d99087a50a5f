"""Engagement ids from State codes and back: the business key behind every engagement aggregate."""

from __future__ import annotations

from functools import cache
from itertools import product
from string import ascii_uppercase
from uuid import UUID, uuid5

# Fixed forever: engagement ids derive from it, so a retried open finds the same aggregate.
ENGAGEMENT_NAMESPACE = UUID("5b0f1f8e-7c39-4d0e-9a3c-2f1e6a1d0c55")


def engagement_id(state: str) -> UUID:
    """The id of a State's engagement, from its ISO 3166 alpha-3 code."""
    return uuid5(ENGAGEMENT_NAMESPACE, f"engagement/{state.upper()}")


@cache
def _states_by_id() -> dict[UUID, str]:
    # A State code is three capital letters (commands refuse any other), so all 17,576 ids fit in a table.
    return {engagement_id(code): code for code in map("".join, product(ascii_uppercase, repeat=3))}


def state_of_engagement(engagement: UUID) -> str:
    """The State code an engagement id was derived from; ValueError if no code gives that id."""
    try:
        return _states_by_id()[engagement]
    except KeyError:
        raise ValueError(f"{engagement} is not the id of any State's engagement") from None
