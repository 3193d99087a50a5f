"""Each case's history as a case page shows it, read from the store and drawn once per version of the case."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from activities.engagements import Engagements, HistoryEntry
from domain.views import CaseView
from web.kept import Kept
from web.templating import templates

# Cases whose history is kept, the last asked for; a case page of another reads the store again.
KEPT = 512


@dataclass(frozen=True)
class Shown:
    """A case's stored events up to one version, and its timeline drawn from them."""

    history: list[HistoryEntry]
    timeline: Markup


class CaseHistories:
    """A case's history read up to the version the case book shows, so what is kept under that version is
    exactly the history at it: an event recorded meanwhile waits for the next version. Reading the events
    and drawing the timeline was most of a case page."""

    def __init__(self, engagements: Engagements, kept: int = KEPT) -> None:
        self._engagements = engagements
        self._kept: Kept[Shown] = Kept(kept)

    def of(self, case: CaseView) -> Shown:
        return self._kept.get((case.state, case.version), lambda: self._read(case))

    def _read(self, case: CaseView) -> Shown:
        history = self._engagements.history(case.state, upto=case.version)
        drawn = templates.get_template("case_timeline.html").render(case=case, history=history)
        # Rendered by our template, which escapes every value it writes.
        return Shown(history=history, timeline=Markup(drawn))
