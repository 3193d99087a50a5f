"""Each application's events land in its own log on PostgreSQL, whatever else has opened the database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from activities.engagements import Engagements
from domain.commands import OpenEngagement
from domain.values import Instrument
from usecases.read_models import sources
from usecases.settings import Settings

pytestmark = pytest.mark.postgres


def test_a_case_opened_after_the_projector_started_is_stored_in_the_engagements_log(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, store="postgres", database_url=fresh_postgres_url)
    worker = Engagements(settings.store_env("Engagements"), clock=lambda: datetime(2002, 3, 4, tzinfo=UTC))
    # The projector opens every application's log, as deploy.projector does at start.
    logs = {log.name: log for log in sources(settings)}
    try:
        worker.handle(
            OpenEngagement(state="BOL", effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))
        )

        assert {name: log.last() for name, log in logs.items()} == {
            "Engagements": 1,
            "Treaties": 0,
            "Outreach": 0,
            "Resources": 0,
            "Legislation": 0,
        }
        assert worker.case("BOL") is not None
    finally:
        worker.close()
        for log in logs.values():
            log.close()
