"""The outreach history of 2001 as the report of 4 March 2002 gives it: meetings, briefings, cooperation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rich.console import Console

from activities.collection import EDITION, shipped_folder
from activities.mandates import Mandates
from activities.outreach import Outreach
from activities.participants import ParticipantDirectory, directory
from activities.programme import Programme
from activities.treaties import Treaties
from activities.untc import TableRefused
from activities.untc_stream import COLLECTION_ITEMS, collection_tables, read_table
from domain.errors import UnknownParticipant
from domain.outreach import CooperationKind, Headcount, MeetingDetails, meeting_id
from domain.outreach import CooperationKind as C
from domain.outreach import MeetingKind as K
from domain.values import DatePrecision, Door, Instrument
from domain.values import DatePrecision as P
from usecases.settings import Settings

REPORT = "Report of the Secretary-General, 4 March 2002"
# What the report states was known on its date: seeded facts count from then in figures "as known at".
REPORT_DATE = date(2002, 3, 4)
CENTRE = "Centre for International Crime Prevention"
ISPAC = "International Scientific and Professional Advisory Council"
UNDCP = "United Nations International Drug Control Programme"
# Paragraph 1: the Firearms Protocol was adopted on 31 May 2001; earlier meetings could review only three.
THREE = (Instrument.CONVENTION, Instrument.TRAFFICKING, Instrument.SMUGGLING)
FOUR = (*THREE, Instrument.FIREARMS)
# A fact the report dates only to the year is dated to the year (shown "in 2001"); 31 December is the day
# it is counted from, since the report vouches for it only by the end of the year.
ONLY_YEAR = "no date is given, only the year (2001)"


class SeededMeeting(BaseModel):
    """A meeting of the report: its paragraph, the States as the report names them, and its details."""

    model_config = ConfigDict(frozen=True)

    paragraph: str
    states: tuple[str, ...] = ()
    details: MeetingDetails
    note: str | None = None

    @property
    def source(self) -> str:
        return f"{REPORT}, para. {self.paragraph}" + (f"; {self.note}" if self.note else "")

    def resolved(self, participants: ParticipantDirectory) -> MeetingDetails:
        codes = tuple(state_code(name, participants) for name in self.states)
        return MeetingDetails.model_validate(self.details.model_dump() | {"participants": codes})


class SeededCooperation(BaseModel):
    """A technical cooperation activity of paragraph 14, with the State as the report names it."""

    model_config = ConfigDict(frozen=True)

    paragraph: str
    state: str
    kind: CooperationKind
    title: str
    partners: tuple[str, ...] = ()
    effective_date: date = date(2001, 12, 31)
    dated_to: DatePrecision = DatePrecision.YEAR

    @property
    def source(self) -> str:
        return f"{REPORT}, para. {self.paragraph}; {ONLY_YEAR}"


class SeedSummary(BaseModel):
    """How many meetings and activities the seed holds, and how many events this run recorded."""

    model_config = ConfigDict(frozen=True)

    meetings: int
    cooperation: int
    recorded: int


def state_code(name: str, participants: ParticipantDirectory) -> str:
    """The ISO 3166 alpha-3 code of a State as the report names it ("the Philippines")."""
    bare = name.removeprefix("the ")
    found = participants.find(bare)
    if found is None:
        raise UnknownParticipant(f"The report's '{name}' names no State the directory knows.")
    return found.code


def _meeting(paragraph: str, states: str = "", note: str | None = None, **details: object) -> SeededMeeting:
    names = tuple(s.strip() for s in states.split(";") if s.strip())
    return SeededMeeting(
        paragraph=paragraph, states=names, note=note, details=MeetingDetails.model_validate(details)
    )


# The data is laid out as the report lists it, a few fields to a line.
# fmt: off
MEETINGS: tuple[SeededMeeting, ...] = (
    _meeting(
        "13 (a)",
        "Angola; Botswana; Lesotho; Malawi; Mozambique; Namibia; South Africa; Swaziland; "
        "the United Republic of Tanzania; Zambia; Zimbabwe",
        title="Seminar for States members of the Southern African Development Community",
        kind=K.SUBREGIONAL_SEMINAR, place="Pretoria", start=date(2001, 3, 26), end=date(2001, 3, 28),
        instruments=THREE,
        topics=("Review of the instruments and measures needed to support them",
                "Mutual legal assistance", "Extradition"),
    ),
    _meeting(
        "13 (b)",
        "Costa Rica; El Salvador; Guatemala; Honduras; Nicaragua; Panama",
        note="several other countries of the region sent observers, not named in the report",
        title="Seminar for the Central American countries",
        kind=K.SUBREGIONAL_SEMINAR, place="Guatemala", start=date(2001, 4, 19), end=date(2001, 4, 20),
        instruments=THREE, topics=("Progress towards ratification",),
        outcome="Several participants expected to be able to ratify some of the instruments by the end "
        "of 2001.",
    ),
    _meeting(
        "13 (c)",
        "Brunei Darussalam; Cambodia; Indonesia; the Lao People's Democratic Republic; Malaysia; Myanmar; "
        "the Philippines; Singapore; Thailand; Viet Nam",
        title="High-level meeting of experts of the Association of South-East Asian Nations",
        kind=K.HIGH_LEVEL_EXPERT_MEETING, place="Hanoi", start=date(2001, 8, 8), end=date(2001, 8, 10),
        instruments=FOUR,
        topics=("Existing legislation and efforts to ensure conformity with the instruments",),
    ),
    _meeting(
        "13 (d)",
        "Afghanistan; Azerbaijan; the Islamic Republic of Iran; Kazakhstan; Kyrgyzstan; Pakistan; Turkey; "
        "Tajikistan; Uzbekistan",
        title="Subregional ministerial seminar for States members of the Economic Cooperation Organization",
        kind=K.SUBREGIONAL_SEMINAR, place="Tehran", start=date(2001, 10, 3), end=date(2001, 10, 4),
        organizers=(CENTRE, "Economic Cooperation Organization"),
        partners=("Government of the Islamic Republic of Iran (host)",),
        instruments=FOUR, topics=("Progress towards ratification", "Relevant regional issues"),
    ),
    _meeting(
        "13 (e)",
        "Antigua and Barbuda; Barbados; Bahamas; Belize; Dominica; Grenada; Guyana; Jamaica; "
        "Saint Kitts and Nevis; Saint Lucia; Suriname; Trinidad and Tobago",
        title="Ministerial consultation for States of the Caribbean",
        kind=K.MINISTERIAL_CONSULTATION, place="Port-of-Spain",
        start=date(2001, 11, 30), end=date(2001, 12, 1),
        organizers=(CENTRE,),
        partners=(f"Regional Office of the {UNDCP} in Barbados", "Commonwealth Secretariat"),
        instruments=FOUR,
        topics=("Domestic legislation analysed with the checklist of the Centre",
                "Legislative and regulatory requirements for ratification",
                "Model bill against organized crime prepared by the representative of Barbados"),
    ),
    _meeting(
        "13 (e)",
        note="it preceded the ministerial consultation at Port-of-Spain; the report gives only the month "
        "(January 2001) and the country",
        title="Meeting of Law Ministers of the Caribbean Community",
        kind=K.MINISTERIAL_MEETING, place="Guyana", start=date(2001, 1, 1), end=date(2001, 1, 1),
        dated_to=P.MONTH, instruments=THREE,
        topics=("Initial presentation of the instruments by a representative of the Centre",),
    ),
    _meeting(
        "13 (e)",
        note="it preceded the ministerial consultation at Port-of-Spain; the States are not named",
        title="Signing ceremony for States members of the Caribbean Community",
        kind=K.SIGNING_CEREMONY, place="New York", start=date(2001, 9, 26), end=date(2001, 9, 26),
    ),
    _meeting(
        "13 (f)",
        "Benin; Burkina Faso; Cape Verde; Côte d'Ivoire; Gambia; Ghana; Guinea Bissau; Liberia; Mali; Niger; "
        "Nigeria; Senegal; Sierra Leone; Togo",
        note="the declaration is available to the Commission as a conference room paper (note 1)",
        title="Subregional ministerial seminar for States members of the Economic Community of West "
        "African States",
        kind=K.SUBREGIONAL_SEMINAR, place="Ouagadougou", start=date(2001, 11, 28), end=date(2001, 11, 30),
        instruments=FOUR, topics=("Harmonizing national legislation with the Convention",),
        outcome="Declaration of the ministerial segment: members that had not signed the instruments "
        "should sign them, those that had signed should ratify them; the expert segment favoured early "
        "ratification.",
    ),
    _meeting(
        "15 (e)",
        note="also para. 12 (the questionnaire tested there); the States, of all regions, are not named",
        title="Interregional pre-ratification seminar on the Convention and its Protocols",
        kind=K.INTERREGIONAL_SEMINAR, place="Courmayeur", start=date(2001, 9, 13), end=date(2001, 9, 16),
        organizers=(ISPAC,), instruments=FOUR, unnamed_states=Headcount(count=30, approximate=True),
        topics=("Comparative analysis of national legislation", "Efforts towards ratification"),
        outcome="The questionnaire of the Council for policy makers and legislation drafters was tested.",
    ),
    _meeting(
        "15 (a)",
        note="the report gives only the month (March 2001)",
        title="Meeting on cooperation on the Trafficking in Persons and Smuggling of Migrants Protocols",
        kind=K.BRIEFING, place="Geneva", start=date(2001, 3, 1), end=date(2001, 3, 1), dated_to=P.MONTH,
        organizers=("International Labour Organization",),
        partners=("Office of the United Nations High Commissioner for Refugees",
                  "Office of the High Commissioner for Human Rights"),
        instruments=(Instrument.TRAFFICKING, Instrument.SMUGGLING),
    ),
    _meeting(
        "15 (b)",
        note=f"no place is given; {ONLY_YEAR}",
        title="Briefing of the preparatory committee for the United Nations Conference on Small Arms",
        kind=K.BRIEFING, place="Not given (Small Arms Conference preparatory committee)",
        start=date(2001, 12, 31), end=date(2001, 12, 31), dated_to=P.YEAR,
        instruments=(Instrument.FIREARMS,),
        topics=("Implications of the Firearms Protocol against the proliferation of small arms",),
    ),
    _meeting(
        "15 (c)",
        note=f"no place is given; {ONLY_YEAR}",
        title="Briefing of the Mediterranean contact group of the OSCE",
        kind=K.BRIEFING, place="Not given (OSCE Mediterranean contact group)",
        start=date(2001, 12, 31), end=date(2001, 12, 31), dated_to=P.YEAR,
        organizers=("Organization for Security and Cooperation in Europe",),
        instruments=(Instrument.FIREARMS,),
        topics=("Implications of the Firearms Protocol against the proliferation of small arms",),
        outcome="Possible areas of cooperation between the OSCE and the Centre were explored.",
    ),
    _meeting(
        "15 (d)",
        title="106th Annual Conference of the Inter-Parliamentary Union",
        kind=K.BRIEFING, place="Ouagadougou", start=date(2001, 9, 9), end=date(2001, 9, 16),
        organizers=("Inter-Parliamentary Union",), instruments=FOUR,
        topics=("Legal and policy issues raised by the instruments",
                "Legislative measures needed to ratify and implement them"),
        outcome="The secretariat of the Union offered to keep its members informed of developments.",
    ),
    _meeting(
        "15 (f)",
        title="Seventieth General Assembly of the International Criminal Police Organization",
        kind=K.BRIEFING, place="Budapest", start=date(2001, 9, 24), end=date(2001, 9, 28),
        organizers=("International Criminal Police Organization",), instruments=FOUR,
    ),
)

SEMINAR = "Seminar on fighting organized crime and corruption"
COOPERATION: tuple[SeededCooperation, ...] = (
    SeededCooperation(paragraph="14, note 2", state="Croatia", kind=C.SEMINAR, title=SEMINAR),
    SeededCooperation(
        paragraph="14", state="Monaco", kind=C.PRE_RATIFICATION,
        title="Pre-ratification activity (the report does not say of what kind)",
    ),
    SeededCooperation(paragraph="14, note 3", state="Peru", kind=C.SEMINAR, title=SEMINAR),
    SeededCooperation(
        paragraph="14", state="Romania", kind=C.PRE_RATIFICATION,
        title="Pre-ratification activity (the report does not say of what kind)",
    ),
    SeededCooperation(
        paragraph="14, note 4", state="Saudi Arabia", kind=C.LEGAL_TRAINING,
        title="Joint legal training workshop on drugs and organized crime", partners=(UNDCP,),
    ),
    SeededCooperation(paragraph="14, note 5", state="Slovakia", kind=C.SEMINAR, title=SEMINAR),
    SeededCooperation(
        paragraph="14", state="Ukraine", kind=C.DOCUMENTATION,
        title="Assistance in the form of documentation",
    ),
)
# fmt: on


def seed(outreach: Outreach, *, actor: str = "seed") -> SeedSummary:
    """Record what of the report's history is missing; a record already there is left as it stands."""
    recorded = 0
    for meeting in MEETINGS:
        details = meeting.resolved(outreach.participants)
        found = outreach.meeting(meeting_id(details.place, details.start))
        # A seeded meeting someone has corrected since keeps the correction: the seed only adds, and brings a
        # meeting as an earlier seed recorded it up to what the seed now records of it.
        if found is None or _seeded_before(found.details, details, found.corrections):
            outreach.record_meeting(
                details, actor=actor, source=meeting.source, door=Door.CLI, known_on=REPORT_DATE
            )
            recorded += 1
    for activity in COOPERATION:
        code = state_code(activity.state, outreach.participants)
        if outreach.activity(code, activity.kind, activity.effective_date) is None:
            outreach.record_cooperation(
                state=code,
                kind=activity.kind,
                title=activity.title,
                partners=activity.partners,
                effective_date=activity.effective_date,
                actor=actor,
                source=activity.source,
                door=Door.CLI,
                dated_to=activity.dated_to,
                known_on=REPORT_DATE,
            )
            recorded += 1
    return SeedSummary(meetings=len(MEETINGS), cooperation=len(COOPERATION), recorded=recorded)


# What earlier seeds left out of a meeting: the precision of its dates (it was dated to the day), then the
# count of the States that took part unnamed.
LATER_FIELDS: tuple[dict[str, object], ...] = (
    {"dated_to": DatePrecision.DAY},
    {"unnamed_states": None},
    {"dated_to": DatePrecision.DAY, "unnamed_states": None},
)


def _seeded_before(stored: MeetingDetails, seeded: MeetingDetails, corrections: int) -> bool:
    """A meeting as an earlier seed recorded it, without what the seed now knows of it (and uncorrected)."""
    earlier = [seeded.model_copy(update=fields) for fields in LATER_FIELDS]
    return corrections == 0 and stored != seeded and stored in earlier


def run_seed(settings: Settings, console: Console, actor: str = "seed") -> SeedSummary:
    """Seed the Outreach store of `settings` (for `palermo up --demo`), printing one line."""
    # They build on this module's records.
    from usecases.seed_mandate import seed_mandate  # noqa: PLC0415
    from usecases.seed_programme import seed_programme  # noqa: PLC0415

    outreach = Outreach(settings.store_env("Outreach"), participants=directory())
    try:
        summary = seed(outreach, actor=actor)
        planned = seed_programme(Programme(outreach), actor=actor)
        mandated = seed_mandate(Mandates(outreach), actor=actor)
    finally:
        outreach.close()
    console.print(
        f"Outreach history: {summary.meetings} meetings, {summary.cooperation} cooperation activities, "
        f"{summary.recorded} events recorded now."
    )
    console.print(f"Plans and questionnaires of the report: {planned} events recorded now.")
    console.print(f"Mandate and heading of the report: {mandated} events recorded now.")
    return summary


def import_shipped(settings: Settings, console: Console, actor: str = "seed") -> int:
    """Import the Collection's tables shipped with Palermo (edition 2014); returns the events recorded."""
    return import_collection(settings, shipped_folder(), console, actor=actor, edition=EDITION)


def import_collection(
    settings: Settings, folder: Path, console: Console, actor: str = "seed", edition: str | None = None
) -> int:
    """Import the Treaty Collection's status tables found in `folder`; returns the events recorded."""
    tables = collection_tables(folder)
    if not tables:
        raise TableRefused([f"{folder} holds none of {', '.join(f'{i}.csv' for i in COLLECTION_ITEMS)}"])
    treaties = Treaties(settings.store_env("Treaties"), participants=directory())
    recorded = 0
    try:
        for path, instrument in tables:
            summary = treaties.import_table(
                read_table(path, treaties.participants, max_bytes=settings.treaty_max_bytes),
                instrument,
                actor=actor,
                source=f"UN Treaty Collection status table {path.name}"
                + (f" (as published in {edition}, shipped with Palermo)" if edition else ""),
                door=Door.CLI,
            )
            recorded += summary.recorded + summary.corrected
            console.print(
                f"Treaty status ({instrument.value}): {summary.recorded} recorded, {summary.corrected} "
                f"corrected, {summary.unchanged} unchanged.",
                highlight=False,
            )
    finally:
        treaties.close()
    return recorded
