"""What the web app's routes share: stores, the case book, the Temporal client, the clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
from markupsafe import Markup
from temporalio.client import Client

from activities.documents import DocumentFolder
from activities.engagements import Engagements
from activities.legislation import Legislation
from activities.outreach import Outreach
from activities.participants import Participant, ParticipantDirectory, directory
from activities.request_keys import RequestKeys
from activities.resources import Resources
from activities.store.logs import EventLog
from activities.store.opening import opened
from activities.treaties import Treaties
from activities.users import Users
from domain.commands import Command
from domain.values import Door
from domain.views import CaseView
from projections.casebook import CaseBook
from usecases.cases import check_before_sending, connect, send
from usecases.documents import document_folder
from usecases.embedded import UI_PATH
from usecases.outreach_book import OutreachBook
from usecases.read_models import shared, sources
from usecases.settings import Settings
from usecases.shared_read_model import SharedReadModel
from usecases.statement_book import StatementBook
from web.config import WebSettings
from web.histories import CaseHistories
from web.kept import Kept
from web.sign_in_limits import SignInLimits
from workflows.client import NotTaken, ServerUnavailable
from workflows.messages import workflow_id

CONNECT_TIMEOUT_S = 10.0
# An update waits for a worker; without one it would wait forever, so the request gives up first.
SEND_TIMEOUT_S = 30.0
# Pages' content kept: a few filters, sorts and pages of each reader's view.
PAGES_KEPT = 64


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Built once per app by `create_app`; tests pass their own client and clock."""

    settings: Settings
    web: WebSettings
    temporal_ui: str | None  # the Temporal UI this app serves at UI_PATH, if any
    client: Client | None = None
    clock: Callable[[], datetime] = utc_now
    users: Users = field(init=False)
    engagements: Engagements = field(init=False)
    request_keys: RequestKeys = field(init=False)
    # Opened once, as the others: an application per request would open a connection pool per request.
    resources: Resources = field(init=False)
    treaties: Treaties = field(init=False)
    outreach_store: Outreach = field(init=False)
    legislation: Legislation = field(init=False)
    book: CaseBook = field(init=False)
    # Each case page's history and timeline, kept per version of the case.
    histories: CaseHistories = field(init=False)
    # Pages' content drawn from the case book, by a key naming all it was drawn from (web/case_list.py).
    pages: Kept[Markup] = field(init=False)
    outreach: OutreachBook = field(init=False)
    statements: StatementBook = field(init=False)
    participants: ParticipantDirectory = field(init=False)
    logs: list[EventLog] = field(init=False)
    # One read-model store for the process, caught up when the logs moved; the figures kept per version.
    read_model: SharedReadModel = field(init=False)
    sign_ins: SignInLimits = field(init=False)
    documents: DocumentFolder = field(init=False)
    ui_client: httpx.AsyncClient | None = field(init=False, default=None)
    _connecting: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.participants = directory()
        # Another web server or a worker may be creating the same tables at this moment.
        self.users = opened(
            lambda: Users(self.settings.store_env("Users"), participants=self.participants, clock=self.clock)
        )
        self.engagements = opened(
            lambda: Engagements(self.settings.store_env("Engagements"), participants=self.participants)
        )
        self.request_keys = opened(lambda: RequestKeys(self.settings.store_env("RequestKeys")))
        self.resources = opened(
            lambda: Resources(self.settings.store_env("Resources"), participants=self.participants)
        )
        self.treaties = opened(
            lambda: Treaties(self.settings.store_env("Treaties"), participants=self.participants)
        )
        self.outreach_store = opened(
            lambda: Outreach(self.settings.store_env("Outreach"), participants=self.participants)
        )
        self.legislation = opened(
            lambda: Legislation(self.settings.store_env("Legislation"), participants=self.participants)
        )
        self.logs = sources(self.settings)
        self.book = CaseBook(next(log for log in self.logs if log.name == "Engagements"))
        self.histories = CaseHistories(self.engagements)
        self.pages = Kept(PAGES_KEPT)
        self.outreach = OutreachBook(next(log for log in self.logs if log.name == "Outreach"))
        self.documents = document_folder(self.settings)
        self.statements = StatementBook(next(log for log in self.logs if log.name == "Treaties"))
        self.read_model = shared(self.settings, self.logs)
        self.sign_ins = SignInLimits(
            per_client=self.web.sign_in_failures_per_client,
            per_user=self.web.sign_in_failures_per_user,
            window_s=self.web.sign_in_window,
        )
        if self.temporal_ui is not None:
            # Requests keep their own path, which the UI answers under. Its address is internal: never
            # through a proxy that the environment names for the outside world.
            origin = httpx.URL(self.temporal_ui).copy_with(path="/")
            self.ui_client = httpx.AsyncClient(base_url=origin, trust_env=False, timeout=30.0)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    @property
    def due_days(self) -> dict[str, int]:
        return dict(self.settings.due_days)

    def participant(self, code_or_name: str) -> Participant:
        """The participant a code or name stands for; UnknownParticipant (a domain error) otherwise."""
        return self.participants.named(code_or_name)

    def workflow_link(self, state: str) -> str:
        """Where this app shows the State's workflow in the Temporal UI (a path on this app)."""
        namespace = self.settings.temporal_namespace
        return f"{UI_PATH}/namespaces/{namespace}/workflows/{workflow_id(state)}"

    async def temporal(self) -> Client:
        async with self._connecting:
            if self.client is None:
                try:
                    self.client = await asyncio.wait_for(connect(self.settings), CONNECT_TIMEOUT_S)
                except (TimeoutError, RuntimeError, OSError):
                    raise ServerUnavailable(
                        f"The Temporal server at {self.settings.temporal_address} did not answer; "
                        "nothing was recorded."
                    ) from None
            return self.client

    async def send(self, command: Command, door: Door) -> CaseView:
        """Send the command through the State's workflow, which validates it before anything is recorded."""
        await check_before_sending(self.settings, self.engagements, command, door=door, today=self.today())
        client = await self.temporal()
        sending = send(client, self.settings, command, door=door, accept_within=self.web.accept_within)
        try:
            return await asyncio.wait_for(sending, SEND_TIMEOUT_S)
        except NotTaken as error:
            raise ServerUnavailable(
                f"{error}; nothing is lost: send it again with the same Idempotency-Key (or submit the form "
                "again) and it is recorded once.",
                retry_after=error.retry_after,
            ) from None
        except TimeoutError:
            raise ServerUnavailable(
                f"The engagement workflow of {command.state} did not answer within {SEND_TIMEOUT_S:g} s "
                "(is the worker running?); the step may still be recorded when it does."
            ) from None
