"""Display names for facet values: countries by name rather than by ISO code."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from archive.results import SearchQuery

FACET_TITLES = {
    "persons": "People",
    "countries": "Countries",
    "organizations": "Organisations",
    "sources": "Sources",
}
# One facet value's kind, for chips ("Person: …").
FACET_SINGULAR = {
    "persons": "Person",
    "countries": "Country",
    "organizations": "Organisation",
    "sources": "Source",
}


@lru_cache(maxsize=1024)
def country_name(code: str) -> str:
    """``FR`` -> ``France``; historic states by their ISO 3166-3 code (``SUHH``); else the code."""
    code = code.upper()
    found = (
        pycountry.historic_countries.get(alpha_4=code)
        if len(code) == 4
        else pycountry.countries.get(alpha_2=code)
    )
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def value_label(facet: str, value: str) -> str:
    return country_name(value) if facet == "countries" else value


def describe(query: SearchQuery) -> str:
    """A search in a few words: "port · Jan Bakker or Anna de Vries · not Germany · 2021 to …"."""
    parts = [f"“{query.text}”" if query.text else "all articles"]
    for name, values in query.include.items():
        parts.append(" or ".join(value_label(name, v) for v in values))
    for name, values in query.exclude.items():
        parts.append("not " + ", ".join(value_label(name, v) for v in values))
    if query.date_from or query.date_to:
        start = query.date_from.isoformat() if query.date_from else "…"
        end = query.date_to.isoformat() if query.date_to else "…"
        parts.append(f"{start} to {end}")
    return " · ".join(parts)
