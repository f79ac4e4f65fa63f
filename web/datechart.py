"""The date facet as a bar chart: years, or the months of one year once the range is that year.

Each bar is a link that narrows the search to its year or month. The geometry is computed here
(an inline SVG needs numbers, not logic), so the template only draws rectangles.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from archive.results import Results, SearchQuery
from web import params
from web.facets import UrlFor

WIDTH = 320
BAR_AREA = 80
HEIGHT = BAR_AREA + 16
# At most this many labels under the bars (every k-th year).
MAX_LABELS = 8


@dataclass
class Bar:
    label: str  # "2019" or "March 2019"
    tick: str  # the text under the bar, or "" when there is no room
    count: int
    url: str | None  # None for an empty bar (nothing to narrow to)
    in_range: bool
    x: float
    y: float
    width: float
    height: float
    tick_x: float


@dataclass
class DateChart:
    level: str  # "years" or "months"
    year: int | None
    bars: list[Bar]
    up_url: str | None  # back to all years
    undated: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BAR_AREA

    @property
    def caption(self) -> str:
        return f"Articles per month in {self.year}" if self.year else "Articles per year"


def _drill_year(query: SearchQuery, years: dict[int, int]) -> int | None:
    """The year whose months to show: the range lies in one year, or only one year has hits."""
    start, end = query.date_from, query.date_to
    if start and end and start.year == end.year:
        return start.year
    if not start and not end and len(years) == 1:
        return next(iter(years))
    return None


def _overlaps(first: date, last: date, query: SearchQuery) -> bool:
    if not (query.date_from or query.date_to):
        return False
    return (query.date_from or date.min) <= last and first <= (query.date_to or date.max)


def _bars(periods: list[tuple[str, str, date, date, int]], query: SearchQuery, url_for: UrlFor):
    """Bars from (label, tick, first day, last day, count), scaled to the largest count."""
    top = max((p[4] for p in periods), default=0) or 1
    step = WIDTH / max(len(periods), 1)
    gap = min(2.0, step * 0.2)
    every = max(1, -(-len(periods) // MAX_LABELS))
    bars = []
    for i, (label, tick, first, last, count) in enumerate(periods):
        height = max(count / top * BAR_AREA, 1.5 if count else 0.0)
        bars.append(
            Bar(
                label=label,
                tick=tick if i % every == 0 else "",
                count=count,
                url=url_for(params.with_dates(query, first, last)) if count else None,
                in_range=_overlaps(first, last, query),
                x=round(i * step + gap / 2, 2),
                y=round(BAR_AREA - height, 2),
                width=round(step - gap, 2),
                height=round(height, 2),
                tick_x=round(i * step + step / 2, 2),
            )
        )
    return bars


def date_chart(results: Results, url_for: UrlFor) -> DateChart | None:
    """The chart for a result page, or None when no matching article has a date."""
    query = results.query
    years = {int(v.value): v.count for v in results.facets.get("years", []) if v.count}
    if not years:
        return None
    year = _drill_year(query, years)
    if year is not None:
        months = {v.value: v.count for v in results.facets.get("months", [])}
        periods = [
            (
                f"{calendar.month_name[m]} {year}",
                calendar.month_abbr[m],
                date(year, m, 1),
                date(year, m, calendar.monthrange(year, m)[1]),
                months.get(f"{year:04d}-{m:02d}", 0),
            )
            for m in range(1, 13)
        ]
        up = url_for(params.with_dates(query, None, None)) if len(years) > 1 else None
        return DateChart("months", year, _bars(periods, query, url_for), up, results.undated)
    periods = [
        (str(y), str(y), date(y, 1, 1), date(y, 12, 31), years.get(y, 0))
        for y in range(min(years), max(years) + 1)
    ]
    return DateChart("years", None, _bars(periods, query, url_for), None, results.undated)
