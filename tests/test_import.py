"""Issue 15: the user corpus, `ideo import`, `ideo new` and `ideo edit`. Temporary directories only."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import run

from ideocli import importer

# The real saved page of the issue; not copied into the repository (it is someone else's text).
SAMPLE = Path(os.environ.get("IDEO_SAMPLE_PAGE", "/work/shared/samples/explainer-page.txt"))
ESC = re.compile(r"[\x1b\x9b]")


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user corpus (not yet created) through IDEO_USER_CORPUS."""
    path = tmp_path / "user-corpus"
    monkeypatch.setenv("IDEO_USER_CORPUS", str(path))
    return path


def sample() -> Path:
    if not SAMPLE.is_file():
        pytest.skip(f"the sample page {SAMPLE} is not here (set IDEO_SAMPLE_PAGE)")
    return SAMPLE


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# --- the user corpus -------------------------------------------------------------------------

USER_ENTRY = """---
title: Alphaism
summary: My own reading of Alphaism, written for myself.
definition: Alphaism as I understand it.
imported: 2026-01-02
---

A note on [[grand-council]].
"""


def test_a_missing_user_corpus_is_empty(user: Path) -> None:
    assert not user.exists()
    result = run("show", "alphaism")
    assert result.exit_code == 0 and "user entry" not in result.stdout
    result = run("paths")
    assert f"user corpus\t{user}\t(env, missing: empty)" in result.stdout


def test_user_corpus_flag_and_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert f"user corpus\t{tmp_path / 'data' / 'ideo' / 'corpus'}\t(default" in run("paths").stdout
    flagged = run("--user-corpus", str(tmp_path / "mine"), "paths").stdout
    assert f"user corpus\t{tmp_path / 'mine'}\t(flag" in flagged
    assert run("--user-corpus", "", "paths").exit_code == 2


def test_a_user_entry_shadows_the_shipped_one_visibly(user: Path) -> None:
    write(user / "ideologies" / "alphaism.md", USER_ENTRY)
    result = run("show", "alphaism")
    assert "(ideology; user entry)" in result.stdout
    assert "shadows the shipped ideologies/alphaism.md" in result.stderr
    assert "ideo show --shipped alphaism" in result.stderr
    data = json.loads(run("show", "alphaism", "--format", "json").stdout)["entries"][0]
    assert data["source"] == "user" and data["shadows"] == "ideologies/alphaism.md"
    shipped = run("show", "--shipped", "alphaism", "--format", "json")
    assert json.loads(shipped.stdout)["entries"][0]["source"] == "shipped"
    assert "fictional doctrine" in json.loads(shipped.stdout)["entries"][0]["summary"]
    assert "alphaism\tideology (user)\tAlphaism" in run("list", "--long").stdout
    listed = json.loads(run("list", "--format", "json").stdout)["entries"]
    assert [row.get("source") for row in listed if row["slug"] == "alphaism"] == ["user"]


def test_check_covers_the_user_corpus(user: Path) -> None:
    assert run("check").exit_code == 0
    write(user / "terms" / "broken.md", USER_ENTRY.replace("[[grand-council]]", "[[no-such-entry]]"))
    result = run("check")
    assert result.exit_code == 3
    where = re.escape(str(user / "terms" / "broken.md"))
    assert re.search(rf"^{where}:\d+: link \[\[no-such-entry\]\]: no entry 'no-such-entry'$", result.stdout, re.M)


def test_imported_relaxes_only_what_an_import_cannot_know(user: Path) -> None:
    write(user / "ideologies" / "deltaism.md", USER_ENTRY.replace("Alphaism", "Deltaism"))
    assert run("check").exit_code == 0
    write(
        user / "ideologies" / "deltaism.md",
        USER_ENTRY.replace("Alphaism", "Deltaism").replace("imported: 2026-01-02\n", ""),
    )
    result = run("check")
    assert result.exit_code == 3 and "missing section '## Overview'" in result.stdout


# --- importing the sample page ---------------------------------------------------------------


def test_the_sample_page_becomes_an_entry(user: Path) -> None:
    result = run("import", str(sample()), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["skipped"] == [] and data["schema_version"]
    (item,) = data["imported"]
    assert item["slug"] == "trotskyism" and item["title"] == "Trotskyism"
    assert item["authors"] == ["Risika Singh", "Uddheshya Agrawal", "Aadi Sardesai"]
    assert item["source"] == str(sample().resolve())
    text = Path(item["path"]).read_text(encoding="utf-8")
    assert Path(item["path"]) == user / "ideologies" / "trotskyism.md"
    assert "## How did Trotskyism originate?" in text and "## Rifts with Stalinism" in text
    for chrome in (
        "top of page",
        "bottom of page",
        "Recent Posts",
        "See All",
        "Monarchism",
        "Author :",
        "Co - Authors",
    ):
        assert chrome not in text
    assert "[[permanent-revolution|" in text  # a fixture term named in the text
    front = text.split("---\n")[1]
    assert "imported: '" in front and "authors: [Risika Singh, Uddheshya Agrawal, Aadi Sardesai]" in front
    definition = re.search(r"^definition: (.*)$", front, re.M).group(1)
    summary = re.search(r"^summary: (.*)$", front, re.M).group(1)
    assert definition.startswith("Trotskyism is the Marxist ideology") and len(definition) <= 200
    assert 120 <= len(summary) <= 450
    assert run("check").exit_code == 0


def test_the_imported_entry_is_found_by_show_search_and_related(user: Path) -> None:
    run("import", str(sample()))
    shown = run("show", "trotskyism")
    assert shown.exit_code == 0 and "(ideology; user entry)" in shown.stdout
    assert "Authors: Risika Singh, Uddheshya Agrawal, Aadi Sardesai" in shown.stdout
    hits = json.loads(run("search", "degenerated worker state", "--format", "json").stdout)["hits"]
    assert hits[0]["slug"] == "trotskyism" and hits[0]["source"] == "user"
    assert "Trotskyism (ideology, trotskyism, user entry)" in run("search", "degenerated worker state").stdout
    related = run("related", "permanent-revolution")
    assert "Trotskyism" in related.stdout


def test_importing_again_updates_the_same_entry(user: Path) -> None:
    first = json.loads(run("import", str(sample()), "--format", "json").stdout)["imported"][0]
    again = json.loads(run("import", str(sample()), "--format", "json").stdout)["imported"][0]
    assert again["status"] == "unchanged" and again["path"] == first["path"]
    changed = write(user.parent / "copy" / "page.txt", sample().read_text(encoding="utf-8"))
    # another file with the same title is another source: it does not overwrite the first
    result = run("import", str(changed))
    assert result.exit_code == 3 and "already exists (imported from" in result.stderr
    assert len(list((user / "ideologies").iterdir())) == 1


def test_dry_run_writes_nothing(user: Path) -> None:
    result = run("import", "--dry-run", str(sample()))
    assert result.exit_code == 0 and "would import trotskyism (new)" in result.stdout
    assert not user.exists()


# --- the other formats: pages written for these tests ----------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="windows-1252"><title>What is Georgism? | The Commons Desk</title>
<meta name="author" content="Mara Quell"><meta property="article:published_time" content="2022-03-14">
<style>body { color: red }</style><script>var tracker = 1;</script></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a> <a href="/shop">Shop</a></nav>
<div class="cookie-banner">This website uses cookies to improve your experience. <button>Accept</button></div>
<main><article><h1>What is Georgism?</h1><p class="byline">By Mara Quell</p>
<p>Georgism holds that people own what they make, but that the value of land belongs equally to everyone
in a community. Its adherents propose a single tax on land values in place of taxes on labour and trade.</p>
<p>The idea takes its name from Henry George, whose book Progress and Poverty appeared in 1879. George asked
why poverty deepened as cities grew richer. Caf\u00e9 owners and farmers alike, he wrote, paid rent to landlords.</p>
<h2>How did Georgism spread?</h2>
<p>Single-tax clubs formed in Britain, Australia and the United States, and a few towns tried land value
taxation. Some followers also backed the Alphaism of the fixture corpus.</p>
<div class="share">Share on Facebook \u00b7 Share on Twitter</div></article>
<aside><h3>Recent Posts</h3><p>Distributism Explained: a teaser for another post entirely.</p></aside></main>
<footer>\u00a9 2022 The Commons Desk. All rights reserved.</footer>
<script>document.write("tracking pixel")</script></body></html>
"""


def test_a_saved_html_page_in_windows_1252(user: Path, tmp_path: Path) -> None:
    page = write(tmp_path / "georgism.html", HTML_PAGE.encode("windows-1252"))
    result = run("import", str(page), "--format", "json")
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)["imported"]
    assert item["title"] == "Georgism" and item["authors"] == ["Mara Quell"]
    text = Path(item["path"]).read_text(encoding="utf-8")
    assert "Café owners" in text and "published: '2022-03-14'" in text
    assert "## How did Georgism spread?" in text
    assert "[[alphaism|Alphaism]]" in text and "family: [socialism]" in text
    for chrome in ("cookies", "Share on", "Recent Posts", "Distributism", "All rights", "tracker", "tracking", "color"):
        assert chrome not in text
    assert "## What is Georgism" not in text


MARKDOWN_NOTE = """# Understanding Rolling Syndics

By Ines Varga
Published: 3 May 2024

Rolling syndics are a scheme, imagined for these tests, in which a council's chair passes each month to
the member who has served longest without it. Supporters say the scheme keeps any single member from
settling into power, and that it suits a [grand council](https://example.org/gc) well.

## Where did the scheme come from?

It was sketched in a pamphlet that circulated among small assemblies. Critics answered that a monthly
rotation leaves no one time to finish anything.

- rotation by seniority
- no second term in a year

Share this post

## Recent posts

- Something else entirely
"""


def test_a_markdown_note_as_a_term(user: Path, tmp_path: Path) -> None:
    note = write(tmp_path / "notes" / "syndics.md", MARKDOWN_NOTE)
    result = run("import", str(tmp_path / "notes"), "--kind", "term", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)["imported"]
    assert item["title"] == "Rolling Syndics" and item["authors"] == ["Ines Varga"]
    assert item["source"] == str(note)
    text = Path(item["path"]).read_text(encoding="utf-8")
    assert Path(item["path"]).parent.name == "terms"
    assert "published: '2024-05-03'" in text and "## Where did the scheme come from?" in text
    assert "- rotation by seniority" in text and "[[grand-council|grand council]]" in text
    for chrome in ("Share this post", "Recent posts", "Something else", "https://"):
        assert chrome not in text
    assert run("show", "rolling-syndics").exit_code == 0


def test_stdin(user: Path) -> None:
    result = run("import", "-", "--format", "json", input=MARKDOWN_NOTE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["imported"][0]["source"].startswith("stdin:")
    again = json.loads(run("import", "-", "--format", "json", input=MARKDOWN_NOTE).stdout)["imported"][0]
    assert again["status"] == "unchanged"


# --- bad input: one line each, skipped, exit 3, nothing written, no escape reaches the terminal -----

PARAGRAPH = "Plain words about an idea that people hold, repeated so that there is enough text to import. " * 3
BAD_INPUTS = {
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)), "binary file"),
    "empty.txt": (b"  \n\n", "empty"),
    "no-text.html": (b"<html><body><nav>Home About</nav><footer>(c) 2020</footer></body></html>", "no article text"),
    "chrome.txt": (b"top of page\n\nMenu\n\nSee All\n\nbottom of page\n", "no "),
    "latin1.txt": ("Caf\u00e9 Culture\n\n".encode("latin-1") + b"\xff\xfe\xfa" * 3 + PARAGRAPH.encode(), None),
    "escape.txt": (f"Escapism\n\n\x1b]0;owned\x07\x1b[31m{PARAGRAPH}".encode(), "control characters"),
    "rich.md": (f"# Richism\n\n[bold red]{PARAGRAPH}[/]".encode(), "Rich markup"),
    "script.md": (f"# Scriptism\n\n<script>alert(1)</script> {PARAGRAPH}".encode(), "script markup"),
    "big.txt": (b"Bigism\n\n" + b"word " * (importer.MAX_INPUT_BYTES // 5 + 10), "too large"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_skipped_with_one_line(name: str, user: Path, tmp_path: Path) -> None:
    data, reason = BAD_INPUTS[name]
    path = write(tmp_path / "in" / name, data)
    result = run("import", str(path), "--format", "json")
    if reason is None:  # latin-1 with no declaration: detected, not refused
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 3
    (skipped,) = json.loads(result.stdout)["skipped"]
    assert reason in skipped["reason"] and "\n" not in skipped["reason"]
    lines = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(lines) == 1 and reason in lines[0]
    assert not ESC.search(result.stdout + result.stderr)
    assert not user.exists() or not any(user.rglob("*.md"))


def test_undecodable(user: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    class Nothing:
        def best(self) -> None:
            return None

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: Nothing())
    path = write(tmp_path / "odd.txt", b"Oddism\n\n\xff\xfe\xfd " + PARAGRAPH.encode())
    result = run("import", str(path))
    assert result.exit_code == 3 and "undecodable" in result.stderr


def test_good_and_bad_together(user: Path, tmp_path: Path) -> None:
    write(tmp_path / "in" / "a-empty.txt", b"")
    write(tmp_path / "in" / "b-note.md", MARKDOWN_NOTE)
    result = run("import", str(tmp_path / "in"))
    assert result.exit_code == 3 and "imported rolling-syndics" in result.stdout
    assert "skipped" in result.stderr and "empty" in result.stderr
    assert (user / "ideologies" / "rolling-syndics.md").exists()


def test_a_failed_write_leaves_nothing_half_written(user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer.os, "replace", broken)
    result = run("import", str(sample()))
    assert result.exit_code == 130
    assert not any(user.rglob("*.md")) and not any(user.rglob(".*.tmp"))


# --- new and edit -----------------------------------------------------------------------------

EDITOR = """import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace("summary: ''", "summary: Short."))
"""


def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = write(tmp_path / "editor.py", EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_new_writes_a_skeleton_opens_the_editor_and_checks(
    user: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor(tmp_path, monkeypatch)
    result = run("new", "zetaism")
    path = user / "ideologies" / "zetaism.md"
    assert "summary: Short." in path.read_text(encoding="utf-8")
    assert result.exit_code == 3
    assert re.search(rf"^{re.escape(str(path))}:\d+: ", result.stdout, re.M)
    assert run("new", "zetaism").exit_code == 2  # exists: use edit
    assert run("new", "Bad Slug").exit_code == 2


def test_new_needs_an_editor(user: Path) -> None:
    result = run("new", "zetaism")
    assert result.exit_code == 2 and "EDITOR" in result.stderr and not user.exists()


def test_edit_copies_a_shipped_entry_first(user: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "true")
    result = run("edit", "alphaism")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (user / "ideologies" / "alphaism.md").exists() and "no problems" in result.stderr
    assert "user entry" in run("show", "alphaism").stdout
    assert os.path.exists(user / "ideologies" / "alphaism.md")


def test_edit_opens_a_user_entry_that_does_not_parse(user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(user / "terms" / "broken.md", "no front matter at all\n")
    monkeypatch.setenv("VISUAL", "true")
    result = run("edit", "broken")
    assert result.exit_code == 3
    assert f"{user / 'terms' / 'broken.md'}:1: no front matter" in result.stdout


def test_an_escape_in_an_html_title_is_refused(user: Path, tmp_path: Path) -> None:
    page = HTML_PAGE.replace("<h1>What is Georgism?</h1>", "<h1>Georg&#27;[2Jism</h1>").replace(
        "<title>What is Georgism? | The Commons Desk</title>", "<title>Georg&#27;[2Jism</title>"
    )
    result = run("import", str(write(tmp_path / "t.html", page.encode("windows-1252"))))
    # refused for its control character, or earlier, when the HTML parser gives up on it
    assert result.exit_code == 3 and len(result.stderr.splitlines()) == 1
    assert not ESC.search(result.stdout + result.stderr)
    assert not user.exists() or not any(user.rglob("*.md"))


TEXT_DUMP = """Skip to content
Menu
We use cookies to give you the best experience. Accept all

Distributism Explained

By Tomas Reyes
March 9, 2023
4 min read

Distributism, as this test page tells it, is the view that productive property should be spread as widely as
possible rather than held by the state or by a few owners. Its writers pictured a society of small farms,
workshops and family firms. They also argued that guilds could keep trades honest.

Where does distributism come from?

The page says the idea grew out of debates among Catholic writers early in the twentieth century. They
wanted an economy that neither capitalism nor state ownership would describe.

Share
Facebook
Twitter

Related Posts
Guild Life Explained
"""


def test_a_text_dump_written_for_the_tests(user: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "dump.txt", TEXT_DUMP)
    (item,) = json.loads(run("import", str(path), "--format", "json").stdout)["imported"]
    assert item["title"] == "Distributism" and item["authors"] == ["Tomas Reyes"]
    text = Path(item["path"]).read_text(encoding="utf-8")
    assert "published: '2023-03-09'" in text and "## Where does distributism come from?" in text
    for chrome in ("Skip to", "Menu", "cookies", "min read", "Share", "Facebook", "Related Posts", "Guild Life"):
        assert chrome not in text


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("Trotskyism Explained", "Trotskyism"),
        ("What is Georgism?", "Georgism"),
        ("What Is the Third Way?", "Third Way"),
        ("Understanding Mutualism", "Mutualism"),
        ("An Introduction to Syndicalism", "Syndicalism"),
        ("Anarchism | Philosophy Pages", "Anarchism"),
        ("Eco-socialism", "Eco-socialism"),
    ],
)
def test_titles_name_their_subject(title: str, subject: str) -> None:
    assert importer.clean_title(title) == subject


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2])
def test_ctrl_c_leaves_all_or_nothing(delay: float, user: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    pages = tmp_path / "pages"
    for number in range(30):
        write(pages / f"note-{number:02}.md", MARKDOWN_NOTE.replace("Rolling Syndics", f"Rolling Syndics {number}"))
    process = subprocess.Popen(
        [sys.executable, "-m", "ideocli", "import", str(pages)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=120)
    assert process.returncode in (0, 130)
    written = list(user.rglob("*.md")) if user.exists() else []
    assert len(written) in (0, 30)
    assert not list(user.rglob(".*.tmp")) if user.exists() else True
    result = run("list", "--format", "json")  # the index agrees with the corpus, rebuilt if need be
    slugs = {row["slug"] for row in json.loads(result.stdout)["entries"]}
    assert len({s for s in slugs if s.startswith("rolling-syndics")}) == len(written)


def test_an_import_waits_for_the_rebuild_lock(user: Path, tmp_path: Path) -> None:
    import subprocess
    import time

    fcntl = pytest.importorskip("fcntl")
    assert run("list").exit_code == 0  # the index exists and is fresh
    note = write(tmp_path / "note.md", MARKDOWN_NOTE)
    with open(Path(os.environ["IDEO_INDEX"]) / "REBUILD.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        process = subprocess.Popen([sys.executable, "-m", "ideocli", "import", str(note)], env=os.environ.copy())
        time.sleep(2)
        assert process.poll() is None and not user.exists()  # waiting, nothing written
    assert process.wait(timeout=120) == 0
    assert (user / "ideologies" / "rolling-syndics.md").exists()
