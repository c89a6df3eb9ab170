"""A full build in parts (one child process per core, one Whoosh segment each) must index exactly
what a one-process build does, fall back to one process when a child fails, and never leave a
half-built index live."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run
from whoosh import index
from whoosh.matching import ListMatcher
from whoosh.matching.binary import AndNotMatcher

from ideocli import search
from ideocli.library import Library, open_library
from ideocli.paths import Paths
from ideocli.store import Generation
from tests.relevance.evaluate import load_queries

ONE_PROCESS = "1000000000"
QUERIES = [
    ["alphaism"],
    ["recorded decisions"],
    ['"small assemblies"'],
    ["assemblies -alphaism"],
    ["doctrine -betaism -gammaism"],
    ["-alphaism"],
    ["figure:ada"],
    ["figure:example -text:minutes"],
    ["text:minutes"],
    ["reform", "--since", "1900", "--until", "1915"],
    ["council*"],
    ["permanent revolution"],
    ["doctrine", "--kind", "ideology", "--limit", "3"],
]


def segments(index_dir: str) -> int:
    """Return the number of Whoosh segments of the live generation."""
    pointer = json.loads((Path(index_dir) / "CURRENT").read_text())
    return len(index.open_dir(os.path.join(index_dir, pointer["generation"], "whoosh"))._segments())


def answers(monkeypatch: pytest.MonkeyPatch, index_dir: Path, threshold: str) -> list[str]:
    """Build the index with the given parallel threshold and return the JSON output of every query."""
    monkeypatch.setenv("IDEO_INDEX", str(index_dir))
    monkeypatch.setenv("IDEO_PARALLEL_MIN_DOCUMENTS", threshold)
    assert run("index").exit_code == 0
    return [run("search", *query, "--format", "json").stdout for query in QUERIES]


def test_a_build_in_parts_answers_as_a_build_in_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    whole = answers(monkeypatch, tmp_path / "one", ONE_PROCESS)
    parts = answers(monkeypatch, tmp_path / "parts", "2")
    assert segments(str(tmp_path / "one")) == 1
    assert segments(str(tmp_path / "parts")) == min(2, os.cpu_count() or 1)
    assert all(json.loads(output)["total"] for output in whole[:3])  # the queries do find something
    assert parts == whole


def test_the_shipped_corpus_in_parts_ranks_as_in_one_process(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every judged query and a few exclusions: same hits, scores and totals (BM25 statistics are the
    whole index's, not a segment's)."""
    from ideocli.paths import resolve_paths

    whole = open_library(resolve_paths(env=os.environ))  # the session's shipped index: 3,897 documents
    parts = tmp_path / "parts"
    monkeypatch.setenv("IDEO_PARALLEL_MIN_DOCUMENTS", "2")
    in_parts = open_library(resolve_paths(index_flag=str(parts), env=os.environ))
    assert segments(whole.paths.index) == 1 and segments(str(parts)) == min(2, os.cpu_count() or 1)
    judged = [(judged.query, None) for judged in load_queries()]
    extra = ["anarchism -communism", "socialism -marxism -leninism", "state -anarchism", "revolution", "figure:marx"]
    since = search.Filters(since=1848, until=1917)
    for text, filters in [*judged, *((text, filters) for text in extra for filters in (None, since))]:
        got = search.search(in_parts.generation.whoosh, text, limit=10, filters=filters)
        expected = search.search(whole.generation.whoosh, text, limit=10, filters=filters)
        assert (got.total, got.hits) == (expected.total, expected.hits), text


def test_and_not_skips_an_excluded_first_document() -> None:
    """Whoosh 2.7.5 alone yields [5, 7] here (see search.and_not_find_first)."""
    assert list(AndNotMatcher(ListMatcher([5, 7]), ListMatcher([3, 5])).all_ids()) == [7]
    assert list(AndNotMatcher(ListMatcher([5, 7]), ListMatcher([5])).all_ids()) == [7]
    assert list(AndNotMatcher(ListMatcher([1, 2]), ListMatcher([3])).all_ids()) == [1, 2]


@pytest.mark.parametrize(
    "child",
    [
        "import sys; sys.exit(5)",  # fails at once
        "import os, sys; print('added 1', flush=True); os._exit(9)",  # dies mid-way
        "import sys; sys.stderr.write('boom'); print('done', flush=True); sys.exit(1)",  # says done, exits 1
    ],
)
def test_a_failed_child_means_a_build_in_one_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture, child: str
) -> None:
    whole = answers(monkeypatch, tmp_path / "one", ONE_PROCESS)
    monkeypatch.setattr(search, "PART_CHILD", child)
    with caplog.at_level(logging.WARNING, logger="ideocli"):
        assert answers(monkeypatch, tmp_path / "fallback", "2") == whole
    assert "the parallel index build failed" in caplog.text
    assert segments(str(tmp_path / "fallback")) == 1


def test_children_that_cannot_start_mean_a_build_in_one_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    whole = answers(monkeypatch, tmp_path / "one", ONE_PROCESS)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    with caplog.at_level(logging.WARNING, logger="ideocli"):
        assert answers(monkeypatch, tmp_path / "fallback", "2") == whole
    assert "the parallel index build failed" in caplog.text


def test_progress_covers_the_whole_build(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ideocli.cards import with_cards
    from ideocli.store import load_roots

    loaded = load_roots(corpus)
    articles = with_cards(loaded.articles, loaded.vocabulary.text_aliases)
    for threshold in (ONE_PROCESS, "2"):
        monkeypatch.setenv("IDEO_PARALLEL_MIN_DOCUMENTS", threshold)
        seen: list[tuple[int, int]] = []

        def record(done: int, total: int, seen: list[tuple[int, int]] = seen) -> None:
            seen.append((done, total))

        search.build_index(articles, tmp_path / threshold, record)
        assert len({total for _, total in seen}) == 1
        assert seen[-1][0] == seen[-1][1]  # the end is reported only once the postings are written
        assert max(done for done, total in seen if done < total) < seen[-1][1]


KILLED_BUILD = """
import os, sys, time
import ideocli.search as search
search.PART_CHILD = (
    "import sys, time; from ideocli.search import index_part_main; index_part_main(sys.argv[1:]); time.sleep(60)"
)
real = search.follow_children
def follow_then_hang(children, progress):
    with open(os.path.join(os.path.dirname(children[0][1]), "..", "HALFWAY"), "w") as handle:
        handle.write(" ".join(str(child.pid) for child, _ in children))
    real(children, progress)
search.follow_children = follow_then_hang
from ideocli.__main__ import main
sys.argv = ["ideo", "index"]
main()
"""


def running(pid: int) -> bool:
    """True while process `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to see the children")
def test_a_parallel_build_killed_mid_way_leaves_the_previous_generation(corpus: Path, tmp_path: Path) -> None:
    paths = Paths(str(corpus), str(tmp_path / "index"), "flag", "flag")
    first = open_library(paths)
    (corpus / "terms" / "grand-council.md").write_text(
        (corpus / "terms" / "grand-council.md").read_text().replace("title: Grand council", "title: Great council")
    )
    env = {**os.environ, "IDEO_CORPUS": paths.corpus, "IDEO_INDEX": paths.index, "IDEO_PARALLEL_MIN_DOCUMENTS": "2"}
    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], env=env)
    deadline = time.monotonic() + 60
    while not list(Path(paths.index).glob("gen-*.tmp/HALFWAY")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.2)  # the pids are written
    children = [int(pid) for pid in next(Path(paths.index).glob("gen-*.tmp/HALFWAY")).read_text().split()]
    process.send_signal(signal.SIGKILL)
    process.wait()
    pointer = json.loads((Path(paths.index) / "CURRENT").read_text())
    assert pointer["generation"] == Path(first.generation.path).name
    previous = Library(paths, Generation(first.generation.path), None)
    assert previous.full("grand-council").title == "Grand council"
    assert search.search(previous.generation.whoosh, "council", limit=3).hits
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in children):  # orphaned, they see their stdin close and stop
        assert time.monotonic() < deadline, "a child of the killed build is still running"
        time.sleep(0.05)
    after = open_library(paths)
    assert after.build_report is not None and after.resolve("great council").slug == "grand-council"
    assert not list(Path(paths.index).glob("*.tmp"))
