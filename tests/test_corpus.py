from pathlib import Path

import pytest

from ideocli.articles import normalize_name, reflow, replace_links, split_sections
from ideocli.corpus import check_corpus, load_corpus, parse_entry
from ideocli.errors import CorpusProblem


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Marxism–Leninism", "marxism leninism"),
        ("marxism leninism", "marxism leninism"),
        ("MARXISM-LENINISM", "marxism leninism"),
        ("Pétainism", "petainism"),
        ("degenerated workers' state", "degenerated workers state"),
        ("  checks & balances ", "checks and balances"),
        ("The Invisible Hand", "invisible hand"),
        ("the", "the"),
    ],
)
def test_normalize_name_folds_case_accents_and_punctuation(name: str, key: str) -> None:
    assert normalize_name(name) == key


def test_links_render_as_their_text() -> None:
    assert replace_links("see [[united-front|the united front]] and [[marxism]]") == "see the united front and marxism"


def test_split_sections() -> None:
    sections = split_sections("intro\n\n## Overview\n\nA.\n\n## Core ideas\n\nB.\n")
    assert sections == [("", "intro"), ("Overview", "A."), ("Core ideas", "B.")]


def test_fixture_corpus_loads_clean(corpus: Path) -> None:
    loaded = load_corpus(corpus)
    assert sorted(a.slug for a in loaded.articles) == [
        "alphaism", "betaism", "elanism", "gammaism", "grand-council", "permanent-revolution", "rolling-reform",
    ]  # fmt: skip
    assert check_corpus(loaded) == []


def test_parse_entry_reads_every_field(corpus: Path) -> None:
    text = (corpus / "ideologies" / "alphaism.md").read_text()
    entry = parse_entry(text, slug="alphaism", kind="ideology", display_path="ideologies/alphaism.md")
    article = entry.article
    assert article.title == "Alphaism"
    assert article.aliases == ("Alphaist", "Alpha doctrine")
    assert article.founded == 1901
    assert article.key_texts[0].year == 1901
    assert article.links == ("rolling-reform", "betaism", "grand-council", "elanism", "permanent-revolution")
    assert entry.key_lines["summary"] == 4


def test_malformed_front_matter_is_a_problem_and_the_rest_still_loads(corpus: Path) -> None:
    (corpus / "terms" / "broken.md").write_text("---\ntitle: Broken\nsummary: [unclosed\n---\nbody\n")
    loaded = load_corpus(corpus)
    assert len(loaded.articles) == 7
    assert [str(p).split(": ")[0:2] for p in loaded.problems] == [["terms/broken.md:4", "malformed front matter"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "terms/bad.md:1: no front matter"),
        ("---\ntitle: X\n", "terms/bad.md:1: no front matter"),
        ("---\n- a list\n---\n", "terms/bad.md:2: front matter must be a mapping"),
        ("---\ntitle: X\nsummary: S\n---\n", "terms/bad.md:2: 'definition' is required"),
        ("---\ntitle: X\nsummary: S\ndefinition: D\naliases: oops\n---\n", "terms/bad.md:5: 'aliases' must be a list"),
        ("---\ntitle: X\nsummary: S\ndefinition: D\nfounded: soon\n---\n", "terms/bad.md:5: 'founded' must be a year"),
    ],
)
def test_unloadable_files_are_reported_with_a_line(corpus: Path, text: str, expected: str) -> None:
    (corpus / "terms" / "bad.md").write_text(text)
    problems = [str(p) for p in load_corpus(corpus).problems]
    assert len(problems) == 1 and problems[0].startswith(expected)


def test_check_reports_dangling_link_with_its_line(corpus: Path) -> None:
    path = corpus / "terms" / "grand-council.md"
    path.write_text(path.read_text() + "\nAlso [[no-such-entry]].\n")
    problems = [str(p) for p in check_corpus(load_corpus(corpus))]
    line = path.read_text().splitlines().index("Also [[no-such-entry]].") + 1
    assert problems == [f"terms/grand-council.md:{line}: link [[no-such-entry]]: no entry 'no-such-entry'"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("family: [socialism]", "family: [socialism, bogus]", "family 'bogus' is not in vocabulary.yaml"),
        ("related: [gammaism]", "related: [gammaism, nowhere]", "related: no entry 'nowhere'"),
        ("aliases: [Alphaist, Alpha doctrine]", "aliases: [Alphaist, Betaist]", "alias 'Betaist' clashes with betaism"),
        (
            "terms: [rolling-reform, grand-council]",
            "terms: [rolling-reform, betaism]",
            "terms: 'betaism' is an ideology",
        ),
        ("definition: A fictional", "definition: " + "x" * 200 + " A fictional", "definition has"),
        ("title: Alphaism", "title: Alphaism\ncolour: red", "unknown key 'colour'"),
        ("## History", "## Story", "missing section '## History'"),
    ],
)
def test_check_catches(corpus: Path, old: str, new: str, expected: str) -> None:
    path = corpus / "ideologies" / "alphaism.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    problems = [str(p) for p in check_corpus(load_corpus(corpus))]
    assert any(expected in p and p.startswith("ideologies/alphaism.md:") for p in problems), problems


def test_duplicate_slug_across_kinds(corpus: Path) -> None:
    (corpus / "terms" / "alphaism.md").write_text((corpus / "terms" / "grand-council.md").read_text())
    problems = [str(p) for p in load_corpus(corpus).problems]
    assert problems == ["terms/alphaism.md:1: duplicate slug 'alphaism': also ideologies/alphaism.md"]


def test_bad_slug_and_hidden_files(corpus: Path) -> None:
    (corpus / "terms" / "Bad Name.md").write_text("x")
    (corpus / "terms" / ".hidden.md").write_text("x")
    (corpus / "terms" / "notes.txt").write_text("x")
    problems = [str(p) for p in load_corpus(corpus).problems]
    assert problems == ["terms/Bad Name.md:1: bad slug 'Bad Name': use lowercase ASCII words joined by hyphens"]


def test_missing_corpus_is_a_corpus_problem(tmp_path: Path) -> None:
    with pytest.raises(CorpusProblem):
        load_corpus(tmp_path / "nowhere")


def test_reflow_joins_paragraph_lines_but_keeps_list_items() -> None:
    text = "One\ntwo.\n\n- a\n  continued\n- b\n1. c"
    assert reflow(text) == "One two.\n\n- a continued\n- b\n1. c"
