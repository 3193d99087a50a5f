"""The web server's own settings, its session secret, and the address file `palermo up` announces."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console

from deploy.processes import is_running
from deploy.settings import Settings
from deploy.stackfile import read_stack

ADDRESS_FILE = "web.json"
SECRET_FILE = "web.secret"
ANNOUNCE_TIMEOUT_S = 30.0


class WebSettings(BaseSettings):
    """PALERMO_WEB_* variables: where the server listens, its session secret, the largest body it reads."""

    model_config = SettingsConfigDict(env_prefix="PALERMO_WEB_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535, description="Preferred port; the next free one if taken")
    secret: str | None = Field(default=None, description="Signs session cookies; default HOME/web.secret")
    max_body: int = Field(default=256 * 1024, ge=1024, description="Largest request body read, in bytes")
    temporal_ui: str | None = Field(default=None, description="Temporal Web UI address for workflow links")
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only")


class WebAddress(BaseModel):
    """What a running web server writes to HOME/web.json once it listens."""

    model_config = ConfigDict(frozen=True)

    url: str
    pid: int


def session_secret(settings: Settings, web: WebSettings) -> str:
    """The configured secret, else one kept in the home folder (created once, readable by its owner only)."""
    if web.secret:
        return web.secret
    path = settings.home_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
        partial.write_text(secrets.token_urlsafe(48))
        partial.chmod(0o600)
        # Two servers starting at once: the first file in place wins, and both read it below.
        with contextlib.suppress(FileExistsError):
            os.link(partial, path)
        partial.unlink()
    return path.read_text().strip()


def temporal_ui(settings: Settings, web: WebSettings) -> str:
    """The Temporal Web UI: as configured, else the embedded stack's, else the default port on loopback."""
    if web.temporal_ui:
        return web.temporal_ui.rstrip("/")
    stack = read_stack(settings.home_dir)
    return stack.ui_url if stack is not None else f"http://127.0.0.1:{settings.temporal_ui_port}"


def write_address(home: Path, url: str) -> None:
    target = home / ADDRESS_FILE
    partial = target.with_name(f".{ADDRESS_FILE}.{os.getpid()}")
    partial.write_text(WebAddress(url=url, pid=os.getpid()).model_dump_json())
    partial.replace(target)


def remove_address(home: Path) -> None:
    target = home / ADDRESS_FILE
    with contextlib.suppress(OSError, ValidationError):
        if WebAddress.model_validate_json(target.read_bytes()).pid == os.getpid():
            target.unlink()


def running_address(home: Path) -> WebAddress | None:
    """The address of the web server running for `home`, if one runs."""
    try:
        found = WebAddress.model_validate_json((home / ADDRESS_FILE).read_bytes())
    except (OSError, ValidationError):
        return None
    return found if is_running(found.pid, None) else None


def announce(settings: Settings, console: Console, timeout: float = ANNOUNCE_TIMEOUT_S) -> WebAddress | None:
    """Print where the web app is, once its server listens (for `palermo up`)."""
    deadline = time.monotonic() + timeout
    while (found := running_address(settings.home_dir)) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if found is None:
        console.print(f"The web app did not start; see {settings.home_dir / 'logs' / 'web.log'}.")
        return None
    console.print(f"  Web app           {found.url}  (sign in with a token: palermo user token NAME)")
    return found
