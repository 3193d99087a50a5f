"""Temporal activities over the Engagements application: each runs one domain command."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from opentelemetry import trace
from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.engagements import Engagements
from activities.metrics import RECORD_SECONDS, STEPS
from domain.commands import AnyCommand, StateCode
from domain.errors import DomainError
from domain.views import CaseView

# A no-op unless the process installed a tracer provider (usecases.tracing).
TRACER = trace.get_tracer("palermo.activities")
LOG = logging.getLogger("palermo.steps")


class CaseCommand(BaseModel):
    """The payload of `record_command`: one command of any kind."""

    model_config = ConfigDict(frozen=True)

    command: AnyCommand
    # The workflow's time when it ran the command: a local activity's attempt is scheduled by the
    # worker's clock, which may lag the server's (the time-skipping test server's runs ahead).
    not_before: datetime | None = None


class CaseRef(BaseModel):
    """Names one engagement by its State."""

    model_config = ConfigDict(frozen=True)

    state: StateCode


class EngagementActivities:
    """Activities bound to one Engagements application (SQLite or PostgreSQL)."""

    def __init__(self, engagements: Engagements) -> None:
        self.engagements = engagements

    @activity.defn(name="record_command")
    def record_command(self, payload: CaseCommand) -> CaseView:
        """Record the command; a refusal is final (non-retryable), anything else is retried."""
        kind = payload.command.kind
        started = time.perf_counter()
        try:
            case = self._record(payload)
        except DomainError as error:
            STEPS.labels(kind, "refused").inc()
            raise ApplicationError(str(error), type=type(error).__name__, non_retryable=True) from None
        STEPS.labels(kind, "recorded").inc()
        RECORD_SECONDS.labels(kind).observe(time.perf_counter() - started)
        return case

    def _record(self, payload: CaseCommand) -> CaseView:
        """The command handled in a span of its own (`store event`), logged with its case and id."""
        command = payload.command
        scheduled = activity.info().current_attempt_scheduled_time
        if payload.not_before is not None:
            scheduled = max(scheduled, payload.not_before)
        attributes = {"palermo.state": command.state, "palermo.command": command.kind}
        about = {"case": command.state, "command": command.kind, "command_id": command.command_id}
        with TRACER.start_as_current_span("store event", attributes=attributes) as span:
            try:
                case = self.engagements.handle(command, not_before=scheduled)
            except DomainError as error:
                LOG.info("step refused", extra=about | {"reason": str(error)})
                raise
            span.set_attribute("palermo.version", case.version)
            LOG.info("step recorded", extra=about | {"version": case.version})
        return case

    @activity.defn(name="load_case")
    def load_case(self, ref: CaseRef) -> CaseView | None:
        """The case as the event store holds it, or None if it was never opened."""
        return self.engagements.case(ref.state)
