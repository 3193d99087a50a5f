"""Deployment settings: a bad PALERMO_* variable is named in one sentence; database URLs reach the store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from activities.engagements import Engagements
from domain.commands import OpenEngagement
from domain.values import Instrument
from tests.servers import PostgresCluster
from usecases.settings import DEFAULT_DUE_DAYS, ClientTls, Settings, SettingsError, load_settings
from web.config import load_web_settings

# Every character a password may hold that means something in a URL.
AWKWARD_PASSWORD = "p@ss:w/rd%?#&= ü"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the variables a test sets are seen: none leak in from the shell running the tests."""
    for name in list(os.environ):
        if name.upper().startswith("PALERMO_"):
            monkeypatch.delenv(name)


def refusal(monkeypatch: pytest.MonkeyPatch, **variables: str) -> str:
    """The message of the SettingsError that load_settings raises under these variables."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message, message
    return message


def test_an_unknown_store_is_refused_naming_palermo_store(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, PALERMO_STORE="mongo")
    assert "PALERMO_STORE" in message
    assert "'sqlite'" in message
    assert "'postgres'" in message


def test_due_days_for_an_unknown_step_are_refused_naming_palermo_due_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = refusal(monkeypatch, PALERMO_DUE_DAYS='{"nope": 3}')
    assert "PALERMO_DUE_DAYS" in message
    assert "nope" in message


def test_due_days_of_zero_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, PALERMO_DUE_DAYS='{"gap_list": 0}')
    assert "PALERMO_DUE_DAYS" in message
    assert "greater than zero" in message


def test_due_days_that_are_not_json_are_refused_naming_palermo_due_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = refusal(monkeypatch, PALERMO_DUE_DAYS="ninety")
    assert message.startswith("Bad setting")
    assert "PALERMO_DUE_DAYS:" in message
    assert "JSON" in message


def test_a_bad_number_of_due_days_names_the_variable_that_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, PALERMO_DUE_DAYS='{"gap_list": "soon"}')
    assert "PALERMO_DUE_DAYS " in message
    assert "gap_list" in message
    # There is no such variable to look for.
    assert "PALERMO_DUE_DAYS_GAP_LIST" not in message


def test_due_days_given_for_some_steps_keep_the_defaults_of_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PALERMO_DUE_DAYS", '{"gap_list": 30}')
    due_days = load_settings().due_days
    assert due_days == {**DEFAULT_DUE_DAYS, "gap_list": 30}
    assert DEFAULT_DUE_DAYS["gap_list"] != 30


@pytest.mark.parametrize(
    "address", ["http://temporal-ui:8080", "http://temporal-ui:8080/ui", "temporal-ui:8080/temporal"]
)
def test_a_temporal_ui_not_served_under_temporal_is_refused_naming_palermo_web_temporal_ui(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.setenv("PALERMO_WEB_TEMPORAL_UI", address)
    with pytest.raises(SettingsError) as refused:
        load_web_settings()
    message = str(refused.value)
    assert message.startswith("Bad setting — PALERMO_WEB_TEMPORAL_UI:"), message
    assert "/temporal" in message
    assert "\n" not in message


def test_the_temporal_ui_address_is_kept_without_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALERMO_WEB_TEMPORAL_UI", "http://temporal-ui:8080/temporal/")
    assert load_web_settings().temporal_ui == "http://temporal-ui:8080/temporal"


def test_temporal_tls_files_given_in_part_are_refused_naming_the_missing_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = refusal(monkeypatch, PALERMO_TEMPORAL_TLS_CERT="/run/secrets/palermo.pem")
    assert message.startswith(
        "Bad setting — PALERMO_TEMPORAL_TLS_KEY and PALERMO_TEMPORAL_TLS_CA are missing:"
    )
    assert "Value error" not in message
    monkeypatch.setenv("PALERMO_TEMPORAL_TLS_KEY", "/run/secrets/palermo.key")
    assert "PALERMO_TEMPORAL_TLS_CA is missing" in refusal(monkeypatch)


def test_an_unreadable_temporal_tls_file_is_named_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("cert", "key"):
        (tmp_path / name).write_text(name)
        monkeypatch.setenv(f"PALERMO_TEMPORAL_TLS_{name.upper()}", str(tmp_path / name))
    monkeypatch.setenv("PALERMO_TEMPORAL_TLS_CA", str(tmp_path / "nowhere.pem"))
    settings = load_settings()

    with pytest.raises(SettingsError) as refused:
        settings.temporal_tls()
    assert (
        str(refused.value)
        == f"PALERMO_TEMPORAL_TLS_CA: cannot read {tmp_path / 'nowhere.pem'} (No such file or directory)."
    )
    (tmp_path / "nowhere.pem").write_text("ca")
    assert settings.temporal_tls() == ClientTls(cert=b"cert", key=b"key", ca=b"ca")
    for name in ("CERT", "KEY", "CA"):
        monkeypatch.delenv(f"PALERMO_TEMPORAL_TLS_{name}")
    assert load_settings().temporal_tls() is None


def test_a_postgres_store_without_a_database_url_names_palermo_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PALERMO_STORE", "postgres")
    settings = load_settings()
    with pytest.raises(SettingsError, match="PALERMO_DATABASE_URL"):
        settings.store_env("Engagements")


@pytest.mark.parametrize(
    "url",
    [
        "mysql://palermo:secret@db.example.org/palermo",
        "postgresql://palermo:secret@db.example.org:port/palermo",
        "postgresql://palermo:secret@db.example.org:70000/palermo",
    ],
)
def test_an_unusable_database_url_is_refused_naming_palermo_database_url(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    message = refusal(monkeypatch, PALERMO_STORE="postgres", PALERMO_DATABASE_URL=url)
    assert "PALERMO_DATABASE_URL" in message


def test_a_database_url_becomes_the_postgres_keys_with_its_parts_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = (
        f"postgresql://{quote('case officer', safe='')}:{quote(AWKWARD_PASSWORD, safe='')}"
        "@DB.Example.org:6543/palermo%20cases"
    )
    monkeypatch.setenv("PALERMO_STORE", "postgres")
    monkeypatch.setenv("PALERMO_DATABASE_URL", url)

    env = load_settings().store_env("Engagements")

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_USER"] == "case officer"
    assert env["POSTGRES_PASSWORD"] == AWKWARD_PASSWORD
    assert env["POSTGRES_HOST"] == "db.example.org"
    assert env["POSTGRES_PORT"] == "6543"
    assert env["POSTGRES_DBNAME"] == "palermo cases"


def test_a_bare_database_url_takes_the_postgres_defaults() -> None:
    env = Settings(store="postgres", database_url="postgres://db.example.org").store_env("Engagements")
    assert env["POSTGRES_HOST"] == "db.example.org"
    assert env["POSTGRES_PORT"] == "5432"
    assert env["POSTGRES_DBNAME"] == "palermo"
    assert env["POSTGRES_USER"] == "postgres"
    assert env["POSTGRES_PASSWORD"] == ""


def test_each_application_gets_its_own_sqlite_file_under_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "new" / "home")
    engagements = settings.store_env("Engagements")
    caseload = settings.store_env("Caseload")

    assert engagements["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert Path(engagements["ENGAGEMENTS_SQLITE_DBNAME"]) == tmp_path / "new" / "home" / "engagements.sqlite"
    assert Path(caseload["CASELOAD_SQLITE_DBNAME"]) == tmp_path / "new" / "home" / "caseload.sqlite"
    assert (tmp_path / "new" / "home").is_dir()


@pytest.fixture
def awkward_role_database(postgres_cluster: PostgresCluster) -> Iterator[tuple[str, str]]:
    """A database owned by a new role whose password needs percent-encoding: (role, database)."""
    role = f"officer_{uuid.uuid4().hex[:12]}"
    database = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(AWKWARD_PASSWORD)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(role))
        )
    yield role, database
    postgres_cluster.drop_database(database)
    with psycopg.connect(postgres_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.mark.postgres
def test_engagements_open_on_a_database_url_with_an_encoded_password(
    monkeypatch: pytest.MonkeyPatch, postgres_cluster: PostgresCluster, awkward_role_database: tuple[str, str]
) -> None:
    role, database = awkward_role_database
    url = (
        f"postgresql://{role}:{quote(AWKWARD_PASSWORD, safe='')}@127.0.0.1:{postgres_cluster.port}/{database}"
    )
    monkeypatch.setenv("PALERMO_STORE", "postgres")
    monkeypatch.setenv("PALERMO_DATABASE_URL", url)

    app = Engagements(
        load_settings().store_env("Engagements"), clock=lambda: datetime(2002, 3, 4, 9, 30, tzinfo=UTC)
    )
    try:
        app.handle(
            OpenEngagement(state="PER", effective_date=date(2001, 9, 3), instruments=(Instrument.CONVENTION,))
        )
    finally:
        app.close()

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM engagements_events").fetchone()
    assert row == (1,)
