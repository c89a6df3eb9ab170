"""Scale: the SQLite catalog, cheap staleness checks, a build killed mid-way, and a 1,000-entry corpus."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

from ideocli.library import Library, open_library
from ideocli.paths import Paths
from ideocli.search import search
from ideocli.store import Generation

TESTS = Path(__file__).parent


@pytest.fixture
def paths(corpus: Path, tmp_path: Path) -> Paths:
    return Paths(str(corpus), str(tmp_path / "index"), "flag", "flag")


def retitle(path: Path, old: str, new: str) -> None:
    """Edit an entry in place, as `nano` or `echo >>` do: the directory's mtime does not move."""
    text = path.read_text().replace(f"title: {old}", f"title: {new}")
    with open(path, "r+", encoding="utf-8") as handle:
        handle.write(text)
        handle.truncate()


def test_catalog_is_one_sqlite_file_and_bodies_are_stored_once(paths: Paths) -> None:
    library = open_library(paths)
    generation = Path(library.generation.path)
    assert sorted(p.name for p in generation.iterdir()) == ["catalog.sqlite", "whoosh"]
    with sqlite3.connect(generation / "catalog.sqlite") as db:
        body = db.execute("SELECT body FROM entries WHERE slug = 'alphaism'").fetchone()[0]
    assert body and library.resolve("alphaism").body == body
    from whoosh import index

    with index.open_dir(str(generation / "whoosh")).searcher() as searcher:
        stored = searcher.document(slug="alphaism")
    assert "body" not in stored
    hit = library.search("alphaism", limit=1).hits[0]
    assert hit.slug == "alphaism" and hit.snippet_text


def test_an_in_place_edit_of_the_entry_shown_is_seen(paths: Paths, corpus: Path) -> None:
    first = open_library(paths)
    retitle(corpus / "terms" / "grand-council.md", "Grand council", "Great council")
    quick = open_library(paths, sweep=False)
    assert quick.build_report is None  # the directories did not change
    assert quick.resolve("grand-council").title == "Great council"  # but the entry's own file did
    assert quick.generation != first.generation


def test_an_in_place_edit_of_another_entry_waits_for_a_sweep(paths: Paths, corpus: Path) -> None:
    open_library(paths)
    retitle(corpus / "terms" / "grand-council.md", "Grand council", "Great council")
    assert open_library(paths, sweep=False).resolve("alphaism").title == "Alphaism"
    swept = open_library(paths)  # list, search, index...
    assert swept.build_report is not None
    assert swept.resolve("great council").slug == "grand-council"


@pytest.mark.parametrize("change", ["rename-into-place", "add", "delete", "rename"])
def test_files_added_removed_or_renamed_are_seen_without_a_sweep(paths: Paths, corpus: Path, change: str) -> None:
    open_library(paths)
    target = corpus / "terms" / "grand-council.md"
    if change == "rename-into-place":  # what editors do: write a temporary file, rename it over the old one
        temporary = target.with_name(".grand-council.md.swp")
        temporary.write_text(target.read_text().replace("title: Grand council", "title: Great council"))
        os.replace(temporary, target)
    elif change == "add":
        (corpus / "terms" / "great-assembly.md").write_text(
            target.read_text().replace("title: Grand council", "title: Great assembly")
        )
    elif change == "delete":
        target.unlink()
    else:
        target.rename(target.with_name("great-council.md"))
    library = open_library(paths, sweep=False)
    assert library.build_report is not None
    slugs = set(library.titles())
    assert ("grand-council" in slugs) == (change in ("rename-into-place", "add"))
    assert ("great-assembly" in slugs) == (change == "add")
    assert ("great-council" in slugs) == (change == "rename")


def test_show_through_the_cli_sees_an_in_place_edit(corpus: Path) -> None:
    assert run("show", "grand-council", "--summary").exit_code == 0
    retitle(corpus / "terms" / "grand-council.md", "Grand council", "Great council")
    result = run("show", "grand-council", "--format", "json")
    assert json.loads(result.stdout)["entries"][0]["title"] == "Great council"


def test_list_of_slugs_sees_renames_and_other_listings_see_in_place_edits(corpus: Path) -> None:
    assert "grand-council" in run("list").stdout.split()
    (corpus / "terms" / "grand-council.md").rename(corpus / "terms" / "great-council.md")
    slugs = run("list").stdout.split()  # slugs only: the directories' times tell
    assert "great-council" in slugs and "grand-council" not in slugs
    retitle(corpus / "terms" / "great-council.md", "Grand council", "Great council")
    assert "great-council\tterm\tGreat council\t" in run("list", "--long").stdout  # a sweep sees it


def test_list_streams_its_rows(corpus: Path) -> None:
    listing = open_library(Paths(str(corpus), os.environ["IDEO_INDEX"], "flag", "flag")).listing()
    assert iter(listing) is listing and next(listing).slug == min(run("list").stdout.split())


def test_search_sees_an_in_place_edit_of_an_entry_it_shows(corpus: Path) -> None:
    assert run("search", "grand council").exit_code == 0
    retitle(corpus / "terms" / "grand-council.md", "Grand council", "Great council")
    result = run("search", "grand council", "--format", "json")
    assert json.loads(result.stdout)["hits"][0]["title"] == "Great council"


KILLED_BUILD = """
import os, sys, time
import ideocli.search as search
real = search.build_index
def build_then_hang(articles, directory, on_progress=None):
    real(articles, directory, on_progress)
    open(os.path.join(os.path.dirname(directory), "HALFWAY"), "w").close()
    time.sleep(60)
search.build_index = build_then_hang
from ideocli.__main__ import main
sys.argv = ["ideo", "index"]
main()
"""


def test_a_build_killed_mid_way_leaves_the_previous_state_usable(paths: Paths, corpus: Path) -> None:
    first = open_library(paths)
    retitle(corpus / "terms" / "grand-council.md", "Grand council", "Great council")
    env = {**os.environ, "IDEO_CORPUS": paths.corpus, "IDEO_INDEX": paths.index}
    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], env=env)
    deadline = time.monotonic() + 60
    while not list(Path(paths.index).glob("gen-*.tmp/HALFWAY")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    pointer = json.loads((Path(paths.index) / "CURRENT").read_text())
    assert pointer["generation"] == Path(first.generation.path).name
    previous = Library(paths, Generation(first.generation.path), None)
    assert previous.full("grand-council").title == "Grand council"  # readers still get the old state
    # The old generation's index still answers (Library.search would refresh on seeing the edited hit).
    assert search(previous.generation.whoosh, "council", limit=3).hits
    after = open_library(paths)
    assert after.build_report is not None and after.resolve("great council").slug == "grand-council"
    assert not list(Path(paths.index).glob("*.tmp"))


def test_a_generated_corpus_of_1000_entries(tmp_path: Path) -> None:
    """The CI-sized scale run: generate, check, index, look up (the timings are tests/benchmark.py --scale)."""
    sys.path.insert(0, str(TESTS))
    from scale_corpus import generate

    corpus = tmp_path / "big"
    assert generate(corpus, 1000) == 1000
    assert run("--corpus", str(corpus), "check").exit_code == 0
    paths = Paths(str(corpus), str(tmp_path / "big-index"), "flag", "flag")
    library = open_library(paths)
    assert library.build_report is not None and library.build_report.entries == 1000
    assert library.resolve("trotskyism").slug == "trotskyism"
    copy = "abolitionism-bex"  # the first entry of the first renamed copy
    assert library.resolve("Abolitionism Bex").slug == copy
    assert library.related_tree(copy, 2).children
    assert library.suggest("trotskyzm")
    assert library.search("state", limit=5).hits


def test_switching_corpora_never_rebuilds_and_prune_removes_vanished_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus: Path
) -> None:
    import shutil

    monkeypatch.delenv("IDEO_INDEX")  # the default location: one index per corpus under the cache
    monkeypatch.setattr("ideocli.paths.is_checkout", lambda package_dir: False)  # not the checkout's index/
    other = tmp_path / "other"
    shutil.copytree(corpus, other)
    from ideocli.paths import resolve_paths

    builds = [
        open_library(resolve_paths(corpus_flag=str(chosen), env=os.environ)).build_report is not None
        for chosen in (corpus, other, corpus, other)
    ]
    assert builds == [True, True, False, False]
    root = tmp_path / "cache" / "ideo" / "index"
    assert len([p for p in root.iterdir() if p.is_dir()]) == 2
    (root / "not-ours").mkdir()
    shutil.rmtree(other)
    result = run("--corpus", str(corpus), "index", "--prune")
    assert result.exit_code == 0, result.stderr
    assert f"(corpus {other} is gone)" in result.stdout
    assert sorted(p.name for p in root.iterdir()) == sorted(["not-ours", Path(resolve_default(corpus)).name])
    assert run("--index-dir", str(tmp_path / "i"), "index", "--prune").exit_code == 2


def resolve_default(corpus: Path) -> str:
    from ideocli.paths import resolve_paths

    return resolve_paths(corpus_flag=str(corpus), env=os.environ).index


@pytest.mark.parametrize("change", ["edit", "add", "rename", "delete"])
def test_incremental_update_reindexes_only_the_changed_entries(
    paths: Paths, corpus: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = open_library(paths)
    target = corpus / "terms" / "grand-council.md"
    text = target.read_text()
    if change == "edit":
        target.write_text(text.replace("title: Grand council", "title: Great council") + "\nZanzibarish moot.\n")
    elif change == "add":
        (corpus / "terms" / "great-moot.md").write_text(
            text.replace("title: Grand council", "title: Great moot") + "\nZanzibarish moot.\n"
        )
    elif change == "rename":
        target.rename(target.with_name("great-moot.md"))
    else:
        target.unlink()

    def no_full_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full build")

    monkeypatch.setattr("ideocli.search.build_index", no_full_build)
    library = open_library(paths)
    assert library.build_report is not None and library.generation != first.generation
    slugs = set(library.titles())
    hits = {hit.slug for hit in library.search("zanzibarish", limit=5).hits} if change in ("edit", "add") else set()
    council = {hit.slug for hit in library.search("council", limit=20).hits}
    if change == "edit":
        assert library.resolve("great council").slug == "grand-council" and hits == {"grand-council"}
    elif change == "add":
        assert {"grand-council", "great-moot"} <= slugs and hits == {"great-moot"}
    elif change == "rename":
        assert "great-moot" in slugs and "grand-council" not in slugs
        assert "great-moot" in council and "grand-council" not in council
    else:
        assert "grand-council" not in slugs and "grand-council" not in council
    assert library.backlinks("alphaism") == first.backlinks("alphaism") or change != "edit"
    # the previous generation is untouched: a reader that opened it still sees the old state
    old = Library(paths, Generation(first.generation.path), None)
    assert old.full("grand-council").title == "Grand council"
    # Searched directly: Library.search would refresh on seeing an edited hit.
    assert "grand-council" in {hit.slug for hit in search(old.generation.whoosh, "council", limit=20).hits}
    assert not search(old.generation.whoosh, "zanzibarish", limit=5).hits
    # and the update equals a full build
    monkeypatch.undo()
    full = open_library(paths, force=True)
    assert dict(full.titles()) == dict(library.titles())
    assert {h.slug for h in full.search("council", limit=20).hits} == {
        h.slug for h in library.search("council", limit=20).hits
    }


@pytest.mark.parametrize("typed", ["grand councel", "rand council", "xgrand council", "rgand council", "brand council"])
def test_suggestions_read_only_the_names_a_typo_at_the_start_leaves_close(paths: Paths, typed: str) -> None:
    from ideocli.catalog import Catalog, name_buckets

    library = open_library(paths)
    catalog = Catalog(library.generation.catalog)
    read = {row[0] for sql, value in name_buckets(typed) for row in catalog.query(sql, value)}
    every = {row[0] for row in catalog.query("SELECT key FROM names WHERE position = 0")}
    assert "grand council" in read and read < every  # found, without comparing every name
    assert catalog.close_names(typed, 3)[0] == "grand council"
    assert "Grand council" in library.suggest(typed, use_search=False)


def test_a_lookup_during_another_process_s_rebuild_answers_from_the_live_index(corpus: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    assert run("show", "alphaism").exit_code == 0  # a live generation
    added = corpus / "terms" / "new-council.md"
    added.write_text((corpus / "terms" / "grand-council.md").read_text().replace("Grand council", "New council"))
    with open(Path(os.environ["IDEO_INDEX"]) / "REBUILD.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # as a process rebuilding would
        started = time.monotonic()
        result = run("show", "alphaism")
        assert result.exit_code == 0 and "Alphaism" in result.stdout
        assert "another ideo process is rebuilding the index" in result.stderr
        assert time.monotonic() - started < 30  # not the 120 s a build waits for the lock
        assert run("show", "new-council").exit_code != 0  # not in the index as it was
    result = run("show", "new-council")  # the lock is free: the index catches up
    assert result.exit_code == 0 and "rebuilding" not in result.stderr
