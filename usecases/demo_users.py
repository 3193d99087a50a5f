"""Demo users for `palermo up --demo`: an officer, a manager and an auditor, their tokens shown once."""

from __future__ import annotations

from rich.console import Console

from activities.users import Users
from domain.user import Role
from domain.values import Door
from usecases.settings import Settings

# The officer acts on the regions holding most of the demo requests (Europe 5, the Americas 3).
DEMO_USERS: tuple[tuple[str, Role, tuple[str, ...]], ...] = (
    ("demo-officer", Role.OFFICER, ("Europe", "Americas")),
    ("demo-manager", Role.MANAGER, ()),
    ("demo-auditor", Role.AUDITOR, ()),
)


def add_demo_users(settings: Settings, console: Console) -> dict[str, str]:
    """Add the demo users that are missing; returns (and prints) the tokens of those added now."""
    users = Users(settings.store_env("Users"))
    added: dict[str, str] = {}
    try:
        for name, role, regions in DEMO_USERS:
            if users.user(name) is None:
                _, added[name] = users.add(name, role, users.scope((), regions), actor="demo", door=Door.CLI)
    finally:
        users.close()
    if not added:
        names = ", ".join(name for name, _, _ in DEMO_USERS)
        console.print(f"Demo users: {names}.", highlight=False)
        return added
    console.print("Demo users (each token is shown once):", highlight=False)
    for name, token in added.items():
        console.print(f"  {name:<14} {token}", highlight=False, soft_wrap=True)
    return added
