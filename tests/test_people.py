"""People, person and text cards, and name resolution for them (issue: thinkers and key texts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ideocli.corpus import load_corpus
from tests.conftest import run


def test_every_key_figure_and_key_text_resolves(shipped: Path) -> None:
    import os

    from ideocli.library import open_library
    from ideocli.paths import resolve_paths

    library = open_library(resolve_paths(env=os.environ))
    articles = load_corpus(shipped).articles
    names = {name for a in articles for name in a.key_figures} | {t.title for a in articles for t in a.key_texts}
    unresolved = []
    for name in sorted(names):
        try:
            library.resolve(name)
        except Exception as error:  # NotFound, or ambiguous
            unresolved.append(f"{name}: {error}")
    assert not unresolved, unresolved[:20]


def test_person_entries_are_many_and_checked(shipped: Path) -> None:
    people = [a for a in load_corpus(shipped).articles if a.kind == "person"]
    assert len(people) >= 150
    assert all(a.born is not None and a.ideologies for a in people)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Karl Marx", "karl-marx"),
        ("marx", "karl-marx"),
        ("Mao Tse-tung", "mao-zedong"),
        ("Mohandas K. Gandhi", "mohandas-gandhi"),
        ("Das Kapital", "capital-a-critique-of-political-economy-volume-i"),
        ("Capital", "capital-a-critique-of-political-economy-volume-i"),
        ("The Communist Manifesto", "communist-manifesto"),
        ("communist manifesto", "communist-manifesto"),
        ("Manifesto of the Communist Party", "communist-manifesto"),
        ("Road to Serfdom", "road-to-serfdom"),
        ("James Madison", "james-madison"),
    ],
)
def test_people_and_texts_resolve_by_every_common_name(shipped: Path, name: str, slug: str) -> None:
    result = run("show", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entries"][0]["slug"] == slug


def test_an_ambiguous_surname_lists_its_candidates(shipped: Path) -> None:
    result = run("show", "Mill")
    assert result.exit_code == 1
    assert '"Mill" names more than one entry' in result.stderr
    assert "john-stuart-mill" in result.stderr and "harriet-taylor-mill" in result.stderr


def test_person_card_is_built_from_front_matter_only(shipped: Path) -> None:
    card = json.loads(run("show", "Ted Grant", "--format", "json").stdout)["entries"][0]
    assert card["kind"] == "person" and card["card"] is True
    assert "trotskyism" in card["related"]  # the entries that name him
    assert card["born"] is None  # nothing is invented


def test_text_card_names_author_year_and_listing_entries(shipped: Path) -> None:
    card = json.loads(run("show", "The Revolution Betrayed", "--format", "json").stdout)["entries"][0]
    assert card["kind"] == "text" and card["key_figures"] == ["Leon Trotsky"] and card["date"] == "1936"
    assert "trotskyism" in card["related"] and card["people"] == ["leon-trotsky"]


def test_people_commands(shipped: Path) -> None:
    define = run("define", "Rosa Luxemburg")
    assert define.exit_code == 0 and define.stdout.startswith("Rosa Luxemburg (1871-1919): ")
    related = json.loads(run("related", "Karl Marx", "--format", "json").stdout)["tree"]
    relations = {(child["relation"], child["slug"]) for child in related["children"]}
    assert ("ideologies", "marxism") in relations and ("linked_from", "marxism") not in relations
    assert any(relation == "texts" for relation, _ in relations)
    people = run("list", "--kind", "person").stdout.split()
    assert "karl-marx" in people and "ted-grant" in people  # entries and cards
    assert "ted-grant" not in run("list").stdout.split()  # cards only when a kind is asked for
    search = json.loads(run("search", "Rosa Luxemburg", "--format", "json").stdout)
    assert search["hits"][0]["slug"] == "rosa-luxemburg" and search["hits"][0]["kind"] == "person"


def test_an_ideology_links_to_the_people_it_names(shipped: Path) -> None:
    import os

    from ideocli.library import open_library
    from ideocli.paths import resolve_paths

    entry = json.loads(run("show", "trotskyism", "--format", "json").stdout)["entries"][0]
    assert "leon-trotsky" in entry["people"]
    library = open_library(resolve_paths(env=os.environ))
    assert {"trotskyism", "fourth-international"} <= set(library.backlinks("leon-trotsky"))


def test_events_list_in_date_order(shipped: Path) -> None:
    result = run("list", "--kind", "term", "--subject", "event", "--format", "json")
    entries = json.loads(result.stdout)["entries"]
    dates = [e["date"] for e in entries]
    years = [int(d[:1] + d[1:].split("-")[0]) for d in dates]
    assert len(entries) >= 30 and years == sorted(years)
    assert all(e["subject"] == "event" for e in entries)


def test_glossary_has_300_terms_and_new_subjects_are_checked(shipped: Path) -> None:
    terms = [a for a in load_corpus(shipped).articles if a.kind == "term"]
    assert len(terms) >= 300
    assert {a.subject for a in terms} >= {"concept", "event", "organisation", "document"}
