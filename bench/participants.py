"""Any three-letter code as a participant, so benchmarks can open more engagements than there are States."""

from __future__ import annotations

import random
from itertools import product
from string import ascii_uppercase

from activities.participants import Participant, ParticipantDirectory
from domain.errors import UnknownParticipant

ALL_CODES = tuple("".join(letters) for letters in product(ascii_uppercase, repeat=3))


class SyntheticDirectory(ParticipantDirectory):
    """The real directory, and a made-up State for any other three-letter code (17,576 in all)."""

    def get(self, code: str) -> Participant:
        try:
            return super().get(code)
        except UnknownParticipant:
            upper = code.strip().upper()
            if upper not in _CODE_SET:
                raise
            return Participant(code=upper, name=f"Synthetic State {upper}")


_CODE_SET = frozenset(ALL_CODES)


def codes(count: int, seed: int, *, skip: int = 0) -> list[str]:
    """`count` distinct codes in a seeded order, after the first `skip` of that order."""
    if skip + count > len(ALL_CODES):
        raise ValueError(f"only {len(ALL_CODES)} three-letter codes exist; asked for {skip + count}")
    order = list(ALL_CODES)
    random.Random(seed).shuffle(order)
    return order[skip : skip + count]
