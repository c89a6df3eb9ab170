"""compare, timeline, graph, random, shell completion and the pager, on the fixture corpus plus a few
dated entries (tests/fixtures/views: a person, an event, an ancient doctrine)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run
from test_cli import ANSI, BOX, golden

from ideocli.cli import cli

VIEWS_FIXTURES = Path(__file__).parent / "fixtures" / "views"
IDEO = [sys.executable, "-m", "ideocli"]


@pytest.fixture(autouse=True)
def dated_entries(corpus: Path) -> Path:
    """Add the dated fixture entries to this test's corpus copy."""
    shutil.copytree(VIEWS_FIXTURES, corpus, dirs_exist_ok=True)
    return corpus


# --- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["compare", "alphaism", "gammaism"], "compare.txt"),
        (["compare", "alphaism", "gammaism", "--format", "json"], "compare.json"),
        (["compare", "alphaism", "elanism", "deltaism"], "compare-three.txt"),
        (["timeline"], "timeline.txt"),
        (["timeline", "--family", "socialism", "--format", "json"], "timeline.json"),
        (["graph"], "graph-forest.txt"),
        (["graph", "betaism", "--depth", "1"], "graph-tree.txt"),
        (["graph", "alphaism", "--format", "dot"], "graph.dot"),
        (["graph", "alphaism", "--format", "mermaid"], "graph.mmd"),
        (["graph", "alphaism", "--relation", "derived_from,opposed_to", "--format", "json"], "graph.json"),
        (["random", "--seed", "7", "--summary"], "random-summary.txt"),
        (["random", "--seed", "7", "--summary", "--format", "json"], "random-summary.json"),
    ],
)
def test_golden_output(args: list[str], name: str) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_plain_views_have_no_ansi_or_box_drawing() -> None:
    for args in (["compare", "alphaism", "betaism"], ["timeline"], ["graph"], ["random", "--seed", "1"]):
        result = run(*args)
        assert result.exit_code == 0, args
        assert not ANSI.search(result.stdout) and not BOX.search(result.stdout), args


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "alphaism", "gammaism", "elanism"],
        ["compare", "ada-example", "first-assembly"],
        ["timeline"],
        ["timeline", "--kind", "person"],
        ["graph"],
        ["graph", "betaism"],
        ["random", "--seed", "3"],
        ["random", "--seed", "3", "--summary"],
    ],
)
def test_rich_views_fit_80_columns(args: list[str]) -> None:
    result = run(*args, "--format", "rich", "--color", "always")
    assert result.exit_code == 0, result.stderr
    assert ANSI.search(result.stdout)
    plain = ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", result.stdout))
    assert max(len(line) for line in plain.splitlines()) <= 80


# --- compare -----------------------------------------------------------------------------------


def test_compare_json_says_how_they_relate() -> None:
    document = json.loads(run("compare", "alphaism", "elanism", "--format", "json").stdout)
    pair = document["pairs"][0]
    assert {"source": "alphaism", "target": "elanism", "relation": "opposed_to"} in pair["links"]
    assert {"source": "elanism", "target": "alphaism", "relation": "opposed_to"} in pair["links"]
    assert pair["shared_ancestors"] == [{"slug": "betaism", "paths": [["alphaism", "betaism"], ["elanism", "betaism"]]}]
    assert pair["shared"]["terms"] == ["grand-council"]
    assert document["entries"][0]["only"]["terms"] == ["rolling-reform"]


def test_compare_finds_descent_through_derived_from(corpus: Path) -> None:
    path = corpus / "ideologies" / "alphaism.md"
    path.write_text(path.read_text().replace("derived_from: [betaism]", "derived_from: [gammaism]"))
    document = json.loads(run("compare", "alphaism", "betaism", "--format", "json").stdout)
    assert document["pairs"][0]["descent"] == ["alphaism", "gammaism", "betaism"]
    text = run("compare", "alphaism", "betaism").stdout
    assert "Alphaism descends from Betaism through Gammaism: Alphaism → Gammaism → Betaism." in text


def test_compare_of_a_person_and_an_event_shows_their_dates() -> None:
    text = run("compare", "ada example", "the assembly of 1901").stdout
    assert "Dates\n  Ada Example: 1850–1920\n  First Assembly: 1901-05-01–1903\n" in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["compare", "alphaism"], 2, "at least two different entries"),
        (["compare", "alphaism", "Alphaist"], 2, "at least two different entries"),
        (["compare", "alphaism", "betaism", "gammaism", "elanism", "deltaism", "grand-council"], 2, "at most 5"),
        (["compare", "alphaism", "omegaism"], 1, 'no entry "omegaism"'),
        (["timeline", "--since", "2000", "--until", "1900"], 2, "is after --until"),
        (["timeline", "--family", "fascism"], 1, "no dated entries"),
        (["timeline", "--since", "year one"], 2, "is not a year"),
        (["graph", "alphaism", "--relation", "friends", "--format", "dot"], 2, "unknown relation 'friends'"),
        (["graph", "nowhere"], 1, 'no entry "nowhere"'),
        (["random", "--family", "fascism"], 1, "no entries match"),
        (["completion", "powershell"], 2, "Invalid value"),
    ],
)
def test_view_errors(args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert message in result.stderr


# --- timeline ----------------------------------------------------------------------------------


def test_timeline_places_bce_years_and_filters() -> None:
    lines = run("timeline").stdout.splitlines()
    assert lines[0] == "356 BCE\tdeltaism\tDeltaism"
    assert "1850\tada-example\tAda Example" in lines
    assert "1901\tfirst-assembly\tFirst Assembly" in lines
    assert all(line.count("\t") == 2 for line in lines)
    assert run("timeline", "--since", "400BCE", "--until", "-300").stdout == "356 BCE\tdeltaism\tDeltaism\n"
    assert [line.split("\t")[1] for line in run("timeline", "--kind", "term").stdout.splitlines()] == ["first-assembly"]


def test_timeline_json_spans_and_groups() -> None:
    entries = {e["slug"]: e for e in json.loads(run("timeline", "--format", "json").stdout)["entries"]}
    assert entries["ada-example"]["end"] == 1920 and not entries["ada-example"]["ongoing"]
    assert entries["first-assembly"]["end"] == 1903 and entries["first-assembly"]["date"] == "1901-05-01"
    assert entries["first-assembly"]["group"] == "socialism"  # a term counts under its ideologies' families
    assert entries["alphaism"]["ongoing"] is True
    assert entries["deltaism"]["year"] == -356
    assert not any(entry.get("card") for entry in entries.values())
    assert "minutes-of-the-first-assembly" not in entries  # cards are skipped


def test_timeline_chart_has_an_axis_with_a_break() -> None:
    text = run("timeline", "--format", "rich").stdout
    axis = text.splitlines()[1]
    assert "≈" in axis  # the empty centuries between Deltaism and the rest are cut out
    assert "356 BCE" in text.splitlines()[0]


def test_axis_maps_years_to_columns() -> None:
    from ideocli.render.chart import Axis

    axis = Axis([1800, 1850, 1900, 1950, 2000], 40)
    assert axis.breaks == [] and axis.column(1800) == 0 and axis.column(2000) == 39
    assert axis.column(1900) in (19, 20)
    ancient = Axis([-500, -400, 1800, 1900, 2000, 1950, 1850], 40)
    assert len(ancient.breaks) == 1
    assert ancient.column(-500) == 0 and ancient.column(2000) == 39
    assert ancient.column(-400) < ancient.breaks[0] < ancient.column(1800)
    labels = [label for _, label in ancient.ticks()]
    assert "500 BCE" in labels and "0" not in labels
    columns = [(column, column + len(label)) for column, label in ancient.ticks()]
    assert all(end < start for (_, end), (start, _) in zip(columns, columns[1:], strict=False))


# --- graph -------------------------------------------------------------------------------------

DOT_STRING = r'"(?:[^"\\\n]|\\.)*"'
DOT_ATTR = rf"[a-z]+=(?:{DOT_STRING}|[A-Za-z0-9_.]+)"
DOT_ATTRS = rf"\[{DOT_ATTR}(?:, {DOT_ATTR})*\]"
DOT_LINES = {
    "open": re.compile(r"digraph ideo \{"),
    "defaults": re.compile(rf"  (?:graph|node|edge) {DOT_ATTRS};"),
    "node": re.compile(rf"  ({DOT_STRING}) {DOT_ATTRS};"),
    "edge": re.compile(rf"  ({DOT_STRING}) -> ({DOT_STRING}) {DOT_ATTRS};"),
    "close": re.compile(r"\}"),
}


def check_dot(text: str) -> dict[str, str]:
    """Check the DOT subset ideo emits, line by line; return node id -> label."""
    lines = text.splitlines()
    assert DOT_LINES["open"].fullmatch(lines[0]) and DOT_LINES["close"].fullmatch(lines[-1])
    nodes: dict[str, str] = {}
    for line in lines[1:-1]:
        if DOT_LINES["defaults"].fullmatch(line):
            continue
        if match := DOT_LINES["node"].fullmatch(line):
            label = re.search(rf"label=({DOT_STRING})", line)
            assert label, line
            nodes[unquote_dot(match.group(1))] = unquote_dot(label.group(1))
        elif match := DOT_LINES["edge"].fullmatch(line):
            assert unquote_dot(match.group(1)) in nodes and unquote_dot(match.group(2)) in nodes, line
        else:
            raise AssertionError(f"not DOT: {line!r}")
    return nodes


def unquote_dot(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


MERMAID_ID = r"n_[A-Za-z0-9_]+"
MERMAID_LABEL = r'"[^"<>`\n]*"'
MERMAID_SHAPES = [
    rf"\[{MERMAID_LABEL}\]",
    rf"\(\[{MERMAID_LABEL}\]\)",
    rf"\[/{MERMAID_LABEL}/\]",
    rf"\[\[{MERMAID_LABEL}\]\]",
]
# The link tokens of Mermaid's flowchart lexer (flow.jison): normal, thick and dotted links.
MERMAID_LINK = r"(?:[xo<]?--+[-xo>]|[xo<]?==+[=xo>]|[xo<]?-?\.+-[xo>]?)"
MERMAID_STYLE = r"[a-z-]+:[#A-Za-z0-9]+(?:,[a-z-]+:[#A-Za-z0-9]+)*"
MERMAID_LINES = {
    "node": re.compile(rf"  ({MERMAID_ID})(?:{'|'.join(MERMAID_SHAPES)})"),
    "edge": re.compile(rf"  ({MERMAID_ID}) {MERMAID_LINK}\|[A-Za-z ]+\| ({MERMAID_ID})"),
    "linkStyle": re.compile(rf"  linkStyle (\d+(?:,\d+)*) {MERMAID_STYLE}"),
    "classDef": re.compile(rf"  classDef [a-z]+ {MERMAID_STYLE}"),
    "class": re.compile(rf"  class ({MERMAID_ID}(?:,{MERMAID_ID})*) [a-z]+"),
}


def check_mermaid(text: str) -> dict[str, str]:
    """Check the Mermaid flowchart subset ideo emits; return node id -> label."""
    lines = text.splitlines()
    assert lines[0] == "flowchart BT"
    nodes: dict[str, str] = {}
    edges = 0
    for line in lines[1:]:
        if match := MERMAID_LINES["node"].fullmatch(line):
            nodes[match.group(1)] = re.search(r'"([^"]*)"', line).group(1)
        elif match := MERMAID_LINES["edge"].fullmatch(line):
            assert match.group(1) in nodes and match.group(2) in nodes, line
            edges += 1
        elif match := MERMAID_LINES["linkStyle"].fullmatch(line):
            assert all(int(number) < edges for number in match.group(1).split(",")), line
        elif match := MERMAID_LINES["class"].fullmatch(line):
            assert all(node in nodes for node in match.group(1).split(",")), line
        elif not MERMAID_LINES["classDef"].fullmatch(line):
            raise AssertionError(f"not Mermaid: {line!r}")
    return nodes


@pytest.mark.parametrize(
    "args",
    [
        ["graph", "--format"],
        ["graph", "alphaism", "--depth", "2", "--format"],
        ["graph", "--relation", "all", "--format"],
    ],
)
def test_dot_and_mermaid_follow_their_grammars(args: list[str]) -> None:
    dot = run(*args, "dot").stdout
    assert "Alphaism" in check_dot(dot).values()
    mermaid = run(*args, "mermaid").stdout
    assert "Alphaism" in check_mermaid(mermaid).values()
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
        assert rendered.returncode == 0 and rendered.stderr == "", rendered.stderr


def test_hostile_titles_are_escaped(corpus: Path) -> None:
    path = corpus / "ideologies" / "alphaism.md"
    hostile = 'Al"pha\\ism <b>#1</b> & `x` | end'
    path.write_text(path.read_text().replace("title: Alphaism", f"title: '{hostile}'"))
    dot = run("graph", "betaism", "--format", "dot").stdout
    assert hostile in check_dot(dot).values()
    mermaid = run("graph", "betaism", "--format", "mermaid").stdout
    labels = check_mermaid(mermaid).values()
    expected = "Al#quot;pha\\ism #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;x#96; | end"
    assert expected in labels
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
        assert rendered.returncode == 0, rendered.stderr


def test_mermaid_ids_are_safe_and_distinct() -> None:
    from ideocli.render.graphtext import mermaid_ids

    ids = mermaid_ids(["end", "o-x", "o_x", "x"])
    assert list(ids.values()) == ["n_end", "n_o_x", "n_o_x_2", "n_x"]


def test_graph_json_is_a_node_link_document() -> None:
    document = json.loads(run("graph", "--format", "json").stdout)
    ids = {node["id"] for node in document["nodes"]}
    assert {"alphaism", "grand-council", "ada-example"} <= ids
    assert all(link["source"] in ids and link["target"] in ids for link in document["links"])
    assert {"source": "alphaism", "target": "betaism", "relation": "derived_from", "mutual": False} in document["links"]
    # a term that lists its ideology back is one edge, not two
    assert not [
        link for link in document["links"] if link["relation"] == "ideologies" and link["source"] == "grand-council"
    ]
    people = json.loads(run("graph", "alphaism", "--relation", "people", "--format", "json").stdout)
    assert {node["id"] for node in people["nodes"]} == {"alphaism", "ada-example", "ben-sample"}


def test_graph_tree_follows_derived_from_backwards() -> None:
    result = run("graph", "betaism")
    assert result.stdout.splitlines()[0] == "Betaism [betaism]"
    assert "  Alphaism [alphaism]" in result.stdout.splitlines()
    leaf = run("graph", "alphaism")
    assert leaf.exit_code == 0 and leaf.stdout == "Alphaism [alphaism]\n"
    assert "nothing in the corpus names Alphaism in derived from" in leaf.stderr


def test_graph_warns_when_mermaid_would_be_too_big(monkeypatch: pytest.MonkeyPatch) -> None:
    from ideocli.render import graphtext

    monkeypatch.setattr(graphtext, "MERMAID_EDGE_LIMIT", 3)
    result = run("graph", "--format", "mermaid")
    assert result.exit_code == 0 and "Mermaid draws at most 3" in result.stderr


# --- random ------------------------------------------------------------------------------------


def test_random_is_reproducible_with_a_seed_and_filters() -> None:
    first = run("random", "--seed", "2026-08-25", "--format", "json").stdout
    assert first == run("random", "--seed", "2026-08-25", "--format", "json").stdout
    slugs = {json.loads(run("random", "--seed", str(n), "--kind", "term", "--format", "json").stdout)["entries"][0]["slug"] for n in range(12)}  # fmt: skip
    assert slugs <= {"grand-council", "permanent-revolution", "rolling-reform", "first-assembly"} and len(slugs) > 1
    line = run("random", "--family", "philosophy", "--summary").stdout
    assert line.startswith("Deltaism: Deltaism is a fictional ancient doctrine") and line.count("\n") == 1


def test_random_never_picks_a_card() -> None:
    for seed in range(40):
        document = json.loads(run("random", "--seed", str(seed), "--format", "json").stdout)
        assert not document["entries"][0]["card"]


# --- shell completion --------------------------------------------------------------------------


def complete(words: str, shell: str = "bash") -> list[str]:
    """Ask for completions as the shell would; return the values (bash) or value lines (zsh, fish).

    COMP_CWORD counts shell words, so a quoted title being typed ('grand co) is one word.
    """
    cword = len(shlex.split(words + "'")) - 1 if words.count("'") % 2 else len(words.split(" ")) - 1
    if shell == "fish":  # fish passes the word being completed itself
        cword = words.rsplit(" ", 1)[1]
    env = {"_IDEO_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(cli, [], prog_name="ideo", env=env, catch_exceptions=False)
    assert result.exit_code == 0
    if shell == "bash":
        return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]
    return result.stdout.splitlines()


def test_completion_of_entry_names() -> None:
    run("index")
    assert complete("ideo show alp") == ["alphaism"]
    assert complete("ideo show Alpha") == ["alphaism"]  # case folded
    assert complete("ideo compare alphaism ga") == ["gammaism"]
    assert complete("ideo related rr") == ["rolling-reform"]  # an alias
    assert complete("ideo show example") == ["ada-example"]  # a word of a title
    assert complete("ideo define 'grand co") == ["grand-council"]  # a title being typed in quotes
    assert "ben-sample" in complete("ideo graph ben")  # cards too
    assert complete("ideo show zzz") == []


def test_completion_of_options_families_and_relations() -> None:
    assert complete("ideo timeline --family so") == ["social-democracy", "socialism"]
    assert complete("ideo list --family li") == ["liberalism", "libertarianism"]
    assert "--family" in complete("ideo timeline --fa")
    assert complete("ideo timeline --kind p") == ["person"]
    assert complete("ideo graph --format m") == ["mermaid"]
    assert complete("ideo graph --relation derived_from,op") == ["derived_from,opposed_to"]
    assert "compare" in complete("ideo com")


def test_zsh_and_fish_completions_carry_titles() -> None:
    run("index")
    assert complete("ideo show alp", "zsh") == ["plain", "alphaism", "Alphaism"]
    assert complete("ideo show alp", "fish") == ["plain,alphaism\tAlphaism"]


def test_completion_without_an_index_offers_slugs_and_builds_nothing(tmp_path: Path) -> None:
    assert complete("ideo show gam") == ["gammaism"]
    assert not (tmp_path / "index").exists()


def test_completion_imports_neither_whoosh_nor_yaml_nor_rich() -> None:
    assert run("index").exit_code == 0
    probe = (
        "import sys\n"
        "sys.argv = ['ideo']\n"
        "from ideocli.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'whoosh', 'yaml', 'rich', 'ideocli.store'}), file=sys.stderr)"
    )
    env = {**os.environ, "_IDEO_COMPLETE": "bash_complete", "COMP_WORDS": "ideo show alp", "COMP_CWORD": "2"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout == "plain,alphaism\n", result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o nosort -F"), ("zsh", "#compdef ideo"), ("fish", "complete --no-files --command ideo")])  # fmt: skip
def test_completion_scripts(shell: str, marker: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert marker in result.stdout and "_IDEO_COMPLETE" in result.stdout


# --- pager -------------------------------------------------------------------------------------


def test_pager_command_order() -> None:
    from ideocli.pager import DEFAULT_PAGER, pager_command

    assert pager_command({"IDEO_PAGER": "most", "PAGER": "more"}) == "most"
    assert pager_command({"PAGER": "more"}) == "more"
    assert pager_command({"IDEO_PAGER": "", "PAGER": "more"}) is None
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({}) == (DEFAULT_PAGER if shutil.which("less") else None)


def test_pager_availability() -> None:
    from ideocli.pager import pager_available

    assert pager_available("sh -c 'cat'") and pager_available("LESS=R sh")
    assert not pager_available("no-such-pager-at-all -R")


def test_pager_that_quits_early_is_not_an_error() -> None:
    from ideocli.pager import Pager

    pager = Pager("head -c 10 > /dev/null")
    for _ in range(20_000):
        pager.write("x" * 100 + "\n")
    pager.flush()
    pager.close()
    assert pager.quit


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run ideo with stdout on a pseudo-terminal; return (exit code, terminal text, stderr)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    proc = subprocess.Popen([*IDEO, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), stderr.decode()


@pytest.fixture
def terminal_env(corpus: Path, tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "80", "LINES": "24", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    subprocess.run([*IDEO, "index"], env=env, check=True, capture_output=True)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_long_output_on_a_terminal_goes_through_the_pager_in_colour(
    terminal_env: dict[str, str], tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    env = {**terminal_env, "IDEO_PAGER": f"cat > {paged}", "PAGER": "false"}
    code, screen, stderr = on_a_terminal(["compare", "alphaism", "gammaism"], env)
    assert code == 0 and stderr == ""
    text = paged.read_text()
    assert "How they relate" in text and ANSI.search(text)  # colours kept for less -R
    assert "How they relate" not in screen
    paged.unlink()
    code, screen, _ = on_a_terminal(["--no-pager", "compare", "alphaism", "gammaism"], env)
    assert code == 0 and not paged.exists() and "How they relate" in screen
    code, screen, _ = on_a_terminal(["show", "alphaism", "--no-pager"], env)
    assert code == 0 and not paged.exists() and "Alphaism" in screen
    code, screen, _ = on_a_terminal(["show", "alphaism", "--summary"], env)  # one line: never paged
    assert code == 0 and not paged.exists()
    code, screen, stderr = on_a_terminal(["list"], {**env, "IDEO_PAGER": "no-such-pager --flag"})
    assert code == 0 and "alphaism" in screen
    assert stderr == "ideo: warning: cannot run the pager 'no-such-pager --flag'; printing directly\n"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_quitting_the_pager_early_is_not_an_error(terminal_env: dict[str, str]) -> None:
    env = {**terminal_env, "IDEO_PAGER": "head -c 200 > /dev/null"}
    code, _, stderr = on_a_terminal(["show", *["alphaism"] * 60], env)
    assert code == 0 and stderr == ""


def test_piped_output_is_never_paged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("IDEO_PAGER", f"cat > {paged}")
    result = run("compare", "alphaism", "gammaism")
    assert result.exit_code == 0 and "How they relate" in result.stdout and not paged.exists()
