"""The index directory: generations, the CURRENT pointer, staleness and atomic rebuilds.

Layout of an index directory:

    IDEO-INDEX       marker: ideo deletes or replaces files only in a directory that holds it
    CURRENT          JSON pointer to the live generation and the stat fingerprint of the corpus it reflects
    REBUILD.lock     taken by the one process that rebuilds; readers never lock
    gen-<id>/        catalog.sqlite (names, titles, front matter, bodies, links, problems: see
                     ideocli.catalog), whoosh/ (the full-text index, no bodies stored)

A rebuild writes `gen-<id>.tmp/`, renames it, then swaps CURRENT with os.replace, so a crash or
Ctrl-C mid-build leaves the previous generation in use; the next process to take the lock deletes
what a killed build left. Old generations are deleted a minute after they were superseded, so a
reader that just opened one can finish.

Whoosh reads its table of contents with pickle, so whoever can write the index directory can
run code as the user: ideo creates it private (0700) and refuses one that another user owns
or that others may write, as ssh does with keys.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from ideocli import __version__
from ideocli.errors import IndexProblem
from ideocli.layout import KIND_DIRS, VOCABULARY_FILE, entry_paths

FORMAT = 12  # bump whenever the schema, analyzers or catalog layout change
POINTER = "CURRENT"
LOCK = "REBUILD.lock"
MARKER = "IDEO-INDEX"
MARKER_TEXT = (
    "This directory is an ideo search index: a cache that ideo rebuilds when the corpus changes.\n"
    "ideo deletes or replaces files only in a directory that holds this file.\n"
)
GENERATION_RE = re.compile(r"gen-[0-9a-f]{12}")
POINTER_TMP_RE = re.compile(r"CURRENT\.\d+\.\d+\.tmp")
CATALOG_FILE = "catalog.sqlite"
GRACE_SECONDS = 60
LOCK_WAIT_SECONDS = 120
STALE_AFTER_SECONDS = 3  # how long a reader waits for another process's rebuild before using the live generation

Progress = Callable[[int, int], None]


# Paths are plain strings here (os.path, not pathlib): this module is on every start-up path.
StrPath = str | os.PathLike[str]


class Generation(NamedTuple):
    path: str
    stale: bool = False  # served while another process rebuilds: the corpus may have changed since

    @property
    def catalog(self) -> str:
        return os.path.join(self.path, CATALOG_FILE)

    @property
    def whoosh(self) -> str:
        return os.path.join(self.path, "whoosh")


class BuildReport(NamedTuple):
    entries: int
    ideologies: int
    terms: int
    people: int
    cards: int
    problems: int
    seconds: float
    generation: str


def corpus_roots(corpus: StrPath) -> list[str]:
    """Return the directories read into one index: the corpus, then the user corpus attached to it.

    The one place the store learns of the user corpus (see usercorpus.py); a missing one is empty.
    """
    from ideocli.usercorpus import user_root

    user = user_root(corpus)
    return [os.fspath(corpus)] if user is None else [os.fspath(corpus), user]


def load_roots(corpus: StrPath) -> Any:
    """Load the corpus and its user corpus as one LoadedCorpus (user entries shadow shipped ones)."""
    from ideocli.usercorpus import load_all

    return load_all(corpus)


def corpus_dirs(corpus: StrPath) -> list[str]:
    """Return the directories whose mtime changes when an entry file is added, removed or renamed
    into place: the corpus root, each kind directory and their subdirectories (as entry_paths walks them)."""
    found = [os.fspath(corpus)]
    for directory in KIND_DIRS:
        pending = [os.path.join(corpus, directory)]
        while pending:
            current = pending.pop()
            found.append(current)
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            pending += [e.path for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    return found


def dir_states(paths: list[str]) -> list[list[str]]:
    """Return [path, "mtime_ns" or "missing"] for each directory (and vocabulary.yaml, which is edited in place)."""
    states = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            states.append([path, "missing"])
            continue
        states.append([path, f"{info.st_size}|{info.st_mtime_ns}"])
    return states


def quick_check(corpus: StrPath, pointer: dict[str, Any]) -> bool:
    """True when no directory of the corpus (nor vocabulary.yaml) changed since the pointer was written:
    no entry was added, removed or renamed into place. A few stats, whatever the size of the corpus."""
    recorded = pointer.get("dirs")
    if (
        not isinstance(recorded, list)
        or not recorded
        or not all(
            isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)
            for item in recorded
        )
    ):
        return False
    if recorded[0][0] != os.fspath(corpus):
        return False
    return dir_states([path for path, _ in recorded]) == recorded


def watched(corpus: StrPath) -> list[str]:
    """Return the directories (of the corpus and its user corpus) and the file whose stats tell
    whether an entry was added, removed or renamed into place."""
    return [*(d for root in corpus_roots(corpus) for d in corpus_dirs(root)), os.path.join(corpus, VOCABULARY_FILE)]


def source_files(corpus: StrPath) -> list[str]:
    """Return every file whose change makes the index stale, sorted."""
    files = [path for root in corpus_roots(corpus) for path, _ in entry_paths(root)]
    vocabulary = os.path.join(corpus, VOCABULARY_FILE)
    return sorted([*files, vocabulary] if os.path.exists(vocabulary) else files)


def stat_fingerprint(corpus: StrPath) -> str:
    """Return a cheap fingerprint of the corpus: where it is, and its paths, sizes and mtimes, no reading.

    CRC-32 is enough here: a collision can only skip a rebuild when the content fingerprint
    is not consulted, and zlib loads far faster than hashlib on the start-up path.
    """
    files = source_files(corpus)
    # The corpus's own path counts, so that one corpus's index (even an empty one's) is never fresh for another.
    listing = os.path.realpath(corpus) + "\n"
    listing += "".join(map(file_state, files))
    return f"{FORMAT}-{__version__}-{len(files)}-{zlib.crc32(listing.encode()):08x}"


def file_state(path: str) -> str:
    """Return one line of the stat fingerprint: path, size and mtime (a dangling symlink counts too)."""
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}|missing\n"
    return f"{path}|{info.st_size}|{info.st_mtime_ns}\n"


def source_state(path: str) -> str:
    """Return "size|mtime_ns" of a corpus file, or "missing": what the catalog records of each entry's file."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return f"{info.st_size}|{info.st_mtime_ns}"


def relative_to(corpus: StrPath) -> Callable[[str], str]:
    """Return a function giving a path relative to the corpus, as os.path.relpath does, but cheap
    for the paths under it (relpath costs tens of microseconds, and every corpus file is named)."""
    prefix = os.path.join(os.fspath(corpus), "")

    def relative(path: str) -> str:
        return path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, corpus)

    return relative


def only_touched(corpus: StrPath, generation: Generation) -> bool:
    """True when the corpus files differ from what the generation's catalog records only in their
    stats (a `touch`, a save of the same text): none added or removed, every one whose stat moved
    hashing as recorded. Reads only the files whose stat moved."""
    import sqlite3

    from ideocli.catalog import uri
    from ideocli.incremental import read_change

    relative = relative_to(corpus)
    files = {relative(path): path for path in source_files(corpus)}
    try:
        connection = sqlite3.connect(uri(generation.catalog), uri=True)
        try:
            recorded = {
                path: (state, digest)
                for path, state, digest in connection.execute("SELECT path, state, hash FROM sources")
            }
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    if recorded.keys() != files.keys():
        return False
    for relative, path in files.items():
        if recorded[relative][0] != source_state(path) and read_change(path)[1] != recorded[relative][1]:
            return False
    return True


def read_pointer(index_dir: StrPath) -> dict[str, Any] | None:
    """Return the CURRENT pointer, or None when there is none or it is unreadable."""
    try:
        with open(os.path.join(index_dir, POINTER), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("generation"), str):
        return None
    if not GENERATION_RE.fullmatch(data["generation"]):  # one of ours, inside the index directory
        return None
    return data


def write_pointer(index_dir: StrPath, data: dict[str, Any]) -> None:
    """Replace CURRENT atomically."""
    temporary = os.path.join(index_dir, f"{POINTER}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, os.path.join(index_dir, POINTER))


def fresh_generation(corpus: StrPath, index_dir: StrPath, sweep: bool = True) -> Generation | None:
    """Return the live generation if it reflects the corpus as it is now, else None.

    With `sweep`, every corpus file is stat-ed (and those whose stat moved are read and hashed). Without it, only
    the directories are: an entry added, removed or renamed into place is seen, an entry edited in
    place is not (the Library checks the stat of each entry it is asked for, see Library.resolve).
    """
    pointer = read_pointer(index_dir)
    generation = live_generation(index_dir, pointer)
    if pointer is None or generation is None:
        return None
    if not sweep and quick_check(corpus, pointer):
        return generation
    dirs = dir_states(watched(corpus))  # before the files: a change while we look shows up next time
    fingerprint = stat_fingerprint(corpus)
    if pointer.get("fingerprint") == fingerprint:
        if pointer.get("dirs") != dirs:
            try:
                write_pointer(index_dir, {**pointer, "dirs": dirs})
            except OSError:
                pass
        return generation
    if pointer.get("corpus") == os.path.realpath(corpus) and only_touched(corpus, generation):
        # Only mtimes moved: record the new stat fingerprint instead of rebuilding.
        try:
            write_pointer(index_dir, {**pointer, "fingerprint": fingerprint, "dirs": dirs})
        except OSError:
            pass
        return generation
    return None


def live_generation(index_dir: StrPath, pointer: dict[str, Any] | None) -> Generation | None:
    """Return the generation the pointer names if it is there to be read, fresh or not."""
    if pointer is None:
        return None
    generation = Generation(os.path.join(index_dir, pointer["generation"]))
    try:
        if not stat.S_ISDIR(os.lstat(generation.path).st_mode) or not os.path.isfile(generation.catalog):
            return None
    except OSError:
        return None
    return generation


class RebuildBusy(IndexProblem):
    """Another process held the rebuild lock for longer than we could wait."""


def check_index_dir(index_dir: StrPath) -> bool:
    """Return True when `index_dir` is an ideo index ideo may use, False when it is missing or empty.

    Raises IndexProblem for a directory ideo must not touch: not a directory, not empty but
    without the IDEO-INDEX marker, owned by another user, or writable by others.
    """
    try:
        info = os.stat(index_dir)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise IndexProblem(f"cannot use the index directory {index_dir}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise IndexProblem(f"the index directory {index_dir} is not a directory")
    if hasattr(os, "geteuid"):  # POSIX: the checks ssh makes of ~/.ssh
        if info.st_uid != os.geteuid():
            raise IndexProblem(f"refusing the index directory {index_dir}: it belongs to another user")
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise IndexProblem(
                f"refusing the index directory {index_dir}: other users may write to it (chmod 700 fixes that)"
            )
    if os.path.isfile(os.path.join(index_dir, MARKER)):
        return True
    try:
        names = os.listdir(index_dir)
    except OSError as exc:
        raise IndexProblem(f"cannot use the index directory {index_dir}: {exc.strerror or exc}") from None
    if not names:
        return False
    if is_unmarked_ideo_index(index_dir, names):
        claim_index_dir(index_dir)  # written by an ideo from before the marker: adopt it
        return True
    raise IndexProblem(
        f"refusing the index directory {index_dir}: it is not empty and has no {MARKER} file, "
        "so ideo did not make it; choose a new or empty directory"
    )


def is_unmarked_ideo_index(index_dir: StrPath, names: list[str]) -> bool:
    """True when every name in the directory is one an ideo of before the marker wrote, and its
    CURRENT is our pointer: such a directory is provably ours and may be marked."""
    ours = {POINTER, LOCK}
    if POINTER not in names or not all(
        name in ours or POINTER_TMP_RE.fullmatch(name) or GENERATION_RE.fullmatch(name.removesuffix(".tmp"))
        for name in names
    ):
        return False
    try:
        with open(os.path.join(index_dir, POINTER), encoding="utf-8") as handle:
            pointer = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(pointer, dict) and bool(GENERATION_RE.fullmatch(str(pointer.get("generation", ""))))


def claim_index_dir(index_dir: StrPath) -> None:
    """Create the index directory, private, or adopt an empty one, and mark it as ideo's.

    Raises OSError when it cannot be written and IndexProblem when it is still not safe to use.
    """
    os.makedirs(index_dir, mode=0o700, exist_ok=True)
    try:
        with open(os.path.join(index_dir, MARKER), "x", encoding="utf-8") as handle:
            handle.write(MARKER_TEXT)
    except FileExistsError:  # another ideo process marked it first
        pass
    check_index_dir(index_dir)  # it may have appeared, someone else's, after we looked


@contextmanager
def rebuild_lock(index_dir: StrPath, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the rebuild lock (the kernel releases it if the process dies) and clear what killed builds left.

    Raises IndexProblem on timeout.
    """
    handle = open(os.path.join(index_dir, LOCK), "a+b")
    try:
        deadline = time.monotonic() + wait
        while not try_lock(handle):
            if time.monotonic() > deadline:
                raise RebuildBusy(f"another ideo process has been rebuilding {index_dir} for over {wait:.0f} s")
            time.sleep(0.05)
        remove_leftovers(index_dir)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def try_lock(handle: Any) -> bool:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
    except OSError:
        return False
    return True


def ensure_generation(
    corpus: StrPath,
    index_dir: StrPath,
    *,
    force: bool = False,
    on_progress: Progress | None = None,
    sweep: bool = True,
) -> tuple[Generation, BuildReport | None]:
    """Return a generation that reflects the corpus, building one first when needed.

    `sweep=False` checks only the corpus directories (see fresh_generation). When another process
    is rebuilding and a live generation exists, it is returned marked stale after a short wait
    rather than after the whole rebuild.

    Raises CorpusProblem when the corpus cannot be read and IndexProblem when the index
    directory cannot be written or is not one ideo may use (see check_index_dir).
    """
    if not os.path.isdir(corpus):
        from ideocli.errors import CorpusProblem

        raise CorpusProblem(f"corpus directory not found: {corpus}")
    marked = check_index_dir(index_dir)
    if marked and not force:
        generation = fresh_generation(corpus, index_dir, sweep)
        if generation is not None:
            return generation, None
    live = None if force or not marked else live_generation(index_dir, read_pointer(index_dir))
    try:
        if not marked:
            claim_index_dir(index_dir)
        with rebuild_lock(index_dir, STALE_AFTER_SECONDS if live else LOCK_WAIT_SECONDS):
            if not force:  # another process may have rebuilt while we waited for the lock
                generation = fresh_generation(corpus, index_dir)
                if generation is not None:
                    return generation, None
            report = None if force else update_generation(corpus, index_dir)
            if report is None:
                report = build_generation(corpus, index_dir, on_progress)
            return Generation(report.generation), report
    except RebuildBusy:
        if live is None:
            raise
        return live._replace(stale=True), None  # a lookup answers now, from the index as it was
    except OSError as exc:
        raise IndexProblem(f"cannot write the index in {index_dir}: {exc.strerror or exc}") from None


def build_generation(corpus: StrPath, index_dir: StrPath, on_progress: Progress | None) -> BuildReport:
    """Build a new generation and make it current; the caller holds the rebuild lock."""
    import uuid
    from pathlib import Path

    from ideocli.cards import build_cards, canonical_titles
    from ideocli.catalog import Derived, write_catalog
    from ideocli.incremental import entry_ord, entry_refs, read_change, word_counts
    from ideocli.search import build_index

    started = time.perf_counter()
    dirs = dir_states(watched(corpus))  # first: an edit made during the build is seen by the next command
    fingerprint = stat_fingerprint(corpus)
    files = [(path, source_state(path), read_change(path)[1]) for path in source_files(corpus)]
    loaded = load_roots(corpus)
    roots = corpus_roots(corpus)
    user = roots[1] if len(roots) > 1 else None
    entry_ords = {a.slug: entry_ord(a, user) for a in loaded.articles}
    built = build_cards(loaded.articles, loaded.vocabulary.text_aliases, entry_ords)
    articles = built.articles
    canonical = canonical_titles(loaded.vocabulary.text_aliases)
    refs = [(key, a.slug) for a in loaded.articles for key in entry_refs(a, canonical)]
    refs += [(f"m:{key}", slug) for key, slugs in built.mentions.items() for slug in slugs]
    by_slug = {a.slug: a for a in articles}
    cardkeys = [(key, slug, by_slug[slug].title) for slug, key in built.keys.items()]
    given = {}  # display path -> the slug its file gave
    for entry in loaded.entries:
        given[
            os.path.relpath(entry.display_path, corpus) if os.path.isabs(entry.display_path) else entry.display_path
        ] = entry.article.slug
        if entry.article.shadows:
            given[entry.article.shadows] = entry.article.slug
    sources = []
    relative = relative_to(corpus)
    for path, state, digest in files:
        sources.append((relative(path), state, digest, given.get(relative(path), "")))
    derived = Derived(entry_ords | built.ords, refs, cardkeys, word_counts(articles))
    name = f"gen-{uuid.uuid4().hex[:12]}"
    index_path = Path(index_dir)
    temporary = index_path / f"{name}.tmp"
    try:
        temporary.mkdir(parents=True)
        build_index(articles, temporary / "whoosh", with_catalog_share(on_progress))
        problems = [(p.path, p.line, p.message) for p in loaded.problems]
        write_catalog(str(temporary / CATALOG_FILE), articles, name_index(articles), problems, sources, derived)
        temporary.rename(index_path / name)
    except BaseException:
        remove_tree(temporary)
        raise
    if on_progress:
        on_progress(1, 1)
    return swap_in(corpus, index_dir, name, fingerprint, dirs, count_report(temporary.with_name(name)), started)


CATALOG_SHARE = 0.07  # writing the catalog after the Whoosh index: about this much of the index's time


def with_catalog_share(on_progress: Progress | None) -> Progress | None:
    """Return a progress callback for the Whoosh build that leaves room in the total for the catalog."""
    if on_progress is None:
        return None
    report = on_progress
    return lambda done, total: report(done, int(total * (1 + CATALOG_SHARE)))


INCREMENTAL_SHARE = 0.05  # above this share of changed files (or vocabulary.yaml changed), rebuild in full


def update_generation(corpus: StrPath, index_dir: StrPath) -> BuildReport | None:
    """Make a new generation from the live one, redoing only the rows the changed files touch
    (see ideocli.incremental); return None when a full build is the better course (no usable
    live generation, vocabulary.yaml changed, many files changed, or a change that reaches
    further than its own rows, see the incremental module).

    The caller holds the rebuild lock. The new generation is built beside the live one (Whoosh
    files hard-linked, see search.update_index; the catalog copied, then changed in one
    transaction) and swapped in as a full build is, so readers never see half an update and a
    crash leaves the live one in use.
    """
    import shutil
    import sqlite3
    import uuid
    from pathlib import Path

    from ideocli.catalog import CATALOG_FORMAT, uri
    from ideocli.corpus import load_vocabulary
    from ideocli.incremental import Fallback, apply_update, plan_update
    from ideocli.search import update_index

    started = time.perf_counter()
    pointer = read_pointer(index_dir)
    if pointer is None or pointer.get("corpus") != os.path.realpath(corpus):  # another corpus's index
        return None
    previous = Generation(os.path.join(index_dir, pointer["generation"]))
    roots = corpus_roots(corpus)
    user = roots[1] if len(roots) > 1 else None
    dirs = dir_states(watched(corpus))
    fingerprint = stat_fingerprint(corpus)
    files = []
    relative = relative_to(corpus)
    for path in source_files(corpus):
        root = 1 if user is not None and path.startswith(os.path.join(user, "")) else 0
        files.append((relative(path), path, root, source_state(path)))
    vocabulary, _ = load_vocabulary(Path(corpus))
    try:
        connection = sqlite3.connect(uri(previous.catalog), uri=True)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None or row[0] != CATALOG_FORMAT:
            return None
        limit = max(10, INCREMENTAL_SHARE * len(files))
        plan = plan_update(connection, os.fspath(corpus), user, files, vocabulary.text_aliases, limit)
    except Fallback:
        return None
    except Exception:  # anything unexpected in the old catalog: build in full
        return None
    finally:
        connection.close()
    name = f"gen-{uuid.uuid4().hex[:12]}"
    index_path = Path(index_dir)
    temporary = index_path / f"{name}.tmp"
    try:
        temporary.mkdir(parents=True)
        catalog = str(temporary / CATALOG_FILE)
        shutil.copyfile(previous.catalog, catalog)
        connection = sqlite3.connect(catalog, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=OFF")  # a half-written file is discarded with its generation
            connection.execute("PRAGMA synchronous=OFF")
            changed, removed = apply_update(connection, plan)
            words = [word for (word,) in connection.execute("SELECT word FROM words ORDER BY word")]
        finally:
            connection.close()
        with open(catalog, "rb") as handle:
            os.fsync(handle.fileno())
        try:
            update_index(previous.whoosh, temporary / "whoosh", changed, removed, words)
        except Exception:  # the previous index is damaged (Whoosh raises all sorts): build in full
            remove_tree(temporary)
            return None
        temporary.rename(index_path / name)
    except BaseException:
        remove_tree(temporary)
        raise
    return swap_in(corpus, index_dir, name, fingerprint, dirs, count_report(index_path / name), started)


def count_report(generation: StrPath) -> dict[str, int]:
    """Return the counts a BuildReport shows, read from a generation's catalog."""
    import sqlite3

    connection = sqlite3.connect(os.path.join(generation, CATALOG_FILE))
    try:
        kinds = dict(connection.execute("SELECT kind, count(*) FROM entries WHERE card = 0 GROUP BY kind").fetchall())
        cards = connection.execute("SELECT count(*) FROM entries WHERE card = 1").fetchone()[0]
        problems = connection.execute("SELECT count(*) FROM problems").fetchone()[0]
    finally:
        connection.close()
    return {
        "entries": sum(kinds.values()),
        "ideologies": kinds.get("ideology", 0),
        "terms": kinds.get("term", 0),
        "people": kinds.get("person", 0),
        "cards": cards,
        "problems": problems,
    }


def swap_in(
    corpus: StrPath,
    index_dir: StrPath,
    name: str,
    fingerprint: str,
    dirs: list[list[str]],
    counts: dict[str, int],
    started: float,
) -> BuildReport:
    """Make the generation `name` current, mark the previous one superseded and report."""
    previous = read_pointer(index_dir)
    write_pointer(
        index_dir,
        {
            "format": FORMAT,
            "generation": name,
            "fingerprint": fingerprint,
            "dirs": dirs,
            "corpus": os.path.realpath(corpus),  # for prune_indexes
        },
    )
    old = os.path.join(index_dir, previous["generation"]) if previous else None
    if old and os.path.isdir(old):
        os.utime(old)  # its mtime now records when it was superseded
    collect_garbage(index_dir, keep=name)
    return BuildReport(
        **counts, seconds=time.perf_counter() - started, generation=os.path.join(os.fspath(index_dir), name)
    )


def name_index(articles: list[Any]) -> dict[str, list[str]]:
    """Return normalized name -> slugs (computed once, at build time).

    Names claim keys in order of strength, and a weaker name never joins a key a stronger one
    holds: entries' slugs, titles and aliases; then cards' titles and aliases; then the short
    forms of text titles (without subtitle or leading article); then surnames of people, which
    list every person of that surname ("Mill" -> candidates) unless something else is called so.
    """
    from ideocli.articles import normalize_name
    from ideocli.cards import title_keys

    def own_names(article: Any) -> list[str]:
        return [normalize_name(name) for name in (article.slug, article.title, *article.aliases)]

    entries = [article for article in articles if not article.card]
    cards = [article for article in articles if article.card]
    names: dict[str, list[str]] = {}
    layers = [
        [(key, a.slug) for a in entries for key in own_names(a)],
        [(key, a.slug) for a in cards for key in own_names(a)],
        [(key, a.slug) for a in articles if a.kind == "text" for key in title_keys(a.title)],
        [(surname, a.slug) for a in articles if a.kind == "person" and (surname := surname_of(a.title))],
    ]
    for layer in layers:
        claimed = set(names)
        for key, slug in layer:
            key = normalize_name(key)
            if key and key not in claimed and slug not in names.setdefault(key, []):
                names[key].append(slug)
    return names


def surname_of(name: str) -> str:
    """Return the last name of a person's name of two words or more ("" for one word)."""
    words = [word for word in name.split() if word.strip(".,").casefold() not in {"jr", "sr", "ii", "iii"}]
    return words[-1] if len(words) > 1 else ""


def prune_indexes(root: StrPath, keep: StrPath) -> list[tuple[str, str]]:
    """Delete the index directories under `root` whose corpus is gone; return (index, corpus) of each.

    Only a directory holding the IDEO-INDEX marker and a pointer that names its corpus is
    considered, and `keep` (the index in use) never is.
    """
    removed = []
    try:
        candidates = list(os.scandir(root))
    except OSError:
        return []
    for entry in candidates:
        if not entry.is_dir(follow_symlinks=False) or os.path.realpath(entry.path) == os.path.realpath(keep):
            continue
        if not os.path.isfile(os.path.join(entry.path, MARKER)):
            continue
        try:
            with open(os.path.join(entry.path, POINTER), encoding="utf-8") as handle:
                corpus = json.load(handle).get("corpus")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(corpus, str) and corpus and not os.path.isdir(corpus):
            try:
                with rebuild_lock(entry.path, wait=0):  # not while another process builds there
                    remove_tree(entry.path)
            except IndexProblem:
                continue
            removed.append((entry.path, corpus))
    return removed


def remove_leftovers(index_dir: StrPath) -> None:
    """Delete what killed builds left behind; only safe under the rebuild lock, when no build runs."""
    for entry in os.scandir(index_dir):
        if POINTER_TMP_RE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
        elif entry.name.endswith(".tmp") and GENERATION_RE.fullmatch(entry.name.removesuffix(".tmp")):
            if entry.is_dir(follow_symlinks=False):
                remove_tree(entry.path)


def collect_garbage(index_dir: StrPath, keep: str) -> None:
    """Delete generations superseded more than GRACE_SECONDS ago (a reader may still use a newer one)."""
    now = time.time()
    for entry in os.scandir(index_dir):
        if entry.name != keep and GENERATION_RE.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            if now - entry.stat(follow_symlinks=False).st_mtime > GRACE_SECONDS:
                remove_tree(entry.path)


def remove_tree(path: StrPath) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
