"""`palermo user …` and the Users log: tokens shown once and stored hashed, access changes audited, and the
address and choice of mail a user is told of overdue steps by."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest
from typer.testing import CliRunner

from activities.users import Users
from cli import user as user_cli
from cli.console import Context
from domain.facts import Fact
from tests.integration.web_app import TEST_COST
from usecases.settings import Settings

runner = CliRunner()


class Cli:
    """The `palermo user` sub-app with PALERMO_HOME at a temporary folder, acting as `actor`."""

    def __init__(self, home: Path) -> None:
        self.settings = Settings(home=home)

    def __call__(self, *args: str, actor: str = "admin") -> tuple[int, str, str]:
        result = runner.invoke(user_cli.app, list(args), obj=Context(settings=self.settings, acting=actor))
        return result.exit_code, result.stdout, result.stderr

    def users(self) -> Users:
        return Users(self.settings.store_env("Users"), cost=TEST_COST)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_a_new_users_token_is_shown_once_and_only_its_hash_is_stored(cli: Cli) -> None:
    code, out, err = cli("add", "a.quispe", "--role", "officer", "--state", "bol", "--region", "europe")

    token = out.strip().splitlines()[-1]
    assert (code, err) == (0, "")
    assert "Added officer a.quispe: BOL, Europe." in out
    user = cli.users().authenticate(token)
    assert user is not None
    assert (user.name, user.scope.states, user.scope.regions) == ("a.quispe", ("BOL",), ("Europe",))
    secret = token.partition(".")[2]
    stored = b"".join(p.read_bytes() for p in cli.settings.home_dir.glob("users.sqlite*"))
    assert token.partition(".")[0].encode() in stored
    assert secret.encode() not in stored
    listed = cli("list", "--json")[1]
    assert secret not in listed
    assert cli.users().authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_new_token_replaces_the_old_and_revoking_locks_the_user_out(cli: Cli) -> None:
    first = cli("add", "m.ruiz", "--role", "manager")[1].strip().splitlines()[-1]

    code, out, _ = cli("token", "m.ruiz")
    second = out.strip().splitlines()[-1]

    assert code == 0
    assert second != first
    assert cli.users().authenticate(first) is None
    assert cli.users().authenticate(second) is not None
    assert cli("revoke", "m.ruiz")[0] == 0
    assert cli.users().authenticate(second) is None
    assert "revoked" in cli("list")[1]


def test_every_change_of_access_is_an_event_naming_who_made_it(cli: Cli) -> None:
    cli("add", "o.diallo", "--role", "officer", "--region", "Africa", actor="admin")

    code, out, _ = cli("assign", "o.diallo", "--state", "PER", "--state", "Chile", actor="chief")
    cli("assign", "o.diallo", "--state", "PER", "--state", "CHL", actor="chief")
    cli("token", "o.diallo", actor="helpdesk")

    assert code == 0
    assert "o.diallo is an officer: PER, CHL." in out
    users = cli.users()
    events = [(type(e).__name__, e.actor) for _, e in _log(users)]
    assert events == [
        ("UserAdded", "admin"),
        ("TokenIssued", "admin"),
        ("AccessChanged", "chief"),
        ("TokenRevoked", "helpdesk"),
        ("TokenIssued", "helpdesk"),
    ]


def _log(users: Users) -> list[tuple[int, Fact]]:
    notes = users.recorder.select_notifications(start=0, limit=100, inclusive_of_start=False)
    return [(n.id, cast(Fact, users.mapper.to_domain_event(n))) for n in notes]


@pytest.mark.parametrize(
    ("args", "mention"),
    [
        (("add", "x", "--role", "officer"), "needs at least one State or region"),
        (("add", "x", "--role", "manager", "--state", "BOL"), "is a manager, who reads everything"),
        (("add", "x", "--role", "officer", "--region", "Antarctica"), "'Antarctica' is not an M49 region"),
        (("add", "x", "--role", "officer", "--state", "ZZZ"), "'ZZZ' is not an ISO 3166 alpha-3 code"),
        (("add", "no spaces", "--role", "auditor"), "is not a user name"),
        (("token", "nobody"), "No user is named 'nobody'"),
        (("assign", "nobody", "--state", "BOL"), "No user is named 'nobody'"),
        (("contact", "nobody", "--email", "nobody@un.example.org"), "No user is named 'nobody'"),
    ],
)
def test_refused_user_commands_say_why_in_one_sentence_and_record_nothing(
    cli: Cli, args: tuple[str, ...], mention: str
) -> None:
    code, out, err = cli(*args)

    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert mention in err
    assert _log(cli.users()) == []


def test_adding_a_user_twice_is_refused(cli: Cli) -> None:
    cli("add", "twin", "--role", "auditor")

    code, _, err = cli("add", "Twin", "--role", "auditor")

    assert code == 1
    assert "already exists" in err
    assert [type(e).__name__ for _, e in _log(cli.users())] == ["UserAdded", "TokenIssued"]


def test_a_users_address_and_choice_of_mail_are_an_event_naming_who_set_them(cli: Cli) -> None:
    cli("add", "a.quispe", "--role", "officer", "--region", "Americas", actor="admin")

    code, out, err = cli("contact", "a.quispe", "--email", " AQ@un.example.org ", "--json", actor="chief")
    again = cli("contact", "a.quispe", "--mail", "each", actor="chief")
    digest = cli("contact", "a.quispe", "--mail", "digest", actor="a.quispe")

    assert (code, err) == (0, "")
    assert (json.loads(out)["email"], json.loads(out)["mail"]) == ("AQ@un.example.org", "each")
    assert again[1] == "a.quispe is told by mail: AQ@un.example.org (each).\n"
    assert digest[1] == "a.quispe is told by mail: AQ@un.example.org (digest).\n"
    changes = [(type(e).__name__, e.actor, e.door) for _, e in _log(cli.users())][2:]
    assert changes == [("ContactChanged", "chief", "cli"), ("ContactChanged", "a.quispe", "cli")]
    [listed] = json.loads(cli("list", "--json")[1])
    assert (listed["email"], listed["mail"]) == ("AQ@un.example.org", "digest")


@pytest.mark.parametrize(
    "address",
    [
        "a.quispe at un.example.org",
        "a.quispe@un",
        "a@un.example.org, b@un.example.org",
        "A. Quispe <a.quispe@un.example.org>",
        "a@un.example.org\nBcc: x@evil.example",
    ],
)
def test_a_bad_address_is_refused_in_one_sentence_and_records_nothing(cli: Cli, address: str) -> None:
    cli("add", "a.quispe", "--role", "officer", "--region", "Americas")
    before = _log(cli.users())

    code, out, err = cli("contact", "a.quispe", "--email", address)

    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1, err
    assert "is not an e-mail address: write one mailbox, as name@example.org." in err
    assert _log(cli.users()) == before
