"""The web tests' archive: five fictional articles with known persons, countries and dates,
so every count in the web tests can be checked by hand (fixtures in web_fixtures.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from archive import Article, Caption

PORT_STRIKE_ID = "https://example.org/news/2021/port-strike?id=1#top"
SCRIPT_TITLE = "<script>alert(1)</script> Marseille dockers vote"
ADMIN_TOKEN = "admin-token-for-tests"


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, 9, 30, tzinfo=UTC)


def articles() -> list[Article]:
    return [
        Article(
            id=PORT_STRIKE_ID,
            title="Port strike halts Rotterdam terminals",
            standfirst="Dockers walked out over automation plans.",
            body=["Dockers at Rotterdam began a strike on Friday.", "Jan Bakker led the talks."],
            url=PORT_STRIKE_ID,
            source="Harbour Courier",
            authors=["Lena Smit"],
            published=day(2021, 3, 5),
            captions=[Caption("Crane operators at the Maasvlakte terminal.", "Photo Desk")],
            persons=["Anna de Vries", "Jan Bakker"],
            countries=["NL"],
            organizations=["Port Authority"],
        ),
        Article(
            id="a2",
            title="Antwerp dockers join the port strike",
            body=["The strike spread from Rotterdam to Antwerp.", "Jan Bakker welcomed it."],
            source="Meridian Daily",
            published=day(2021, 4, 10),
            persons=["Jan Bakker"],
            countries=["BE", "NL"],
        ),
        Article(
            id="a3",
            title="Port strike spreads to Hamburg",
            body=["Klaus Weber said the strike would last a week."],
            source="Meridian Daily",
            published=day(2022, 7, 1),
            persons=["Klaus Weber"],
            countries=["DE"],
        ),
        Article(
            id="sha256:script",
            title=SCRIPT_TITLE,
            body=["<b>Bold</b> claims about <script>x()</script> the harbour."],
            url="javascript:alert(2)",
            source="Le Veilleur",
            published=day(2023, 1, 15),
            countries=["FR"],
        ),
        Article(
            id="a5",
            title="Fishermen protest new quotas",
            body=["Fishermen in Tromsø protested against quotas."],
            countries=["NO"],
        ),
    ]
