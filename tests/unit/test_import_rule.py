"""The dependency rule of DESIGN.md, read from the source with `ast`: which layer may import what."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "activities", "workflows", "projections", "audit", "usecases", "cli", "web", "deploy")
# Folders that are not part of the product and may use anything (deploy included).
OUTSIDE = {"tests", "bench", "build"}

DATABASE_MODULES = (
    "psycopg",
    "psycopg2",
    "psycopg_pool",
    "asyncpg",
    "sqlite3",
    "sqlalchemy",
    "eventsourcing.application",
    "eventsourcing.persistence",
    "eventsourcing.postgres",
    "eventsourcing.sqlite",
)
FRONT_DOORS = ("cli", "web")
# Modules a layer must not import, beyond the domain's allowlist below: domain <- activities, projections,
# workflows (activity signatures only) <- audit <- usecases <- cli, web <- deploy.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "activities": ("workflows", "projections", "audit", "usecases", *FRONT_DOORS, "deploy"),
    "workflows": ("projections", "audit", "usecases", *FRONT_DOORS, "deploy", *DATABASE_MODULES),
    "projections": ("activities", "workflows", "audit", "usecases", *FRONT_DOORS, "deploy"),
    "audit": ("workflows", "usecases", *FRONT_DOORS, "deploy"),
    "usecases": (*FRONT_DOORS, "deploy"),
    # The two front doors never import each other; the composition root is above both.
    "cli": ("web", "deploy"),
    "web": ("cli", "deploy"),
    "deploy": (),
}
# What a layer may import although the rule above refuses it: the command line starts and stops the
# embedded stack (`palermo up`, `palermo down`), which the composition root supervises.
ALLOWED: dict[str, tuple[str, ...]] = {"cli": ("deploy.stack",)}
DOMAIN_ALLOWED = ("domain", "pydantic", "pydantic_core", "eventsourcing.domain")
# A clock or randomness read where replays must give the same answer.
CLOCK_CALLS = {
    "datetime.now",
    "datetime.utcnow",
    "datetime.today",
    "date.today",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "uuid.uuid1",
    "uuid.uuid4",
    "os.urandom",
}
RANDOM_CALL_PREFIXES = ("random.", "secrets.")
PURE_LAYERS = ("domain", "workflows")


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def is_stdlib(module: str) -> bool:
    return module.split(".", maxsplit=1)[0] in sys.stdlib_module_names


def imported_modules(tree: ast.AST, package: str) -> Iterator[tuple[int, str, str]]:
    """(line, module as reported, full dotted name) for each import, wherever it sits in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: max(len(parts) - node.level + 1, 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from a import b` may import the module a.b: judge a.b, report a unless a.b decides.
                full = base if alias.name == "*" else f"{base}.{alias.name}"
                yield node.lineno, base, full
        elif isinstance(node, ast.Call) and dotted(node.func) in {"importlib.import_module", "__import__"}:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value, first.value


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def import_refused(layer: str, full: str) -> bool:
    if layer == "domain":
        return not (is_stdlib(full) or within(full, DOMAIN_ALLOWED))
    return within(full, FORBIDDEN[layer]) and not within(full, ALLOWED.get(layer, ()))


def import_violations(label: str, layer: str, tree: ast.AST, package: str) -> list[str]:
    found = []
    for line, module, full in imported_modules(tree, package):
        if import_refused(layer, full):
            # Name the module as written, unless the rule tells its submodules apart (eventsourcing).
            rules = DOMAIN_ALLOWED if layer == "domain" else FORBIDDEN[layer]
            shown = full if any(r.startswith(f"{module}.") for r in rules) else module
            found.append(f"{label}:{line} imports {shown}")
    return list(dict.fromkeys(found))


def clock_violations(label: str, tree: ast.AST) -> list[str]:
    """Calls that read a clock or randomness, names resolved through the module's imports."""
    origin: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                # `import a.b` binds a; `import a.b as c` binds c to a.b.
                if alias.asname:
                    origin[alias.asname] = alias.name
                else:
                    origin[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                origin[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        if not name:
            continue
        head, _, rest = name.partition(".")
        resolved = ".".join(filter(None, (origin.get(head, head), rest)))
        for candidate in dict.fromkeys((resolved, name)):
            if candidate in CLOCK_CALLS or candidate.startswith(RANDOM_CALL_PREFIXES):
                found.append(f"{label}:{node.lineno} calls {candidate}")
                break
    return found


def check_source(label: str, source: str) -> list[str]:
    """Every violation of the rule in one file, given its path relative to the project root."""
    path = Path(label)
    layer = path.parts[0]
    package = ".".join(path.with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    tree = ast.parse(source, filename=label)
    if layer in LAYERS:
        found = import_violations(label, layer, tree, package)
    else:
        # Everything outside the layers (and outside tests/bench) keeps away from the composition root.
        found = [
            f"{label}:{line} imports {module}"
            for line, module, full in imported_modules(tree, package)
            if within(full, ("deploy",))
        ]
    if layer in PURE_LAYERS:
        found += clock_violations(label, tree)
    return found


def project_sources() -> list[Path]:
    skipped = {*OUTSIDE, "node_modules"}
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not any(
            part.startswith(".") or part in skipped or part.endswith(".egg-info")
            for part in p.relative_to(ROOT).parts
        )
    )


def test_the_layers_keep_the_dependency_rule() -> None:
    sources = project_sources()
    checked = {p.relative_to(ROOT).parts[0] for p in sources}
    assert set(LAYERS) <= checked

    violations = [
        v
        for p in sources
        for v in check_source(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
    ]

    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize(
    ("label", "source", "expected"),
    [
        ("domain/rules.py", "import temporalio\n", ["domain/rules.py:1 imports temporalio"]),
        (
            "domain/rules.py",
            "from temporalio import activity, workflow\n",
            ["domain/rules.py:1 imports temporalio"],
        ),
        (
            "domain/rules.py",
            "from __future__ import annotations\nfrom eventsourcing.application import Application\n",
            ["domain/rules.py:2 imports eventsourcing.application"],
        ),
        (
            "domain/rules.py",
            "from eventsourcing import persistence\n",
            ["domain/rules.py:1 imports eventsourcing.persistence"],
        ),
        (
            "domain/rules.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pycountry\n",
            ["domain/rules.py:3 imports pycountry"],
        ),
        (
            "domain/rules.py",
            "def f():\n    from activities import store\n",
            ["domain/rules.py:2 imports activities"],
        ),
        ("domain/rules.py", "from ..deploy import settings\n", ["domain/rules.py:1 imports deploy"]),
        (
            "activities/run.py",
            "from workflows.engagement import EngagementWorkflow\n",
            ["activities/run.py:1 imports workflows.engagement"],
        ),
        ("activities/run.py", "import deploy.settings\n", ["activities/run.py:1 imports deploy.settings"]),
        ("workflows/flow.py", "import psycopg\n", ["workflows/flow.py:1 imports psycopg"]),
        ("workflows/flow.py", "import sqlite3\n", ["workflows/flow.py:1 imports sqlite3"]),
        (
            "workflows/flow.py",
            "from eventsourcing.sqlite import SQLiteFactory\n",
            ["workflows/flow.py:1 imports eventsourcing.sqlite"],
        ),
        (
            "workflows/flow.py",
            "from projections import figures\n",
            ["workflows/flow.py:1 imports projections"],
        ),
        (
            "projections/view.py",
            "from activities.engagements import Engagements\n",
            ["projections/view.py:1 imports activities.engagements"],
        ),
        (
            "projections/view.py",
            "import importlib\nimportlib.import_module('workflows.engagement')\n",
            ["projections/view.py:2 imports workflows.engagement"],
        ),
        (
            "palermo_web/app.py",
            "from deploy.settings import Settings\n",
            ["palermo_web/app.py:1 imports deploy.settings"],
        ),
        ("web/pages.py", "from cli.inputs import parse_date\n", ["web/pages.py:1 imports cli.inputs"]),
        ("cli/case.py", "from web.bodies import Body\n", ["cli/case.py:1 imports web.bodies"]),
        ("cli/case.py", "from deploy.worker import connect\n", ["cli/case.py:1 imports deploy.worker"]),
        (
            "projections/view.py",
            "from audit.chain import walk\n",
            ["projections/view.py:1 imports audit.chain"],
        ),
        (
            "audit/verify.py",
            "from usecases.settings import Settings\n",
            ["audit/verify.py:1 imports usecases.settings"],
        ),
        ("usecases/cases.py", "from web import create_app\n", ["usecases/cases.py:1 imports web"]),
        (
            "domain/rules.py",
            "from datetime import datetime\nx = datetime.now()\n",
            ["domain/rules.py:2 calls datetime.datetime.now"],
        ),
        (
            "domain/rules.py",
            "import datetime as dt\nx = dt.date.today()\n",
            ["domain/rules.py:2 calls datetime.date.today"],
        ),
        ("workflows/flow.py", "import time\nx = time.time()\n", ["workflows/flow.py:2 calls time.time"]),
        (
            "workflows/flow.py",
            "from random import choice\nx = choice([1])\n",
            ["workflows/flow.py:2 calls random.choice"],
        ),
        (
            "workflows/flow.py",
            "import random\nx = random.random()\n",
            ["workflows/flow.py:2 calls random.random"],
        ),
    ],
)
def test_the_checker_reports_each_violation(label: str, source: str, expected: list[str]) -> None:
    assert check_source(label, source) == expected


@pytest.mark.parametrize(
    ("label", "source"),
    [
        (
            "domain/rules.py",
            "from __future__ import annotations\nimport datetime\nfrom uuid import uuid5\n"
            "from pydantic import BaseModel\nimport pydantic_core\n"
            "from eventsourcing.domain import BaseAggregate\n"
            "from eventsourcing import domain\nfrom domain.values import Step\nfrom . import errors\n",
        ),
        (
            "activities/run.py",
            "from eventsourcing.application import Application\nimport pycountry\nimport psycopg\n",
        ),
        (
            "workflows/flow.py",
            "from temporalio import workflow\nfrom activities.engagement_activities import CaseRef\n"
            "x = workflow.now()\ny = workflow.uuid4()\n",
        ),
        ("projections/view.py", "import psycopg\nfrom domain.events import RequestReceived\n"),
        (
            "deploy/worker.py",
            "from workflows.engagement import EngagementWorkflow\nfrom projections import runner\n",
        ),
        ("activities/run.py", "from datetime import datetime\nx = datetime.now()\n"),
        ("cli/stack.py", "from deploy.stack import up\n"),
        (
            "audit/replay.py",
            "from activities.engagements import Engagements\nfrom projections import figures\n",
        ),
        ("usecases/cases.py", "from workflows.client import send\nfrom audit.verify import verify\n"),
        ("web/app.py", "from usecases.settings import Settings\n"),
    ],
)
def test_the_checker_accepts_what_the_rule_allows(label: str, source: str) -> None:
    assert check_source(label, source) == []
