"""`palermo audit …`: verify the event store's chains (or a bundle), seal their heads, export a bundle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from eventsourcing.persistence import PersistenceError

from activities.store.chain import AuditKeyError
from activities.store.chain_store import AdoptionRefused, ChainAhead, UnchainedHistory
from audit.bundle import NothingToExport
from audit.bundle_check import BundleInvalid, LineageBroken, bundle_size, verify_bundle
from audit.verify import AuditFailed, Seal, SealInvalid, read_seal, total_positions
from cli.console import Context, errors, fail, progress_bar
from usecases.audits import adopt, audit_key, export, logs, make_seal, verify
from usecases.inputs import parse_date
from usecases.settings import SettingsError

app = typer.Typer(
    help="Tamper evidence: verify the event store's audit chains, seal their heads, export bundles."
)

T = TypeVar("T")
AUDIT_ERRORS = (
    AuditKeyError, SealInvalid, BundleInvalid, LineageBroken, NothingToExport, UnchainedHistory, ChainAhead,
    AdoptionRefused, SettingsError,
)  # fmt: skip
KeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key-file", help="The audit key's file (default: PALERMO_AUDIT_KEY, else PALERMO_HOME/audit.key)."
    ),
]


def guarded(action: Callable[[], T]) -> T:
    """`action`, with a refusal as one sentence; a broken chain lists each log's first break."""
    try:
        return action()
    except AUDIT_ERRORS as error:
        fail(str(error))
    except AuditFailed as failed:
        for failure in failed.failures:
            errors.print(f"[red]Broken:[/] {failure.sentence()}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except PersistenceError as error:
        fail(f"The event store could not be read: {error}.")
    except OSError as error:
        fail(f"{error.strerror or error}: {error.filename}." if error.filename else f"{error}.")


def _total(context: Context) -> int:
    with logs(context.settings) as opened:
        return total_positions(opened)


def _walked(context: Context, label: str, action: Callable[[Callable[[int], None]], T]) -> T:
    total = guarded(lambda: _total(context))
    with progress_bar(context.console, total, label) as advance:
        return guarded(lambda: action(advance))


def _in(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    seal: Annotated[
        Path | None, typer.Option("--seal", help="Also check the store against this seal.")
    ] = None,
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="Check this exported bundle instead of the store.")
    ] = None,
    key_file: KeyFile = None,
) -> None:
    """Recompute every audit chain; exit non-zero naming the first broken position of each log."""
    context: Context = ctx.obj
    if seal is not None and bundle is not None:
        fail("--seal and --bundle cannot be combined: a bundle carries its own seal.")
    key = guarded(lambda: audit_key(context.settings, key_file))
    if bundle is not None:
        with progress_bar(context.console, bundle_size(bundle), "Verifying the bundle") as advance:
            checked = guarded(lambda: verify_bundle(bundle, key, advance))
        scope = "every event" if checked.scope == "all" else f"the engagement of {checked.scope}"
        typer.echo(
            f"verified {_in(checked.events, 'event')} in {_in(checked.applications, 'application')} "
            f"(bundle of {scope}; {checked.cited} lineage rows checked)"
        )
        return
    sealed: Seal | None = None
    if seal is not None:
        sealed = guarded(lambda: read_seal(seal.read_text(), key))
    result = _walked(context, "Verifying", lambda advance: verify(context.settings, key, sealed, advance))
    against = f" against the seal of {sealed.sealed_at:%Y-%m-%d %H:%M:%S} UTC" if sealed else ""
    documents = f" and {_in(result.documents, 'document')}" if result.documents else ""
    typer.echo(
        f"verified {_in(result.events, 'event')} in {_in(len(result.applications), 'application')}"
        f"{documents}{against}"
    )


@app.command("seal")
def seal_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the seal here (default: print it).")
    ] = None,
) -> None:
    """Verify the chains, then sign every log's head: keep the seal outside the database."""
    context: Context = ctx.obj
    key = guarded(lambda: audit_key(context.settings))
    made = _walked(context, "Sealing", lambda advance: make_seal(context.settings, key, advance))
    text = made.model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
        return
    guarded(lambda: out.write_text(text + "\n"))
    events = sum(head.events for head in made.applications.values())
    typer.echo(f"sealed {_in(events, 'event')} in {_in(len(made.applications), 'application')}: {out}")


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The bundle file to write (a zip).")],
    state: Annotated[
        str | None,
        typer.Argument(metavar="[ISO3]", help="Only this State's engagement; default every event."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Effective date of the figures (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Write a bundle (events as JSON lines, a seal, the figures with lineage) to check on another machine."""
    context: Context = ctx.obj
    day = context.run(lambda: parse_date(as_of, "--as-of", context.today()))
    scope = context.participant(state).code if state is not None else None
    key = guarded(lambda: audit_key(context.settings))
    manifest = _walked(
        context,
        "Exporting",
        lambda advance: export(context.settings, key, out, scope=scope, as_of=day, progress=advance),
    )
    events = sum(r.events for r in manifest.applications.values())
    typer.echo(f"exported {_in(events, 'event')} ({scope or 'every application'}) as of {day}: {out}")


@app.command("adopt")
def adopt_command(ctx: typer.Context) -> None:
    """Chain the events of a store recorded before the audit chain existed (once; a begun chain is kept)."""
    context: Context = ctx.obj
    adopted = guarded(lambda: adopt(context.settings))
    for name, count in adopted.items():
        typer.echo(f"{name}: " + ("already chained" if count is None else f"chained {_in(count, 'event')}"))


# `palermo audit replay` (deploy/audit_replay_cli.py): cases and figures rebuilt from the raw events alone.
from cli.audit_replay import replay_command  # noqa: E402 - kept apart from the chain commands above

app.command("replay")(replay_command)
