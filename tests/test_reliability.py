"""Issue 12: what ideo may touch, whom it trusts, and how it fails. One section per numbered case."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

from ideocli import store
from ideocli.library import open_library
from ideocli.paths import Paths

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def paths_for(corpus: Path, index: Path) -> Paths:
    return Paths(str(corpus), str(index), "flag", "flag")


# --- 1. only what ideo provably created ---------------------------------------------------


def test_a_foreign_directory_is_refused_and_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "CURRENT").write_text("my own notes")
    old = home / "gen-0123456789ab"  # looks like a generation, but ideo did not make it
    old.mkdir()
    (old / "thesis.tex").write_text("years of work")
    os.utime(old, (0, 0))
    for args in (["show", "alphaism"], ["index"]):
        result = run("--index-dir", str(home), *args)
        assert result.exit_code == 3, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"ideo: refusing the index directory {home}: it is not empty and has no IDEO-INDEX"
        )
        assert result.stderr.count("\n") == 1
    assert (home / "CURRENT").read_text() == "my own notes"
    assert (old / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in home.iterdir()) == ["CURRENT", "gen-0123456789ab"]


def test_a_new_index_dir_is_marked_and_an_empty_one_adopted(tmp_path: Path) -> None:
    fresh = tmp_path / "cache" / "ideo-index"
    assert run("--index-dir", str(fresh), "show", "alphaism", "--summary").exit_code == 0
    assert (fresh / "IDEO-INDEX").read_text().startswith("This directory is an ideo search index")
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)
    assert run("--index-dir", str(empty), "show", "alphaism", "--summary").exit_code == 0
    assert (empty / "IDEO-INDEX").is_file() and (empty / "CURRENT").is_file()


def test_an_index_written_before_the_marker_is_adopted_only_when_all_of_it_is_ideos(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    legacy.mkdir(mode=0o700)
    (legacy / "gen-0123456789ab").mkdir()
    (legacy / "REBUILD.lock").write_text("")
    (legacy / "CURRENT").write_text(json.dumps({"format": 6, "generation": "gen-0123456789ab"}))
    assert run("--index-dir", str(legacy), "show", "alphaism", "--summary").exit_code == 0
    assert (legacy / "IDEO-INDEX").is_file()  # an upgrade keeps working
    mixed = tmp_path / "mixed"
    mixed.mkdir(mode=0o700)
    (mixed / "CURRENT").write_text(json.dumps({"format": 6, "generation": "gen-0123456789ab"}))
    (mixed / "notes.txt").write_text("mine")  # something ideo never writes: not ours
    assert run("--index-dir", str(mixed), "show", "alphaism").exit_code == 3
    assert sorted(p.name for p in mixed.iterdir()) == ["CURRENT", "notes.txt"]


# --- 2. trust --------------------------------------------------------------------------------


def test_index_dirs_are_created_private(tmp_path: Path) -> None:
    index = tmp_path / "made-by-ideo"
    assert run("--index-dir", str(index), "index").exit_code == 0
    assert stat.S_IMODE(index.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o1777], ids=oct)
def test_an_index_dir_others_may_write_is_refused(tmp_path: Path, mode: int) -> None:
    index = tmp_path / "index"
    assert run("--index-dir", str(index), "index").exit_code == 0
    index.chmod(mode)
    result = run("--index-dir", str(index), "show", "alphaism")
    assert result.exit_code == 3
    assert (
        result.stderr
        == f"ideo: refusing the index directory {index}: other users may write to it (chmod 700 fixes that)\n"
    )


def test_an_index_dir_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    assert run("--index-dir", str(index), "index").exit_code == 0
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(index).st_uid + 1)
    result = run("--index-dir", str(index), "show", "alphaism")
    assert result.exit_code == 3
    assert result.stderr == f"ideo: refusing the index directory {index}: it belongs to another user\n"


@pytest.mark.parametrize("where", ["parent", "absolute", "through-a-generation", "inside-not-a-generation"])
def test_current_must_name_one_of_our_generations(corpus: Path, tmp_path: Path, where: str) -> None:
    index = tmp_path / "index"
    paths = paths_for(corpus, index)
    live = Path(open_library(paths).generation.path)
    planted = index / "planted" if where == "inside-not-a-generation" else tmp_path / "planted"
    shutil.copytree(live, planted)
    with sqlite3.connect(planted / "catalog.sqlite") as db:
        db.execute("UPDATE entries SET title = 'Planted' WHERE slug = 'alphaism'")
    name = {
        "parent": "../planted",
        "absolute": str(planted),
        "through-a-generation": f"{live.name}/../../planted",
        "inside-not-a-generation": "planted",
    }[where]
    pointer = json.loads((index / "CURRENT").read_text())
    (index / "CURRENT").write_text(json.dumps({**pointer, "generation": name}))
    library = open_library(paths)
    assert library.build_report is not None  # not one of ours: rebuilt, never read
    assert Path(library.generation.path).parent == index
    assert library.titles()["alphaism"] == "Alphaism"


def test_no_shared_tmp_paths_in_help_or_readme() -> None:
    from ideocli.cli import cli

    assert "/tmp" not in README
    assert "/tmp" not in run("--help").stdout
    for name in cli.commands:
        assert "/tmp" not in run(name, "--help").stdout, name


# --- 10. leftovers of a killed build ------------------------------------------------------


def test_the_next_process_to_take_the_lock_clears_a_killed_builds_leftovers(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    paths = paths_for(corpus, index)
    open_library(paths)
    leftover = index / "gen-0123456789ab.tmp"
    (leftover / "whoosh").mkdir(parents=True)
    pointer_tmp = index / "CURRENT.4242.123456789.tmp"
    pointer_tmp.write_text("{")
    # Stale when first checked, fresh under the lock: another process rebuilt while this one waited.
    real, checks = store.fresh_generation, []

    def stale_once(*args: object) -> object:
        checks.append(args)
        return None if len(checks) == 1 else real(*args)

    monkeypatch.setattr(store, "fresh_generation", stale_once)
    library = open_library(paths)
    assert library.build_report is None and len(checks) == 2  # took the lock, did not rebuild
    assert not leftover.exists() and not pointer_tmp.exists()


# --- 9. fingerprints and empty locations --------------------------------------------------


def test_an_empty_corpus_index_is_not_fresh_for_another_corpus(tmp_path: Path) -> None:
    index = tmp_path / "index"
    for name in ("empty", "other-empty"):
        (tmp_path / name).mkdir()
        assert open_library(paths_for(tmp_path / name, index)).build_report is not None
    result = run("--corpus", str(tmp_path / "missing"), "--index-dir", str(index), "show", "alphaism")
    assert result.exit_code == 3
    assert result.stderr == f"ideo: corpus directory not found: {tmp_path / 'missing'}\n"


@pytest.mark.parametrize(
    ("args", "variable", "name"),
    [
        (["--corpus", ""], None, "--corpus"),
        (["--index-dir", ""], None, "--index-dir"),
        ([], "IDEO_CORPUS", "IDEO_CORPUS"),
        ([], "IDEO_INDEX", "IDEO_INDEX"),
    ],
)
def test_an_empty_location_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, args: list[str], variable: str | None, name: str
) -> None:
    if variable:
        monkeypatch.setenv(variable, "")
    for command in (["show", "alphaism"], ["paths"], ["--version"]):
        result = run(*args, *command)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr == f"ideo: {name} is empty; give a directory, or leave it out for the default\n"
        assert result.stdout == ""


# --- 6. corpus files that are not regular files --------------------------------------------


def ideo(*args: str, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ideo in its own process (for what CliRunner cannot show: hangs, signals, real streams)."""
    return subprocess.run(
        [sys.executable, "-m", "ideocli", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_devices_and_huge_files_are_problems_not_hangs(corpus: Path) -> None:
    os.mkfifo(corpus / "terms" / "fifo.md")
    (corpus / "terms" / "zero.md").symlink_to("/dev/zero")
    (corpus / "terms" / "dangling.md").symlink_to(corpus / "nowhere.md")
    (corpus / "terms" / "huge.md").write_text("---\ntitle: Huge\n---\n" + "word " * 250_000)
    check = ideo("check")
    assert check.returncode == 3, check.stderr
    assert "Traceback" not in check.stderr
    for line in (
        "terms/fifo.md:1: unreadable: not a regular file but a FIFO",
        "terms/zero.md:1: unreadable: not a regular file but a device",
        "terms/huge.md:1: unreadable: too large: 1,250,020 bytes, at most 1,000,000",
    ):
        assert line in check.stdout.splitlines()
    assert "terms/dangling.md:1: unreadable: " in check.stdout
    show = ideo("show", "alphaism", "--summary")
    assert show.returncode == 0, show.stderr
    assert show.stdout.startswith("Alphaism is a fictional doctrine")
    assert "ideo: warning: terms/fifo.md:1: unreadable: not a regular file but a FIFO (entry skipped)" in show.stderr


# --- 5. index files that parse but are wrong ----------------------------------------------


def change_row(slug: str, change: object) -> str:
    """Return SQL that replaces the front matter of `slug` with change(front matter) (or `change`)."""

    def sql(db: sqlite3.Connection) -> None:
        data = json.loads(db.execute("SELECT data FROM entries WHERE slug = ?", (slug,)).fetchone()[0])
        new = change(data) if callable(change) else change
        db.execute("UPDATE entries SET data = ? WHERE slug = ?", (json.dumps(new), slug))

    return sql  # type: ignore[return-value]


DAMAGES = {
    "entry body not text": ("UPDATE entries SET body = X'ff' WHERE slug = 'alphaism'", ["show", "alphaism"]),
    "entry of the wrong type": (change_row("alphaism", lambda d: {**d, "aliases": "Alphaist"}), ["show", "alphaism"]),
    "entry not an object": (change_row("alphaism", [1, 2]), ["define", "alphaism"]),
    "entry not json": ("UPDATE entries SET data = '{not json' WHERE slug = 'alphaism'", ["show", "alphaism"]),
    "entry of another entry": (change_row("alphaism", lambda d: {**d, "slug": "betaism"}), ["show", "alphaism"]),
    "title not text": ("UPDATE entries SET title = X'ff' WHERE slug = 'alphaism'", ["show", "Alpha doctrine"]),
    "a name for a missing entry": (
        "UPDATE names SET slug = 'ghost' WHERE key = 'alpha doctrine'",
        ["show", "Alpha doctrine"],
    ),
    "a slug that is a path": (
        "UPDATE names SET slug = '../catalog' WHERE key = 'alpha doctrine'",
        ["show", "Alpha doctrine"],
    ),
    "a name of a number": ("UPDATE names SET slug = X'ff' WHERE key = 'alpha doctrine'", ["show", "Alpha doctrine"]),
    "catalog format": ("UPDATE meta SET value = 'x'", ["list"]),
    "no entry table": ("DROP TABLE entries", ["show", "alphaism"]),
    "no brief table": ("DROP TABLE briefs", ["list"]),
    "brief of the wrong type": ("UPDATE briefs SET brief = '{\"slug\": 5}' WHERE slug = 'alphaism'", ["list"]),
    "no edge table": ("DROP TABLE edges", ["related", "alphaism"]),
    # At depth 2 betaism is read whole (a leaf is read by title and kind only).
    "catalog entry without a slug": (change_row("betaism", {}), ["related", "alphaism", "--depth", "2"]),
    "problems of the wrong shape": ("INSERT INTO problems VALUES (1, 'x', 'y')", ["show", "alphaism"]),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_index_files_that_parse_but_are_wrong_are_rebuilt(corpus: Path, tmp_path: Path, damage: str) -> None:
    change, command = DAMAGES[damage]
    generation = Path(open_library(paths_for(corpus, tmp_path / "index")).generation.path)
    with sqlite3.connect(generation / "catalog.sqlite") as db:
        change(db) if callable(change) else db.execute(change)
    result = run(*command, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    slugs = [entry["slug"] for entry in document["entries"]] if "entries" in document else [document["tree"]["slug"]]
    assert slugs[0] == "alphaism"
    if "entries" in document and "title" in document["entries"][0]:
        assert document["entries"][0]["title"] == "Alphaism"
    if (
        damage != "problems of the wrong shape"
    ):  # the skipped-file warnings are a courtesy: bad rows are dropped, not rebuilt
        assert json.loads((tmp_path / "index" / "CURRENT").read_text())["generation"] != generation.name


def test_an_index_still_damaged_after_one_rebuild_is_exit_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert run("index").exit_code == 0
    builds = []
    real = store.build_generation
    monkeypatch.setattr(store, "build_generation", lambda *args: builds.append(args) or real(*args))

    def damaged(self: object, slug: str, **kwargs: object) -> None:
        raise ValueError("the catalog is damaged")

    monkeypatch.setattr("ideocli.catalog.Catalog.article", damaged)
    result = run("show", "alphaism")
    assert result.exit_code == 3
    assert result.stderr == (
        f"ideo: the index in {tmp_path / 'index'} is damaged even after a rebuild: the catalog is damaged\n"
    )
    assert len(builds) == 1


# --- 7. names --------------------------------------------------------------------------------


def set_aliases(corpus: Path, slug: str, aliases: str) -> None:
    path = next(corpus.glob(f"*/{slug}.md"))
    text = path.read_text()
    start = text.index("aliases: [")
    path.write_text(text[:start] + f"aliases: [{aliases}]" + text[text.index("\n", start) :])


@pytest.mark.parametrize("shared", [False, True])
def test_a_slug_reaches_its_own_entry_even_when_another_claims_it(corpus: Path, shared: bool) -> None:
    set_aliases(corpus, "gammaism", "Gammaist, alphaism, Rolling Reform")
    if shared:
        vocabulary = corpus / "vocabulary.yaml"
        vocabulary.write_text(
            vocabulary.read_text().replace("shared_names: []", "shared_names: [alphaism, rolling reform]")
        )
    for typed, slug in [("alphaism", "alphaism"), ("ALPHAISM", "alphaism"), ("rolling-reform", "rolling-reform")]:
        for command in ("show", "define", "related"):
            result = run(command, typed, "--format", "json")
            assert result.exit_code == 0, (command, typed, result.stderr)
            document = json.loads(result.stdout)
            assert (document["tree"] if command == "related" else document["entries"][0])["slug"] == slug


def test_a_shared_name_lists_candidates_that_can_be_typed(corpus: Path) -> None:
    set_aliases(corpus, "alphaism", "Alphaist, common front")
    set_aliases(corpus, "gammaism", "Gammaist, Common Front")
    vocabulary = corpus / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("shared_names: []", "shared_names: [common front]"))
    assert run("check").exit_code == 0
    result = run("show", "the common front")
    assert result.exit_code == 1
    assert result.stderr == (
        'ideo: "the common front" names more than one entry; give the slug of the one you mean\n'
        "candidates: Alphaism (alphaism); Gammaism (gammaism)\n"
    )
    for slug in ("alphaism", "gammaism"):
        assert run("show", slug, "--summary").exit_code == 0


# --- 8. terminal safety ----------------------------------------------------------------------

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_hostile_file_names_never_reach_the_terminal_raw(corpus: Path) -> None:
    (corpus / "terms" / "evil\x1b]0;owned\x07\u202e\ngc.md").write_text("---\ntitle: [broken\n---\n")
    check = run("check")
    assert check.exit_code == 3
    assert not UNSAFE.search(check.stdout + check.stderr)
    assert check.stdout.splitlines()[0].startswith("terms/evil]0;owned gc.md:1: bad slug ")
    assert len(check.stdout.splitlines()) == 1
    for fmt in ("json", "rich"):
        assert not UNSAFE.search(run("check", "--format", fmt).stdout)


def test_hostile_names_and_text_in_an_entry_are_cleaned_everywhere(corpus: Path) -> None:
    path = corpus / "terms" / "grand-council.md"
    text = path.read_text()
    text = text.replace("title: Grand council", 'title: "Grand \\u202ecouncil\\u2066"')
    text = text.replace("aliases: [the council]", 'aliases: ["the\\ncouncil\\u200f"]')
    hostile = "An \u202eoverride, an \u2067isolate\u2069 and \x1b[2Jclear.\n"
    path.write_text(text + "\n" + hostile)
    alphaism = corpus / "ideologies" / "alphaism.md"
    alphaism.write_text(alphaism.read_text().replace("## Overview\n\n", "## Overview\n\n" + hostile + "\n"))
    for args in (["show", "grand-council"], ["define", "grand council"], ["related", "grand-council"],
                 ["search", "grand council"], ["list", "--long"], ["show", "alphaism", "--section", "overview"]):  # fmt: skip
        for fmt in ("plain", "json", "rich"):
            result = run(*args, "--format", fmt)
            assert result.exit_code == 0, (args, fmt, result.stderr)
            assert not UNSAFE.search(result.stdout), (args, fmt)
            assert "Grand council" in result.stdout or "Alphaism" in result.stdout, (args, fmt)
    section = run("show", "alphaism", "--section", "overview").stdout
    assert section.startswith("An override, an isolate and [2Jclear.\n\nAlphaism holds")  # line breaks kept


def test_user_input_in_messages_is_cleaned_and_cut_to_100_characters() -> None:
    result = run("show", "x\x1b]0;owned\x07\u202ey\nz")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == 'ideo: no entry "x]0;ownedy z"'
    long = run("show", "q" * 5000)
    assert long.exit_code == 1
    assert long.stderr.splitlines()[0] == f'ideo: no entry "{"q" * 99}…"'
    for args in (["search", "zzyzx" * 90], ["show", "alphaism", "--section", "s" * 300], ["search", "(" * 400]):
        result = run(*args)
        assert result.exit_code in (1, 2)
        assert len(result.stderr.splitlines()[0]) < 200, result.stderr


def test_undecodable_arguments_do_not_crash_the_output(corpus: Path) -> None:
    result = run("search", "assembly \udce9", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["query"] == "assembly \ufffd"
    for args in (["search", os.fsdecode(b"assembly \xe9")], ["show", os.fsdecode(b"caf\xe9")]):
        process = ideo(*args)
        assert process.returncode in (0, 1) and "Traceback" not in process.stderr, process.stderr


# --- 3. output failures ---------------------------------------------------------------------


def shell(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    ideo = f"{sys.executable} -m ideocli"
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command.replace("ideo ", f"{ideo} ")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


@pytest.fixture
def built() -> None:
    assert run("index").exit_code == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    ["show alphaism --format plain", "show alphaism --format json", "show alphaism --format rich",
     "show alphaism --summary", "list --format rich", "--help", "paths"],
)  # fmt: skip
def test_a_full_disk_is_one_line_and_exit_74(built: None, args: str) -> None:
    result = shell(f"ideo {args} > /dev/full")
    assert (result.returncode, result.stderr) == (74, "ideo: cannot write the output: No space left on device\n")


@pytest.mark.parametrize("fmt", ["plain", "json", "rich"])
def test_a_closed_stdout_is_one_line_and_exit_74(built: None, fmt: str) -> None:
    result = shell(f"ideo show alphaism --format {fmt} >&-")
    assert (result.returncode, result.stderr) == (74, "ideo: cannot write the output: standard output is closed\n")
    quiet = shell("ideo check --format plain >&-")  # nothing to write: nothing fails
    assert quiet.returncode == 0, quiet.stderr


@pytest.mark.parametrize("fmt", ["plain", "json", "rich"])
def test_a_reader_that_went_away_is_exit_141_and_silent(built: None, fmt: str) -> None:
    result = shell(f"ideo show alphaism betaism --format {fmt} | true")
    assert (result.returncode, result.stderr) == (141, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_stderr_that_cannot_be_written_changes_nothing(corpus: Path, built: None) -> None:
    (corpus / "terms" / "broken.md").write_text("---\ntitle: [oops\n---\n")  # a warning to write
    for redirect in ("2>/dev/full", "2>&-"):
        result = shell(f"ideo show alphaism --summary {redirect}")
        assert result.returncode == 0
        assert result.stdout.startswith("Alphaism is a fictional doctrine")
    assert shell("ideo show nosuch 2>/dev/full").returncode == 1
    assert shell("ideo show alphaism >&- 2>&-").returncode == 74


# --- 4. interrupts ---------------------------------------------------------------------------

INTERRUPT_DURING_IMPORT = """
import builtins, os, signal, sys
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == {module!r}:
        builtins.__import__ = real_import
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["ideo", "show", "alphaism"]
from ideocli.__main__ import main
main()
"""


@pytest.mark.parametrize("module", ["click", "ideocli.library", "json"])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(built: None, module: str) -> None:
    # A SIGINT while `module` is imported: Click itself (the entry point), the command's first
    # step, the output step. Deterministic, unlike sending it after some milliseconds.
    process = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (process.returncode, process.stderr, process.stdout) == (130, "ideo: interrupted\n", "")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("delay", [0, 0.3])
def test_ctrl_c_during_a_build_on_a_terminal_restores_it(tmp_path: Path, delay: float) -> None:
    import select

    master, terminal = os.openpty()
    env = {**os.environ, "IDEO_CORPUS": str(Path(__file__).parents[1] / "corpus"), "TERM": "xterm-256color"}
    env["IDEO_INDEX"] = str(tmp_path / "index")
    process = subprocess.Popen(
        [sys.executable, "-m", "ideocli", "index"], stdin=terminal, stdout=subprocess.PIPE, stderr=terminal, env=env
    )
    os.close(terminal)
    seen, interrupted = b"", False
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        try:
            chunk = os.read(master, 65536) if ready else b""
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
        if not interrupted and b"\x1b[?25l" in seen:  # the bar is up and the cursor hidden
            time.sleep(delay)
            process.send_signal(signal.SIGINT)
            interrupted = True
    process.wait(timeout=60)
    os.close(master)
    if not interrupted:
        pytest.skip("the build finished before the progress bar appeared")
    assert process.returncode == 130, seen[-3000:]
    assert seen.rindex(b"\x1b[?25h") > seen.rindex(b"\x1b[?25l")  # the cursor is shown again
    tail = seen[seen.rindex(b"\x1b[?25h") :]
    assert tail.replace(b"\r", b"").endswith(b"ideo: interrupted\n")
    assert b"Traceback" not in seen
    assert not list((tmp_path / "index").glob("gen-*.tmp"))


# --- found on the way ------------------------------------------------------------------------


def test_a_dangling_symlink_is_a_skipped_entry_not_a_crash(corpus: Path) -> None:
    (corpus / "terms" / "gone.md").symlink_to(corpus / "terms" / "nowhere.md")
    result = run("show", "alphaism", "--summary")
    assert result.exit_code == 0
    assert result.stderr.startswith("ideo: warning: terms/gone.md:1: unreadable: ")


def test_a_file_name_ending_in_a_newline_is_not_a_slug(corpus: Path) -> None:
    shutil.copy(corpus / "terms" / "grand-council.md", corpus / "terms" / "zeta\n.md")
    result = run("check")
    assert result.exit_code == 3
    assert "bad slug 'zeta\\n'" in result.stdout
    assert run("show", "zeta").exit_code == 1
