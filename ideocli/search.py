"""Everything that touches Whoosh: the schema, building an index, and searching it.

Keep Whoosh behind this module (build, search) so the engine can be swapped later.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from ideocli.articles import (
    COMPOUND_PREFIXES,
    HYPHENS,
    QUERY_OPERATORS,
    Article,
    fold_spelling,
    join_compounds,
    normalize_name,
    replace_links,
    start_year,
)
from ideocli.errors import BadUsage, IdeoError
from ideocli.sanitize import shorten

# whoosh-reloaded imports `cached_property`, which pulls in asyncio (about 17 ms) and is
# deprecated on 3.14; the stdlib decorator does the same job for Whoosh's use.
if "cached_property" not in sys.modules:
    _shim = types.ModuleType("cached_property")
    _shim.cached_property = functools.cached_property  # type: ignore[attr-defined]
    sys.modules["cached_property"] = _shim


def _import_whoosh_compat() -> None:
    """Import whoosh.compat without urllib.request, which it imports only to re-export urlretrieve
    (never called here) and which drags in http.client, email and ssl: a fifth of the search's start-up.
    The stand-in is removed at once, so any later `import urllib.request` gets the real module."""
    if "urllib.request" in sys.modules or "whoosh.compat" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    stand_in.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        del sys.modules["urllib.request"]


_import_whoosh_compat()

from whoosh import collectors, index, qparser, query  # noqa: E402
from whoosh.analysis import RegexTokenizer, Token  # noqa: E402
from whoosh.codec.whoosh3 import W3Codec  # noqa: E402
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema  # noqa: E402
from whoosh.lang.porter import stem  # noqa: E402
from whoosh.matching.binary import AndNotMatcher  # noqa: E402


def and_not_find_first(self: AndNotMatcher) -> None:
    """Skip the excluded documents at the start of an `a -b` match (patched into Whoosh below)."""
    if self.a.is_active() and self.b.is_active() and self.b.id() <= self.a.id():
        self._find_next()


# Whoosh 2.7.5's AndNotMatcher._find_first skips past an excluded document only when both matchers
# start on the same one: with a = [5, 7] and b = [3, 5] it yields 5. Each segment starts its own
# matchers, so an index built in parts (see build_index) has more such starts.
AndNotMatcher._find_first = and_not_find_first

MAX_QUERY_CHARS = 500
SEARCH_SECONDS = 3.0
SNIPPET_CHARS = 160
SNIPPET_FRAGMENTS = 2
# Words, with inner apostrophes and dots ("workers'" is "workers", "U.S." one word); no * or _.
TOKEN_PATTERN = r"[^\W_]+(?:['’.][^\W_]+)*"
# Field name -> weight in BM25F: names above key texts and figures, above summary and
# definition, above the body. Every field here is in the default search.
FIELD_BOOSTS = {
    "title": 4.0,
    "alias": 3.0,
    "text": 2.0,
    "figure": 2.0,
    "definition": 1.5,
    "summary": 1.5,
    "region": 1.2,
    "era": 1.0,
    "body": 1.0,
}
SEARCH_FIELDS = list(FIELD_BOOSTS)
# Field names users may type, documented in `ideo search --help`.
FIELD_ALIASES = {"figure": "figure", "person": "figure", "text": "text", "book": "text", "name": "alias"}
PHRASE_BOOST = 3.0  # a plain multi-word query also scores the words as an exact phrase
NAME_IN_QUERY_WEIGHT = 2.0  # an entry whose one-word name is a word of the query
# Ranking tiers: the entry the query names; entries that list a key text or key figure the query
# names exactly; entries whose name of two words or more stands in the query ("class struggle
# between workers and capitalists"); then everything else, each tier by score.
OWN_NAME, NAMED_REFERENCE, NAME_IN_QUERY, OTHER = 0, 1, 2, 3
# Question framing a reader may type around what they want ("what is a vanguard party?"),
# compiled only for a query that starts with one of QUESTION_WORDS.
QUESTION_WORDS = frozenset("what who which why how when where the difference".split())
QUESTION_PATTERN = (
    r"^(?:(?:what|who|which)\s+(?:is|was|are|were)(?:\s+(?:an?|the))?"
    r"|(?:what|who)\s+(?:wrote|founded|created|led|invented)"
    r"|(?:why|how|when|where)\s+(?:did|do|does|was|were|is|are)"
    r"|what\s+did\s+(\w+)\s+mean\s+by"
    r"|(?:what\s+is\s+)?(?:the\s+)?difference\s+between)\s+(.+?)(?:\s+in\s+politics)?\s*\??$"
)
# Plain multi-word queries drop these from the any-word part; the phrase part keeps them,
# so "rule of law" still needs the whole phrase to score as one.
FUNCTION_WORDS = frozenset("a an and as at by for from in into is of on or the to with".split())
PLAIN_WORDS_RE = re.compile(r"^[\w'’]+(?:[\s-]+[\w'’]+)+$")


class DamagedIndex(Exception):
    """Whoosh failed while opening or reading the index (it raises many unrelated types for it)."""


def fold_table() -> dict[int, str]:
    """Return a str.translate table folding accented Latin letters to their base letter, one for one."""
    import unicodedata

    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


FOLD = fold_table()
STEMS: dict[str, str] = {}


def fold_and_stem(word: str) -> str:
    """Return the index form of a word: lowercased, accents and spelling folded, Porter-stemmed (cached)."""
    stemmed = STEMS.get(word)
    if stemmed is None:
        stemmed = STEMS[word] = stem(fold_spelling(word.lower().translate(FOLD)))
    return stemmed


class FoldStemTokenizer(RegexTokenizer):  # type: ignore[misc]
    """Tokenize, lowercase, fold accents and spelling, and stem, in one pass.

    One generator instead of a four-stage chain halves the time spent analysing the corpus.
    There is no stop list, so "rule of law" stays a three-word phrase. A prefixed compound
    ("anti-colonial") is indexed as the fused word and, at the same position, its second part,
    so "anticolonial", "anti-colonial" and "colonial" all find it; a query keeps the fused word.
    """

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Any:  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            words = [(value, 0, len(value), "")]
        else:
            words = compound_words(value, [(m.group(), m.start(), m.end()) for m in self.expression.finditer(value)])
        for number, (text, start, end, part) in enumerate(words):
            variants = [text, part] if part and mode != "query" else [text]
            for variant in variants:
                token.text = fold_and_stem(variant)
                if keeporiginal:
                    token.original = variant
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = start_pos + number
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token


def compound_words(value: str, words: list[tuple[str, int, int]]) -> list[tuple[str, int, int, str]]:
    """Return (word, start, end, second part) with each hyphenated prefix compound fused into one word."""
    fused: list[tuple[str, int, int, str]] = []
    skip = False
    for (word, start, end), following in zip(words, [*words[1:], None], strict=False):
        if skip:
            skip = False
            continue
        if (
            following is not None
            and following[1] == end + 1
            and value[end] in HYPHENS
            and word.lower() in COMPOUND_PREFIX_SET
        ):
            fused.append((word + following[0], start, following[2], following[0]))
            skip = True
        else:
            fused.append((word, start, end, ""))
    return fused


COMPOUND_PREFIX_SET = frozenset(COMPOUND_PREFIXES)


def make_schema() -> Schema:
    """Return the index schema: one analyzer for every text field, a year for date filters."""
    analyzer = FoldStemTokenizer()

    def text(stored: bool = False) -> TEXT:
        # A word the analyzer splits ("Marxism-Leninism") is searched as a phrase.
        return TEXT(stored=stored, analyzer=analyzer, multitoken_query="phrase")

    return Schema(
        slug=ID(stored=True, unique=True),
        kind=ID(stored=True),
        subject=ID(),
        family=KEYWORD(commas=True, lowercase=True),
        year=NUMERIC(int, bits=32, signed=True),
        keys=STORED(),
        refs=STORED(),
        key=KEYWORD(commas=True),  # the same names, searchable, for the ranking tiers (search.top_hits)
        ref=KEYWORD(commas=True),
        note=STORED(),  # a card's summary: shown, not searched
        source=STORED(),  # "user" for an entry of the user corpus; absent for shipped ones
        title=text(stored=True),
        alias=text(),
        figure=text(),
        text=text(),
        region=text(),
        era=text(),
        definition=text(),
        summary=text(stored=True),
        body=text(),  # not stored: snippets read the body from the catalog (ideocli.catalog)
    )


MARKDOWN_RE = re.compile(r"^#+\s.*$|\[([^\]]*)\]\([^)]*\)|[*_`]+", re.M)


def plain_text(markdown: str) -> str:
    """Return Markdown as indexable text: links as their shown text, headings and emphasis marks dropped."""
    return MARKDOWN_RE.sub(lambda match: match.group(1) or "", replace_links(markdown))


def reference_keys(article: Article) -> set[str]:
    """Return the lookup keys of the key texts and key figures an entry lists."""
    from ideocli.cards import title_keys  # index time only: searching need not load it

    keys = {normalize_name(name) for name in article.key_figures}
    for text in article.key_texts:
        keys |= title_keys(text.title)
    return keys


def strip_question(text: str) -> str:
    """Return what a question asks about: "what is a vanguard party?" -> "vanguard party"."""
    words = text.split(maxsplit=1)
    if not words or words[0].lower() not in QUESTION_WORDS:
        return text
    match = re.match(QUESTION_PATTERN, text.strip(), re.I)
    if not match:
        return text
    return " ".join(part for part in match.groups() if part)


def document_fields(article: Article) -> dict[str, Any]:
    """Return the Whoosh document of an entry."""
    year = start_year(article)
    fields: dict[str, Any] = {
        "slug": article.slug,
        "kind": article.kind,
        "family": ",".join(article.family),
        "keys": sorted({normalize_name(name) for name in (article.title, article.slug, *article.aliases)}),
        "refs": sorted(reference_keys(article)),
        "title": article.title,
        "alias": " ; ".join([article.slug.replace("-", " "), *article.aliases]),
        "figure": " ; ".join(article.key_figures),
        "text": " ; ".join(f"{text.title} ; {text.author}" for text in article.key_texts),
        "region": article.region,
        "era": article.era,
        "definition": plain_text(article.definition),
        "summary": plain_text(article.summary),
        "body": plain_text(article.body),
    }
    fields["key"], fields["ref"] = ",".join(fields["keys"]), ",".join(fields["refs"])
    if article.source == "user":
        fields["source"] = "user"
    if article.card:  # its prose is boilerplate around names: only the names are searched
        fields["note"] = fields.pop("summary")
        del fields["definition"], fields["body"]
    if article.subject:
        fields["subject"] = article.subject
    if year is not None:
        fields["year"] = year
    return fields


def build_index(
    articles: Iterable[Article],
    directory: str | os.PathLike[str],
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Build a fresh index in an empty `directory`; return the number of documents.

    A big build is split into contiguous parts, one per core, each indexed into its own Whoosh
    segment by a child process (see build_in_parts); if that fails for any reason the index is
    built again in this process. `on_progress(done, total)` counts work units that cover adding
    the documents and writing the postings (see BuildProgress).
    """
    items = list(articles)
    os.makedirs(directory, exist_ok=True)
    progress = BuildProgress(items, on_progress)
    parts = split_parts(progress.weights, build_workers(len(items)))
    if len(parts) > 1:
        try:
            build_in_parts(items, directory, parts, progress)
        except PartBuildFailed as exc:
            import logging
            import shutil

            logging.getLogger("ideocli").warning(
                "ideo: warning: the parallel index build failed (%s); building in one process", exc
            )
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            parts = [(0, len(items))]
    if len(parts) == 1:
        progress.restart(parts)
        write_segment(items, directory, BUILD_LIMIT_MB, progress.part_callbacks(0))
    write_correction_words(directory, correction_words(items))
    return len(items)


# A build of fewer documents runs in one process, in one segment. The shipped corpus (about
# 3,900 documents) is below it: built in two parts it took 6.0 s instead of 8.2 s once, but every
# search then paid for the second segment (187 ms against 175 ms, whole process, median of 31).
PARALLEL_MIN_DOCUMENTS = 10000
MAX_BUILD_WORKERS = 2
# Whoosh's posting pool per writer, in its own estimate (the real size is close). Above it, sorted
# runs spill to temporary files. Half a 10k-entry build's postings at 64 instead of 192 MB:
# 140 MiB less per process for 2% more time.
BUILD_LIMIT_MB = 64
PICKLE_CHUNK = 500  # documents per pickle a build's child reads at a time
# Writing the postings at commit costs about this much of adding the documents (measured at 10k
# entries), so the progress bar's ETA covers the commit too.
COMMIT_WEIGHT = 0.6
DOCUMENT_WEIGHT = 400  # characters: what adding a document costs beyond its text


def build_workers(documents: int) -> int:
    """Return how many processes should index `documents` documents: 1 below the threshold
    (IDEO_PARALLEL_MIN_DOCUMENTS overrides PARALLEL_MIN_DOCUMENTS), else one per core, at most 2."""
    try:
        threshold = int(os.environ.get("IDEO_PARALLEL_MIN_DOCUMENTS", PARALLEL_MIN_DOCUMENTS))
    except ValueError:
        threshold = PARALLEL_MIN_DOCUMENTS
    if documents < max(threshold, 2):
        return 1
    return max(1, min(MAX_BUILD_WORKERS, os.cpu_count() or 1))


def document_weight(article: Article) -> int:
    """Return the estimated cost of indexing an entry, in characters of text (cards have no body)."""
    if article.card:
        return DOCUMENT_WEIGHT + len(article.title) + len(article.summary)
    return DOCUMENT_WEIGHT + len(article.body) + len(article.summary) + len(article.definition)


def split_parts(weights: Sequence[int], count: int) -> list[tuple[int, int]]:
    """Return `count` (start, stop) ranges of about equal weight that cover the documents in order
    (contiguous, so document numbers, and with them ties in ranking, are those of one segment)."""
    total = sum(weights)
    parts: list[tuple[int, int]] = []
    start, running = 0, 0
    for number, weight in enumerate(weights):
        running += weight
        if len(parts) < count - 1 and running >= total * (len(parts) + 1) / count and number + 1 < len(weights):
            parts.append((start, number + 1))
            start = number + 1
    parts.append((start, len(weights)))
    return [part for part in parts if part[0] < part[1]] or [(0, 0)]


class PartCallbacks(NamedTuple):
    added: Callable[[int], None]  # documents added so far
    written: Callable[[int, int], None]  # postings written, of how many


class BuildProgress:
    """Turn the parts' reports (documents added, postings written) into one (done, total) count.

    A unit is a character of indexed text (see document_weight), so a part of long entries and
    one of short cards advance at the rate their work does; writing the postings of a part counts
    COMMIT_WEIGHT of its adding.
    """

    def __init__(self, items: Sequence[Article], on_progress: Callable[[int, int], None] | None) -> None:
        self.weights = [document_weight(article) for article in items]
        self.prefix = [0]
        for weight in self.weights:
            self.prefix.append(self.prefix[-1] + weight)
        self.total = int(self.prefix[-1] * (1 + COMMIT_WEIGHT))
        self.on_progress = on_progress
        self.restart()

    def restart(self, parts: Sequence[tuple[int, int]] = ()) -> None:
        """Start counting afresh, for the documents split into `parts` (start, stop)."""
        self.parts = list(parts) or [(0, len(self.weights))]
        self.done: dict[int, float] = {}

    def part_callbacks(self, part: int) -> PartCallbacks:
        """Return the callbacks that report the progress of part number `part`."""
        start, stop = self.parts[part]
        share = self.prefix[stop] - self.prefix[start]

        def added(count: int) -> None:
            self.done[part] = self.prefix[start + count] - self.prefix[start]
            self.report()

        def written(count: int, of: int) -> None:
            self.done[part] = share * (1 + COMMIT_WEIGHT * count / max(of, 1))
            self.report()

        return PartCallbacks(added, written)

    def report(self) -> None:
        if self.on_progress:
            self.on_progress(min(int(sum(self.done.values())), self.total), self.total)


def progress_pool(tempstore: Any, segment: Any, limitmb: int) -> Any:
    """Return Whoosh's posting pool, counting the postings it holds so the commit can report progress.

    Whoosh's writing module is imported here, not at the top: searching never needs it.
    """
    from whoosh.writing import PostingPool

    class ProgressPool(PostingPool):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.saved = 0
            self.on_written: Callable[[int, int], None] | None = None

        def save(self) -> None:
            self.saved += len(self.current)
            super().save()

        def iter_postings(self) -> Iterator[Any]:
            total = self.saved + len(self.current)
            postings = iter(super().iter_postings())
            written = 0
            # Reported in chunks: a generator step per posting would cost a few percent of the commit.
            while chunk := list(itertools.islice(postings, 65536)):
                yield from chunk
                written += len(chunk)
                if self.on_written:
                    self.on_written(written, total)

    return ProgressPool(tempstore, segment, limitmb=limitmb)


def write_segment(
    articles: Iterable[Article], directory: str | os.PathLike[str], limitmb: int, callbacks: PartCallbacks
) -> None:
    """Create a Whoosh index in `directory` holding `articles` as one segment."""
    ix = index.create_in(str(directory), make_schema())
    # compound=False: a compound segment is copied whole into memory by every searcher.
    # compression=0: zlib on every postings block cost a sixth of the build, to save a few MB.
    writer = ix.writer(compound=False, codec=W3Codec(compression=0), limitmb=limitmb)
    # The writer made its pool in its constructor; it is empty still, so it can be swapped for one that counts.
    writer.pool = progress_pool(writer._tempstorage, writer.newsegment, limitmb)
    try:
        for number, article in enumerate(articles, start=1):
            writer.add_document(**document_fields(article))
            callbacks.added(number)
    except BaseException:
        writer.cancel()
        raise
    writer.pool.on_written = callbacks.written
    writer.commit()


class PartBuildFailed(Exception):
    """A child process of a parallel build could not be started, failed or died."""


PART_INPUT = "documents.pickle"
PART_CHILD = "import sys; from ideocli.search import index_part_main; index_part_main(sys.argv[1:])"


def build_in_parts(
    items: Sequence[Article],
    directory: str | os.PathLike[str],
    parts: Sequence[tuple[int, int]],
    progress: BuildProgress,
) -> None:
    """Index each part of `items` in a child process into its own segment, then make `directory`
    one index of all the segments, in order.

    Raises PartBuildFailed when a child cannot be started or fails; KeyboardInterrupt and the
    like stop the children and pass through. Whoosh's own multi-process writer (procs>1) is not
    used: it crashes upstream (IndexError in finish_subsegment) and shares one temporary directory.
    """
    import pickle
    import subprocess

    progress.restart(parts)
    children: list[tuple[subprocess.Popen[bytes], str]] = []
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        for number, (start, stop) in enumerate(parts):
            part = os.path.join(directory, f"part-{number}")
            os.mkdir(part)
            with open(os.path.join(part, PART_INPUT), "wb") as handle:
                # In chunks, which the child reads one at a time: it never holds all its documents.
                for chunk in range(start, stop, PICKLE_CHUNK):
                    pickle.dump(items[chunk : min(chunk + PICKLE_CHUNK, stop)], handle, pickle.HIGHEST_PROTOCOL)
            with open(os.path.join(part, "stderr"), "wb") as errors:
                # stdin stays open and unused: the child exits when it reads end-of-file, i.e. when this process dies.
                child = subprocess.Popen(
                    [sys.executable, "-c", PART_CHILD, part, str(BUILD_LIMIT_MB)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env=env,
                )
            children.append((child, part))
        follow_children(children, progress)
        join_parts(directory, [part for _, part in children])
    except OSError as exc:
        raise PartBuildFailed(str(exc)) from exc
    finally:
        for child, _ in children:
            if child.poll() is None:
                child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream:
                    stream.close()


def follow_children(children: Sequence[tuple[Any, str]], progress: BuildProgress) -> None:
    """Relay the children's progress until every one has finished.

    Raises PartBuildFailed when one exits without reporting success (the others are then stopped).
    """
    import selectors

    selector = selectors.DefaultSelector()
    callbacks = {}
    for number, (child, _) in enumerate(children):
        selector.register(child.stdout, selectors.EVENT_READ, number)
        callbacks[number] = progress.part_callbacks(number)
    finished: set[int] = set()
    open_streams = len(children)
    while open_streams:
        for key, _ in selector.select():
            number = key.data
            line = key.fileobj.readline()  # type: ignore[union-attr]
            if not line:
                selector.unregister(key.fileobj)
                open_streams -= 1
                if number not in finished:
                    child, part = children[number]
                    raise PartBuildFailed(f"part {number + 1} of {len(children)} stopped: {child_error(child, part)}")
                continue
            kind, *numbers = line.split()
            if kind == b"added":
                callbacks[number].added(int(numbers[0]))
            elif kind == b"written":
                callbacks[number].written(int(numbers[0]), int(numbers[1]))
            elif kind == b"done":
                finished.add(number)
    selector.close()
    for number, (child, part) in enumerate(children):
        if child.wait() != 0:
            raise PartBuildFailed(f"part {number + 1} of {len(children)} failed: {child_error(child, part)}")


def child_error(child: Any, part: str) -> str:
    """Return the last line a child wrote to stderr, or its exit status."""
    status = child.wait()
    try:
        with open(os.path.join(part, "stderr"), encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except OSError:
        lines = []
    return lines[-1] if lines else f"exit status {status}"


def join_parts(directory: str | os.PathLike[str], parts: Sequence[str]) -> None:
    """Move the segments of the part indexes into `directory` and write one table of contents
    listing them all, in order."""
    import shutil

    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, clean_files

    schema = make_schema()
    ix = index.create_in(str(directory), schema)
    segments = []
    for part in parts:
        toc = TOC.read(FileStorage(part), ix.indexname)
        names = {segment.segment_id() for segment in toc.segments}
        pattern = TOC._segment_pattern(ix.indexname)
        for name in os.listdir(part):
            found = pattern.match(name)
            if found and found.group(1) in names:
                os.rename(os.path.join(part, name), os.path.join(directory, name))
        segments += toc.segments
    TOC(schema, segments, 1).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, 1, segments)
    for part in parts:
        shutil.rmtree(part)


def index_part_main(argv: Sequence[str]) -> None:
    """Entry point of a build's child process: index the pickled documents in the part directory
    `argv[0]` into a one-segment index there, reporting progress on stdout (see follow_children)."""
    import pickle
    import signal
    import threading
    import time

    part, limitmb = argv[0], int(argv[1])
    # A Ctrl-C on the terminal reaches the whole process group: the parent stops its children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def orphaned() -> None:
        # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read aborts the
        # interpreter's shutdown. End-of-file means the parent is gone, and with it any use for this part.
        while os.read(0, 4096):
            pass
        os._exit(3)

    threading.Thread(target=orphaned, daemon=True).start()

    def articles() -> Iterator[Article]:
        with open(os.path.join(part, PART_INPUT), "rb") as handle:
            os.unlink(handle.name)
            while True:
                try:
                    yield from pickle.load(handle)
                except EOFError:
                    return

    out = sys.stdout
    last = 0.0

    def added(count: int) -> None:
        nonlocal last
        if time.monotonic() - last > 0.1:
            last = time.monotonic()
            out.write(f"added {count}\n")
            out.flush()

    def written(count: int, of: int) -> None:
        out.write(f"written {count} {of}\n")
        out.flush()

    write_segment(articles(), part, limitmb, PartCallbacks(added, written))
    out.write("done\n")
    out.flush()


WORDS_FILE = "words.json"  # the words a misspelled query may be corrected to


def update_index(
    previous: str | os.PathLike[str],
    directory: str | os.PathLike[str],
    changed: Iterable[Article],
    removed: Iterable[str],
    words: Iterable[str],
) -> int:
    """Make in the new, empty `directory` a copy of the index in `previous` with the `changed`
    entries (re)indexed and the `removed` slugs deleted, and `words` for spelling correction;
    return the number of documents written.

    The copy hard-links the previous index's files: Whoosh never rewrites a file it has written
    (a commit adds segment files and a new table of contents; deletions live in the table of
    contents; merging writes new files and unlinks old names), so the previous generation stays
    intact for the readers that use it, and a crash leaves only the new directory to discard.
    """
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(previous):
        if name == WORDS_FILE or name.endswith("LOCK"):
            continue
        try:
            os.link(os.path.join(previous, name), os.path.join(directory, name))
        except OSError:  # a file system without hard links: copy
            import shutil

            shutil.copy2(os.path.join(previous, name), os.path.join(directory, name))
    ix = index.open_dir(str(directory))
    writer = ix.writer(compound=False, codec=W3Codec(compression=0))
    written = 0
    try:
        for slug in removed:
            writer.delete_by_term("slug", slug)
        for article in changed:
            writer.update_document(**document_fields(article))
            written += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    write_correction_words(directory, words)
    return written


def write_correction_words(directory: str | os.PathLike[str], words: Iterable[str]) -> None:
    """Write the words a misspelled query may be corrected to beside the Whoosh index."""
    with open(os.path.join(directory, WORDS_FILE), "w", encoding="utf-8") as handle:
        json.dump(sorted(words), handle, ensure_ascii=False)


def correction_words(articles: Iterable[Article]) -> set[str]:
    """Return the lowercase words of every name, key text, definition and summary."""
    words: set[str] = set()
    for article in articles:
        names = [article.title, *article.aliases, *article.key_figures, *(text.title for text in article.key_texts)]
        for text in [*names, article.definition, article.summary]:
            words.update(word.lower() for word in re.findall(TOKEN_PATTERN, text) if len(word) > 3)
    return words


class Hit(NamedTuple):
    slug: str
    title: str
    kind: str
    score: float
    snippet: tuple[tuple[str, bool], ...]  # (text, matched) segments
    source: str = "shipped"  # "user" for an entry of the user corpus

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


class SearchResult(NamedTuple):
    query: str
    hits: tuple[Hit, ...]
    total: int
    corrected: str = ""  # the query actually run, when a misspelled one was corrected


def query_terms(parsed: query.Query) -> set[str]:
    """Return the stems a query looks for (negated parts left out), for marking snippets."""
    found: set[str] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
        elif isinstance(node, query.Prefix):
            found.add(node.text + "*")
        elif isinstance(node, query.Term) and node.fieldname in SEARCH_FIELDS:
            found.add(node.text)
        elif isinstance(node, query.Phrase) and node.fieldname in SEARCH_FIELDS:
            found.update(node.words)
        else:
            for child in node.children():
                walk(child)

    walk(parsed)
    return {term for term in found if term.strip("*")}


def snippet(text: str, terms: set[str]) -> tuple[tuple[str, bool], ...]:
    """Return up to two fragments of `text` around the query terms, as (text, matched) segments.

    Whoosh's highlighter re-analyses every stored body through its token pipeline, which cost
    more than the whole search; here a regex finds candidate words and only those are stemmed.
    """
    stems = {term for term in terms if not term.endswith("*")}
    prefixes = tuple(term[:-1] for term in terms if term.endswith("*"))
    # Candidate words share a stem's first four letters ("centre" for the stem "center").
    heads = {term[:4] for term in stems} | set(prefixes)
    if not heads:
        return ()
    folded = text.lower().translate(FOLD)  # same length as text, so offsets carry over
    pattern = r"\b(?:" + "|".join(sorted(map(re.escape, heads), key=len, reverse=True)) + r")\w*"
    matches = []  # (start, end, the term it matched)
    for found in re.finditer(pattern, folded):
        word = found.group()
        if prefixes and word.startswith(prefixes):
            matches.append((found.start(), found.end(), word))
        elif (key := fold_and_stem(word)) in stems:
            matches.append((found.start(), found.end(), key))
    if not matches:
        return ()

    def window(start: int) -> tuple[int, int]:
        return widen_to_words(text, max(0, start - SNIPPET_CHARS // 3), start + SNIPPET_CHARS)

    def richness(bounds: tuple[int, int]) -> tuple[int, int]:
        inside = [m for m in matches if bounds[0] <= m[0] and m[1] <= bounds[1]]
        return len({m[2] for m in inside}), len(inside)

    chosen: list[tuple[int, int]] = []
    for bounds in sorted((window(m[0]) for m in matches[:60]), key=richness, reverse=True):
        if all(bounds[1] <= low or bounds[0] >= high for low, high in chosen):
            chosen.append(bounds)
        if len(chosen) == SNIPPET_FRAGMENTS:
            break
    segments: list[tuple[str, bool]] = []
    for low, high in sorted(chosen):
        if segments:
            segments.append((" … ", False))
        cursor = low
        for start, end, _ in matches:
            if low <= start and end <= high:
                segments += [(re.sub(r"\s+", " ", text[cursor:start]), False), (text[start:end], True)]
                cursor = end
        segments.append((re.sub(r"\s+", " ", text[cursor:high]), False))
    return tuple((piece, matched) for piece, matched in segments if piece)


def widen_to_words(text: str, low: int, high: int) -> tuple[int, int]:
    """Return (low, high) moved outwards so that no word is cut in half."""
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    high = min(high, len(text))
    while high < len(text) and not text[high].isspace():
        high += 1
    return low, high


def make_parser(schema: Schema, *, any_word: bool = True) -> qparser.QueryParser:
    """Return the query parser: -word exclusion, prefix* but no wildcards, ranges or match-all;
    words are OR-ed (better matches first) when `any_word`, else all are required."""
    group = qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(SEARCH_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=group)
    for costly in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(costly)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({field: [alias] for alias, field in FIELD_ALIASES.items()}))
    return parser


# A bare or leading * or ?, or a prefix of fewer than two letters, would scan the whole vocabulary.
COSTLY_RE = re.compile(r"(?:^|[\s:(\"'+-])(?:[*?]|\w[*?])")


RANGE_RE = re.compile(r"[\[{][^\]}]*\bTO\b")


def check_costly(text: str) -> None:
    """Raise BadUsage for query forms that would scan everything, before any work is done."""
    if RANGE_RE.search(text):
        raise BadUsage("ranges ([a TO z]) are not supported; for years use --since and --until")
    if COSTLY_RE.search(text):
        raise BadUsage(
            "a query cannot start a word with * or ?, or use a prefix shorter than two letters "
            "(it would scan the whole index); try prefix* with at least two letters"
        )


def is_plain(text: str) -> bool:
    """True for a query of two or more bare words, with no operators, fields, quotes or wildcards."""
    words = re.split(r"[\s-]+", text.strip())
    return bool(PLAIN_WORDS_RE.match(text.strip())) and not QUERY_OPERATORS & set(words)


STRICT_MAX_WORDS = 3


def is_strict(text: str) -> bool:
    """True for a plain query short enough that every one of its content words should match."""
    words = [word for word in re.split(r"[\s-]+", text.strip()) if word.lower() not in FUNCTION_WORDS]
    return is_plain(text) and len(words) <= STRICT_MAX_WORDS


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    """Return the parsed query; raises BadUsage when nothing searchable is left.

    A plain multi-word query also scores its words as an exact phrase, and leaves function
    words out of the any-order part.
    """
    text = join_compounds(text)
    try:
        parsed = parser.parse(text)
    except Exception:  # the parser should not raise, but a query must never crash the CLI
        words = re.findall(r"\w+", text)
        parsed = query.Or([query.Term(field, word.lower()) for word in words for field in ("title", "body")])
    if parsed is query.NullQuery and (excluded := exclusions_only(text)):
        # Whoosh parses a query of nothing but "-word"s to nothing; it means every entry but those.
        parsed = query.Not(query.Or([parser.parse(word) for word in excluded]))
    if parsed is query.NullQuery:
        raise BadUsage(f'nothing to search for in "{shorten(text)}"; try words, a "phrase" or prefix*')
    if isinstance(parsed, query.Not):  # only exclusions ("-marxism"): every entry but those
        return query.And([query.Every(), parsed])
    if is_plain(text):
        words = re.split(r"[\s-]+", text.strip())
        content = [word for word in words if word.lower() not in FUNCTION_WORDS]
        if content and len(content) < len(words):
            parsed = parser.parse(" ".join(content))
        phrase = parser.parse('"' + " ".join(words) + '"')
        if phrase is not query.NullQuery and parsed is not query.NullQuery:
            parsed = query.Or([parsed, phrase.with_boost(PHRASE_BOOST)])
    return parsed


def exclusions_only(text: str) -> list[str]:
    """Return the words of a query made only of exclusions ("-marxism -leninism"), else []."""
    words = text.split()
    if words and all(len(word) > 1 and word.startswith("-") for word in words):
        return [word[1:] for word in words]
    return []


class Filters(NamedTuple):
    """What narrows a search besides the query: kind, family, subject, a year range."""

    kind: str | None = None
    family: str | None = None
    subject: str | None = None
    since: int | None = None
    until: int | None = None

    def query(self) -> query.Query | None:
        """Return the Whoosh query every result must also match, or None."""
        parts: list[query.Query] = []
        if self.kind:
            parts.append(query.Term("kind", self.kind))
        if self.family:
            parts.append(query.Term("family", self.family.lower()))
        if self.subject:
            parts.append(query.Term("subject", self.subject))
        if self.since is not None or self.until is not None:
            parts.append(query.NumericRange("year", self.since, self.until))
        return query.And(parts) if parts else None


Bodies = Callable[[Sequence[str]], Mapping[str, str]]


def search(
    directory: str | os.PathLike[str],
    text: str,
    *,
    limit: int,
    filters: Filters | None = None,
    bodies: Bodies | None = None,
) -> SearchResult:
    """Run a query against the index in `directory`; `bodies(slugs)` returns the Markdown bodies
    of the hits shown, for their snippets (without it, snippets come from the summary).

    Raises BadUsage for an empty, oversized or too costly query, and DamagedIndex for anything
    else that goes wrong inside Whoosh (a truncated, missing or garbled index file shows up as
    pickle, struct, EOF, OS or even bare Exception errors).
    """
    try:
        return run_search(directory, text, limit=limit, filters=filters or Filters(), bodies=bodies)
    except IdeoError:
        raise
    except Exception as exc:
        raise DamagedIndex(repr(exc)) from exc


def run_search(
    directory: str | os.PathLike[str], text: str, *, limit: int, filters: Filters, bodies: Bodies | None = None
) -> SearchResult:
    """Do the work of search(), letting Whoosh's exceptions through.

    Ranking: an entry whose own title, alias or slug is the query comes first, whatever its
    kind; then every match by BM25F score over the weighted fields (see `rank`).
    """
    if not text.strip():
        raise BadUsage("empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise BadUsage(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    check_costly(text)
    text = strip_question(text)
    ix = index.open_dir(str(directory))
    # A plain query of two or three words first requires every word; only if that finds nothing may
    # any word do. Longer ones are descriptions ("class struggle between workers and capitalists"):
    # any word may match, entries with more of them first.
    strict = is_strict(text)
    parsed = parse_query(make_parser(ix.schema, any_word=not strict), text)
    allow = filters.query()
    with ix.searcher() as searcher:

        def collect(parsed: query.Query) -> tuple[list[Any], int]:
            return top_hits(searcher, parsed if allow is None else query.Require(parsed, allow), text, limit)

        ranked, total = collect(parsed)
        corrected = ""
        if not total and (corrected := correct_spelling(searcher.reader(), directory, text)):
            text = corrected
            strict = is_strict(text)
            parsed = parse_query(make_parser(ix.schema, any_word=not strict), text)
            ranked, total = collect(parsed)
        if strict and not total:
            parsed = parse_query(make_parser(ix.schema), text)
            ranked, total = collect(parsed)
        terms = query_terms(parsed)
        # Cards' bodies are not indexed (see document_fields), so their snippets come from the note.
        written = [hit["slug"] for hit in ranked if "note" not in hit]
        found_bodies = bodies(written) if bodies and written else {}
        hits = []
        for hit in ranked:
            summary = hit.get("summary") or hit.get("note", "")
            body = found_bodies.get(hit["slug"], "")
            fragments = (snippet(plain_text(body), terms) if body else ()) or snippet(summary, terms)
            hits.append(
                Hit(
                    slug=hit["slug"],
                    title=hit["title"],
                    kind=hit["kind"],
                    score=round(float(hit.score), 4),
                    snippet=fragments or ((summary, False),),
                    source=hit.get("source", "shipped"),
                )
            )
        return SearchResult(text, tuple(hits), total, corrected)


MAX_KEY_WORDS = 12  # the longest name a query is searched for inside it ("an inquiry into the nature and ...")


def named_query(wanted: str) -> query.Query:
    """Return the query for the entries `rank` may lift: those with a name that is a run of the
    query's words (`key`), or that list the whole query as a key text or key figure (`ref`)."""
    words = wanted.split()
    runs = {
        " ".join(words[start:stop])
        for start in range(len(words))
        for stop in range(start + 1, min(len(words), start + MAX_KEY_WORDS) + 1)
    }
    return query.Or([*(query.Term("key", run) for run in sorted(runs)), query.Term("ref", wanted)])


def top_hits(searcher: Any, parsed: query.Query, text: str, limit: int) -> tuple[list[Any], int]:
    """Return the best `limit` hits of `parsed` in ranking order, and how many documents match.

    Only the entries a query names (few) are ranked on their names (see `rank`); the rest are
    ranked by score alone, so only the top few of them are kept and have their stored fields
    read, however many documents match.
    """
    wanted = normalize_name(text)
    wanted_words = f" {wanted} "

    def rank(hit: Any) -> tuple[int, float]:
        keys = hit["keys"]
        inside = [key for key in keys if f" {key} " in wanted_words]
        if wanted in keys:  # a written entry before a card of the same name, as `ideo show` resolves it
            return OWN_NAME, -hit.score * (0.5 if "note" in hit else 1.0)
        if wanted in hit["refs"]:
            return NAMED_REFERENCE, -hit.score
        if any(" " in key for key in inside):
            return NAME_IN_QUERY, -hit.score
        return OTHER, -hit.score * (NAME_IN_QUERY_WEIGHT if inside else 1.0)

    # Require scores by the first query only: a named entry keeps its plain score.
    named = run_collector(searcher, query.Require(parsed, named_query(wanted)), None) if wanted else []
    named_numbers = {hit.docnum for hit in named}
    results = run_collector(searcher, parsed, limit + len(named))
    others = [hit for hit in results if hit.docnum not in named_numbers]
    ranked = sorted(
        [*named, *others], key=lambda hit: rank(hit) if hit.docnum in named_numbers else (OTHER, -hit.score)
    )
    return ranked[:limit], len(results)


def run_collector(searcher: Any, parsed: query.Query, limit: int | None) -> Any:
    """Return Whoosh's results for `parsed` (the best `limit`, or all), within the time limit.

    Raises BadUsage when the query runs past SEARCH_SECONDS.
    """
    # Whoosh's shortcuts for a top-N search (skipping blocks of postings by their best possible
    # score, dropping sub-queries that cannot reach the N-th score) lose real top hits of a
    # compound query here (an And of multi-field Ors), so every match is scored and counted.
    if limit is None:
        exact = collectors.UnlimitedCollector()
    else:
        exact = collectors.TopCollector(limit, usequality=False, replace=0)
    collector = collectors.TimeLimitCollector(exact, timelimit=SEARCH_SECONDS, use_alarm=False)
    try:
        searcher.search_with_collector(parsed, collector)
    except collectors.TimeLimit:
        raise BadUsage(f"query took longer than {SEARCH_SECONDS:g} s; make it more specific") from None
    return collector.results()


CORRECTION_CUTOFF = 0.75


def correct_spelling(reader: Any, directory: str | os.PathLike[str], text: str) -> str:
    """Return `text` with each word the index does not know replaced by the closest known word,
    or "" when there is nothing to correct (operators, fields and quotes are left alone)."""
    if not re.fullmatch(r"[\w'’\s-]+", text) or re.search(r"(?:^|\s)-", text) or QUERY_OPERATORS & set(text.split()):
        return ""
    words = re.findall(TOKEN_PATTERN, join_compounds(text))
    unknown = [
        w for w in dict.fromkeys(words) if not any((field, fold_and_stem(w)) in reader for field in SEARCH_FIELDS)
    ]
    if not unknown:
        return ""
    import difflib

    from rapidfuzz import fuzz, process

    with open(os.path.join(directory, WORDS_FILE), encoding="utf-8") as handle:
        known = json.load(handle)
    fixed = text
    for word in unknown:
        # rapidfuzz narrows the known words (hundreds of thousands at scale) to a few dozen in C;
        # difflib picks among those as it did among all of them.
        likely = [found for found, _, _ in process.extract(word.lower(), known, scorer=fuzz.ratio, limit=40)]
        close = difflib.get_close_matches(word.lower(), likely, n=1, cutoff=CORRECTION_CUTOFF)
        if close:
            fixed = re.sub(rf"\b{re.escape(word)}\b", close[0], fixed)
    return fixed if fixed != text else ""
