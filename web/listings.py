"""Every list and table of the web app, declared once: its columns (header, value in the files, the name it
sorts by), what a search looks in, its first order. web/lists.py makes each page's search, sort links, pages
and CSV and Excel files from these; tests/integration/test_web_listings.py checks every one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from activities.outreach import MeetingRecord
from activities.programme import DispatchRecord, PlanRecord, ReplyRecord
from activities.refused_commands import RefusedCommand
from activities.resources import ContributionRecord, ExpertRecord
from activities.users import UserRecord
from domain.regions import Region, region_of
from domain.views import CaseView
from projections.casebook import STAGES, OpenStep, stage_of
from projections.funds import GroupFill, Sums
from usecases.legislation import KnownLaw
from web.api_models import CaseSummary
from web.incidents import Incident, Lag
from web.lists import Column, Listing


@dataclass(frozen=True)
class CaseRow:
    """A case of the list: as recorded (what a search and most sorts look in), and as the list shows it, made
    only for the rows a page or a file shows (or a sort by regional group reads)."""

    case: CaseView
    summarize: Callable[[CaseView], CaseSummary] = field(repr=False, compare=False)

    @cached_property
    def line(self) -> CaseSummary:
        return self.summarize(self.case)


@dataclass(frozen=True)
class Sent:
    """A questionnaire sent, and the meeting it was handed out at, if any."""

    sending: DispatchRecord
    at: str


def case_text(case: CaseView) -> str:
    """Everything a case is looked up by: State code and name, documents, focal point, partners, donors,
    experts, checklist items, bills."""
    parts: list[str] = [case.state, case.state_name, *case.partners, case.law_summary_document or ""]
    if case.focal_point is not None:
        parts += [case.focal_point.name, case.focal_point.office or ""]
    parts += [g.checklist_item for g in case.gap_items]
    for dated in case.activities:
        parts += [dated.activity.donor or "", *dated.activity.experts, dated.activity.kind.value]
    parts += [b.title for b in case.bills]
    return " ".join(parts)


def _words(name: object) -> str:
    return str(name).replace("_", " ")


def _region(state: str) -> str | None:
    return r.value if (r := region_of(state)) else None


def _stage(row: CaseRow) -> tuple[int, str]:
    stage = stage_of(row.case)
    return (STAGES.index(stage) if stage in STAGES else len(STAGES), row.case.state_name)


def _region_name(case: CaseView) -> str:
    region = region_of(case.state)
    return region.value if region is not None else "~"


def _joined(values: Iterable[object], between: str = ", ") -> str:
    return between.join(str(v) for v in values)


CASES = Listing[CaseRow](
    "cases",
    "cases",
    (
        Column("State", lambda r: r.line.state, "state", lambda r: r.case.state_name),
        Column("Name", lambda r: r.line.state_name),
        Column(
            "Region", lambda r: r.line.region, "region", lambda r: (_region_name(r.case), r.case.state_name)
        ),
        Column("Instruments", lambda r: _joined(r.line.instruments, " ")),
        Column(
            "Request", lambda r: r.line.received, "received", lambda r: (r.case.received, r.case.state_name)
        ),
        Column("Stage", lambda r: r.line.stage, "stage", _stage),
        Column("Overdue", lambda r: r.line.overdue),
        Column("Last change", lambda r: r.line.modified_at, "changed", lambda r: r.case.modified_at),
        Column("Regional group", lambda r: r.line.group, "group"),
    ),
    default="state",
    hint="State, document, donor, checklist item",
    searched=lambda r: case_text(r.case),
)
STEPS = Listing[OpenStep](
    "worklist",
    "open steps",
    (
        Column("State", lambda s: s.state, "state", lambda s: (s.state_name, s.due_at)),
        Column("Name", lambda s: s.state_name),
        Column("Region", lambda s: _region(s.state), "region", lambda s: (_region(s.state) or "~", s.due_at)),
        Column("Step", lambda s: _words(s.step.value), "step"),
        Column("Awaited since", lambda s: s.since.date(), "since"),
        Column("Due", lambda s: s.due_at.date(), "due", lambda s: (s.due_at, s.state)),
        Column("Overdue", lambda s: "yes" if s.overdue else ""),
        Column("Notice", lambda s: "escalated" if s.escalated else "reminder sent" if s.reminded else ""),
    ),
    default="due",
    hint="State, region, step",
)
EXPERTS = Listing[ExpertRecord](
    "experts",
    "experts",
    (
        Column("Name", lambda e: e.details.name, "name"),
        Column("Region", lambda e: e.details.region.value, "region"),
        Column("Languages", lambda e: _joined(e.details.languages)),
        Column("Fields", lambda e: _joined(e.details.fields)),
        Column("Groups", lambda e: _joined(g.value for g in e.details.groups)),
        Column("Joined", lambda e: e.joined, "joined"),
    ),
    hint="name, region, language, field",
)


def _in_region(region: Region) -> Callable[[GroupFill], int]:
    return lambda fill: fill.by_region[region.value]


def _span(target: tuple[int, int] | None) -> str:
    return f"{target[0]}-{target[1]}" if target else ""


POOLS = Listing[GroupFill](
    "pools",
    "pools of experts",
    (
        Column("Group", lambda f: f.group.value),
        *(Column(r.value, _in_region(r)) for r in Region),
        Column("Members", lambda f: f.members),
        Column("Target", lambda f: _span(f.target)),
        Column("Target by region", lambda f: _span(f.region_target)),
        Column("Short of target", lambda f: _joined(f.short)),
    ),
    search=False,
    paged=False,
    prefix="pools",
)
CONTRIBUTIONS = Listing[ContributionRecord](
    "contributions",
    "contributions",
    (
        Column("Reference", lambda c: c.pledge.reference, "reference"),
        Column("Donor", lambda c: c.pledge.donor, "donor"),
        Column("Pledged on", lambda c: c.pledged_on, "pledged", lambda c: (c.pledged_on, c.pledge.reference)),
        Column("Earmarked for", lambda c: c.pledge.earmark.describe()),
        Column("Pledged", lambda c: c.pledge.amount, "amount"),
        Column("Received", lambda c: c.received),
        Column("Charged", lambda c: c.charged),
        Column("Left", lambda c: c.left, "left"),
    ),
    default="pledged",
    hint="reference, donor, earmark",
)
Summed = tuple[str, Sums]
AMOUNTS = ("pledged", "received", "committed", "spent", "left", "unfunded")


def _amount(name: str) -> Callable[[Summed], Decimal]:
    return lambda row: Decimal(getattr(row[1], name))


def _funds_by(what: str) -> Listing[Summed]:
    """The funds by donor, region or instrument, with the row of every one (`all`) last."""
    columns = (
        Column[Summed](what.capitalize(), lambda row: row[0]),
        *(Column(a.capitalize(), _amount(a)) for a in AMOUNTS),
    )
    return Listing(
        f"funds-by-{what}", f"funds by {what}", columns, search=False, paged=False, prefix=f"by_{what}"
    )


FUNDS_BY = {what: _funds_by(what) for what in ("donor", "region", "instrument")}
LAWS = Listing[KnownLaw](
    "legislation",
    "laws",
    (
        Column("Checklist item", lambda k: k.checklist_item, "item"),
        Column("Requirement", lambda k: k.requirement),
        Column("State", lambda k: k.state, "state"),
        Column("Region", lambda k: k.region.value if k.region else None, "region"),
        Column("Law", lambda k: k.law, "law"),
        Column("Provision", lambda k: k.provision),
        Column("How", lambda k: k.how),
        Column("Enacted", lambda k: k.enacted, "enacted"),
        Column("From", lambda k: k.origin.value),
    ),
    hint="State, checklist item, law, words of how it meets the item",
)
PLANS = Listing[PlanRecord](
    "plans",
    "plans",
    (
        # By day only: plans of one day (or dated only to a year) keep the order they were made in.
        Column("Planned for", lambda p: p.details.planned, "planned"),
        Column("Last day", lambda p: p.details.last_day),
        Column("Kind", lambda p: _words(p.details.kind.value), "kind"),
        Column("Place", lambda p: p.details.place, "place"),
        Column("Title", lambda p: p.details.title, "title"),
        Column("Invited", lambda p: _joined((*(r.value for r in p.details.regions), *p.details.states), " ")),
        Column("Status", lambda p: p.status.value, "status"),
        Column("Closed on", lambda p: p.closed_on),
        Column("Id", lambda p: p.id),
        Column("Dated to", lambda p: p.details.dated_to.value),
    ),
    default="planned",
    hint="place, title, kind, State or region invited",
)
SENT = Listing[Sent](
    "questionnaires",
    "questionnaires sent",
    (
        Column("Date", lambda s: s.sending.effective_date, "date"),
        Column("Questionnaire", lambda s: _words(s.sending.questionnaire.value), "questionnaire"),
        Column("To", lambda s: _joined(s.sending.states, " ") or s.sending.recipients),
        Column("At", lambda s: s.at),
    ),
    default="date",
    hint="State, questionnaire, meeting",
)
REPLIES = Listing[ReplyRecord](
    "replies",
    "replies",
    (
        Column("Received", lambda r: r.effective_date, "received"),
        Column("Questionnaire", lambda r: _words(r.questionnaire.value), "questionnaire"),
        Column("State", lambda r: r.state, "state"),
        Column("Document", lambda r: r.document),
        Column("Citation", lambda r: r.citation),
        Column("Cited by", lambda r: _joined((f"{c.type} ({c.effective_date})" for c in r.cited_by), "; ")),
    ),
    prefix="replies",
)
WORKFLOWS = Listing[Incident](
    "workflow-incidents",
    "workflow incidents",
    (
        Column("State", lambda i: i.state, "state"),
        Column("When", lambda i: i.when, "when"),
        Column("What", lambda i: i.what, "what"),
        Column("Detail", lambda i: i.detail),
    ),
    default="-when",
    hint="State, what happened",
)
STUCK = Listing[Incident](
    "stuck-workflows",
    "stuck workflows",
    (
        Column("State", lambda i: i.state, "state"),
        Column("Since", lambda i: i.when, "since"),
        Column("What", lambda i: i.what, "what"),
        Column("Why", lambda i: i.detail),
    ),
    default="since",
    prefix="stuck",
)
REFUSED = Listing[RefusedCommand](
    "refused-commands",
    "refused commands",
    (
        Column("When", lambda r: r.at, "when"),
        Column("State", lambda r: r.state, "state"),
        Column("Command", lambda r: _words(r.kind), "command"),
        Column("Door", lambda r: r.door.value, "door"),
        Column("Actor", lambda r: r.actor, "actor"),
        Column("Why", lambda r: r.reason),
    ),
    default="-when",
    prefix="refused",
)
ESCALATED = Listing[Incident](
    "escalated-steps",
    "escalated steps",
    (
        Column("State", lambda i: i.state, "state"),
        Column("Due", lambda i: i.when.date() if i.when else None, "due"),
        Column("What", lambda i: i.what, "what"),
    ),
    prefix="escalated",
)
LAG = Listing[Lag](
    "read-model",
    "logs read",
    (
        Column("Log", lambda lag: lag.log),
        Column("Read up to", lambda lag: lag.read),
        Column("Log ends at", lambda lag: lag.last),
        Column("Behind", lambda lag: lag.behind),
    ),
    search=False,
    paged=False,
    prefix="lag",
)
AUDITED = Listing[CaseView](
    "audit-cases",
    "cases audited",
    (
        Column("State", lambda c: c.state, "state"),
        Column("Name", lambda c: c.state_name, "name"),
        Column("Status", lambda c: c.status.value, "status"),
        Column("Events", lambda c: c.version, "events"),
        Column("Last change", lambda c: c.modified_at, "changed"),
    ),
    default="state",
    hint="State code or name, status",
)


def _meeting_text(m: MeetingRecord) -> str:
    d = m.details
    return _joined(
        (
            d.title,
            d.kind.value,
            d.place,
            *d.participants,
            *d.organizers,
            *d.partners,
            *d.topics,
            d.outcome or "",
        ),
        " ",
    )


SEMINARS = Listing[MeetingRecord](
    "seminars",
    "meetings",
    (
        Column("First day", lambda m: m.details.start, "start"),
        Column("Last day", lambda m: m.details.end),
        Column("Kind", lambda m: m.details.kind.value, "kind"),
        Column("Place", lambda m: m.details.place, "place"),
        Column("Title", lambda m: m.details.title, "title"),
        Column("States", lambda m: _joined(m.details.participants, " ")),
        Column("Organizers", lambda m: _joined(m.details.organizers, "; ")),
        Column("Outcome", lambda m: m.details.outcome),
        Column("Dated to", lambda m: m.details.dated_to.value),
    ),
    hint="title, place, State, organizer, topic",
    searched=_meeting_text,
)
USERS = Listing[UserRecord](
    "users",
    "users",
    (
        Column("Name", lambda u: u.name, "name"),
        Column("Role", lambda u: u.role.value, "role"),
        Column("States", lambda u: _joined(u.scope.states, " ")),
        Column("Regions", lambda u: _joined(u.scope.regions, "; ")),
        Column("Token ids", lambda u: _joined(u.token_ids, " ")),
        Column("Changed", lambda u: u.changed_at, "changed"),
        Column("E-mail", lambda u: u.email),
        Column("Mail", lambda u: u.mail.value),
    ),
    hint="name, role, State, region, e-mail",
)
# Each list page's lists, the first the one its search box, sort and pages speak of by their plain names.
PAGES: dict[str, tuple[Listing[Any], ...]] = {
    "/cases": (CASES,),
    "/worklist": (STEPS,),
    "/experts": (EXPERTS, POOLS),
    "/funds": (CONTRIBUTIONS, *FUNDS_BY.values()),
    "/legislation": (LAWS,),
    "/plans": (PLANS,),
    "/questionnaires": (SENT, REPLIES),
    "/incidents": (WORKFLOWS, STUCK, REFUSED, ESCALATED, LAG),
    "/audit": (AUDITED,),
    "/seminars": (SEMINARS,),
    "/users": (USERS,),
}
