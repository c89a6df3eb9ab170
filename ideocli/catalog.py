"""The catalog of one index generation: one SQLite file holding everything but the full-text index.

Tables (written by a build or an update in the generation's temporary directory, then only read):

    meta(key, value)                      the catalog format
    entries(slug, title, kind, card, data, body)
                                          one row per entry or card: `data` is its front matter as
                                          JSON (Article.to_dict without the body), `body` its text;
                                          bodies are stored here only (Whoosh keeps none)
    briefs(slug, kind, card, brief)       what `list` shows, filters and sorts by, as JSON: a
                                          compact table that a listing scans instead of entries
    names(key, position, slug)            normalized name -> slugs, in the order of store.name_index
    edges(source, target)                 every entry an entry points at (relations and inline
                                          links), indexed on target for back-links
    problems(path, line, message)         the corpus files the build skipped
    sources(path, state, hash, slug)      "size|mtime_ns" and content hash of each corpus file when
                                          the build read it, and the slug it gave ("" for none)

What an incremental update (ideocli.incremental) needs to redo only the part an edit touches:

    entries.ord                           each entry's and card's place in a full build's order
    refs(key, slug)                       what each entry feeds: "p:<name>" the person card, "t:<title>"
                                          the text card, "m:<name>" a person card's mention, "o:<name>"
                                          a person entry's own name
    cardkeys(key, slug, title)            the card made for each "p:"/"t:" key
    claims(key, layer, ord, slug)         every name an entry or card claims, by strength (names
                                          holds the winners: store.name_index)
    words(word, count)                    spelling-correction words, with how many entries give each

Every lookup is one or a few indexed queries, so `show`, `define` and `related` cost O(log n)
in the size of the corpus. Readers open the file read-only and immutable (a generation never
changes once it is live). Anything that does not look as written raises ValueError or
sqlite3.Error, which the Library treats as a damaged index.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from typing import Any, NamedTuple

from ideocli.articles import Article, article_from_dict
from ideocli.layout import SLUG_RE

CATALOG_FORMAT = "3"
DAMAGED = (ValueError, sqlite3.Error)

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries(
    slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, kind TEXT NOT NULL, card INTEGER NOT NULL,
    data TEXT NOT NULL, body TEXT NOT NULL, ord TEXT NOT NULL
);
CREATE TABLE briefs(slug TEXT PRIMARY KEY, kind TEXT NOT NULL, card INTEGER NOT NULL, brief TEXT NOT NULL)
    WITHOUT ROWID;
CREATE INDEX entries_kind ON entries(kind, slug);
CREATE TABLE names(key TEXT NOT NULL, position INTEGER NOT NULL, slug TEXT NOT NULL,
    PRIMARY KEY(key, position)) WITHOUT ROWID;
CREATE INDEX names_second ON names(substr(key, 2, 2)) WHERE position = 0;
CREATE TABLE edges(source TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY(target, source)) WITHOUT ROWID;
CREATE INDEX edges_source ON edges(source);
CREATE TABLE problems(path TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX problems_path ON problems(path);
CREATE TABLE sources(path TEXT PRIMARY KEY, state TEXT NOT NULL, hash TEXT NOT NULL, slug TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE refs(key TEXT NOT NULL, slug TEXT NOT NULL, PRIMARY KEY(key, slug)) WITHOUT ROWID;
CREATE INDEX refs_slug ON refs(slug);
CREATE TABLE cardkeys(key TEXT PRIMARY KEY, slug TEXT NOT NULL, title TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE claims(key TEXT NOT NULL, layer INTEGER NOT NULL, ord TEXT NOT NULL, slug TEXT NOT NULL,
    PRIMARY KEY(key, layer, ord, slug)) WITHOUT ROWID;
CREATE INDEX claims_slug ON claims(slug);
CREATE TABLE words(word TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
"""


class Derived(NamedTuple):
    """What a build derives from the whole corpus beside the articles, for later incremental updates."""

    ords: Mapping[str, str]  # slug -> place in the build's order (entries and cards)
    refs: Iterable[tuple[str, str]]  # (key, slug), see the module docstring
    cardkeys: Iterable[tuple[str, str, str]]  # (key, card slug, card title)
    words: Mapping[str, int]  # spelling-correction word -> number of entries and cards giving it"""


def write_catalog(
    path: str,
    articles: Sequence[Article],
    names: Mapping[str, list[str]],
    problems: Iterable[tuple[str, int, str]],
    sources: Iterable[tuple[str, str, str, str]],
    derived: Derived,
) -> None:
    """Write a new catalog file at `path` (which must not exist)."""
    from ideocli.incremental import name_claims

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")  # a half-written file is discarded with its generation
        connection.execute("PRAGMA synchronous=OFF")  # the build fsyncs the file before the swap
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        connection.execute("INSERT INTO meta VALUES ('format', ?)", (CATALOG_FORMAT,))
        ords = derived.ords
        connection.executemany(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((a.slug, a.title, a.kind, int(a.card), front_matter(a), a.body, ords[a.slug]) for a in articles),
        )
        connection.executemany(
            "INSERT INTO briefs VALUES (?, ?, ?, ?)", ((a.slug, a.kind, int(a.card), brief(a)) for a in articles)
        )
        connection.executemany(
            "INSERT INTO names VALUES (?, ?, ?)",
            ((key, position, slug) for key, slugs in names.items() for position, slug in enumerate(slugs)),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO edges VALUES (?, ?)",
            ((a.slug, target) for a in articles for target in sorted(a.outgoing() - {a.slug})),
        )
        connection.executemany("INSERT INTO problems VALUES (?, ?, ?)", problems)
        connection.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", sources)
        connection.executemany("INSERT OR IGNORE INTO refs VALUES (?, ?)", derived.refs)
        connection.executemany("INSERT INTO cardkeys VALUES (?, ?, ?)", derived.cardkeys)
        connection.executemany(
            "INSERT OR IGNORE INTO claims VALUES (?, ?, ?, ?)",
            ((key, layer, ords[a.slug], a.slug) for a in articles for key, layer in name_claims(a)),
        )
        connection.executemany("INSERT INTO words VALUES (?, ?)", derived.words.items())
        connection.execute("COMMIT")
    finally:
        connection.close()
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


FRONT_MATTER_FIELDS = [spec.name for spec in fields(Article) if spec.name != "body"]


def front_matter(article: Article) -> str:
    """Return Article.to_dict(with_body=False) as JSON, without dataclasses.asdict's deep copies
    (a third of an incremental update's time): tuples dump as lists, key texts as objects."""
    data = {name: getattr(article, name) for name in FRONT_MATTER_FIELDS}
    data["key_texts"] = [{"title": t.title, "author": t.author, "year": t.year} for t in article.key_texts]
    return json.dumps(data, ensure_ascii=False)


BRIEF_FIELDS = ("slug", "kind", "title", "summary", "family", "subject", "date", "founded", "born", "card", "source")


def brief(article: Article) -> str:
    """Return the few fields `list` shows, filters and sorts by, as JSON (a small fraction of the front matter)."""
    data = {name: getattr(article, name) for name in BRIEF_FIELDS}
    return json.dumps({**data, "definition": ""}, ensure_ascii=False)


def name_buckets(key: str) -> list[tuple[str, tuple[str, ...]]]:
    """Return (sql, parameters) of the reads that find the names close_names compares with `key`."""
    by_prefix = "SELECT key FROM names WHERE key >= ? AND key < ? AND position = 0"
    by_second = "SELECT key FROM names WHERE substr(key, 2, 2) = ? AND position = 0"
    prefixes = {key[:1], key[1:3], key[1:2] + key[:1]}  # same first letter; one typed too many; two swapped
    reads = [(by_prefix, (prefix, after(prefix))) for prefix in prefixes if prefix]
    return reads + [(by_second, (pair,)) for pair in {key[1:3], key[:2]} if len(pair) == 2]  # first wrong; missing


def after(prefix: str) -> str:
    """Return the first string past every string that starts with `prefix`."""
    return prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))


def encodable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def uri(path: str) -> str:
    """Return a read-only, immutable SQLite URI for `path` (a live generation never changes)."""
    escaped = path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file:{escaped}?mode=ro&immutable=1"


class Catalog:
    """Read access to one generation's catalog; every method may raise ValueError or sqlite3.Error."""

    def __init__(self, path: str) -> None:
        if not os.path.isfile(path):
            raise ValueError(f"no catalog at {path}")
        self.connection = sqlite3.connect(uri(path), uri=True, check_same_thread=False)
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None or row[0] != CATALOG_FORMAT:
            raise ValueError("the catalog has another format")

    def close(self) -> None:
        self.connection.close()

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        # A name typed with undecodable bytes (surrogates) cannot be bound as it is; it matches nothing anyway.
        bound = [encodable(value) if isinstance(value, str) else value for value in parameters]
        return self.connection.execute(sql, bound).fetchall()

    # --- names and titles ----------------------------------------------------------------

    def title(self, slug: str) -> str | None:
        rows = self.query("SELECT title FROM entries WHERE slug = ?", (slug,))
        if not rows:
            return None
        title = rows[0][0]
        if not isinstance(title, str):
            raise ValueError(f"the title of {slug!r} is damaged")
        return title

    def titles(self) -> dict[str, str]:
        found = dict(self.query("SELECT slug, title FROM entries ORDER BY slug"))
        if not all(isinstance(title, str) and isinstance(slug, str) for slug, title in found.items()):
            raise ValueError("the title table is damaged")
        return found

    def titles_and_kinds(self, slugs: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Return slug -> (title, kind) for those of `slugs` that are entries or cards."""
        found: dict[str, tuple[str, str]] = {}
        unique = sorted(set(slugs))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            sql = f"SELECT slug, title, kind FROM entries WHERE slug IN ({','.join('?' * len(chunk))})"
            for slug, title, kind in self.query(sql, chunk):
                if not isinstance(title, str) or not isinstance(kind, str):
                    raise ValueError(f"the row of {slug!r} is damaged")
                found[slug] = (title, kind)
        return found

    def count(self) -> int:
        return int(self.query("SELECT count(*) FROM entries")[0][0])

    def slugs_named(self, key: str) -> list[str]:
        """Return the slugs a normalized name leads to, each checked to be an entry."""
        slugs = [row[0] for row in self.query("SELECT slug FROM names WHERE key = ? ORDER BY position", (key,))]
        for slug in slugs:
            if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug) or self.title(slug) is None:
                raise ValueError(f"the name {key!r} leads to no entry")
        return slugs

    def has_name(self, key: str) -> bool:
        return bool(self.query("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)))

    def name_keys(self) -> list[str]:
        return [row[0] for row in self.query("SELECT DISTINCT key FROM names")]

    def names(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, slug in self.query("SELECT key, slug FROM names ORDER BY key, position"):
            found.setdefault(key, []).append(slug)
        return found

    def close_names(self, key: str, limit: int) -> list[str]:
        """Return up to `limit` names most like `key`, best first.

        Only the names a typo at the start could still leave close are compared (rapidfuzz, only on
        this, the not-found path): those sharing the first letter, or the next two letters after a
        wrong, missing, extra or swapped first letter. A few indexed reads instead of every name.
        """
        from rapidfuzz import fuzz, process

        candidates = {row[0] for sql, value in name_buckets(key) for row in self.query(sql, value)}
        found = process.extract(key, candidates, scorer=fuzz.ratio, limit=limit, score_cutoff=50)
        return [name for name, _, _ in found]

    # --- entries -------------------------------------------------------------------------

    def article(self, slug: str, *, with_body: bool = True) -> Article | None:
        column = "data, body" if with_body else "data, ''"
        rows = self.query(f"SELECT {column} FROM entries WHERE slug = ?", (slug,))
        if not rows:
            return None
        return self.to_article(slug, *rows[0])

    @staticmethod
    def to_article(slug: str, data: Any, body: Any) -> Article:
        if not isinstance(data, str) or not isinstance(body, str):
            raise ValueError(f"the row of {slug!r} is damaged")
        values = json.loads(data)
        if not isinstance(values, dict):
            raise ValueError(f"the row of {slug!r} is not an entry")
        article = article_from_dict({**values, "body": body})
        if article.slug != slug:
            raise ValueError(f"the row of {slug!r} holds {article.slug!r}")
        return article

    def articles(self, where: str = "", parameters: Sequence[Any] = ()) -> Iterator[Article]:
        """Yield entries without bodies, by slug, optionally filtered by an SQL condition."""
        sql = "SELECT slug, data FROM entries" + (f" WHERE {where}" if where else "") + " ORDER BY slug"
        for slug, data in self.query(sql, parameters):
            yield self.to_article(slug, data, "")

    def briefs(self, where: str = "", parameters: Sequence[Any] = ()) -> Iterator[Article]:
        """Yield entries with only the fields of BRIEF_FIELDS (see `brief`), by slug, optionally filtered."""
        sql = "SELECT slug, brief FROM briefs" + (f" WHERE {where}" if where else "") + " ORDER BY slug"
        for slug, data in self.connection.execute(sql, [encodable(value) for value in parameters]):  # row by row
            yield self.to_article(slug, data, "")

    def bodies(self, slugs: Sequence[str]) -> dict[str, str]:
        if not slugs:
            return {}
        marks = ",".join("?" * len(slugs))
        return dict(self.query(f"SELECT slug, body FROM entries WHERE slug IN ({marks})", list(slugs)))

    def backlinks(self, slug: str) -> list[str]:
        return [row[0] for row in self.query("SELECT source FROM edges WHERE target = ? ORDER BY source", (slug,))]

    def source_state(self, path: str) -> str | None:
        rows = self.query("SELECT state FROM sources WHERE path = ?", (path,))
        return rows[0][0] if rows else None

    def problems(self) -> list[tuple[str, int, str]]:
        return [
            (path, line, message)
            for path, line, message in self.query("SELECT path, line, message FROM problems")
            if isinstance(path, str) and type(line) is int and isinstance(message, str)
        ]
