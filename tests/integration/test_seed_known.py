"""The seed's facts were known on the date of the report: figures "as known at" that date count them, though
they were recorded years later; a fact recorded now counts from now."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from typer.testing import CliRunner, Result

from cli.app import app
from domain.facts import Fact
from domain.outreach import CooperationActivity, CooperationKind
from projections.facts import project
from projections.figures import Figures
from usecases.seed import COOPERATION, MEETINGS

AS_OF = "2002-03-04"


def run(home: Path, *args: str) -> Result:
    env = {"PALERMO_HOME": str(home), "PALERMO_STORE": "sqlite", "PALERMO_ACTOR": "clerk"}
    return CliRunner().invoke(app, list(args), env=env)


def known_at(home: Path, moment: str) -> Figures:
    asked = run(home, "report", "figures", "--as-of", AS_OF, "--year", "2001", "--known-at", moment, "--json")
    assert asked.exit_code == 0, asked.output
    return Figures.model_validate_json(asked.stdout)


def test_the_seeds_facts_count_as_known_on_the_reports_date_and_not_before(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "seed").exit_code == 0
    added = run(
        home, "cooperation", "record", "HRV", "--kind", "workshop", "--title", "Workshop",
        "--effective", "2001-06-01",
    )  # fmt: skip
    assert added.exit_code == 0, added.output

    then = known_at(home, "2002-03-04T12:00:00+00:00")
    assert (then.meetings_held, then.cooperation_activities) == (len(MEETINGS), len(COOPERATION))
    assert then.states_reached > 60
    before = known_at(home, "2002-03-03T23:59:00+00:00")
    assert (before.meetings_held, before.states_reached, before.cooperation_activities) == (0, 0, 0)
    now = known_at(home, datetime.now(UTC).isoformat())
    assert now.cooperation_activities == len(COOPERATION) + 1

    explained = run(
        home, "report", "explain", "cooperation_activities", "--as-of", AS_OF, "--year", "2001", "--json"
    )
    rows = json.loads(explained.stdout)
    seeded = [r for r in rows if r["known_from"] is not None]
    assert len(seeded) == len(COOPERATION)
    assert {r["known_from"][:10] for r in seeded} == {"2002-03-04"}
    assert all(r["recorded_at"][:4] != "2002" for r in rows)  # recorded now, known then


def test_a_fact_known_only_once_recorded_counts_from_its_recording() -> None:
    recorded = datetime(2003, 1, 2, 9, tzinfo=UTC)
    activity = CooperationActivity.record(
        state="HRV", kind=CooperationKind.SEMINAR, title="S", partners=(), effective_date=date(2002, 1, 1),
        recorded_at=recorded, actor="a", source=None, known_on=date(2004, 1, 1),
    )  # fmt: skip
    event = cast(Fact, activity.collect_events()[0])
    assert project(event, "Outreach", 1).known_from is None
    earlier = cast(Fact, CooperationActivity.record(
        state="HRV", kind=CooperationKind.SEMINAR, title="S", partners=(), effective_date=date(2002, 1, 1),
        recorded_at=recorded, actor="a", source=None, known_on=date(2002, 3, 4),
    ).collect_events()[0])  # fmt: skip
    assert project(earlier, "Outreach", 1).known_from == datetime(2002, 3, 4, tzinfo=UTC)
