"""The command line through CliRunner: every command, format and error path."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import run

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[")
BOX = re.compile(r"[\u2500-\u257f]")


def golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name>; IDEO_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("IDEO_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["show", "alphaism"], "show-alphaism.txt"),
        (["show", "alphaism", "--format", "json"], "show-alphaism.json"),
        (["show", "alphaism", "rolling reform", "--summary"], "show-summary.txt"),
        (["show", "alphaism", "--summary", "--format", "json"], "show-summary.json"),
        (["show", "alphaism", "--section", "history"], "show-section.txt"),
        (["show", "alphaism", "--section", "Core ideas", "--format", "json"], "show-section.json"),
        (["define", "RR", "grand council"], "define.txt"),
        (["define", "rolling-reform", "--format", "json"], "define.json"),
        (["search", "assembly minutes", "--limit", "3"], "search.txt"),
        (["search", "assembly minutes", "--limit", "3", "--format", "json"], "search.json"),
        (["list"], "list.txt"),
        (["list", "--long", "--kind", "term"], "list-long.txt"),
        (["list", "--format", "json", "--family", "socialism"], "list.json"),
        (["related", "alphaism"], "related.txt"),
        (["related", "alphaism", "--depth", "2"], "related-depth2.txt"),
        (["related", "grand-council", "--format", "json"], "related.json"),
    ],
)
def test_golden_output(args: list[str], name: str) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_plain_output_when_piped_has_no_ansi_or_box_drawing() -> None:
    for args in (["show", "alphaism"], ["list"], ["related", "alphaism"], ["search", "assembly"], ["define", "RR"]):
        result = run(*args)
        assert not ANSI.search(result.stdout) and not BOX.search(result.stdout), args


def test_rich_format_is_styled_with_colour_always() -> None:
    result = run("show", "alphaism", "--format", "rich", "--color", "always")
    assert result.exit_code == 0
    assert ANSI.search(result.stdout)
    assert "Alphaism" in result.stdout


def test_no_color_env_and_color_never_turn_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not ANSI.search(run("show", "alphaism", "--format", "rich", "--color", "never").stdout)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(run("show", "alphaism", "--format", "rich").stdout)


def test_rich_renders_every_command() -> None:
    for args in (["show", "alphaism"], ["list", "--long"], ["related", "alphaism", "--depth", "2"], ["search", "assembly"],
                 ["define", "RR"], ["show", "alphaism", "--summary"], ["show", "alphaism", "--section", "history"]):  # fmt: skip
        result = run(*args, "--format", "rich")
        assert result.exit_code == 0, (args, result.stderr)
        assert "Alphaism" in result.stdout or "Rolling reform" in result.stdout


def test_names_resolve_case_and_punctuation_insensitively() -> None:
    for name in ("ALPHAISM", "Alphaist", "alpha-doctrine", "Alpha  Doctrine", "elanism", "ÉLAN DOCTRINE"):
        result = run("show", name, "--summary")
        assert result.exit_code == 0, name


def test_json_documents_carry_schema_version() -> None:
    for args in (
        ["show", "alphaism"],
        ["define", "RR"],
        ["search", "assembly"],
        ["list"],
        ["related", "alphaism"],
        ["check"],
    ):
        document = json.loads(run(*args, "--format", "json").stdout)
        assert document["schema_version"] == 1, args


def test_unknown_entry_suggests_and_exits_1() -> None:
    result = run("show", "alphaizm")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == 'ideo: no entry "alphaizm"'
    assert result.stderr.splitlines()[1].startswith("did you mean: Alphaism")


def test_unknown_entry_never_substitutes() -> None:
    result = run("show", "alphaism", "betaizm")
    assert result.exit_code == 1 and result.stdout == ""


def test_misspelled_search_is_corrected_and_says_so() -> None:
    result = run("search", "gamaism")
    assert result.exit_code == 0
    assert 'nothing matched "gamaism"; showing results for "gammaism"' in result.stderr
    assert result.stdout.startswith("Gammaism (ideology, gammaism)")


def test_search_without_results_exits_1_with_did_you_mean() -> None:
    result = run("search", "gammaizzm OR qqqxxz")
    assert result.exit_code == 1
    assert 'no results for "gammaizzm OR qqqxxz"' in result.stderr
    assert "did you mean: Gammaism" in result.stderr


def test_unknown_section_lists_the_sections() -> None:
    result = run("show", "alphaism", "--section", "legacy")
    assert result.exit_code == 1
    assert "sections: Overview, Core ideas, History, Criticism" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["show"], ["search"], ["list", "--kind", "bogus"], ["related", "alphaism", "--depth", "9"], ["search", "x", "--limit", "0"],
     ["show", "alphaism", "--format", "yaml"], ["nosuchcommand"]],
)  # fmt: skip
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_hostile_query_is_a_usage_error() -> None:
    result = run("search", "x" * 10_000)
    assert result.exit_code == 2
    assert result.stderr.startswith("ideo: query too long")
    assert "Traceback" not in result.stderr


def test_malformed_entry_warns_and_the_rest_still_works(corpus: Path) -> None:
    (corpus / "terms" / "broken.md").write_text("---\ntitle: [oops\n---\n")
    result = run("show", "alphaism", "--summary")
    assert result.exit_code == 0
    assert result.stdout.startswith("Alphaism is a fictional doctrine")
    assert result.stderr.startswith("ideo: warning: terms/broken.md:3: malformed front matter")


def test_check_passes_on_the_fixture_and_fails_with_exit_3(corpus: Path) -> None:
    ok = run("check")
    assert ok.exit_code == 0 and ok.stdout == "" and "7 entries, no problems" in ok.stderr
    path = corpus / "ideologies" / "gammaism.md"
    path.write_text(path.read_text().replace("related: [alphaism]", "related: [alphaism, missing-one]"))
    bad = run("check")
    assert bad.exit_code == 3
    assert bad.stdout == "ideologies/gammaism.md:16: related: no entry 'missing-one'\n"


def test_markup_and_control_characters_are_printed_literally(corpus: Path) -> None:
    path = corpus / "terms" / "grand-council.md"
    text = path.read_text().replace("title: Grand council", "title: Grand [bold]council[/]")
    path.write_text(text + "\nBell\x07 and escape \x1b[31mred\x1b[0m and [link=http://x]y[/link].\n")
    for fmt in ("plain", "rich"):
        result = run("show", "grand-council", "--format", fmt)
        assert result.exit_code == 0
        assert "Grand [bold]council[/]" in result.stdout
        assert "[link=http://x]y[/link]" in result.stdout
        assert "\x07" not in result.stdout and "\x1b" not in result.stdout


def test_index_command_reports_counts() -> None:
    result = run("index")
    assert result.exit_code == 0
    assert re.match(
        r"indexed 7 entries \(4 ideologies, 3 terms, 0 people\) and 3 cards in \d+\.\d\d s into ", result.stdout
    )
    document = json.loads(run("index", "--format", "json").stdout)
    assert document["entries"] == 7 and document["terms"] == 3


def test_missing_corpus_is_exit_3(tmp_path: Path) -> None:
    result = run("--corpus", str(tmp_path / "nowhere"), "list")
    assert result.exit_code == 3
    assert result.stderr.startswith("ideo: corpus directory not found")


def test_version_prints_entry_count() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert re.match(r"ideo \d+\.\d+\.\d+ \(7 entries in .*\)\n", result.stdout)


def test_paths_shows_the_resolution(tmp_path: Path) -> None:
    result = run("--index-dir", str(tmp_path / "elsewhere"), "paths")
    assert f"index\t{tmp_path / 'elsewhere'}\t(flag)" in result.stdout
    assert "corpus\t" in result.stdout and "(env)" in result.stdout


def test_list_filters() -> None:
    assert run("list", "--kind", "term").stdout.split() == ["grand-council", "permanent-revolution", "rolling-reform"]
    assert run("list", "--family", "marxism").stdout.split() == ["betaism"]
    assert run("list", "--family", "nothing").exit_code == 1


def test_search_filters() -> None:
    assert "kind" in run("search", "--help").stdout
    result = run("search", "assembly", "--kind", "term", "--format", "json")
    assert {hit["kind"] for hit in json.loads(result.stdout)["hits"]} == {"term"}
    result = run("search", "assembly", "--family", "liberalism", "--format", "json")
    assert [hit["slug"] for hit in json.loads(result.stdout)["hits"]] == ["gammaism"]


def test_related_includes_backlinks() -> None:
    document = json.loads(run("related", "rolling-reform", "--format", "json").stdout)
    children = {(c["relation"], c["slug"]) for c in document["tree"]["children"]}
    assert ("ideologies", "alphaism") in children
    assert ("linked_from", "permanent-revolution") in children


def test_bce_years_are_shown_as_bce(corpus: Path) -> None:
    path = corpus / "ideologies" / "betaism.md"
    path.write_text(path.read_text().replace("founded: 1880", "founded: -356"))
    result = run("show", "betaism")
    assert "Founded: 356 BCE\n" in result.stdout
    assert json.loads(run("show", "betaism", "--format", "json").stdout)["entries"][0]["founded"] == -356
