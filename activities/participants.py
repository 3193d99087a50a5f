"""The directory of participants: States by ISO 3166 alpha-3 code (historic ones too) and organizations."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import cache
from typing import Literal

import pycountry
from pydantic import BaseModel, ConfigDict

from domain.errors import UnknownParticipant
from domain.names import UN_NAMES, un_name
from domain.treaty import REGIONAL_ORGANIZATIONS

ORGANIZATIONS = REGIONAL_ORGANIZATIONS

# Names as the UN Treaty Collection writes them, where ISO 3166 words them differently.
TREATY_COLLECTION_NAMES: dict[str, str] = {
    "Bolivia (Plurinational State of)": "BOL",
    "Bolivia": "BOL",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Venezuela": "VEN",
    "Iran (Islamic Republic of)": "IRN",
    "Micronesia (Federated States of)": "FSM",
    "Republic of Korea": "KOR",
    "Democratic People's Republic of Korea": "PRK",
    "Republic of Moldova": "MDA",
    "United Republic of Tanzania": "TZA",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Lao People's Democratic Republic": "LAO",
    "Democratic Republic of the Congo": "COD",
    "Congo": "COG",
    "Côte d'Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "Cape Verde": "CPV",
    "Cabo Verde": "CPV",
    "Swaziland": "SWZ",
    "Czech Republic": "CZE",
    "Turkey": "TUR",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "United States of America": "USA",
    "Russian Federation": "RUS",
    "Syrian Arab Republic": "SYR",
    "Viet Nam": "VNM",
    "Guinea Bissau": "GNB",
    "Guinea-Bissau": "GNB",
    "State of Palestine": "PSE",
    "Holy See": "VAT",
    "Yugoslavia": "YUG",
    "Serbia and Montenegro": "SCG",
    "Netherlands Antilles": "ANT",
}


class Participant(BaseModel):
    """A State or regional economic integration organization that can sign and ratify."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    kind: Literal["state", "organization"] = "state"
    historic: bool = False


def _former(record: object) -> str:
    """A former State's name: ISO 3166-3 gives some as half-names ("Yugoslavia, (Socialist) Federal Republic
    of."), which the United Nations' name of the time replaces."""
    name = str(getattr(record, "name", ""))
    known = UN_NAMES.get(str(getattr(record, "alpha_3", "")), ())
    if not known or name in {n.name for n in known}:
        return name
    return known[0].name


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = folded.casefold().replace(",", " ").split()
    # The Treaty Collection abbreviates Saint ("St. Lucia").
    return " ".join("saint" if w in ("st.", "st") else w for w in words)


class ParticipantDirectory:
    """Looks participants up by code or by any of their names."""

    def __init__(self) -> None:
        self._by_code: dict[str, Participant] = {}
        self._by_name: dict[str, str] = {}
        for record in pycountry.historic_countries:
            self._add(Participant(code=record.alpha_3, name=_former(record), historic=True), record)
        for record in pycountry.countries:
            name = getattr(record, "common_name", None) or record.name
            self._add(Participant(code=record.alpha_3, name=name), record)
        for code, (name, aliases) in ORGANIZATIONS.items():
            self._by_code[code] = Participant(code=code, name=name, kind="organization")
            for alias in (name, *aliases):
                self._by_name[_key(alias)] = code
        for alias, code in TREATY_COLLECTION_NAMES.items():
            self._by_name[_key(alias)] = code

    def _add(self, participant: Participant, record: object) -> None:
        self._by_code[participant.code] = participant
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None)
            if value:
                self._by_name[_key(value)] = participant.code

    def get(self, code: str) -> Participant:
        """The participant with this code; UnknownParticipant names the code otherwise."""
        found = self._by_code.get(code.strip().upper())
        if found is None:
            raise UnknownParticipant(
                f"'{code}' is not an ISO 3166 alpha-3 code of a State (current or historic) "
                "nor a known organization."
            )
        return found

    def find(self, name_or_code: str) -> Participant | None:
        """Look up by code or by name (ISO 3166 or Treaty Collection wording); None if unknown."""
        text = name_or_code.strip()
        if len(text) == 3 and text.upper() in self._by_code:
            return self._by_code[text.upper()]
        code = self._by_name.get(_key(text))
        return self._by_code[code] if code else None

    def named(self, code_or_name: str) -> Participant:
        """The participant a code or a name (ISO 3166 or Treaty Collection wording) stands for;
        UnknownParticipant names the code otherwise."""
        found = self.find(code_or_name)
        return found if found is not None else self.get(code_or_name)

    def name_on(self, code: str, on: date) -> str:
        """The participant's name as the United Nations used it on `on`; unknown codes stay codes."""
        found = self._by_code.get(code.strip().upper())
        dated = un_name(code, on)
        if dated is not None and (found is None or found.kind == "state"):
            return dated
        return found.name if found else code

    def all(self) -> list[Participant]:
        return sorted(self._by_code.values(), key=lambda p: p.code)


@cache
def directory() -> ParticipantDirectory:
    """The shared directory; building it reads pycountry's data once per process."""
    return ParticipantDirectory()
