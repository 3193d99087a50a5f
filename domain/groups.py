"""The United Nations regional groups of Member States, with their membership on each date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class RegionalGroup(StrEnum):
    """The five regional groups the General Assembly's elections are held by (beside the M49 regions)."""

    AFRICAN = "African States"
    ASIA_PACIFIC = "Asia-Pacific States"
    EASTERN_EUROPEAN = "Eastern European States"
    LATIN_AMERICAN_CARIBBEAN = "Latin American and Caribbean States"
    WESTERN_EUROPEAN_OTHERS = "Western European and other States"


# Source: the regional groups as the United Nations Department for General Assembly and Conference
# Management lists them. Turkey takes part in the Western European and others and the Asia-Pacific groups and
# is counted with the first for elections, as here; Israel has been a member of the Western European and
# others group in New York since 2000; the United States attends it as an observer and is counted with it for
# elections; the State of Palestine (an observer State) takes part in the Asia-Pacific group. Former States
# take the group of the State they became (Yugoslavia and Serbia and Montenegro: Eastern European).
_MEMBERS: dict[RegionalGroup, str] = {
    RegionalGroup.AFRICAN: (
        "DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG COD CIV DJI EGY GNQ ERI SWZ ETH GAB GMB GHA GIN GNB "
        "KEN LSO LBR LBY MDG MWI MLI MRT MUS MAR MOZ NAM NER NGA RWA STP SEN SYC SLE SOM ZAF SSD SDN TGO TUN "
        "UGA TZA ZMB ZWE"
    ),
    RegionalGroup.ASIA_PACIFIC: (
        "AFG BHR BGD BTN BRN KHM CHN CYP PRK FJI IND IDN IRN IRQ JPN JOR KAZ KIR KWT KGZ LAO LBN MYS MDV MHL "
        "FSM MNG MMR NRU NPL OMN PAK PLW PNG PHL QAT KOR WSM SAU SGP SLB LKA SYR TJK THA TLS TON TKM TUV ARE "
        "UZB VUT VNM YEM PSE"
    ),
    RegionalGroup.EASTERN_EUROPEAN: (
        "ALB ARM AZE BLR BIH BGR HRV CZE EST GEO HUN LVA LTU MNE POL MDA ROU RUS SRB SVK SVN MKD UKR YUG SCG"
    ),
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN: (
        "ATG ARG BHS BRB BLZ BOL BRA CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM MEX NIC PAN PRY "
        "PER KNA LCA VCT SUR TTO URY VEN"
    ),
    RegionalGroup.WESTERN_EUROPEAN_OTHERS: (
        "AND AUS AUT BEL CAN DNK FIN FRA DEU GRC ISL IRL ITA LIE LUX MLT MCO NLD NZL NOR PRT SMR ESP SWE CHE "
        "GBR ISR TUR USA"
    ),
}

# Members whose membership began during the period Palermo covers: the day they were admitted to the United
# Nations (Switzerland, Timor-Leste, Montenegro, South Sudan), or joined a group (Kiribati, in 2010). Before
# that day they belong to no group.
JOINED: dict[str, date] = {
    "CHE": date(2002, 9, 10),
    "TLS": date(2002, 9, 27),
    "MNE": date(2006, 6, 28),
    "SSD": date(2011, 7, 14),
    "KIR": date(2010, 1, 1),
}

GROUP_OF: dict[str, RegionalGroup] = {
    code: group for group, codes in _MEMBERS.items() for code in codes.split()
}


def group_of(code: str, on: date | None = None) -> RegionalGroup | None:
    """The regional group of a State on `on` (by default, its group whenever it had one); None for a State of
    no group then, an organization or an unknown code."""
    key = code.strip().upper()
    group = GROUP_OF.get(key)
    if group is None or on is None:
        return group
    return None if key in JOINED and on < JOINED[key] else group


def parse_group(name: str) -> RegionalGroup:
    """A group by its name or first word in any letter case ("african", "Asia-Pacific"); ValueError names
    them."""
    wanted = name.strip().casefold()
    for group in RegionalGroup:
        if wanted in (group.value.casefold(), group.value.split()[0].casefold(), group.name.casefold()):
            return group
    known = ", ".join(g.value for g in RegionalGroup)
    raise ValueError(f"'{name}' is not a United Nations regional group; the groups are {known}.")
