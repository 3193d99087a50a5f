"""Audit bundles checked on another machine with the key alone, and `palermo audit` on the command line."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import cast

import pytest
import typer
from typer.testing import CliRunner, Result

from audit.bundle import EVENTS, FIGURES, MANIFEST, Manifest, unsigned_manifest
from audit.bundle_check import BundleInvalid, LineageBroken, verify_bundle
from audit.verify import AuditFailed, sign
from cli import app as cli
from cli import audit as audit_cli
from cli import console
from domain.engagement import engagement_id
from tests.integration.audit_store import Store, recorded_store
from usecases.audits import export

REPORT_DAY = date(2002, 3, 4)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    url = cast(str, request.getfixturevalue("fresh_postgres_url")) if request.param == "postgres" else None
    return recorded_store(request.param, tmp_path / "home", url)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return recorded_store("sqlite", tmp_path / "home", None)


def exported(store: Store, folder: Path, scope: str | None = None) -> Path:
    path = folder / "bundle.zip"
    export(store.settings, store.key, path, scope=scope, as_of=REPORT_DAY)
    return path


def lines(path: Path) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as bundle:
        return [json.loads(line) for line in bundle.read(EVENTS).splitlines()]


def rewrite(path: Path, changes: dict[str, bytes], key: bytes | None) -> None:
    """Replace members of the bundle; with `key`, sign the manifest again as an insider with the key could."""
    with zipfile.ZipFile(path) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()} | changes
    if key is not None:
        manifest = Manifest.model_validate_json(members[MANIFEST])
        files = {name: hashlib.sha256(members[name]).hexdigest() for name in manifest.files}
        manifest = manifest.model_copy(update={"files": files})
        signature = sign(key, b"palermo-bundle", unsigned_manifest(manifest))
        members[MANIFEST] = manifest.model_copy(update={"signature": signature}).model_dump_json().encode()
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)


def key_of(store: Store) -> str:
    value = store.settings.audit_key
    assert value is not None
    return value.get_secret_value()


def jsonl(rows: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def test_a_bundle_verifies_in_another_folder_with_the_key_alone(store: Store, tmp_path: Path) -> None:
    made = exported(store, tmp_path / "out")
    elsewhere = tmp_path / "elsewhere" / "bundle.zip"
    elsewhere.parent.mkdir()
    shutil.move(made, elsewhere)
    if store.kind == "sqlite":
        shutil.rmtree(store.settings.home_dir)  # nothing of the store is left to consult

    checked = verify_bundle(elsewhere, store.key)

    assert (checked.scope, checked.events, checked.applications) == ("all", 11, 5)
    assert checked.cited > 0
    assert [line["position"] for line in lines(elsewhere) if line["application"] == "Engagements"] == list(
        range(1, 9)
    )


def test_an_edited_bundle_is_refused_as_altered(sqlite_store: Store, tmp_path: Path) -> None:
    path = exported(sqlite_store, tmp_path)
    rows = lines(path)
    rows[2]["state"] = str(rows[2]["state"]).replace("officer", "intruder")
    rewrite(path, {EVENTS: jsonl(rows)}, key=None)

    with pytest.raises(BundleInvalid, match=r"events\.jsonl was altered"):
        verify_bundle(path, sqlite_store.key)


def test_an_event_edited_and_signed_again_without_rechaining_is_named(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = exported(sqlite_store, tmp_path)
    rows = lines(path)
    assert rows[2]["position"] == 3
    assert "officer" in str(rows[2]["state"])
    rows[2]["state"] = str(rows[2]["state"]).replace("officer", "intruder")
    rewrite(path, {EVENTS: jsonl(rows)}, key=sqlite_store.key)

    with pytest.raises(AuditFailed) as failed:
        verify_bundle(path, sqlite_store.key)

    assert [(f.application, f.position, f.reason) for f in failed.value.failures] == [
        ("Engagements", 3, "modified")
    ]


def test_a_bundle_without_its_last_events_is_caught_against_its_seal(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = exported(sqlite_store, tmp_path)
    rows = [row for row in lines(path) if (row["application"], row["position"]) != ("Engagements", 8)]
    rewrite(path, {EVENTS: jsonl(rows)}, key=sqlite_store.key)

    with pytest.raises(AuditFailed) as failed:
        verify_bundle(path, sqlite_store.key)

    assert [(f.application, f.position, f.reason) for f in failed.value.failures] == [
        ("Engagements", 8, "cut off")
    ]


def test_figures_the_events_do_not_give_are_caught(sqlite_store: Store, tmp_path: Path) -> None:
    path = exported(sqlite_store, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        document = json.loads(bundle.read(FIGURES))
    assert document["figures"]["requests_received"] == 2
    document["figures"]["requests_received"] = 3
    rewrite(path, {FIGURES: json.dumps(document).encode()}, key=sqlite_store.key)

    with pytest.raises(LineageBroken, match="requests_received: the bundle says 3, its events give 2"):
        verify_bundle(path, sqlite_store.key)


def test_lineage_citing_an_event_the_bundle_lacks_is_caught(sqlite_store: Store, tmp_path: Path) -> None:
    path = exported(sqlite_store, tmp_path)
    with zipfile.ZipFile(path) as bundle:
        document = json.loads(bundle.read(FIGURES))
    document["lineage"]["requests_received"][0]["position"] = 999
    rewrite(path, {FIGURES: json.dumps(document).encode()}, key=sqlite_store.key)

    with pytest.raises(LineageBroken, match="requests_received cites Engagements position 999"):
        verify_bundle(path, sqlite_store.key)


def test_a_bundle_of_one_engagement_holds_only_its_events_and_verifies(store: Store, tmp_path: Path) -> None:
    path = exported(store, tmp_path, scope="KEN")

    rows = lines(path)
    checked = verify_bundle(path, store.key)

    assert {str(row["originator_id"]) for row in rows} == {str(engagement_id("KEN"))}
    assert [row["originator_version"] for row in rows] == [1, 2, 3, 4]
    assert (checked.scope, checked.events) == ("KEN", 4)
    with zipfile.ZipFile(path) as bundle:
        cited = json.loads(bundle.read(FIGURES))["lineage"]
    assert {row["subject"] for facts in cited.values() for row in facts} == {"KEN"}


def test_a_one_engagement_bundle_missing_a_version_is_caught(sqlite_store: Store, tmp_path: Path) -> None:
    path = exported(sqlite_store, tmp_path, scope="KEN")
    rows = [row for row in lines(path) if row["originator_version"] != 2]
    rewrite(path, {EVENTS: jsonl(rows)}, key=sqlite_store.key)

    with pytest.raises(AuditFailed) as failed:
        verify_bundle(path, sqlite_store.key)

    assert [(f.position, f.reason) for f in failed.value.failures] == [(3, "deleted")]


def palermo() -> typer.Typer:
    """The `palermo` command with its global options and the audit group, composed as deploy/cli.py will."""
    root = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
    root.callback()(cli.configure)
    root.add_typer(audit_cli.app, name="audit")
    return root


def run(store: Store, *args: str, **env: str) -> Result:
    base = {"PALERMO_HOME": str(store.settings.home_dir), "PALERMO_STORE": "sqlite"}
    return CliRunner().invoke(palermo(), list(args), env=base | {"PALERMO_AUDIT_KEY": key_of(store)} | env)


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_the_audit_commands_verify_seal_export_and_name_a_broken_position(
    sqlite_store: Store, tmp_path: Path
) -> None:
    store = sqlite_store
    seal, bundle = tmp_path / "seal.json", tmp_path / "bundle.zip"

    verified = run(store, "audit", "verify")
    sealed = run(store, "audit", "seal", "--out", str(seal))
    exported_all = run(store, "audit", "export", "--out", str(bundle), "--as-of", "2002-03-04")
    state = store.row(3)[3]
    store.sql("Engagements", "UPDATE {events} SET state = ? WHERE {pos} = ?", (bytes(state) + b" ", 3))
    broken = run(store, "audit", "verify", "--seal", str(seal))
    # Another machine: no store at all, and a database address nothing listens on.
    away = {"PALERMO_HOME": str(tmp_path / "away"), "PALERMO_STORE": "postgres"}
    away["PALERMO_DATABASE_URL"] = "postgresql://auditor@127.0.0.1:9/nowhere"
    bundle_checked = run(store, "audit", "verify", "--bundle", str(bundle), **away)
    wrong_key = run(store, "audit", "verify", "--bundle", str(bundle), **away, PALERMO_AUDIT_KEY="ab" * 32)

    assert (verified.exit_code, verified.stdout.strip()) == (0, "verified 11 events in 7 applications")
    assert sealed.exit_code == 0
    assert json.loads(seal.read_text())["applications"]["Engagements"]["events"] == 8
    assert exported_all.exit_code == 0, exported_all.output
    assert broken.exit_code == 1
    assert "Engagements: position 3 modified" in plain(broken.output)
    assert bundle_checked.exit_code == 0, bundle_checked.output
    assert bundle_checked.stdout.startswith("verified 11 events in 5 applications (bundle of every event")
    assert wrong_key.exit_code == 1
    assert "signed with key" in plain(wrong_key.output)
    assert not (tmp_path / "away").exists()


def test_a_long_verification_shows_a_progress_bar(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "BAR_FROM_EVENTS", 1)

    shown = run(sqlite_store, "audit", "verify", TTY_COMPATIBLE="1", TERM="xterm-256color")

    assert shown.exit_code == 0
    assert "Verifying" in plain(shown.output)
