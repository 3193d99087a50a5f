"""The mandate and heading of the report of 4 March 2002: the resolutions of paragraphs 1-2 (those that
adopted the instruments, as domain.treaty.ADOPTIONS dates them, and 56/120, which asked for the report), the
Signing Conference of paragraph 3, and the session and agenda item of the report's heading."""

from __future__ import annotations

from datetime import date

from activities.mandates import Mandates
from domain.mandates import DocketDetails, ResolutionDetails
from domain.outreach import MeetingDetails, MeetingKind
from domain.treaty import ADOPTIONS
from domain.values import DatePrecision, Door, Instrument
from usecases.seed import REPORT, REPORT_DATE, THREE

ASSEMBLY = "General Assembly"
COMMISSION = "Commission on Crime Prevention and Criminal Justice"
AD_HOC_COMMITTEE = "Ad Hoc Committee on the Elaboration of a Convention against Transnational Organized Crime"
URGED = "urged States and regional economic integration organizations to sign and ratify the instruments soon"
# What each resolution did besides adopting instruments, in brief, and where the report says so.
# fmt: off
PROVISIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "55/25": ("1", (
        URGED,
        "encouraged voluntary contributions for technical assistance to developing countries and countries "
        "with economies in transition",
        "requested resources for the Centre to promote the instruments' early entry into force",
    )),
    "55/255": ("1", (URGED,)),
    "56/120": ("2", (
        "welcomed the signing of the Convention and the Protocols",
        "appreciated offers to host regional ministerial conferences and contributions for pre-ratification "
        "seminars",
        "encouraged contributions to the United Nations Crime Prevention and Criminal Justice Fund, taking "
        "into account article 30 of the Convention",
        "requested resources for the Centre to promote the entry into force of the instruments",
    )),
}
# fmt: on
# Paragraph 7: the Ad Hoc Committee completed the negotiations for the Firearms Protocol in March 2001.
NEGOTIATED = {"55/255": (AD_HOC_COMMITTEE, date(2001, 3, 1), DatePrecision.MONTH)}
# Paragraph 2: resolution 56/120 of 19 December 2001 asked for the report at the Commission's 11th session.
REPORT_ASKED = ("56/120", date(2001, 12, 19), COMMISSION, 11)
ANNEXES = ("I", "II", "III")

DOCKET = DocketDetails(
    report_date=REPORT_DATE,
    organ="Economic and Social Council",
    commission=COMMISSION,
    session=11,
    session_place="Vienna",
    session_start=date(2002, 4, 16),
    session_end=date(2002, 4, 25),
    agenda_item=5,
    agenda_title="International cooperation in combating transnational crime",
    provisional_agenda="E/CN.15/2002/1",
    distribution="General",
    original="English",
    mandate=REPORT_ASKED[0],
)
SIGNING_CONFERENCE = MeetingDetails(
    title="High-level Political Signing Conference",
    kind=MeetingKind.SIGNING_CONFERENCE,
    place="Palermo",
    start=date(2000, 12, 12),
    end=date(2000, 12, 15),
    instruments=THREE,
)


def resolutions() -> list[tuple[ResolutionDetails, str]]:
    """Each resolution of paragraphs 1-2 with its source."""
    adopting: dict[str, list[Instrument]] = {}
    for instrument, adoption in ADOPTIONS.items():
        adopting.setdefault(adoption.resolution, []).append(instrument)
    found = []
    for number, instruments in adopting.items():
        negotiated = NEGOTIATED.get(number)
        paragraph, provisions = PROVISIONS[number]
        details = ResolutionDetails(
            body=ASSEMBLY,
            number=number,
            adopted=ADOPTIONS[instruments[0]].day,
            adopts=tuple(instruments),
            # 55/255 holds its one Protocol in an annex it does not number.
            annexes=ANNEXES[: len(instruments)] if len(instruments) > 1 else (),
            negotiated_by=negotiated[0] if negotiated else None,
            negotiations_concluded=negotiated[1] if negotiated else None,
            negotiations_dated_to=negotiated[2] if negotiated else DatePrecision.DAY,
            provisions=provisions,
        )
        cited = f"paras. {paragraph} and 7" if negotiated else f"para. {paragraph}"
        found.append((details, f"{REPORT}, {cited}"))
    number, adopted, body, session = REPORT_ASKED
    asked = ResolutionDetails(
        body=ASSEMBLY,
        number=number,
        adopted=adopted,
        provisions=PROVISIONS[number][1],
        report_to=body,
        report_session=session,
    )
    return [*found, (asked, f"{REPORT}, para. 2")]


def seed_mandate(mandates: Mandates, *, actor: str = "seed") -> int:
    """Record what of the report's mandate, heading and Signing Conference is missing; returns the events
    recorded now. A record corrected since keeps its correction: the seed only adds."""
    outreach = mandates.outreach
    before = outreach.recorder.max_notification_id() or 0
    known = {r.details.number for r in mandates.resolutions()}
    for details, source in resolutions():
        if details.number not in known:
            mandates.record_resolution(
                details, actor=actor, source=source, door=Door.CLI, known_on=REPORT_DATE
            )
    if not any(d.details.report_date == REPORT_DATE for d in mandates.dockets()):
        heading = f"{REPORT}, heading"
        mandates.record_docket(DOCKET, actor=actor, source=heading, door=Door.CLI, known_on=REPORT_DATE)
    if outreach.meeting_at(SIGNING_CONFERENCE.place, SIGNING_CONFERENCE.start) is None:
        outreach.record_meeting(
            SIGNING_CONFERENCE,
            actor=actor,
            source=f"{REPORT}, paras. 3 and 7",
            door=Door.CLI,
            known_on=REPORT_DATE,
        )
    return (outreach.recorder.max_notification_id() or 0) - before
