"""The checklist of ratification elements (paragraph 11): one item per provision, so needs roll up."""

from __future__ import annotations

from domain.values import Instrument, NeedKind, Value


class ChecklistItem(Value):
    """A legislative requirement for basic compliance with one instrument, or a non-legislative need."""

    id: str
    instrument: Instrument | None
    article: str
    title: str
    kind: NeedKind = NeedKind.LEGISLATIVE


def _items(instrument: Instrument, rows: list[tuple[str, str]]) -> list[ChecklistItem]:
    return [
        ChecklistItem(
            id=f"{instrument.value}.art{article.split('-')[0]}",
            instrument=instrument,
            article=article,
            title=title,
        )
        for article, title in rows
    ]


CHECKLIST: tuple[ChecklistItem, ...] = (
    *_items(
        Instrument.CONVENTION,
        [
            ("5", "Criminalization of participation in an organized criminal group"),
            ("6", "Criminalization of the laundering of proceeds of crime"),
            ("7", "Measures to combat money-laundering"),
            ("8", "Criminalization of corruption"),
            ("9", "Measures against corruption"),
            ("10", "Liability of legal persons"),
            ("11", "Prosecution, adjudication and sanctions"),
            ("12-14", "Confiscation, seizure and disposal of proceeds of crime"),
            ("15", "Jurisdiction"),
            ("16", "Extradition"),
            ("18", "Mutual legal assistance"),
            ("20", "Special investigative techniques"),
            ("23", "Criminalization of obstruction of justice"),
            ("24", "Protection of witnesses"),
            ("25", "Assistance to and protection of victims"),
            ("26", "Cooperation with law enforcement authorities"),
            ("27", "Law enforcement cooperation"),
        ],
    ),
    *_items(
        Instrument.TRAFFICKING,
        [
            ("5", "Criminalization of trafficking in persons"),
            ("6", "Assistance to and protection of victims of trafficking"),
            ("7", "Status of victims in receiving States"),
            ("8", "Repatriation of victims"),
            ("9", "Prevention of trafficking in persons"),
            ("10", "Information exchange and training"),
            ("11", "Border measures"),
            ("12", "Security and control of documents"),
        ],
    ),
    *_items(
        Instrument.SMUGGLING,
        [
            ("6", "Criminalization of the smuggling of migrants"),
            ("8", "Measures against the smuggling of migrants by sea"),
            ("11", "Border measures"),
            ("12", "Security and control of documents"),
            ("16", "Protection and assistance measures"),
            ("18", "Return of smuggled migrants"),
        ],
    ),
    *_items(
        Instrument.FIREARMS,
        [
            ("5", "Criminalization of illicit manufacturing and trafficking"),
            ("6", "Confiscation, seizure and disposal of firearms"),
            ("7", "Record-keeping"),
            ("8", "Marking of firearms"),
            ("9", "Deactivation of firearms"),
            ("10", "Export, import and transit licensing"),
            ("11", "Security and preventive measures"),
            ("15", "Brokers and brokering"),
        ],
    ),
    ChecklistItem(
        id="training.officials",
        instrument=None,
        article="-",
        title="Training of officials in the instruments and the new law",
        kind=NeedKind.TRAINING,
    ),
    ChecklistItem(
        id="institution.establishment",
        instrument=None,
        article="-",
        title="Establishment or expansion of institutions",
        kind=NeedKind.INSTITUTION,
    ),
)

CHECKLIST_BY_ID: dict[str, ChecklistItem] = {item.id: item for item in CHECKLIST}
