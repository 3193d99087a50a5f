"""The States that can become parties: the pool a forecast of ratifications counts down from."""

from __future__ import annotations

from datetime import date

from domain.treaty import REGIONAL_ORGANIZATIONS

# The 193 Member States of the United Nations (ISO 3166 alpha-3; Serbia continues Yugoslavia and Serbia and
# Montenegro). The Convention is open to all States (art. 36), so the States outside the UN that take part in
# the Secretary-General's treaties are in the pool too.
_MEMBER_CODES = """
    AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
    BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU
    EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND
    IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS
    MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
    PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
    SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE
    GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE
"""
MEMBER_STATES = frozenset(_MEMBER_CODES.split())
# The Holy See, the Cook Islands and Niue take part in treaties deposited with the Secretary-General.
OTHER_STATES = frozenset({"VAT", "COK", "NIU"})
# States that came into being after the Convention was adopted, from the day they did.
BORN: dict[str, date] = {
    "TLS": date(2002, 5, 20),
    "MNE": date(2006, 6, 3),
    "SSD": date(2011, 7, 9),
}


def can_join(as_of: date) -> frozenset[str]:
    """Every State (and regional economic integration organization) that existed on `as_of`."""
    present = {code for code in MEMBER_STATES | OTHER_STATES if BORN.get(code, date.min) <= as_of}
    return frozenset(present | set(REGIONAL_ORGANIZATIONS))
