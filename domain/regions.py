"""The UN M49 region of every State (current and historic), for officers' scopes and the dashboard."""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    """The five regions of the UN Statistics Division's M49 standard."""

    AFRICA = "Africa"
    AMERICAS = "Americas"
    ASIA = "Asia"
    EUROPE = "Europe"
    OCEANIA = "Oceania"


# M49 "Standard country or area codes for statistical use", grouped by region and sub-region.
# Historic codes (ISO 3166-3) take the region of the territory they covered. Antarctica (ATA and the
# historic Antarctic territories) belongs to no region, nor do regional organizations such as the EU.
_MEMBERS: dict[Region, str] = {
    Region.AFRICA: (
        # Northern Africa
        "DZA EGY LBY MAR SDN TUN ESH "
        # Eastern Africa
        "IOT BDI COM DJI ERI ETH ATF KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB ZWE "
        # Middle Africa
        "AGO CMR CAF TCD COG COD GNQ GAB STP "
        # Southern Africa
        "BWA SWZ LSO NAM ZAF "
        # Western Africa
        "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SHN SEN SLE TGO "
        # Historic: French Afars and Issas, Dahomey, Upper Volta, Southern Rhodesia, Zaire
        "AFI DHY HVO RHO ZAR"
    ),
    Region.AMERICAS: (
        # Caribbean
        "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF "
        "VCT SXM TTO TCA VIR "
        # Central America
        "BLZ CRI SLV GTM HND MEX NIC PAN "
        # South America
        "ARG BOL BVT BRA CHL COL ECU FLK GUF GUY PRY PER SGS SUR URY VEN "
        # Northern America
        "BMU CAN GRL SPM USA "
        # Historic: Netherlands Antilles, Panama Canal Zone
        "ANT PCZ"
    ),
    Region.ASIA: (
        # Central Asia
        "KAZ KGZ TJK TKM UZB "
        # Eastern Asia (Taiwan appears in M49 only within "Other Asia")
        "CHN HKG MAC PRK JPN MNG KOR TWN "
        # South-eastern Asia
        "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM "
        # Southern Asia
        "AFG BGD BTN IND IRN MDV NPL PAK LKA "
        # Western Asia
        "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM "
        # Historic: Burma, Neutral Zone, Sikkim, East Timor, North Viet-Nam, South Yemen
        "BUR NTZ SKM TMP VDR YMD"
    ),
    Region.EUROPE: (
        # Eastern Europe
        "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR "
        # Northern Europe
        "ALA DNK EST FRO FIN GGY ISL IRL IMN JEY LVA LTU NOR SJM SWE GBR "
        # Southern Europe
        "ALB AND BIH HRV GIB GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP "
        # Western Europe
        "AUT BEL FRA DEU LIE LUX MCO NLD CHE "
        # Historic: Byelorussian SSR, Czechoslovakia, Serbia and Montenegro, German Democratic Republic,
        # Metropolitan France, USSR, Yugoslavia
        "BYS CSK SCG DDR FXX SUN YUG"
    ),
    Region.OCEANIA: (
        # Australia and New Zealand
        "AUS CXR CCK HMD NZL NFK "
        # Melanesia
        "FJI NCL PNG SLB VUT "
        # Micronesia
        "GUM KIR MHL FSM NRU MNP PLW UMI "
        # Polynesia
        "ASM COK PYF NIU PCN WSM TKL TON TUV WLF "
        # Historic: Canton and Enderbury, Gilbert and Ellice, Johnston, Midway, New Hebrides,
        # Pacific Islands trust territory, US Miscellaneous Pacific Islands, Wake
        "CTE GEL JTN MID NHB PCI PUS WAK"
    ),
}

REGION_OF: dict[str, Region] = {code: region for region, codes in _MEMBERS.items() for code in codes.split()}


def region_of(code: str) -> Region | None:
    """The M49 region of a State's ISO 3166 alpha-3 code; None for Antarctica and organizations."""
    return REGION_OF.get(code.strip().upper())


def parse_region(name: str) -> Region:
    """A region by its name in any letter case ("africa", "Americas"); ValueError names the known ones."""
    for region in Region:
        if region.value.casefold() == name.strip().casefold():
            return region
    raise ValueError(f"'{name}' is not an M49 region; the regions are {', '.join(r.value for r in Region)}.")
