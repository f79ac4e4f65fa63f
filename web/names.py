"""Display names for facet values: countries by name rather than by ISO code."""

from __future__ import annotations

from functools import lru_cache

import pycountry

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
