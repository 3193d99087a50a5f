"""The Treaties application: records signatures and consents from status tables, atomically and once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from pydantic import BaseModel, ConfigDict

from activities.recording import Recording
from activities.store.prototype import Prototype
from activities.untc import TableAction, TableRefused, TableRow, duplicates
from domain.entry_into_force import Deposit, entry_into_force
from domain.errors import UnknownParticipant
from domain.facts import Recorded
from domain.reservations import (
    RecordedStatement,
    Statement,
    TreatyStatement,
    TreatyStatementRecorded,
    statement_id,
)
from domain.successions import names_of
from domain.treaty import (
    ActionKind,
    Slot,
    TreatyAction,
    TreatyActionCorrected,
    TreatyActionRecorded,
    misdated,
    slot_of,
    treaty_action_id,
)
from domain.values import Door, Instrument

# The fields in which one new action's stored event differs from another's of the same import.
CHANGING = ("participant", "participant_name", "kind", "effective_date")


class ImportSummary(BaseModel):
    """What one import did, counted in actions (a row holds a signature, a consent, or both)."""

    model_config = ConfigDict(frozen=True)

    instrument: Instrument
    rows: int
    recorded: int
    corrected: int
    unchanged: int
    # Reservations, declarations and objections newly recorded from the table's fourth column.
    statements: int = 0


class RecordedAction(BaseModel):
    """A signature or consent as the store now holds it; `version` above 1 means it was corrected."""

    model_config = ConfigDict(frozen=True)

    participant: str
    participant_name: str
    instrument: Instrument
    kind: ActionKind
    effective_date: date
    recorded_at: datetime
    version: int
    # A consent's day of entry into force for its participant (art. 38 and the Protocols' like articles), by
    # the deposits recorded so far; None for a signature, or while the instrument awaits its fortieth.
    entry_into_force: date | None = None


class Treaties(Recording):
    """Each participant's signature of, and consent to, each instrument; a changed reading is a correction."""

    name = "Treaties"

    def find(self, participant: str, instrument: Instrument, slot: Slot) -> TreatyAction | None:
        return self.stored(TreatyAction, treaty_action_id(participant, instrument, slot))

    def import_table(
        self,
        rows: Sequence[TableRow],
        instrument: Instrument,
        *,
        actor: str,
        source: str | None,
        door: Door | None = None,
        progress: Callable[[], None] | None = None,
    ) -> ImportSummary:
        """Record every new action and correct every changed one, in one transaction; the same table twice
        records nothing. `progress` is called once per row read."""
        problems = duplicates(rows)
        if problems:
            raise TableRefused(problems)
        # Another import of the same instrument may save between our reads and our write; the loser of the
        # unique key reads again and records only what the winner did not.
        return self._retrying(lambda: self._import_once(rows, instrument, (actor, source, door), progress))

    def _import_once(
        self,
        rows: Sequence[TableRow],
        instrument: Instrument,
        by: tuple[str, str | None, Door | None],
        progress: Callable[[], None] | None,
    ) -> ImportSummary:
        actor, source, door = by
        wanted: list[tuple[TableRow, TableAction, UUID]] = []
        for row in rows:
            for action in row.actions:
                aggregate_id = treaty_action_id(row.participant, instrument, slot_of(action.kind))
                wanted.append((row, action, aggregate_id))
            if progress is not None:
                progress()
        stored: dict[UUID, TreatyAction] = self.existing([aggregate_id for _, _, aggregate_id in wanted])
        found = [(row, action, i, stored.get(i)) for row, action, i in wanted]
        recorded_at = self.clock()
        # A fact cannot have happened after the moment it is recorded, nor before its instrument existed:
        # such a date is a misreading.
        today = recorded_at.date()
        misread = [
            f"{row.label}: {problem}"
            for row, action, _, _ in found
            if (problem := misdated(instrument, action.kind, action.effective_date, today))
        ]
        if misread:
            raise TableRefused(misread)
        stamped: Recorded = {"recorded_at": recorded_at, "actor": actor, "source": source, "door": door}
        events, recorded, corrected = self._changes(found, instrument, stamped)
        new_statements = self._statements(rows, instrument, recorded_at, by)
        events += [self.mapper.to_stored_event(e) for s in new_statements for e in s.collect_events()]
        if events:
            self.save_stored(events)
        return ImportSummary(
            instrument=instrument,
            rows=len(rows),
            recorded=recorded,
            corrected=corrected,
            unchanged=len(found) - recorded - corrected,
            statements=len(new_statements),
        )

    def _changes(
        self,
        found: list[tuple[TableRow, TableAction, UUID, TreatyAction | None]],
        instrument: Instrument,
        stamped: Recorded,
    ) -> tuple[list[StoredEvent], int, int]:
        """The stored events of the new actions and the corrections, in the table's order, and the numbers
        of new actions and of corrections.

        A new action is stored like the import's first, which alone is built and validated as its
        aggregate would create it (`TreatyAction.recorded`): the rest differ from it only in values the
        table's rows already validated. No aggregate is made for a new action.
        """
        events: list[StoredEvent] = []
        recorded = corrected = 0
        prototype: Prototype | None = None
        names: dict[str, str] = {}
        for row, action, aggregate_id, aggregate in found:
            if aggregate is None:
                if row.participant not in names:
                    names[row.participant] = self._name(row.participant)
                if prototype is None:
                    first = TreatyAction.recorded(
                        get_topic(TreatyAction),
                        participant=row.participant,
                        participant_name=names[row.participant],
                        instrument=instrument,
                        kind=action.kind,
                        effective_date=action.effective_date,
                        **stamped,
                    )
                    prototype = Prototype(self.mapper, cast(DomainEventProtocol[UUID], first), CHANGING)
                # As the stored JSON gives them: an enum by its value, a date in ISO 8601 (pydantic's
                # inference of an enum's JSON took four times as long as the rest of the encoding).
                events.append(
                    prototype.stored(
                        aggregate_id,
                        row.participant,
                        names[row.participant],
                        action.kind.value,
                        action.effective_date.isoformat(),
                    )
                )
                recorded += 1
            elif not aggregate.agrees_with(action.kind, action.effective_date):
                aggregate.correct(kind=action.kind, effective_date=action.effective_date, **stamped)
                events += [self.mapper.to_stored_event(e) for e in aggregate.collect_events()]
                corrected += 1
        return events, recorded, corrected

    def _statements(
        self,
        rows: Sequence[TableRow],
        instrument: Instrument,
        recorded_at: datetime,
        by: tuple[str, str | None, Door | None],
    ) -> list[TreatyStatement]:
        """The statements of the table not yet recorded, each dated by its participant's consent (or, without
        one, its signature): when a reservation or declaration is made."""
        actor, source, door = by
        new = []
        for row in rows:
            day = row.consent.effective_date if row.consent else row.signature
            for statement in row.statements:
                if day is None or self._statement(row.participant, instrument, statement) is not None:
                    continue
                new.append(
                    TreatyStatement.record(
                        participant=row.participant,
                        instrument=instrument,
                        statement=statement,
                        effective_date=day,
                        recorded_at=recorded_at,
                        actor=actor,
                        source=source,
                        door=door,
                    )
                )
        return new

    def _statement(
        self, participant: str, instrument: Instrument, statement: Statement
    ) -> TreatyStatement | None:
        return self.stored(TreatyStatement, statement_id(participant, instrument, statement))

    def statements_of(self, participant: str) -> list[RecordedStatement]:
        """A participant's reservations, declarations and objections, from the notification log, in order."""
        codes = set(names_of(participant))
        found: list[RecordedStatement] = []
        for event in self._events():
            if isinstance(event, TreatyStatementRecorded) and event.participant in codes:
                found.append(event.said())
        return found

    def _name(self, code: str) -> str:
        try:
            return self.participants.get(code).name
        except UnknownParticipant:
            return code

    def _view(self, action: TreatyAction) -> RecordedAction:
        return RecordedAction(
            participant=action.participant,
            participant_name=self._name(action.participant),
            instrument=action.instrument,
            kind=action.kind,
            effective_date=action.effective_date,
            recorded_at=action.modified_on,
            version=action.version,
        )

    def actions(self, instrument: Instrument | None = None) -> list[RecordedAction]:
        """Every action as it now stands (corrections applied), read from the notification log in order."""
        current: dict[UUID, TreatyAction] = {}
        for event in self._events():
            # The log holds statements too (reservations, declarations, objections): not actions.
            if isinstance(event, TreatyActionRecorded | TreatyActionCorrected):
                folded = event.mutate(current.get(event.originator_id))
                current[event.originator_id] = cast(TreatyAction, folded)
        views = [self._view(a) for a in current.values() if instrument is None or a.instrument is instrument]
        return sorted(
            views, key=lambda v: (v.instrument.value, v.participant, v.kind is not ActionKind.SIGNATURE)
        )

    def actions_of(self, participant: str, today: date | None = None) -> list[RecordedAction]:
        """A participant's signature and consent for each instrument it acted on, instrument by instrument;
        given `today`, each consent with its day of entry into force by the deposits recorded up to then."""
        # Every code the State has borne: Serbia's actions include those recorded for Yugoslavia.
        codes = names_of(participant)
        found = (self.find(c, i, slot) for i in Instrument for c in codes for slot in Slot)
        views = [self._view(action) for action in found if action is not None]
        if today is None or not any(v.kind.makes_party for v in views):
            return views
        force = entry_into_force(self.deposits(), today)
        return [
            v.model_copy(update={"entry_into_force": force[v.instrument].in_force_on.get(v.participant)})
            if v.kind.makes_party
            else v
            for v in views
        ]

    def deposits(self) -> dict[Instrument, list[Deposit]]:
        """Every participant's consent to each instrument, as it now stands: the deposits entry into force
        is decided from."""
        found: dict[Instrument, list[Deposit]] = {i: [] for i in Instrument}
        for action in self.actions():
            if action.kind.makes_party:
                found[action.instrument].append(Deposit(action.participant, action.effective_date))
        return found
