"""Incremental updates: after any edit, the index equals a full build of the same corpus."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS, run

from ideocli import store, usercorpus
from ideocli.catalog import Catalog

TABLES = ("entries", "briefs", "names", "edges", "problems", "sources", "refs", "cardkeys", "claims", "words")
QUERIES = ("revolution", "state power", "anarchism", "marx")


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus of the first 25 shipped entries of each kind, with the shipped vocabulary."""
    corpus = tmp_path / "small"
    corpus.mkdir()
    shutil.copy(SHIPPED_CORPUS / "vocabulary.yaml", corpus)
    for kind in ("ideologies", "terms", "people"):
        (corpus / kind).mkdir()
        for path in sorted((SHIPPED_CORPUS / kind).glob("*.md"))[:25]:
            shutil.copy(path, corpus / kind)
    monkeypatch.setenv("IDEO_CORPUS", str(corpus))
    return corpus


def live(index: Path) -> Path:
    return index / json.loads((index / "CURRENT").read_text())["generation"]


def tables(index: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(live(index) / "catalog.sqlite")
    try:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}
    finally:
        connection.close()


def cli_views(corpus: Path, index: Path) -> list[str]:
    where = ("--corpus", str(corpus), "--index-dir", str(index))
    outputs = [run(*where, "list", "--long", "--format", "plain").stdout]
    for text in QUERIES:
        # Whoosh keeps a replaced document's statistics until its segment merges, so scores (and
        # the order of near ties) may differ slightly from a full build's: compare what was found.
        found = json.loads(run(*where, "search", text, "--format", "json", "--limit", "100").stdout)
        hits = sorted((hit["slug"], hit["title"], hit["kind"], hit["snippet"]) for hit in found["hits"])
        outputs.append(repr((found.get("total"), found.get("corrected"), hits)))
    outputs.append((live(index) / "whoosh" / "words.json").read_text())
    return outputs


def update(corpus: Path, index: Path) -> store.BuildReport | None:
    """Bring the index up to date and return the report (None when nothing was built)."""
    return store.ensure_generation(corpus, index)[1]


def assert_same_as_full_build(corpus: Path, index: Path, tmp_path: Path) -> None:
    full = tmp_path / f"full-{time.monotonic_ns()}"
    store.ensure_generation(corpus, full, force=True)
    ours, theirs = tables(index), tables(full)
    for table in TABLES:
        assert ours[table] == theirs[table], table
    assert cli_views(corpus, index) == cli_views(corpus, full)


def edit(path: Path, old: str, new: str) -> None:
    """Replace text as an editor saves: write a new file and rename it over the old one."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.with_suffix(".tmp").write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(path.with_suffix(".tmp"), path)


@pytest.fixture
def index(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An index of `small`, built in full; a later full build fails the test unless allowed."""
    index = tmp_path / "index"
    store.ensure_generation(small, index)
    return index


def no_full_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a full build where an incremental update was expected")

    monkeypatch.setattr(store, "build_generation", refuse)


def first(corpus: Path, kind: str, number: int = 0) -> Path:
    return sorted((corpus / kind).glob("*.md"))[number]


def test_edit_body(small: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_full_build(monkeypatch)
    path = first(small, "ideologies", 3)
    edit(path, "\n\n", "\n\nAn added sentence about Karl Marx and the general strike.\n\n")
    assert update(small, index) is not None
    monkeypatch.undo()
    assert_same_as_full_build(small, index, tmp_path)


def test_edit_title_and_aliases(small: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_full_build(monkeypatch)
    path = first(small, "terms", 2)
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    edit(path, title, "title: Renamed Concept\naliases: [Another Name]" if "aliases:" not in text else title + " Two")
    assert update(small, index) is not None
    monkeypatch.undo()
    assert_same_as_full_build(small, index, tmp_path)


def test_add_and_delete_entry(small: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_full_build(monkeypatch)
    shutil.copy(sorted((SHIPPED_CORPUS / "terms").glob("*.md"))[30], small / "terms")
    assert update(small, index) is not None
    monkeypatch.undo()
    assert_same_as_full_build(small, index, tmp_path)
    no_full_build(monkeypatch)
    first(small, "terms", 1).unlink()
    assert update(small, index) is not None
    monkeypatch.undo()
    assert_same_as_full_build(small, index, tmp_path)


def test_rename_file(small: Path, index: Path, tmp_path: Path) -> None:
    path = first(small, "terms", 4)
    path.rename(path.with_name("a-renamed-term.md"))
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)


def test_key_figures_and_texts(small: Path, index: Path, tmp_path: Path) -> None:
    path = first(small, "ideologies", 5)
    text = path.read_text(encoding="utf-8")
    figures = next(line for line in text.splitlines() if line.startswith("key_figures:"))
    edit(path, figures, "key_figures: [Karl Marx, Nobody Yet Named]")  # a new person card: full build
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)
    edit(path, "key_figures: [Karl Marx, Nobody Yet Named]", "key_figures: [Karl Marx]")  # the card goes
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)
    edit(path, "key_texts:\n", "key_texts:\n  - title: A Wholly New Pamphlet\n    author: Karl Marx\n    year: 1850\n")
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)
    edit(path, "  - title: A Wholly New Pamphlet\n    author: Karl Marx\n    year: 1850\n", "")
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)


def test_link_target_removed(small: Path, index: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(live(index) / "catalog.sqlite")
    target = connection.execute(
        "SELECT e.target FROM edges e JOIN entries t ON t.slug = e.target AND t.card = 0 "
        "JOIN entries s ON s.slug = e.source AND s.card = 0 LIMIT 1"
    ).fetchone()[0]
    connection.close()
    next(small.glob(f"*/{target}.md")).unlink()
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)


def test_broken_file_then_fixed(small: Path, index: Path, tmp_path: Path) -> None:
    path = first(small, "terms", 6)
    good = path.read_text(encoding="utf-8")
    path.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)
    path.write_text(good, encoding="utf-8")
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)


def test_touch_makes_no_generation(small: Path, index: Path) -> None:
    before = live(index)
    path = first(small, "terms", 0)
    os.utime(path, ns=(time.time_ns() + 5_000_000_000,) * 2)
    assert update(small, index) is None
    assert live(index) == before


def test_vocabulary_change(small: Path, index: Path, tmp_path: Path) -> None:
    with open(small / "vocabulary.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# a comment\n")
    update(small, index)
    assert_same_as_full_build(small, index, tmp_path)


def test_many_files_changed(small: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = []
    real = store.build_generation
    monkeypatch.setattr(store, "build_generation", lambda *args: builds.append(1) or real(*args))
    for path in sorted((small / "terms").glob("*.md"))[:20]:
        edit(path, "\n\n", "\n\nA changed paragraph.\n\n")
    update(small, index)
    assert builds
    assert_same_as_full_build(small, index, tmp_path)


def test_user_corpus(small: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "user"
    usercorpus.attach(str(small), str(user))
    os.environ["IDEO_USER_CORPUS"] = str(user)  # the CLI attaches it too (cli_views)
    try:
        update(small, index)  # attaching a missing user corpus changes nothing
        assert_same_as_full_build(small, index, tmp_path)
        no_full_build(monkeypatch)
        (user / "terms").mkdir(parents=True)
        shipped = first(small, "terms", 3)
        shutil.copy(shipped, user / "terms")  # shadows a shipped entry
        edit(user / "terms" / shipped.name, "\n\n", "\n\nThe user's own paragraph.\n\n")
        shutil.copy(sorted((SHIPPED_CORPUS / "terms").glob("*.md"))[40], user / "terms")  # a user-only entry
        monkeypatch.undo()  # a new directory's stat moved too: whichever path, the result must match
        update(small, index)
        assert_same_as_full_build(small, index, tmp_path)
        no_full_build(monkeypatch)
        edit(user / "terms" / shipped.name, "The user's own paragraph.", "The user's edited, longer paragraph.")
        assert update(small, index) is not None
        (user / "terms" / shipped.name).unlink()  # the shipped entry comes back
        assert update(small, index) is not None
        monkeypatch.undo()
        assert_same_as_full_build(small, index, tmp_path)
    finally:
        del os.environ["IDEO_USER_CORPUS"]
        usercorpus.attach(str(small), None)


def test_cli_edit_is_incremental(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the CLI, with the default (missing) user corpus attached: an edit re-indexes one entry."""
    index = tmp_path / "cli-index"
    monkeypatch.setenv("IDEO_INDEX", str(index))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert run("index").exit_code == 0
    before = live(index)
    path = first(small, "ideologies", 2)
    edit(path, "\n\n", "\n\nOne more sentence.\n\n")
    no_full_build(monkeypatch)
    result = run("show", path.stem, "--format", "plain")
    assert result.exit_code == 0 and "One more sentence." in result.output
    after = live(index)
    assert after != before
    linked = [p for p in (after / "whoosh").iterdir() if p.stat().st_nlink > 1]
    assert linked, "the unchanged Whoosh segments are hard links to the previous generation's"


KILLER = """
import sys, time
from ideocli import search, store
real = search.update_index
def slow(*args, **kwargs):
    print("updating", flush=True)
    time.sleep(30)
    return real(*args, **kwargs)
search.update_index = slow
store.ensure_generation(sys.argv[1], sys.argv[2])
"""


def test_kill_during_update(small: Path, index: Path, tmp_path: Path) -> None:
    before = live(index)
    path = first(small, "terms", 5)
    edit(path, "\n\n", "\n\nKilled mid-update.\n\n")
    process = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(small), str(index)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "updating"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert live(index) == before
    assert Catalog(str(before / "catalog.sqlite")).count() > 0  # the previous generation still serves
    assert update(small, index) is not None
    assert_same_as_full_build(small, index, tmp_path)
