"""Entity extraction on the seed article, on short ambiguous sentences and on gold documents."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.article import Article, Caption
from bench.entities import gold_article, score_countries, score_persons
from indexer.entities import entities_of_text, extract_entities
from indexer.parsers import parse_file


def test_seed_article_through_our_parser(seed_path: Path) -> None:
    article = extract_entities(parse_file(seed_path))
    assert sorted(article.persons) == sorted(
        ["Jens Stoltenberg", "Antonio Guterres", "Kelly Craft", "Recep Erdogan", "Bashar Al Assad"]
    )
    assert sorted(article.countries) == sorted(["TR", "SY", "RU", "US", "IQ", "BE"])
    assert "Francisco Seco" not in article.persons
    assert any(c.credit and "Francisco Seco" in c.credit for c in article.captions)
    assert "NATO" in article.organizations


def test_extract_entities_returns_a_copy_and_ignores_credits() -> None:
    article = Article(
        id="x",
        title="Talks in Ankara",
        body=[
            "By Jane Roe",
            "Foreign Minister Mevlut Cavusoglu met Sergey Lavrov in Ankara on Monday.",
        ],
        captions=[Caption(text="Sergey Lavrov arrives in Ankara.", credit="Jane Doe / Reuters")],
    )
    result = extract_entities(dataclasses.replace(article, authors=["Jane Roe"]))
    assert article.persons == []
    assert sorted(result.persons) == ["Mevlut Cavusoglu", "Sergey Lavrov"]
    assert result.countries == ["TR"]


@pytest.mark.parametrize(
    ("text", "persons", "countries"),
    [
        ("Georgia's parliament met in Tbilisi on Monday.", [], ["GE"]),
        (
            "Voters in Atlanta, Georgia, lined up early. The U.S. election is close.",
            [],
            ["US"],
        ),
        ("King Abdullah of Jordan met US officials in Amman.", ["Abdullah"], ["JO", "US"]),
        (
            "Striker Jordan Henderson scored twice. Jordan said the win mattered.",
            ["Jordan Henderson"],
            [],
        ),
        ("The family roasted a turkey for the holiday.", [], []),
        ("Chad Smith, the drummer, said he was tired.", ["Chad Smith"], []),
        ("Troops from Chad and Niger crossed into Mali.", [], ["TD", "NE", "ML"]),
        ("Oil spills in the Niger Delta and patrols in the South China Sea.", [], ["NG"]),
        ("The flight on Biman Bangladesh Airlines landed late.", [], []),
        ("An Agence France-Presse reporter saw the crowd.", [], []),
        ("Protesters filled the streets of Hong Kong.", [], ["HK"]),
        ("Police said Tshepiso Mokoena, 42, was arrested in Lagos.", ["Tshepiso Mokoena"], ["NG"]),
        ("Martin Luther King Jr. marched. King said so.", ["Martin Luther King Jr."], []),
        ("Bill Gates spoke as Storm Ciara passed and the Finance Bill failed.", ["Bill Gates"], []),
        ("The Kremlin denied the report, and Washington said nothing.", [], ["RU", "US"]),
        ("Turkish troops and Russian-backed forces clashed near Idlib.", [], ["TR", "RU", "SY"]),
    ],
)
def test_ambiguous_names(text: str, persons: list[str], countries: list[str]) -> None:
    found = entities_of_text(text)
    assert sorted(found.persons) == sorted(persons)
    assert sorted(found.countries) == sorted(countries)


def test_titles_possessives_and_short_mentions_fold_into_one_person() -> None:
    text = (
        "Nato Secretary General Jens Stoltenberg spoke in Brussels.\n\n"
        "Mr Stoltenberg's remarks followed a call. Stoltenberg said the alliance was united.\n\n"
        "Turkish President Recep Tayyip Erdogan replied. Later Recep Erdogan\u00a0spoke again."
    )
    found = entities_of_text(text)
    assert sorted(found.persons) == ["Jens Stoltenberg", "Recep Tayyip Erdogan"]
    assert found.countries[0] in {"BE", "TR"} and set(found.countries) == {"BE", "TR"}


@pytest.fixture(scope="module")
def gold_docs(corpus_dir: Path) -> dict[str, dict]:
    docs = json.loads((corpus_dir / "gum-wikinews" / "gold_docs.json").read_text("utf-8"))
    return {doc["id"]: doc for doc in docs}


@pytest.mark.parametrize(
    "doc_id", ["GUM_news_asylum", "GUM_news_korea", "GUM_news_sensitive", "GUM_news_flag"]
)
def test_gold_documents(gold_docs: dict[str, dict], doc_id: str) -> None:
    doc = gold_docs[doc_id]
    found = extract_entities(gold_article(doc))
    tp, fp, fn = score_persons(found.persons, doc["person_entities"])
    assert tp >= 0.8 * len(doc["person_entities"]) and fp <= 1
    tp, fp, fn = score_countries(found.countries, doc["countries"])
    assert fn == 0 and fp <= 1


def test_parse_json_shows_the_three_lists(run_indexer, seed_path: Path) -> None:
    code, out, _err = run_indexer("parse", "--json", seed_path)
    assert code == 0
    record = json.loads(out)
    assert "Kelly Craft" in record["persons"] and "Francisco Seco" not in record["persons"]
    assert set(record["countries"]) == {"TR", "SY", "RU", "US", "IQ", "BE"}
    assert "NATO" in record["organizations"]


def test_handles_headlines_and_other_languages_are_not_names() -> None:
    article = Article(
        id="y",
        title="Republicans Are Following Trump Into A Royal Self-Indicting Arrogance",
        body=[
            "Governor Matt Bevin (@MattBevin) lost, the New York-listed company said.",
            "Bevin said he would not concede.",
        ],
    )
    assert extract_entities(article).persons == ["Matt Bevin"]
    german = Article(id="z", title="Die Akte", body=["Die Digitalisierung kommt."], language="de")
    assert extract_entities(german).persons == []


def test_organisation_names_continue_over_of() -> None:
    found = entities_of_text(
        "The University of Helsinki and the U.S. Department of Agriculture signed. Nato and"
        " NATO allies, the United Nations and the UN agreed."
    )
    assert found.organizations[:2] == ["NATO", "United Nations"]
    assert "University of Helsinki" in found.organizations
    assert "U.S. Department of Agriculture" in found.organizations
    assert sorted(found.countries) == ["FI", "US"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aAzZ '’-.\n\u00a0,:$()ÉğßЖ中1Mr.Jr.USS")), max_size=80)
)
def test_any_text_gives_well_formed_entities(text: str) -> None:
    found = entities_of_text(text)
    assert all(code.isupper() and len(code) in (2, 4) for code in found.countries)
    assert all(name and name == name.strip() for name in found.persons)


def test_organisation_names_stop_before_a_weekday() -> None:
    found = entities_of_text("The European Commission on Tuesday proposed a levy on shipping.")
    assert found.organizations == ["European Commission"]


def test_datelines_are_places_not_organisations() -> None:
    found = entities_of_text(
        "GHENT — The library lends drills.\n\nGUIUAN, Philippines — Boats were lost.\n\n"
        "MADRID, Spain — Rain fell."
    )
    assert found.organizations == []
    assert {"PH", "ES"} <= set(found.countries)


def test_well_known_organisations_and_introduced_acronyms_are_one_value() -> None:
    found = entities_of_text(
        "The United Nations sent boats. The UN agency said more would come. Nato met in Oslo. "
        "The Atlantic Ports Alliance (APA) met on Monday. The APA said talks went well."
    )
    assert sorted(found.organizations) == ["Atlantic Ports Alliance", "NATO", "United Nations"]


def test_nz_is_a_country_and_nz_dollars_are_money() -> None:
    assert entities_of_text("Trade with NZ grew.").countries == ["NZ"]
    found = entities_of_text("The council approved a NZ$180 million plan.")
    assert found.countries == [] and found.organizations == []


def test_places_of_two_words_are_not_persons() -> None:
    found = entities_of_text(
        "The farmers of Minya hope to expand to Beni Suef, said an official. "
        "Fields outside Ben Tre were left fallow, an official said."
    )
    assert found.persons == []


def test_family_name_first_keeps_the_whole_name() -> None:
    found = entities_of_text(
        "For three generations, Tran Van Hung's family grew rice. "
        '"They are changing," said Nguyen Thi Lan, an agronomist.'
    )
    assert sorted(found.persons) == ["Nguyen Thi Lan", "Tran Van Hung"]


def test_a_surname_after_an_honorific_confirms_the_full_name() -> None:
    found = entities_of_text(
        "Near the Nile, Abdel-Rahman Fathy no longer listens for the pump. "
        '"The sun does not send a bill," Mr Fathy said.'
    )
    assert found.persons == ["Abdel-Rahman Fathy"]


def test_a_name_ending_another_name_folds_into_it() -> None:
    found = entities_of_text(
        '"A disc," said Sofía Valdés Ortega, the astronomer. Dr Valdés Ortega said planets form. '
        "The talks were led by Amara Okafor Bello, an economist. Amara Okafor-Bello said so. "
        "President-elect Evo Morales met Evo Morales's allies."
    )
    assert sorted(found.persons) == ["Amara Okafor Bello", "Evo Morales", "Sofía Valdés Ortega"]


def test_demonym_phrases_are_not_persons() -> None:
    found = entities_of_text(
        "Trade ministers from fifteen West African countries met, said an aide."
    )
    assert found.persons == []


def test_businesses_named_beside_a_company_noun_are_not_persons() -> None:
    found = entities_of_text(
        "Talks with the terminal operator, Atlântico Terminais, broke down. "
        "Atlântico Terminais said it was open to talks. "
        "The mine, operated by Minera Cordillera Sur, a company owned by investors, shut. "
        "Seto Maritime Lines, a Japanese operator of bulk ships, said it would buy ships. "
        '"No," company CEO Andy Vesey said.'
    )
    assert found.persons == ["Andy Vesey"]


def test_a_first_name_in_brackets_joins_its_surname() -> None:
    found = entities_of_text(
        "I voted for [George H. W.] Bush in 88 and [Phil] Gramm in 96. "
        '"Majority Leader (Mitch) McConnell has not been in the talks," she said. '
        "The World Health Organization (WHO) Director-General spoke."
    )
    assert sorted(found.persons) == ["George H. W. Bush", "Mitch McConnell", "Phil Gramm"]
    assert found.organizations == ["World Health Organization"]


def test_compound_first_names_and_quoted_surnames_confirm_full_names() -> None:
    found = entities_of_text(
        "French duo Pierre-Hugues Herbert and Jo-Wilfried Tsonga won. "
        'Piyum Moghadam, a consultant, booked a flight. "We were stuck," Moghadam said.'
    )
    expected = ["Jo-Wilfried Tsonga", "Pierre-Hugues Herbert", "Piyum Moghadam"]
    assert sorted(found.persons) == expected


def test_name_particles_join_surnames_but_common_words_do_not() -> None:
    found = entities_of_text(
        "Vincent van Gogh painted it, said Ursula von der Leyen, who met Juan de la Cruz. "
        "Critics of van Gogh agreed. Mauricio Pochettino as Tottenham boss won."
    )
    assert sorted(found.persons) == [
        "Juan de la Cruz",
        "Mauricio Pochettino",
        "Ursula von der Leyen",
        "Vincent van Gogh",
    ]


def test_a_surname_that_is_also_an_ordinary_word_after_a_known_first_name() -> None:
    found = entities_of_text(
        "Coach Mike Brown wore brown shoes. Former Senator Rick Santorum mocked the santorum "
        "cocktail. The game at Heinz Field was played on a wet field. A breakfast cereal strip, "
        "Saturday Morning Breakfast Cereal, joked about it."
    )
    assert sorted(found.persons) == ["Mike Brown", "Rick Santorum"]


def test_a_city_after_a_place_is_no_first_name() -> None:
    found = entities_of_text(
        "A psychology major at University of Texas Arlington Amneh Jafari heard of it. "
        "Jafari said she was shocked."
    )
    assert found.persons == ["Amneh Jafari"]
    assert found.organizations == ["University of Texas Arlington"]


def test_adverbs_start_sentences_and_compound_adjectives_start_no_name() -> None:
    found = entities_of_text(
        '"It is there," said planetary geologist Rosaly Lopes. "Yes," added Lopes. '
        "Currently Lopes leads the team. "
        "The NBA-leading Lakers won, and the GOP-dominated Legislature met."
    )
    assert found.persons == ["Rosaly Lopes"]


def test_single_names_beside_a_person_noun_a_speech_verb_or_a_government() -> None:
    found = entities_of_text(
        "Van Der Beek said his wife, Kimberly, was well. The cuts came under the Monti "
        'government and the Trump administration. "We will act," said Connolly. '
        "The Punjab government and the Conservative government disagreed. Officials in "
        "Florence said the Labour government would help Google, said analysts."
    )
    assert sorted(found.persons) == ["Connolly", "Kimberly", "Monti", "Trump", "Van Der Beek"]


def test_a_product_named_after_its_maker_is_not_a_person() -> None:
    found = entities_of_text(
        "Reviews of Google Stadia are in. Stadia streams games, and Google sells it. "
        "To LeBron James, wins matter. LeBron smiled and James scored."
    )
    assert found.persons == ["LeBron James"]


def test_teams_venues_and_companies_are_not_persons() -> None:
    found = entities_of_text(
        "The New York Islanders, the Los Angeles Lakers and the Washington Redskins lost at "
        "Jones Beach Theater, said "
        "Sky Sports. Dick Clark Productions and Amnesty International said so too."
    )
    assert found.persons == []


def test_a_role_in_apposition_confirms_a_name() -> None:
    found = entities_of_text(
        "K.C. Maurer, chief financial officer at the foundation, signed. "
        "Eswar Prasad, a professor of trade policy, was not surprised. "
        "Shops on Main St., a busy road, were shut. The head of NATO, Hoop Scheffer, agreed. "
        "Tinder is a mess most of the time, Tinder Passport aside."
    )
    assert sorted(found.persons) == ["Eswar Prasad", "Hoop Scheffer", "K.C. Maurer"]


def test_a_first_name_beside_the_speaker_is_a_person() -> None:
    found = entities_of_text("It is a profile I developed; Rebecca and I put it together.")
    assert found.persons == ["Rebecca"]
    assert entities_of_text("We sold Apple and I bought Google.").persons == []


def test_a_name_after_a_work_noun_is_a_title() -> None:
    found = entities_of_text(
        "Dennis Hopper, famous for the 1969 film Easy Rider, posed. Her graphic novel Angel "
        "Catbird sold well. BizWest TV Leadership Series – Beryl Stafford – Bobo's."
    )
    assert sorted(found.persons) == ["Beryl Stafford", "Dennis Hopper"]


def test_names_of_events_and_groups_are_not_persons() -> None:
    found = entities_of_text(
        "The Muslim Brotherhood met before the Davis Cup Final, said Physicians for Human "
        "Rights, and the Orange County Register reported it."
    )
    assert found.persons == []


def test_a_titled_name_may_end_in_a_place_word() -> None:
    found = entities_of_text(
        "Pan-democrat veteran Cyd Ho lost her seat, and voters in Southern Indiana said so."
    )
    assert found.persons == ["Cyd Ho"]


def test_a_first_name_that_is_an_everyday_english_word_needs_a_family_name() -> None:
    found = entities_of_text(
        "Fans of Star Wars queued for Little Women and Red Dead Redemption, while Bill Mott "
        "trained horses and True Tone screens sold."
    )
    assert found.persons == ["Bill Mott"]


def test_hyphenated_organisation_heads_and_leading_compounds() -> None:
    found = entities_of_text(
        "Agence France-Presse and the San Diego Union-Tribune reported that Day-by-day Schiff "
        "met Moon Jae-in. Shay Mooney Music and Big Machine Music signed a Frank Walker Remix."
    )
    assert found.persons == ["Moon Jae-in"]


def test_a_role_word_after_a_full_name_is_cut() -> None:
    found = entities_of_text(
        "Blake Shelton Producers: Scott Hendricks. Luke Combs Producer: Chip Matthews. "
        "Martin Luther King III spoke."
    )
    assert {"Blake Shelton", "Luke Combs", "Martin Luther King III"} <= set(found.persons)
    assert not any(name.endswith(("Producer", "Producers")) for name in found.persons)


def test_an_unknown_first_word_before_a_listed_family_name() -> None:
    found = entities_of_text(
        "In 2008 voters chose Barack Obama, and students of Visual Arts and fans of "
        "Churchill Downs cheered."
    )
    assert found.persons == ["Barack Obama"]


def test_a_storm_name_is_no_person_anywhere_in_the_article() -> None:
    found = entities_of_text(
        "Cyclone Phailin neared the coast. As of the last advisory, T C Phailin has winds of "
        '190 km/h. "Stay inside," said Anil Das, a local official.'
    )
    assert found.persons == ["Anil Das"]
    # A person who shares the storm's name is still a person.
    found = entities_of_text("Hurricane Harvey flooded Houston. Steve Harvey said he would help.")
    assert found.persons == ["Steve Harvey"]
    # A storm named like a person, named alone, is still the storm.
    found = entities_of_text(
        "Hurricane Katrina hit New Orleans. Prices rose thanks to Katrina, said Lundberg."
    )
    assert "Katrina" not in found.persons


def test_a_first_name_spelt_two_ways_is_one_person() -> None:
    found = entities_of_text(
        "Kristin Wilkins, the curator, chose the works. Kristen Wilkins said so. "
        "Dan Moore and Don Moore are brothers."
    )
    assert sorted(found.persons) == ["Dan Moore", "Don Moore", "Kristin Wilkins"]
    # The last letter is never a spelling: it often tells a man from a woman.
    found = entities_of_text("Mario Lopez met reporters. Maria Lopez, his sister, said nothing.")
    assert sorted(found.persons) == ["Maria Lopez", "Mario Lopez"]


def test_a_list_that_a_plural_person_noun_opens_names_persons() -> None:
    found = entities_of_text(
        "Greeks worship the ancient gods, such as Zeus, Hera, Poseidon, and Athena. "
        "Financial players like Fortress and Alden bought papers, as did films such as Alien."
    )
    assert sorted(found.persons) == ["Athena", "Hera", "Poseidon", "Zeus"]


def test_an_english_given_name_before_an_east_asian_family_name_of_the_article() -> None:
    found = entities_of_text(
        "Leung Kwok-hung and Lee Cheuk-yan ran again. Youngspiration's Baggio Leung and "
        "DAB's Starry Lee won. Abu Abdul-Rahman met Abu Musab al-Zarqawi."
    )
    assert {"Baggio Leung", "Starry Lee", "Abu Musab al-Zarqawi"} <= set(found.persons)


def test_a_function_word_is_a_surname_only_after_a_first_name_and_a_cue() -> None:
    found = entities_of_text(
        "Pro-Beijing district councillor Wilson Or was elected. Wong was defeated by James To. "
        "Tickets for St. Louis August 30 sold out, and Nathan To the left stood."
    )
    assert sorted(found.persons) == ["James To", "Wilson Or"]


def test_an_interviewee_is_a_role_before_a_name() -> None:
    found = entities_of_text("File photo of interviewee R Saravanan.")
    assert found.persons == ["R Saravanan"]


def test_a_name_right_after_the_noun_of_a_body_is_no_person() -> None:
    found = entities_of_text(
        "Members of the localist group Civic Passion marched. New People Party's Michael Tien "
        "won, and the religious schools Santo Spirito and Immacolata must pay."
    )
    assert found.persons == ["Michael Tien"]


@pytest.mark.parametrize("page", ["57b4dafd18cfd0531b69f81e87158648227c673e", "ba07d1e64775f4"])
def test_a_german_page_marked_english_gives_no_entities(corpus_dir: Path, page: str) -> None:
    folder = corpus_dir / "article-extraction-benchmark" / "html"
    article = parse_file(next(folder.glob(f"{page}*.html*")))
    assert article.language.startswith("en")
    found = extract_entities(article)
    assert (found.persons, found.countries, found.organizations) == ([], [], [])


def test_english_with_foreign_names_and_quotes_is_still_read() -> None:
    text = (
        "The minister of the interior, Bruno Le Maire, said that the plan was one of many. "
        'He quoted the motto "Liberté, égalité, fraternité" and the song "Que será, será" '
        "to the members of the party, who were in Paris for the vote and for the talks. "
    ) * 3
    article = Article(id="x", title="Talks", body=[text])
    assert "Bruno Le Maire" in extract_entities(article).persons


def test_a_nickname_and_the_full_first_name_are_one_person() -> None:
    found = entities_of_text(
        "Lawrence Lessig spoke first. Later Larry Lessig, the professor, said so again. "
        "Dan Moore and Don Moore are brothers."
    )
    assert sorted(found.persons) == ["Dan Moore", "Don Moore", "Lawrence Lessig"]


def test_brothers_and_songwriters_end_no_person() -> None:
    found = entities_of_text(
        "The label Warner Bros signed the Jonas Brothers, and Lehman Brothers failed. "
        "Blake Shelton Songwriters: Ross Copperman."
    )
    assert "Blake Shelton" in found.persons
    assert not any(n.endswith(("Bros", "Brothers", "Songwriters")) for n in found.persons)


def test_namesakes_told_apart_by_middle_initials_stay_two() -> None:
    found = entities_of_text(
        "Reagan in 80, [George H. W.] Bush in 88, [George W.] Bush in 2000. "
        "George W Bush spoke. Roy O. Disney and Roy E. Disney ran the studio with Roy Disney."
    )
    bushes = sorted(name for name in found.persons if name.endswith("Bush"))
    disneys = sorted(name for name in found.persons if name.endswith("Disney"))
    assert bushes == ["George H. W. Bush", "George W. Bush"]
    assert disneys == ["Roy E. Disney", "Roy O. Disney"]


def test_a_prediction_fitting_two_gold_persons_takes_the_one_it_names() -> None:
    gold = [
        {"name": "George H. W. Bush", "aliases": ["George H. W. Bush"]},
        {"name": "George W. Bush", "aliases": ["George W. Bush"]},
    ]
    assert score_persons(["George W. Bush", "George H. W. Bush"], gold) == (2, 0, 0)
    assert score_persons(["Bush", "George Bush"], gold) == (2, 0, 0)
    assert score_persons(["George W. Bush", "George W. Bush"], gold[1:]) == (1, 1, 0)


def test_a_scorer_is_a_person_and_a_regiment_is_not() -> None:
    found = entities_of_text(
        "Kyle Walker was booked, and Ferjani Sassi scored from the penalty spot. "
        "The Lancashire Regiment vowed to stay."
    )
    assert sorted(found.persons) == ["Ferjani Sassi", "Kyle Walker"]
