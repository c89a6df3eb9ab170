"""Property-based: any text as a name or a query, in every format, ends cleanly and quickly (issue 12)."""

from __future__ import annotations

import operator
import re
import shutil
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideocli.cli import cli
from ideocli.errors import ExitCode

FORMATS = ("plain", "json", "rich")
DOCUMENTED = {int(code) for code in ExitCode}
# What must never reach a terminal: C0 and C1 controls (tab and newline apart), bidi formatting, surrogates.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
HOSTILE_ENTRY = """---
title: "Hostile \\u202eentry\\u2066 \\x1b]0;owned\\x07"
aliases: ["hostile\\nname", "[bold]markup[/bold]"]
summary: Summary with \\x1b[31mescapes\\x1b[0m, \\u202ebidi\\u202c and [link=http://example.com]markup[/link].
definition: A definition with \\u2067isolates\\u2069 and \\x9bC1 controls.
ideologies: [alphaism]
---
Body with \x1b]8;;http://example.com\x07a hyperlink\x1b]8;;\x07, \u202ereversed text\u202c, \r carriage returns,
<kbd>html</kbd>, **markdown** and [[alphaism|a link]].
"""
MARKUP = [
    "[bold]x[/]", "[link=http://e.x]y[/link]", "<kbd>z</kbd>", "**b**", "`c`", "# h", "[[alphaism]]", "[[x|y]]",
    "\x1b[31m", "\x1b]0;title\x07", "\x1b]8;;http://e.x\x07l\x1b]8;;\x07", "\u202e", "\u2066", "\r", "\n", "\t",
    "\x00", "\x9b", "\ud800", "AND", "OR", "NOT", "*", "?", "~", '"', "(", "title:", "kind:term", "-", "alphaism",
    "Alpha doctrine", "hostile", "grand council", " ",
]  # fmt: skip
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),  # any code point, surrogates included
    st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=4)), max_size=10).map("".join),
    st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(100, 5000)),  # very long
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,  # timed below, against the one-second budget, outside Hypothesis's own bookkeeping
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Group options for the fixture corpus plus a hostile entry, with its index built (and imports warmed)."""
    root = tmp_path_factory.mktemp("fuzz")
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "terms" / "hostile.md").write_text(HOSTILE_ENTRY, encoding="utf-8")
    options = ["--corpus", str(corpus), "--index-dir", str(root / "index")]
    for fmt in FORMATS:  # the first run of each renderer imports it; that is not what is timed
        for args in (["show", "hostile"], ["search", "hostile"], ["related", "hostile"]):
            result = CliRunner().invoke(cli, [*options, *args, "--format", fmt])
            assert result.exit_code == 0, result.output
    return options


def ends_cleanly(options: list[str], command: str, text: str, fmt: str) -> None:
    args = [*options, command, "--format", fmt, "--", text]
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    seconds = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail("".join(traceback.format_exception(*result.exc_info)))
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert not UNSAFE.search(result.stdout), result.stdout
    assert not UNSAFE.search(result.stderr), result.stderr
    assert seconds < 1.0, (command, fmt, repr(text[:80]), seconds)


@pytest.mark.parametrize("command", ["show", "define", "related", "search"])
def test_any_text_in_any_format_ends_cleanly_and_quickly(prebuilt: list[str], command: str) -> None:
    @SETTINGS
    @given(text=TEXT, fmt=st.sampled_from(FORMATS))
    def check(text: str, fmt: str) -> None:
        ends_cleanly(prebuilt, command, text, fmt)

    check()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_hostile_entry_is_shown_clean(prebuilt: list[str], fmt: str) -> None:
    for command, name in (("show", "hostile"), ("define", "Hostile entry"), ("related", "alphaism")):
        ends_cleanly(prebuilt, command, name, fmt)
    result = CliRunner().invoke(cli, [*prebuilt, "show", "hostile", "--format", fmt])
    assert "Hostile entry" in result.stdout and "]0;owned" in result.stdout  # shown, minus its controls


def test_fixture_corpus_is_untouched() -> None:
    assert not (Path(FIXTURE_CORPUS) / "terms" / "hostile.md").exists()
