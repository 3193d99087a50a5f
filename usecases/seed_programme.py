"""The plans and questionnaires of the report of 4 March 2002: the four regional seminars planned for 2002
(paragraph 16), the Advisory Council's questionnaire tested at Courmayeur and handed out at the seminars after
September 2001, and the Association's distributed to its membership on 31 October 2001 (paragraph 12)."""

from __future__ import annotations

from datetime import date

from activities.programme import Programme
from domain.outreach import meeting_id
from domain.plans import CancelPlan, MakePlan, PlanKind, PlanStatus, plan_id
from domain.questionnaires import Questionnaire, SendQuestionnaire
from domain.regions import Region
from domain.values import DatePrecision, Door
from usecases.seed import CENTRE, FOUR, REPORT

# The report was written with these plans made; it gives each a place and a region, and only the year: each
# is dated to the year 2002 (its last day standing for it).
PLANNED_ON = date(2002, 3, 4)
IN_2002 = date(2002, 12, 31)
REGIONAL_SEMINARS = (
    ("Quito", "Latin America and the Caribbean", (Region.AMERICAS,)),
    ("Vilnius", "Central and Eastern Europe", (Region.EUROPE,)),
    ("Algiers", "the African region", (Region.AFRICA,)),
    ("Tokyo", "Asia and the Pacific", (Region.ASIA, Region.OCEANIA)),
)
# Paragraph 12: the Centre began distributing the Council's questionnaire to the participants in seminars held
# after September 2001 (their first days, and places, as the seed records those meetings).
HANDED_OUT_AT = (
    ("Tehran", date(2001, 10, 3)),
    ("Ouagadougou", date(2001, 11, 28)),
    ("Port-of-Spain", date(2001, 11, 30)),
)


def plans() -> list[MakePlan]:
    return [
        MakePlan(
            title=f"Regional seminar for the countries of {region}",
            kind=PlanKind.SEMINAR,
            place=place,
            planned=IN_2002,
            dated_to=DatePrecision.YEAR,
            organizers=(CENTRE,),
            regions=regions,
            instruments=FOUR,
            note="To review progress since the subregional seminars, identify needs and refine projects.",
            effective_date=PLANNED_ON,
            source=f"{REPORT}, para. 16",
            actor="seed",
            door=Door.CLI,
        )
        for place, region, regions in REGIONAL_SEMINARS
    ]


def sendings(programme: Programme) -> list[SendQuestionnaire]:
    tested = SendQuestionnaire(
        questionnaire=Questionnaire.ADVISORY_COUNCIL,
        meeting=meeting_id("Courmayeur", date(2001, 9, 13)),
        recipients="Participants of the interregional seminar (about 30 States, not named in the report)",
        note="Tested at the seminar.",
        effective_date=date(2001, 9, 13),
        source=f"{REPORT}, para. 12",
    )
    distributed = SendQuestionnaire(
        questionnaire=Questionnaire.PROSECUTORS,
        recipients="Membership of the International Association of Prosecutors, at its general meeting",
        effective_date=date(2001, 10, 31),
        source=f"{REPORT}, para. 12",
    )
    handed_out = []
    for place, first_day in HANDED_OUT_AT:
        meeting = programme.outreach.meeting(meeting_id(place, first_day))
        if meeting is None:  # corrected away since it was seeded: its sending is not the seed's to guess
            continue
        handed_out.append(
            SendQuestionnaire(
                questionnaire=Questionnaire.ADVISORY_COUNCIL,
                meeting=meeting.id,
                states=meeting.details.participants,
                note="Handed out to the participants, to prepare for the seminar.",
                effective_date=first_day,
                source=f"{REPORT}, para. 12 (distributed at the seminars held after September 2001)",
            )
        )
    return [tested, distributed, *handed_out]


# The days an earlier seed gave these plans for illustration, where the report gives only the year.
ILLUSTRATIVE_DAYS = {
    "Quito": date(2002, 5, 6),
    "Vilnius": date(2002, 6, 10),
    "Algiers": date(2002, 9, 16),
    "Tokyo": date(2002, 11, 11),
}
REDATED = "Dated again to the year the report gives (2002), in place of an illustrative day."


def _redate(programme: Programme, plan: MakePlan, actor: str) -> None:
    """Cancel the plan an earlier seed made for an illustrative day, still planned, for the year-dated one."""
    earlier = programme.plan(plan_id(plan.kind, plan.place, ILLUSTRATIVE_DAYS[plan.place]))
    if earlier is None or earlier.status is not PlanStatus.PLANNED:
        return
    programme.cancel_plan(
        CancelPlan(
            plan=earlier.id,
            reason=REDATED,
            effective_date=PLANNED_ON,
            actor=actor,
            door=Door.CLI,
            source=plan.source,
        )
    )


def seed_programme(programme: Programme, *, actor: str = "seed") -> int:
    """Record what of the report's plans and questionnaires is missing; the events recorded now."""
    before = programme.outreach.recorder.max_notification_id() or 0
    for plan in plans():
        # A seeded plan moved or cancelled since keeps its changes: the seed only adds.
        if programme.plan(plan_id(plan.kind, plan.place, plan.planned)) is None:
            _redate(programme, plan, actor)
            programme.make_plan(plan.model_copy(update={"actor": actor}))
    for sending in sendings(programme):
        programme.send(sending.model_copy(update={"actor": actor, "door": Door.CLI}))
    return (programme.outreach.recorder.max_notification_id() or 0) - before
