"""Typed settings read from PALERMO_* environment variables, with a clear error naming a bad one."""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from activities.store.chain import KEY_FILE_SETTING, KEY_SETTING, key_from, parse_key
from activities.untc_stream import DEFAULT_MAX_BYTES
from domain.contact import check_address
from domain.errors import DomainError

# Days an officer may wait for each step before a reminder; escalation follows after as long again.
DEFAULT_DUE_DAYS: dict[str, int] = {
    "law_summary": 60,
    "focal_point": 60,
    "gap_list": 90,
    "assistance": 180,
    "legislation": 730,
    "training": 180,
}


# The files of the Temporal client's mutual TLS: given all together, or none.
TLS_FILES = ("temporal_tls_cert", "temporal_tls_key", "temporal_tls_ca")


# What marks the root of a Palermo checkout: its project file, naming the project.
PROJECT_NAME = re.compile(r'^name\s*=\s*"palermo"\s*$', re.MULTILINE)


def default_home(cwd: Path | None = None) -> Path:
    """Where Palermo keeps its data without PALERMO_HOME: `.palermo` at the root of the Palermo checkout
    the command runs in, else the user's data folder (platformdirs: ~/.local/share/palermo on Linux), never
    the current folder of some other project."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        project = folder / "pyproject.toml"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if project.is_file() and PROJECT_NAME.search(project.read_text(encoding="utf-8")):
                return folder / ".palermo"
    return Path(platformdirs.user_data_dir("palermo", appauthor=False))


class SettingsError(Exception):
    """A PALERMO_* environment variable holds a value that cannot be used."""


@dataclass(frozen=True)
class ClientTls:
    """What a Temporal client presents and trusts: its certificate and key, and the CA of the server's."""

    cert: bytes
    key: bytes
    ca: bytes


class Settings(BaseSettings):
    """Everything the processes of one deployment need to find each other and their stores."""

    model_config = SettingsConfigDict(env_prefix="PALERMO_", frozen=True, extra="ignore")

    home: Path = Field(
        default_factory=default_home,
        description="Data folder: default .palermo in a Palermo checkout, else the user's data folder",
    )
    store: Literal["sqlite", "postgres"] = "sqlite"
    database_url: str | None = Field(
        default=None, description="postgresql://user:password@host:port/dbname for the postgres store"
    )
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    temporal_tls_cert: Path | None = Field(default=None, description="Client certificate (PEM file) for mTLS")
    temporal_tls_key: Path | None = Field(default=None, description="Its private key (PEM file)")
    temporal_tls_ca: Path | None = Field(default=None, description="CA (PEM file) of the frontend's cert")
    task_queue: str = "palermo-engagements"
    actor: str | None = Field(default=None, description="Who the command line records as the actor")
    # NoDecode: the variable's text reaches `_json_object`, so bad JSON is a validation error naming it.
    due_days: Annotated[dict[str, int], NoDecode] = Field(default_factory=lambda: dict(DEFAULT_DUE_DAYS))
    audit_key: SecretStr | None = Field(
        default=None,
        description="Key of the audit chain (hex or base64, at least 32 bytes); without it, the embedded "
        "stack keeps one in PALERMO_HOME/audit.key. Every process of a deployment needs the same key.",
    )

    treaty_max_bytes: int = Field(
        default=DEFAULT_MAX_BYTES, ge=1024, description="Largest treaty status table read, in bytes"
    )
    document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="Largest document attached to a step, in bytes"
    )
    chromium: Path = Field(
        default=Path("/usr/bin/chromium"), description="The headless Chromium that prints the report as PDF"
    )
    tracing: Literal["off", "console"] = Field(
        default="off", description="Where OpenTelemetry spans go: off, or console (JSON on standard error)"
    )
    metrics_host: str = Field(default="127.0.0.1", description="Where the metrics listeners listen")
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="The worker's /metrics port (none: no listener)"
    )
    projector_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="The projector's /metrics port (none: no listener)"
    )
    temporal_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="The worker's Temporal SDK metrics port (none: off)"
    )
    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server reminders and escalations are mailed through (none: no mail)",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Its port")
    smtp_sender: str = Field(default="palermo@localhost.localdomain", description="The From address of mail")
    smtp_user: str | None = Field(default=None, description="Who signs in to the SMTP server (with STARTTLS)")
    smtp_password: SecretStr | None = Field(default=None, description="Their password")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection to TLS first")
    public_url: str | None = Field(
        default=None, description="The web app's address as people reach it, for the links in mail"
    )
    mail_digest_hour: int = Field(
        default=7, ge=0, le=23, description="The hour (UTC) from which the daily digest goes out"
    )

    @field_validator("audit_key")
    @classmethod
    def _audit_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_key(value.get_secret_value())
        return value

    @field_validator("due_days", mode="before")
    @classmethod
    def _json_object(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError('must be a JSON object such as {"gap_list": 90}') from None
        return value

    @field_validator("due_days")
    @classmethod
    def _known_steps(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(DEFAULT_DUE_DAYS))
        if unknown:
            raise ValueError(f"unknown steps {', '.join(unknown)}")
        if any(days <= 0 for days in value.values()):
            raise ValueError("due periods must be whole days greater than zero")
        return {**DEFAULT_DUE_DAYS, **value}

    @field_validator("smtp_host", "smtp_user", "smtp_password", "public_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # An empty variable (as `${PALERMO_SMTP_HOST:-}` passes one through) means none.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("smtp_sender")
    @classmethod
    def _mailbox(cls, value: str) -> str:
        try:
            return check_address(value)
        except DomainError:
            raise ValueError("must be one mailbox, such as palermo@example.org") from None

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc
        ):
            raise ValueError("must be the web app's address, such as https://palermo.example.org")
        return value.rstrip("/") if value is not None else None

    @model_validator(mode="after")
    def _sign_in_over_tls(self) -> Settings:
        if (self.smtp_user is None) != (self.smtp_password is None):
            raise ValueError("PALERMO_SMTP_USER and PALERMO_SMTP_PASSWORD are given together, or neither")
        if self.smtp_user is not None and not self.smtp_starttls:
            raise ValueError(
                "PALERMO_SMTP_USER needs PALERMO_SMTP_STARTTLS=true: a password is never sent in clear"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        url = urlsplit(value)
        if url.scheme not in ("postgresql", "postgres"):
            raise ValueError("must start with postgresql://")
        try:
            _ = url.port
        except ValueError:
            raise ValueError("the port must be a whole number up to 65535") from None
        return value

    @model_validator(mode="after")
    def _tls_files_together(self) -> Settings:
        missing = [f"PALERMO_{name.upper()}" for name in TLS_FILES if getattr(self, name) is None]
        if 0 < len(missing) < len(TLS_FILES):
            verb = "is" if len(missing) == 1 else "are"
            raise ValueError(
                f"{' and '.join(missing)} {verb} missing: the Temporal client's certificate, key and CA "
                "are given together, or none of them"
            )
        return self

    def temporal_tls(self) -> ClientTls | None:
        """The Temporal client's certificate, key and CA, read from their files; None without TLS."""
        if self.temporal_tls_cert is None:
            return None
        return ClientTls(*(self._tls_file(name) for name in TLS_FILES))

    def _tls_file(self, name: str) -> bytes:
        path: Path = getattr(self, name)
        try:
            return path.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise SettingsError(f"PALERMO_{name.upper()}: cannot read {path} ({reason}).") from None

    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def documents_dir(self) -> Path:
        """Where documents attached to steps are kept, by their SHA-256 (activities.documents)."""
        return self.home_dir / "documents"

    @property
    def audit_key_file(self) -> Path:
        return self.home_dir / "audit.key"

    def audit_key_env(self) -> dict[str, str]:
        """Where applications find the audit key: PALERMO_AUDIT_KEY, else the key file (made on first use)."""
        if self.audit_key is not None:
            return {KEY_SETTING: parse_key(self.audit_key.get_secret_value()).hex()}
        return {KEY_FILE_SETTING: str(self.audit_key_file)}

    def make_home(self) -> Path:
        """PALERMO_HOME, made (with any folder above it) for its owner alone if it is not there yet."""
        self.home_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.home_dir

    def audit_key_bytes(self) -> bytes:
        """The audit key itself (the embedded stack's file is made on first use)."""
        return key_from(self.audit_key_env())

    def store_env(self, application: str) -> dict[str, str]:
        """The eventsourcing environment for one application (or read model) named `application`."""
        prefix = application.upper()
        if self.store == "sqlite":
            self.make_home()
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                f"{prefix}_SQLITE_DBNAME": str(self.home_dir / f"{application.lower()}.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
            } | self.audit_key_env()
        if self.database_url is None:
            raise SettingsError("PALERMO_DATABASE_URL is required when PALERMO_STORE=postgres")
        url = urlsplit(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "palermo",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_SCHEMA": "public",
            # eventsourcing 9.5 names its insert function once per schema, and every application
            # re-creates it for its own table: with functions on, applications sharing a schema
            # write into each other's tables.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "CREATE_TABLE": "y",
        } | self.audit_key_env()


def keep_private() -> None:
    """Whatever this process makes (stores, logs, keys, rendered reports, the processes it starts) is its
    owner's alone: folders 0700, files 0600. Every Palermo process calls it first."""
    os.umask(0o077)


def load_settings() -> Settings:
    """Read the settings, turning a validation failure into one sentence per bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        raise bad_settings(error, "PALERMO_") from None


def bad_settings(error: ValidationError, prefix: str) -> SettingsError:
    """The failure to read settings whose variables start with `prefix`, naming each bad variable."""
    problems = "; ".join(_problem(e["loc"], e["msg"], prefix) for e in error.errors())
    return SettingsError(f"Bad setting — {problems}")


def _problem(loc: tuple[int | str, ...], message: str, prefix: str) -> str:
    if not loc:
        # A rule over several variables: its message names them.
        return message.removeprefix("Value error, ")
    # The first part of a location is the variable; the rest is a key inside its JSON value.
    return f"{prefix}{str(loc[0]).upper()}{_within(loc[1:])}: {message}"


def _within(keys: tuple[int | str, ...]) -> str:
    return f" ({'.'.join(str(key) for key in keys)})" if keys else ""
