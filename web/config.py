"""The web server's own settings, its session secret, and the Temporal UI it links to."""

from __future__ import annotations

import contextlib
import os
import secrets

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from usecases.embedded import read_stack
from usecases.settings import Settings

SECRET_FILE = "web.secret"


class WebSettings(BaseSettings):
    """PALERMO_WEB_* variables: where the server listens, its session secret, the largest body it reads,
    and how many failed sign-ins it lets pass."""

    model_config = SettingsConfigDict(env_prefix="PALERMO_WEB_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535, description="Preferred port; the next free one if taken")
    secret: str | None = Field(default=None, description="Signs session cookies; default HOME/web.secret")
    max_body: int = Field(default=256 * 1024, ge=1024, description="Largest request body read, in bytes")
    temporal_ui: str | None = Field(default=None, description="Temporal Web UI address for workflow links")
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only")
    trusted_proxies: str | None = Field(
        default=None, description="Comma-separated addresses of proxies whose X-Forwarded-For is believed"
    )
    sign_in_window: int = Field(default=300, ge=1, description="Seconds a failed sign-in is counted")
    sign_in_failures_per_client: int = Field(
        default=10, ge=1, description="Failures in the window after which an address waits"
    )
    sign_in_failures_per_user: int = Field(
        default=5, ge=1, description="Failures on one token id after which addresses that failed wait"
    )


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
