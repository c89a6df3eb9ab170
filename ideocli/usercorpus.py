"""The user corpus: the user's own entries, read together with the shipped corpus into one index.

A user corpus is a directory laid out like the shipped one (`ideologies/`, `terms/`, `people/`),
without a vocabulary of its own: the shipped `vocabulary.yaml` applies. A missing directory is an
empty user corpus. A user entry whose slug is also a shipped entry's shadows it: lookups find
the user entry, and `ideo show --shipped SLUG` still reads the shipped one.

Where it is, first that applies: `--user-corpus DIR`, `$IDEO_USER_CORPUS`, then the platform's user
data directory (what `platformdirs.user_data_dir("ideo")` returns, computed by hand so that no
command pays for importing platformdirs) followed by `corpus`.

The store learns of a user corpus through `attach()`: the CLI attaches it to the shipped corpus
once paths are resolved, and `store.corpus_roots()` asks `user_root()` for it. Library code and
tests that attach nothing see the shipped corpus alone.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from ideocli.errors import BadUsage

if TYPE_CHECKING:
    from ideocli.articles import Article
    from ideocli.corpus import LoadedCorpus, ParsedEntry, Problem

USER = "user"
SHIPPED = "shipped"
ATTACHED: dict[str, str] = {}  # realpath of a shipped corpus -> its user corpus


class UserCorpus(NamedTuple):
    path: str
    source: str  # which rule chose it: "flag", "env" or "default"


def default_data_dir(env: Mapping[str, str], home: str | None = None, platform: str = sys.platform) -> str:
    """Return platformdirs.user_data_dir("ideo") for this platform, without importing platformdirs."""
    home = home or os.path.expanduser("~")
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "ideo", "ideo")
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "ideo")
    xdg = env.get("XDG_DATA_HOME", "")
    # The XDG spec says to ignore a relative path, as if the variable were unset.
    return os.path.join(xdg if os.path.isabs(xdg) else os.path.join(home, ".local", "share"), "ideo")


def resolve_user_corpus(flag: str | None, env: Mapping[str, str], home: str | None = None) -> UserCorpus:
    """Return the user corpus directory: --user-corpus > IDEO_USER_CORPUS > the user data dir + /corpus.

    Raises BadUsage when the flag or the variable is set but empty.
    """
    for name, value, source in (
        ("--user-corpus", flag, "flag"),
        ("IDEO_USER_CORPUS", env.get("IDEO_USER_CORPUS"), "env"),
    ):
        if value == "":
            raise BadUsage(f"{name} is empty; give a directory, or leave it out for the default")
        if value is not None:
            return UserCorpus(os.path.abspath(os.path.expanduser(value)), source)
    return UserCorpus(os.path.join(default_data_dir(env, home), "corpus"), "default")


def attach(shipped: str, user: str | None) -> None:
    """Read `user` together with the shipped corpus `shipped` from now on (None detaches)."""
    key = os.path.realpath(shipped)
    if user is None:
        ATTACHED.pop(key, None)
    else:
        ATTACHED[key] = os.path.abspath(user)


def user_root(shipped: str | os.PathLike[str]) -> str | None:
    """Return the user corpus attached to a shipped corpus, or None; never the shipped corpus itself."""
    if not ATTACHED:
        return None
    key = os.path.realpath(shipped)
    user = ATTACHED.get(key)
    return None if user is None or os.path.realpath(user) == key else user


def load_user_entries(root: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """Parse every entry of a user corpus (a missing directory has none), named by full path so
    that `path:line: message` leads the user to the file; `merge` decides what they shadow."""
    from pathlib import Path

    from ideocli.corpus import load_entry_files

    if not os.path.isdir(root):
        return [], []
    return load_entry_files(Path(root), absolute=True)


def merge(shipped: LoadedCorpus, user_entries: list[ParsedEntry], user_problems: list[Problem]) -> LoadedCorpus:
    """Return the shipped corpus with the user entries added; a user entry replaces a shipped one of its slug."""
    from ideocli.corpus import LoadedCorpus

    by_slug = {entry.article.slug: entry for entry in shipped.entries}
    for entry in user_entries:
        hidden = by_slug.get(entry.article.slug)
        entry.article = dataclasses.replace(entry.article, source=USER, shadows=hidden.display_path if hidden else "")
        by_slug[entry.article.slug] = entry
    ordered = [by_slug.pop(entry.article.slug) for entry in shipped.entries if entry.article.slug in by_slug]
    ordered += by_slug.values()
    return LoadedCorpus(ordered, [*shipped.problems, *user_problems], shipped.vocabulary)


def load_all(shipped_root: str | os.PathLike[str], user: str | None = None) -> LoadedCorpus:
    """Load the shipped corpus and its user corpus (`user`, else the attached one) as one corpus.

    Raises CorpusProblem as corpus.load_corpus does for the shipped corpus; the user corpus
    never raises (a missing or empty one adds nothing).
    """
    from ideocli.corpus import load_corpus

    loaded = load_corpus(shipped_root)
    user = user or user_root(shipped_root)
    if user is None:
        return loaded
    return merge(loaded, *load_user_entries(user))


def shadow_notice(slug: str, shipped_path: str) -> str:
    """Return the notice printed when a user entry hides a shipped one."""
    return f"note: your entry {slug!r} shadows the shipped {shipped_path}; see it with `ideo show --shipped {slug}`"


def read_shipped(shipped_root: str, slug: str) -> ParsedEntry | None:
    """Return the shipped entry `slug` parsed from its file, or None when the shipped corpus has none."""
    from ideocli.corpus import parse_entry
    from ideocli.layout import entry_paths, read_source_text

    for path, kind in entry_paths(shipped_root):
        if os.path.basename(path) == f"{slug}.md":
            display = os.path.relpath(path, shipped_root)
            return parse_entry(read_source_text(path), slug=slug, kind=kind, display_path=display)
    return None


def shipped_articles(shipped_root: str, articles: list[Article]) -> list[Article]:
    """Return each article as the shipped corpus has it (`ideo show --shipped`).

    Raises NotFound for a user entry with no shipped counterpart, CorpusProblem for a shipped
    file that cannot be read.
    """
    from ideocli.errors import CorpusProblem, NotFound

    found = []
    for article in articles:
        if article.source != USER:
            found.append(article)
            continue
        try:
            entry = read_shipped(shipped_root, article.slug)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CorpusProblem(f"cannot read the shipped entry {article.slug!r}: {exc}") from None
        if entry is None:
            raise NotFound(f"{article.slug!r} is only in your user corpus; the shipped corpus has no such entry")
        found.append(entry.article)
    return found


KIND_DIRS = {"ideology": "ideologies", "term": "terms", "person": "people"}
SKELETON_FIELDS = {
    "ideology": "family: []\nfounded: null\nera: ''\nregion: ''\nkey_figures: []\nkey_texts: []\n"
    "derived_from: []\nrelated: []\nopposed_to: []\n",
    "term": "ideologies: []\nrelated: []\n",
    "person": "born: null\nregion: ''\nideologies: []\n",
}
SKELETON_SECTIONS = {
    "ideology": ("Overview", "Core ideas", "History", "Criticism"),
    "term": (),
    "person": ("Life", "Ideas", "Influence", "Criticism"),
}


def skeleton(slug: str, kind: str, title: str | None = None) -> str:
    """Return a new entry of `kind` with every required key and section, to be filled in."""
    import json

    title = title or slug.replace("-", " ").capitalize()
    sections = "".join(f"## {name}\n\n\n" for name in SKELETON_SECTIONS[kind]) or "\n"
    return (
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
        "summary: ''\ndefinition: ''\n"
        f"{SKELETON_FIELDS[kind]}---\n\n{sections}"
    )


def user_entry_path(user: str, slug: str) -> str | None:
    """Return the file of the user entry `slug`, or None."""
    for directory in KIND_DIRS.values():
        path = os.path.join(user, directory, f"{slug}.md")
        if os.path.exists(path):
            return path
    return None


def write_atomically(path: str, text: str) -> None:
    """Write a file through a dot-named temporary file and os.replace: never half written."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def editor_command(env: Mapping[str, str]) -> list[str]:
    """Return $VISUAL, else $EDITOR, split as a shell would. Raises BadUsage when neither is set."""
    import shlex

    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            return shlex.split(value)
    raise BadUsage("set $VISUAL or $EDITOR to the editor to use, e.g. export EDITOR=nano")


def check_user_entry(shipped_root: str, user: str, path: str) -> list[Problem]:
    """Return the problems of one user entry file, checked against the whole corpus."""
    from ideocli.corpus import check_corpus

    loaded = load_all(shipped_root, user)
    return [problem for problem in check_corpus(loaded) if os.path.abspath(problem.path) == os.path.abspath(path)]
