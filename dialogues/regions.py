"""How the localisation figures group organisations: by kind (local and national, international,
other) and by region of the Global South, derived from a country.

Regions follow the UN M49 standard (https://unstats.un.org/unsd/methodology/m49/): Africa,
Asia, Latin America and the Caribbean, and Oceania form the Global South. Europe, Northern
America, Australia, New Zealand and Japan (M49's former "developed regions") count as
"Global North / international". A country outside every list (Antarctica, or none given)
counts as "not known".
"""

from django.utils.translation import gettext_lazy as _

from members.models import Organisation

AFRICA = "africa"
ASIA = "asia"
LATIN_AMERICA = "latin_america"
OCEANIA = "oceania"
GLOBAL_NORTH = "global_north"
UNKNOWN = "unknown"

REGION_LABELS = {
    AFRICA: _("Africa"),
    ASIA: _("Asia"),
    LATIN_AMERICA: _("Latin America and the Caribbean"),
    OCEANIA: _("Oceania"),
    GLOBAL_NORTH: _("Global North / international"),
    UNKNOWN: _("Not known"),
}
GLOBAL_SOUTH = (AFRICA, ASIA, LATIN_AMERICA, OCEANIA)
# What a topic proposal is about: one region of the Global South, or all regions.
TOPIC_REGIONS = [("global", _("All regions"))] + [
    (region, REGION_LABELS[region]) for region in GLOBAL_SOUTH
]

# ISO 3166-1 alpha-2 codes by M49 region (sub-regions in comments).
_COUNTRIES = {
    AFRICA: """
        DZ EG LY MA SD TN EH
        IO BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TF TZ UG ZM ZW
        AO CM CF TD CG CD GQ GA ST
        BW SZ LS NA ZA
        BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG
    """,  # northern; eastern; middle; southern; western Africa
    LATIN_AMERICA: """
        AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI
        BZ CR SV GT HN MX NI PA
        AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE
    """,  # Caribbean; Central America; South America
    ASIA: """
        KZ KG TJ TM UZ
        CN HK MO KP MN KR TW
        BN KH ID LA MY MM PH SG TH TL VN
        AF BD BT IN IR MV NP PK LK
        AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE
    """,  # central; eastern (Japan: north); south-eastern; southern; western Asia
    OCEANIA: """
        NF
        FJ NC PG SB VU
        GU KI MH FM NR MP PW UM
        AS CK PF NU PN WS TK TO TV WF
    """,  # Norfolk Island; Melanesia; Micronesia; Polynesia
    GLOBAL_NORTH: """
        BY BG CZ HU PL MD RO RU SK UA
        AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB
        AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES
        AT BE FR DE LI LU MC NL CH
        BM CA GL PM US
        AU NZ HM CX CC JP
    """,  # Europe; Northern America; Australia and New Zealand; Japan
}
COUNTRY_REGIONS = {code: region for region, codes in _COUNTRIES.items() for code in codes.split()}


def region_of(country_code: str | None) -> str:
    return COUNTRY_REGIONS.get((country_code or "").upper(), UNKNOWN)


LOCAL = "local"
INTERNATIONAL = "international"
OTHER = "other"

CATEGORY_LABELS = {
    LOCAL: _("Local and national organisations"),
    INTERNATIONAL: _("International organisations"),
    OTHER: _("Networks, academia and government"),
    UNKNOWN: _("No organisation given"),
}

# Networks mix local and international members, academia and government are not aid
# organisations: they are counted apart rather than forced to one side.
KIND_CATEGORIES = {
    Organisation.Kind.LOCAL_NGO: LOCAL,
    Organisation.Kind.NATIONAL_NGO: LOCAL,
    Organisation.Kind.INGO: INTERNATIONAL,
    Organisation.Kind.UN_AGENCY: INTERNATIONAL,
    Organisation.Kind.DONOR: INTERNATIONAL,
    Organisation.Kind.NETWORK: OTHER,
    Organisation.Kind.ACADEMIA: OTHER,
    Organisation.Kind.GOVERNMENT: OTHER,
}


def category_of(kind: str | None) -> str:
    return KIND_CATEGORIES.get(kind or "", UNKNOWN)
