"""The web server's own settings, its session secret, and the Temporal UI it serves."""

from __future__ import annotations

import contextlib
import os
import secrets
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from usecases.embedded import UI_PATH, read_stack
from usecases.settings import Settings, bad_settings

SECRET_FILE = "web.secret"
PAGE_SIZE = 25


class WebSettings(BaseSettings):
    """PALERMO_WEB_* variables: where the server listens, its session secret, the largest body it reads,
    how many failed sign-ins it lets pass, how many rows a page of a list shows, and how many processes
    answer."""

    model_config = SettingsConfigDict(env_prefix="PALERMO_WEB_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535, description="Preferred port; the next free one if taken")
    secret: str | None = Field(default=None, description="Signs session cookies; default HOME/web.secret")
    max_body: int = Field(default=256 * 1024, ge=1024, description="Largest request body read, in bytes")
    temporal_ui: str | None = Field(
        default=None,
        description=f"The Temporal UI this app serves read-only at {UI_PATH}: its address, path included",
    )
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only")
    trusted_proxies: str | None = Field(
        default=None, description="Comma-separated addresses of proxies whose X-Forwarded-For is believed"
    )
    accept_within: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="Seconds a step waits for a worker to take it before the answer is 503 with Retry-After",
    )
    stuck_after: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a command waits for a worker or its activity before /incidents calls it stuck",
    )
    sign_in_window: int = Field(default=300, ge=1, description="Seconds a failed sign-in is counted")
    sign_in_failures_per_client: int = Field(
        default=10, ge=1, description="Failures in the window after which an address waits"
    )
    sign_in_failures_per_user: int = Field(
        default=5, ge=1, description="Failures on one token id after which addresses that failed wait"
    )
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=1000, description="Rows a page of each list shows")
    # One for the embedded stack, whose machine also runs the worker, the projector and Temporal.
    workers: int = Field(
        default=1,
        ge=1,
        description="Processes answering on the one port, each with its own caches",
    )

    @field_validator("temporal_ui")
    @classmethod
    def _served_under_ui_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlsplit(value.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"must be the UI's address, such as http://temporal-ui:8080{UI_PATH}")
        # The UI's pages name their scripts by absolute path: it must answer under the path served here.
        if url.path != UI_PATH:
            raise ValueError(f"must end in {UI_PATH}, the path the UI is started under (its public path)")
        return url.geturl()


def load_web_settings() -> WebSettings:
    """Read the PALERMO_WEB_* variables, turning a validation failure into one sentence naming each."""
    try:
        return WebSettings()
    except ValidationError as error:
        raise bad_settings(error, "PALERMO_WEB_") from None


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


def temporal_ui(settings: Settings, web: WebSettings) -> str | None:
    """The Temporal UI this app serves: as configured, else the embedded stack's, else none."""
    if web.temporal_ui:
        return web.temporal_ui
    stack = read_stack(settings.home_dir)
    return stack.ui_url if stack is not None else None
