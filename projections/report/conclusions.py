"""The conclusions: each sentence chosen by the figures, so that the report reads true at any date —
before and after the forty instruments entry into force needs, early and late in ratification, with or
without requests. Nothing is typed in: a judgement only a person can make would come from a recorded note."""

from __future__ import annotations

from domain.checklist import CHECKLIST_BY_ID
from projections.report.blocks import Block, Inline, Paragraph
from projections.report.sections import ENDS, STAGES, Sources, counted, day, instrument, listing

MOST_COMMON = 3
# Convention art. 38, Trafficking Protocol art. 17, Smuggling Protocol art. 22, Firearms Protocol art. 18:
# each enters into force on the ninetieth day after the fortieth instrument of ratification, acceptance,
# approval or accession (a Protocol never before the Convention). The day itself is the treaty law's to
# compute; the conclusions say only what the count of parties shows.
INSTRUMENTS_NEEDED = 40
ARTICLE = {"convention": "38", "trafficking": "17", "smuggling": "22", "firearms": "18"}


def _need(item: str) -> str:
    listed = CHECKLIST_BY_ID.get(item)
    return f"{listed.title.lower()} ({item})" if listed else item


def _nothing_signed(s: Sources) -> list[Inline] | None:
    numbers = s.result.instruments
    if any(n.signatories or n.parties for n in numbers.values()):
        return None
    return [
        f"No State had signed or become a party to the Convention or its Protocols by {day(s.result.as_of)}."
    ]


def _entry_into_force(s: Sources) -> list[list[Inline]]:
    """For each instrument with a signatory or a party: whether its parties reach the forty instruments its
    entry into force needs."""
    found: list[list[Inline]] = []
    for key, numbers in s.result.instruments.items():
        if not (numbers.signatories or numbers.parties):
            continue
        parties = counted(s.ref(f"{key}.parties"), "party", "parties")
        article = f"(article {ARTICLE.get(key, '?')})"
        name = instrument(key, 0)
        if numbers.parties >= INSTRUMENTS_NEEDED:
            said = f", {name} has the forty instruments on which its entry into force depends {article}."
            found.append(["With ", *parties, said])
        else:
            needs = (
                "; it needs forty instruments of ratification, acceptance, approval or accession to enter "
            )
            found.append([f"{name[0].upper()}{name[1:]} has ", *parties, f"{needs}into force {article}."])
    return found


def _widest_gap(s: Sources) -> list[Inline] | None:
    """The instrument whose signatories most outnumber its parties, if any does."""
    numbers = s.result.instruments
    behind = {k: n.signatories - n.parties for k, n in numbers.items() if n.signatories > n.parties}
    if not behind:
        return None
    key = max(behind, key=lambda k: behind[k])
    return [
        f"The distance between signature and ratification is widest for {instrument(key, 0)}, with ",
        *counted(s.ref(f"{key}.signatories"), "signatory", "signatories"),
        " and ",
        *counted(s.ref(f"{key}.parties"), "party", "parties"),
        ".",
    ]


def _accessions(s: Sources) -> list[Inline] | None:
    """Late in ratification, parties outnumber signatories: States join by accession, without signing."""
    ahead = [k for k, n in s.result.instruments.items() if n.parties > n.signatories]
    if not ahead:
        return None
    items = [
        [
            *counted(s.ref(f"{k}.parties"), "party", "parties"),
            f" to {instrument(k, 0)} against ",
            *counted(s.ref(f"{k}.signatories"), "signatory", "signatories"),
        ]
        for k in ahead
    ]
    return [
        "Parties outnumber signatories, since States also join by accession without having signed: ",
        *listing(items, "; ", "; and "),
        ".",
    ]


def _no_requests(s: Sources) -> list[Inline] | None:
    if s.result.requests_received:
        return None
    return [f"No request for pre-ratification assistance had been recorded by {day(s.result.as_of)}."]


def _common_needs(s: Sources) -> list[Inline] | None:
    needs = sorted(s.result.common_needs.items(), key=lambda kv: (-kv[1], kv[0]))
    if not needs:
        return None
    # Every item as frequent as the third most frequent, so a tie is never cut arbitrarily.
    floor = needs[min(MOST_COMMON, len(needs)) - 1][1]
    top = [(k, n) for k, n in needs if n >= floor]
    items = [
        [f"{_need(k)}, named by ", *counted(s.ref(f"common_needs.{k}"), "State", "States")] for k, _ in top
    ]
    lead = (
        "The need most commonly identified is "
        if len(top) == 1
        else "The needs most commonly identified are "
    )
    return [lead, *listing(items, "; ", "; and "), "."]


def _waiting(s: Sources) -> list[Inline] | None:
    open_stages = {k: n for k, n in s.result.engagements_by_stage.items() if k not in ENDS and n > 0}
    if not open_stages:
        return None
    most = max(open_stages.values())
    top = [k for k, n in open_stages.items() if n == most]
    items = [
        [
            STAGES.get(k, k).lower(),
            " (",
            *counted(s.ref(f"engagements_by_stage.{k}"), "engagement", "engagements"),
            ")",
        ]
        for k in top
    ]
    lead = "Most engagements wait" if sum(open_stages.values()) > 1 else "The one open engagement waits"
    return [f"{lead} for the next step: ", *listing(items, ", ", " and equally "), "."]


def _ended(s: Sources) -> list[Inline] | None:
    if s.values.get("engagements_by_stage.completed", 0) == 0:
        return None
    ref = s.ref("engagements_by_stage.completed")
    return [
        *counted(ref, "engagement has", "engagements have"),
        " completed every step, up to the training of officials.",
    ]


def conclusions(s: Sources) -> tuple[Block, ...]:
    """What the figures conclude: entry into force, signature against ratification, requests, needs and the
    engagements' progress."""
    chosen = [_nothing_signed(s), *_entry_into_force(s), _widest_gap(s), _accessions(s)]
    chosen += [_no_requests(s), _common_needs(s), _waiting(s), _ended(s)]
    return tuple(Paragraph(parts=tuple(parts)) for parts in chosen if parts)
