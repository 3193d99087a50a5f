"""The mail settings: each a row of the README's Settings table with its default; mail is off without a server
(an empty variable included); a password is never sent in clear; a bad one is named in one sentence."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from usecases.settings import Settings, SettingsError, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"
MAIL = ("smtp_", "public_url", "mail_")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("PALERMO_"):
            monkeypatch.delenv(name)


def refusal(monkeypatch: pytest.MonkeyPatch, **variables: str) -> str:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    return str(refused.value)


def test_every_mail_setting_is_in_the_readme_settings_table_with_its_default() -> None:
    table = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(PALERMO_[A-Z_]+)` \| ([^|]+) \|", table, flags=re.MULTILINE))

    missing = []
    for name, field in Settings.model_fields.items():
        if not name.startswith(MAIL):
            continue
        variable, default = f"PALERMO_{name.upper()}", field.default
        shown = None if default is None else f"`{str(default).lower()}`"
        if variable not in rows or (shown is not None and rows[variable].strip() != shown):
            missing.append(variable)

    assert missing == []
    assert len([n for n in Settings.model_fields if n.startswith(MAIL)]) == 8


def test_mail_is_off_without_a_server_and_an_empty_variable_means_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().smtp_host is None
    monkeypatch.setenv("PALERMO_SMTP_HOST", "")
    monkeypatch.setenv("PALERMO_SMTP_USER", " ")
    monkeypatch.setenv("PALERMO_SMTP_PASSWORD", "")

    assert (load_settings().smtp_host, load_settings().smtp_user) == (None, None)
    monkeypatch.setenv("PALERMO_SMTP_HOST", "smtp.un.example.org")
    assert load_settings().smtp_host == "smtp.un.example.org"


def test_a_password_is_sent_over_tls_only(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, PALERMO_SMTP_USER="palermo", PALERMO_SMTP_PASSWORD="secret")

    assert message == (
        "Bad setting — PALERMO_SMTP_USER needs PALERMO_SMTP_STARTTLS=true: a password is never sent in clear"
    )
    monkeypatch.setenv("PALERMO_SMTP_STARTTLS", "true")
    assert load_settings().smtp_password is not None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PALERMO_SMTP_SENDER", "Palermo <palermo@un.example.org>"),
        ("PALERMO_SMTP_PORT", "0"),
        ("PALERMO_PUBLIC_URL", "palermo.example.org"),
        ("PALERMO_MAIL_DIGEST_HOUR", "24"),
    ],
)
def test_a_bad_mail_setting_is_named_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    message = refusal(monkeypatch, **{variable: value})

    assert message.startswith(f"Bad setting — {variable}: ")
    assert "\n" not in message
