"""`python -m bench.append`: events recorded per second through the applications, against raw inserts."""

from __future__ import annotations

import time
from datetime import date
from typing import cast

from activities.engagements import Engagements
from activities.store.recorders import ChainedRecorder
from activities.treaties import Treaties
from activities.untc import TableAction, TableRow
from bench.deployment import from_arguments
from bench.participants import SyntheticDirectory, codes
from bench.raw import insert, links_of, rows_of
from bench.report import Figure, arguments, emit
from domain import commands as c
from domain.treaty import ActionKind
from domain.values import GapItem, Instrument
from usecases.settings import Settings

# Ratios to the raw inserts (issue 20): one command per transaction, by store, and a bulk import.
ONE_TARGET = {"sqlite": 0.5, "postgres": 0.3}
BULK_TARGET = 0.3
# An import of this many rows records a signature and a consent for each: 1,000 events in one transaction.
IMPORT_ROWS = 500
READ_PAGE = 10_000


def case_commands(state: str) -> list[c.Command]:
    """The seven steps of a whole engagement, each one command (one transaction) of its own."""
    common: dict[str, object] = {"state": state, "actor": "bench", "source": "bench"}

    def on(day: int) -> dict[str, object]:
        # Named by the sender, as the command line names its commands.
        return common | {"effective_date": date(2002, 1, day), "command_id": f"bench/{state}/{day}"}

    return [
        c.OpenEngagement.model_validate(on(1) | {"instruments": (Instrument.CONVENTION,)}),
        c.RecordLawSummary.model_validate(on(2) | {"document": f"{state}/LAW/1"}),
        c.NameFocalPoint.model_validate(on(3)),
        c.DrawUpGapList.model_validate(on(4) | {"items": (GapItem(checklist_item="convention.art5"),)}),
        c.ConcludeAssistance.model_validate(on(5)),
        c.ConcludeLegislation.model_validate(on(6)),
        c.RecordTraining.model_validate(on(7) | {"officials_trained": 20}),
    ]


def import_table(block: list[str]) -> list[TableRow]:
    # Signed after 31 May 2001: a Firearms Protocol signature before its adoption would be refused.
    return [
        TableRow(
            row=n + 2, name=f"Synthetic State {code}", participant=code, signature=date(2001, 12, 12),
            consent=TableAction(kind=ActionKind.RATIFICATION, effective_date=date(2003, 9, 29)),
        )
        for n, code in enumerate(block)
    ]  # fmt: skip


def one_per_transaction(settings: Settings, cases: int) -> list[Figure]:
    commands = [c for state in codes(cases, seed=11) for c in case_commands(state)]
    app = Engagements(settings.store_env("Engagements"), participants=SyntheticDirectory())
    try:
        started = time.perf_counter()
        for command in commands:
            app.handle(command)
        ours = len(commands) / (time.perf_counter() - started)
        rows = rows_of(app.recorder.select_notifications(start=None, limit=len(commands) + 1))
        links = links_of(cast(ChainedRecorder, app.recorder))
    finally:
        app.close()
    raw = len(rows) / insert(settings, rows, per_transaction=1, links=links)
    events_only = len(rows) / insert(settings, rows, per_transaction=1)
    wanted = ONE_TARGET[settings.store]
    return [
        Figure(
            benchmark="append", store=settings.store, unit="events/s",
            figure="one command per transaction (Engagements.handle)",
            ours=ours, baseline=raw, baseline_name="raw INSERTs: event and link, one a transaction",
            target=f"≥ {wanted:g} of baseline", met=ours >= wanted * raw,
            note=f"{len(commands):,} commands",
        ),
        Figure(
            benchmark="append", store=settings.store, unit="events/s",
            figure="one command per transaction, against the event's row alone",
            ours=ours, baseline=events_only, baseline_name="raw INSERT: the event alone",
            note="the first benchmarks' baseline, without the audit chain's row",
        ),
    ]  # fmt: skip


def bulk(settings: Settings, imports: int) -> list[Figure]:
    """Treaty imports of IMPORT_ROWS rows (1,000 events, one transaction each) against executemany."""
    instruments = list(Instrument)
    blocks = codes(IMPORT_ROWS * ((imports + 3) // 4), seed=12)
    tables = [
        (instruments[n % 4], import_table(blocks[(n // 4) * IMPORT_ROWS : (n // 4 + 1) * IMPORT_ROWS]))
        for n in range(imports)
    ]
    app = Treaties(settings.store_env("Treaties"), participants=SyntheticDirectory())
    try:
        started = time.perf_counter()
        recorded = sum(
            app.import_table(rows, instrument, actor="bench", source="bench").recorded
            for instrument, rows in tables
        )
        ours = recorded / (time.perf_counter() - started)
        rows = rows_of(app.recorder.select_notifications(start=None, limit=recorded + 1))
        links = links_of(cast(ChainedRecorder, app.recorder))
    finally:
        app.close()
    raw = len(rows) / insert(settings, rows, per_transaction=2 * IMPORT_ROWS, links=links)
    events_only = len(rows) / insert(settings, rows, per_transaction=2 * IMPORT_ROWS)
    return [
        Figure(
            benchmark="append", store=settings.store, unit="events/s",
            figure="bulk: treaty import, 1,000 events per transaction",
            ours=ours, baseline=raw, baseline_name="raw executemany: events and links",
            target=f"≥ {BULK_TARGET:g} of baseline", met=ours >= BULK_TARGET * raw,
            note=f"{recorded:,} events in {imports} imports",
        ),
        Figure(
            benchmark="append", store=settings.store, unit="events/s",
            figure="bulk, against the events' rows alone",
            ours=ours, baseline=events_only, baseline_name="raw executemany: events alone",
            note="the first benchmarks' baseline, without the audit chain's rows",
        ),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Append rate through the applications against raw inserts of the same rows.")
    parser.add_argument("--cases", type=int, default=1_500, help="engagements of 7 commands (default 1,500)")
    parser.add_argument("--imports", type=int, default=40, help="treaty imports of 1,000 events (default 40)")
    parser.add_argument(
        "--only", choices=("one", "bulk"), help="run only one figure: one per transaction, or the bulk import"
    )
    options = parser.parse_args(argv)
    with from_arguments(options) as settings:
        figures = [] if options.only == "bulk" else one_per_transaction(settings, options.cases)
        figures += [] if options.only == "one" else bulk(settings, options.imports)
    emit(figures, options.json)


if __name__ == "__main__":
    main()
