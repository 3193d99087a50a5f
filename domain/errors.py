"""Named domain errors: each is one rule of the engagement, refused with one sentence."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the engagement; nothing was recorded."""


class Premature(DomainError):
    """The command needs something recorded first: a fuller record of the case may allow it.

    A refusal of any other kind stands however much more is recorded (a step done stays done), so a
    view of the case that may be behind the event store can refuse those, and must leave these to it.
    """


class UnknownParticipant(DomainError):
    """The code names no State or organization the directory knows."""


class EngagementAlreadyOpen(DomainError):
    """A State has one engagement open at a time; its request was already recorded."""


class RoundStillOpen(EngagementAlreadyOpen, Premature):
    """A State asks again once its round is completed or withdrawn (which a fuller record may show)."""


class RequestBeforeRoundClosed(DomainError):
    """A new round's request cannot be dated before the round it follows was closed."""


class InstrumentsNotNamed(DomainError):
    """A change of instruments names at least one to add or withdraw, and none both ways."""


class InstrumentsUnchanged(Premature):
    """A change of instruments must add one not asked about or withdraw one that is."""


class LastInstrumentWithdrawn(Premature):
    """An engagement keeps at least one instrument; withdrawing them all is withdrawing the engagement."""


class CommandIdReused(DomainError):
    """A command id names one command; it was given before to a different one."""


class EngagementNotOpen(Premature):
    """No request has been recorded for this State."""


class EngagementClosed(DomainError):
    """The engagement is completed or withdrawn and takes no more steps."""


class StepAlreadyRecorded(DomainError):
    """The step was recorded before; a step is recorded once."""


class StepOutOfOrder(Premature):
    """The step needs earlier steps that are not recorded yet."""


class EffectiveDateInFuture(DomainError):
    """A fact cannot have happened after the moment it is recorded."""


class EffectiveDateBeforeRequest(DomainError):
    """No step of an engagement can precede the State's request."""


class UnknownChecklistItem(DomainError):
    """A gap item or bill points at no item of the ratification checklist."""


class ChecklistItemOutsideInstruments(Premature):
    """A gap item belongs to an instrument the State did not ask about."""


class BillStageOutOfOrder(DomainError):
    """Bills move forward only: drafted, submitted, enacted."""


class ChargedAndUnfunded(DomainError):
    """An assistance activity is either charged to a contribution or recorded as unfunded, not both."""


class LegislationPending(Premature):
    """Bills are still before parliament; record their enactment first."""


class UnknownRecord(DomainError):
    """A command names a plan or a meeting by an id no record has."""


class RecordClosed(DomainError):
    """The record has ended (a plan held or cancelled): it takes no more."""
