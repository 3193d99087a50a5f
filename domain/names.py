"""States' names as the United Nations used them on each date, where they differ from today's or ISO's."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class DatedName(NamedTuple):
    """A name the United Nations used for a State from `since` (None: from before any treaty action here)."""

    since: date | None
    name: str


# What pycountry lacks: the United Nations' short names (as the Treaty Collection and the Secretary-General's
# reports write them) over time, oldest first. Sources: the Treaty Collection's status tables (2002 and 2014)
# and the depositary's notes on them for 2000-2014 (Yugoslavia; Serbia and Montenegro from 4 February 2003;
# Serbia from 3 June 2006; Cabo Verde from 24 October 2013; Libya from 16 September 2011); for later changes,
# the date the United Nations began to use the new name (Eswatini, 19 April 2018; North Macedonia, 14 February
# 2019; Czechia, a short name entered in the United Nations terminology database in 2016, here from 1 July
# 2016; Türkiye, 1 June 2022). Yugoslavia, Serbia and Montenegro and Serbia are one State under three names
# (the Collection lists the deposit of 6 September 2001 under Serbia): each of its codes answers with the
# name of the date.
_YUGOSLAVIA = (
    DatedName(None, "Yugoslavia"),
    DatedName(date(2003, 2, 4), "Serbia and Montenegro"),
    DatedName(date(2006, 6, 3), "Serbia"),
)
UN_NAMES: dict[str, tuple[DatedName, ...]] = {
    "YUG": _YUGOSLAVIA,
    "SCG": _YUGOSLAVIA,
    "SRB": _YUGOSLAVIA,
    "MKD": (
        DatedName(None, "The former Yugoslav Republic of Macedonia"),
        DatedName(date(2019, 2, 14), "North Macedonia"),
    ),
    "SWZ": (DatedName(None, "Swaziland"), DatedName(date(2018, 4, 19), "Eswatini")),
    "CZE": (DatedName(None, "Czech Republic"), DatedName(date(2016, 7, 1), "Czechia")),
    "TUR": (DatedName(None, "Turkey"), DatedName(date(2022, 6, 1), "Türkiye")),
    "CPV": (DatedName(None, "Cape Verde"), DatedName(date(2013, 10, 24), "Cabo Verde")),
    "LBY": (DatedName(None, "Libyan Arab Jamahiriya"), DatedName(date(2011, 9, 16), "Libya")),
    # Names the United Nations has used throughout, where ISO 3166 (pycountry) words them otherwise.
    "BOL": (DatedName(None, "Bolivia (Plurinational State of)"),),
    "VEN": (DatedName(None, "Venezuela (Bolivarian Republic of)"),),
    "IRN": (DatedName(None, "Iran (Islamic Republic of)"),),
    "FSM": (DatedName(None, "Micronesia (Federated States of)"),),
    "KOR": (DatedName(None, "Republic of Korea"),),
    "PRK": (DatedName(None, "Democratic People's Republic of Korea"),),
    "MDA": (DatedName(None, "Republic of Moldova"),),
    "TZA": (DatedName(None, "United Republic of Tanzania"),),
    "LAO": (DatedName(None, "Lao People's Democratic Republic"),),
    "COD": (DatedName(None, "Democratic Republic of the Congo"),),
    "SYR": (DatedName(None, "Syrian Arab Republic"),),
    "RUS": (DatedName(None, "Russian Federation"),),
    "VNM": (DatedName(None, "Viet Nam"),),
    "GBR": (DatedName(None, "United Kingdom of Great Britain and Northern Ireland"),),
    "USA": (DatedName(None, "United States of America"),),
    "VAT": (DatedName(None, "Holy See"),),
    "ANT": (DatedName(None, "Netherlands Antilles"),),
    "CSK": (DatedName(None, "Czechoslovakia"),),
    "SUN": (DatedName(None, "Union of Soviet Socialist Republics"),),
}


def un_name(code: str, on: date) -> str | None:
    """The name the United Nations used for the State on `on`, or None where the table has no entry."""
    names = UN_NAMES.get(code.strip().upper())
    if not names:
        return None
    found = names[0].name
    for since, name in names:
        if since is None or since <= on:
            found = name
    return found


def changed_names(on: date) -> dict[str, str]:
    """Every State whose name on `on` is not the one it bears in the table today: code to the name then."""
    found: dict[str, str] = {}
    for code in UN_NAMES:
        then = un_name(code, on)
        if then is not None and then != un_name(code, date.max):
            found[code] = then
    return found
