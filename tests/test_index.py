"""The index directory: build on first use, staleness, atomic rebuilds, corruption, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ideocli import store
from ideocli.errors import BadUsage
from ideocli.library import open_library
from ideocli.paths import Paths


def paths_for(corpus: Path, index: Path) -> Paths:
    return Paths(corpus, index, "flag", "flag")


@pytest.fixture
def paths(corpus: Path, tmp_path: Path) -> Paths:
    return paths_for(corpus, tmp_path / "index")


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*"))


def test_first_use_builds_and_second_use_reuses(paths: Paths) -> None:
    first = open_library(paths)
    assert first.build_report is not None and first.build_report.entries == 7
    second = open_library(paths)
    assert second.build_report is None
    assert second.generation == first.generation
    assert json.loads((paths.index / "CURRENT").read_text())["generation"] == Path(first.generation.path).name


def test_edit_makes_the_index_stale(paths: Paths, corpus: Path) -> None:
    open_library(paths)
    target = corpus / "terms" / "grand-council.md"
    target.write_text(target.read_text().replace("Grand council", "Great council"))
    library = open_library(paths)
    assert library.build_report is not None
    assert library.resolve("great council").slug == "grand-council"


def test_touch_alone_does_not_rebuild(paths: Paths, corpus: Path) -> None:
    first = open_library(paths)
    target = corpus / "terms" / "grand-council.md"
    os.utime(target, (time.time() + 5, time.time() + 5))
    second = open_library(paths)
    assert second.build_report is None and second.generation == first.generation
    pointer = json.loads((paths.index / "CURRENT").read_text())
    assert pointer["fingerprint"] == store.stat_fingerprint(corpus)


def test_new_and_deleted_files_make_it_stale(paths: Paths, corpus: Path) -> None:
    open_library(paths)
    (corpus / "terms" / "rolling-reform.md").unlink()
    assert open_library(paths).build_report is not None
    assert "rolling-reform" not in open_library(paths).entries


@pytest.mark.parametrize("which", ["build_index", "update_index"])
def test_failed_build_keeps_the_old_generation(
    paths: Paths, corpus: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    first = open_library(paths)
    (corpus / "terms" / "grand-council.md").write_text(
        (corpus / "terms" / "grand-council.md").read_text() + "\nEdit.\n"
    )

    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"ideocli.search.{which}", crash)  # a full build, or an incremental update
    if which == "build_index":
        monkeypatch.setattr(store, "update_generation", lambda *args: None)
    with pytest.raises(KeyboardInterrupt):
        open_library(paths)
    assert generations(paths.index) == [Path(first.generation.path).name]  # no half-built directory left
    assert json.loads((paths.index / "CURRENT").read_text())["generation"] == Path(first.generation.path).name
    monkeypatch.undo()
    assert open_library(paths).build_report is not None


@pytest.mark.parametrize("damage", ["delete-toc", "truncate-segments", "garbage-toc"])
def test_corrupt_whoosh_index_is_rebuilt_once(paths: Paths, damage: str) -> None:
    library = open_library(paths)
    whoosh_dir = Path(library.generation.whoosh)
    for path in whoosh_dir.iterdir():
        if damage == "delete-toc" and path.name.endswith(".toc"):
            path.unlink()
        elif damage == "truncate-segments" and not path.name.endswith(".toc") and path.stat().st_size > 10:
            path.write_bytes(path.read_bytes()[:10])
        elif damage == "garbage-toc" and path.name.endswith(".toc"):
            path.write_bytes(b"\0" * 64)
    result = library.search("assembly", limit=3)
    assert result.hits
    assert library.build_report is not None  # it had to rebuild


@pytest.mark.parametrize("damage", ["garbage", "empty", "missing"])
def test_damaged_catalog_files_are_rebuilt(paths: Paths, damage: str) -> None:
    library = open_library(paths)
    catalog = Path(library.generation.catalog)
    if damage == "missing":
        catalog.unlink()
    else:
        catalog.write_text("{not json" if damage == "garbage" else "")
    again = open_library(paths)
    assert again.resolve("alphaism").title == "Alphaism"
    assert "alphaism" in [a.slug for a in again.listing()]
    assert again.build_report is not None  # reading the damaged file rebuilt the generation


def test_garbled_pointer_is_rebuilt(paths: Paths) -> None:
    open_library(paths)
    (paths.index / "CURRENT").write_text("garbage")
    assert open_library(paths).build_report is not None


def test_old_generations_are_collected_after_the_grace_period(paths: Paths, corpus: Path) -> None:
    first = Path(open_library(paths).generation.path)
    os.utime(first, (0, 0))
    open_library(paths, force=True)
    assert first.exists()  # just superseded: a reader may still be using it
    os.utime(first, (0, 0))
    open_library(paths, force=True)
    assert not first.exists()


def test_two_concurrent_first_runs(corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "IDEO_CORPUS": str(corpus), "IDEO_INDEX": str(tmp_path / "index")}
    command = [sys.executable, "-m", "ideocli", "show", "alphaism", "--summary"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    assert all(out.startswith("Alphaism is a fictional doctrine") and err == "" for out, err in outputs)
    assert len(generations(tmp_path / "index")) == 1  # built once, under the lock


def test_unwritable_index_dir_is_an_index_problem(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    from ideocli.errors import IndexProblem

    with pytest.raises(IndexProblem):
        open_library(paths_for(corpus, blocker / "index"))


def test_search_stems_folds_accents_and_excludes(paths: Paths) -> None:
    library = open_library(paths)
    assert library.search("elanism", limit=5).hits[0].slug == "elanism"  # title is "Élanism"
    assert {h.slug for h in library.search("assemblies", limit=10).hits} >= {"alphaism", "betaism"}
    slugs = {h.slug for h in library.search("procedural -alphaism", limit=10).hits}
    assert slugs == {"gammaism", "elanism"}  # betaism's body mentions alphaism
    assert [h.slug for h in library.search('title:"grand council"', limit=5).hits] == ["grand-council"]
    assert {h.slug for h in library.search("kind:term", limit=10).hits} == {
        "grand-council",
        "rolling-reform",
        "permanent-revolution",
    }
    assert "rolling-reform" in [h.slug for h in library.search("roll*", limit=10).hits]


def test_a_query_of_only_exclusions_finds_every_other_entry(paths: Paths) -> None:
    library = open_library(paths)
    every = {h.slug for h in library.search("NOT zzzz", limit=100).hits}
    assert len(every) > 5
    assert {h.slug for h in library.search("-alphaism", limit=100).hits} == every - {
        h.slug for h in library.search("alphaism", limit=100).hits
    }
    both = {h.slug for h in library.search("alphaism OR gammaism", limit=100).hits}
    assert {h.slug for h in library.search("-alphaism -gammaism", limit=100).hits} == every - both


def test_own_name_ranks_first_whatever_the_kind(paths: Paths) -> None:
    library = open_library(paths)
    assert library.search("rolling reform", limit=10).hits[0].slug == "rolling-reform"  # a term, first
    assert library.search("alpha doctrine", limit=3).hits[0].slug == "alphaism"  # its own alias
    kinds = {h.kind for h in library.search("reform", limit=10).hits}
    assert kinds == {"ideology", "term"}  # one ranking, kinds mixed


def test_search_total_counts_every_match(paths: Paths) -> None:
    result = open_library(paths).search("assembly", limit=2)
    assert len(result.hits) == 2 and result.total == 9  # 7 entries and 2 text cards


def test_snippets_mark_matches(paths: Paths) -> None:
    hit = open_library(paths).search("minutes", limit=1).hits[0]
    assert any(matched and text.lower() == "minutes" for text, matched in hit.snippet)


@pytest.mark.parametrize(
    "query", ["?", "   ", "-", "(((", "x" * 10_000, "*", "*ism", "a*", "title:*", "[a TO z] " * 40]
)
def test_hostile_queries_fail_fast_and_cleanly(paths: Paths, query: str) -> None:
    library = open_library(paths)
    started = time.perf_counter()
    with pytest.raises(BadUsage):
        library.search(query, limit=10)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "query", ["*", "AND", "a~9", "a*", "*ism", "title:", "nosuchfield:x", '"unclosed', "x~2 " * 100]
)
def test_odd_queries_answer_quickly(paths: Paths, query: str) -> None:
    library = open_library(paths)
    started = time.perf_counter()
    try:
        library.search(query, limit=10)
    except BadUsage:
        pass
    assert time.perf_counter() - started < 2


def test_plain_words_are_all_required_unless_that_finds_nothing(paths: Paths) -> None:
    library = open_library(paths)
    both = {h.slug for h in library.search("rolling reform", limit=10).hits}
    assert both == {"alphaism", "gammaism", "rolling-reform", "permanent-revolution"}  # every one has both words
    fallback = library.search("assembly zzyzx", limit=10)
    assert fallback.total == 9  # no entry has both, so any word may match
