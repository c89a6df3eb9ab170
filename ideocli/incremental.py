"""Incremental updates: a new catalog made from the live one by redoing only what changed files touch.

A full build records, beside the articles, what each derived datum was made from (see the
catalog's refs, cardkeys, claims and words tables). After an edit, `plan_update` reads only the
files whose stat changed, finds the entries they give, the cards those entries feed and the names
they claim, and rebuilds just those rows; `apply_update` writes them into a copy of the live
catalog in one transaction. The result equals what a full build of the same corpus writes.

Some changes reach too far to follow cheaply, and `plan_update` returns None for them (the
caller builds in full): vocabulary.yaml changed, many files changed, a person entry added,
removed or renamed, a new person card (its mentions lie in every body), a card whose name or
slug would change or whose slug collides with another, and any duplicate slug.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ideocli.articles import Article, normalize_name
from ideocli.cards import (
    WORD_RE,
    Draft,
    alias_map,
    authors,
    canonical_titles,
    draft_ord,
    person_card,
    person_steps,
    slugify,
    text_card,
    text_key,
    title_keys,
)
from ideocli.layout import KIND_DIRS, SLUG_RE, VOCABULARY_FILE

KIND_ORDER = {directory: str(number) for number, directory in enumerate(KIND_DIRS)}


def content_hash(data: bytes) -> str:
    """Return the hash of a corpus file's bytes that the catalog records."""
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_ord(root: int, relative: str) -> str:
    """Return the sort key of the entry of a file `relative` to its root (0 shipped, 1 user): the
    order load_corpus reads files in, kind directory by kind directory, shipped before user."""
    directory = relative.split(os.sep, 1)[0]
    return f"{root}{KIND_ORDER.get(directory, '9')}/{relative}"


def entry_ord(article: Article, user: str | None) -> str:
    """Return an entry's sort key: a user entry that shadows a shipped one takes its place."""
    if article.shadows:
        return file_ord(0, article.shadows)
    if article.source == "user" and user is not None:
        return file_ord(1, os.path.relpath(article.path, user))
    return file_ord(0, article.path)


def name_claims(article: Article) -> list[tuple[str, int]]:
    """Return the (normalized name, layer) pairs an article claims, as store.name_index ranks them:
    0 an entry's own names, 1 a card's, 2 a text's short titles, 3 a person's surname."""
    from ideocli.store import surname_of

    own = [normalize_name(name) for name in (article.slug, article.title, *article.aliases)]
    claims = [(key, 1 if article.card else 0) for key in own]
    if article.kind == "text":
        claims += [(normalize_name(key), 2) for key in title_keys(article.title)]
    if article.kind == "person" and (surname := surname_of(article.title)):
        claims.append((normalize_name(surname), 3))
    return list(dict.fromkeys((key, layer) for key, layer in claims if key))


def entry_refs(article: Article, canonical: Mapping[str, str]) -> set[str]:
    """Return the refs keys of an entry (see catalog): the cards it feeds and, for a person, its names."""
    keys = {f"p:{key}" for key, _, _, _ in person_steps(article)}
    keys |= {f"t:{text_key(text.title, canonical)}" for text in article.key_texts}
    if article.kind == "person" and not article.card:
        keys |= {f"o:{normalize_name(name)}" for name in (article.title, *article.aliases)}
    return keys


def article_words(article: Article) -> set[str]:
    """Return the spelling-correction words one article gives (see search.correction_words)."""
    from ideocli.search import correction_words

    return correction_words([article])


def word_counts(articles: Iterable[Article]) -> dict[str, int]:
    """Return spelling-correction word -> number of articles giving it."""
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update(article_words(article))
    return dict(counts)


def mentions_in(body: str, names: Mapping[str, str]) -> set[str]:
    """Return the keys of the `names` (key -> person-card name) that a body mentions in full."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, name in names.items():
        words = tuple(WORD_RE.findall(name))
        if words:
            by_first.setdefault(words[0], []).append((words, key))
    words = WORD_RE.findall(body)
    found: set[str] = set()
    for position, word in enumerate(words):
        for name_words, key in by_first.get(word, ()):
            if tuple(words[position : position + len(name_words)]) == name_words:
                found.add(key)
    return found


# --- planning ------------------------------------------------------------------------------


@dataclasses.dataclass
class FileChange:
    relative: str  # path relative to the corpus, as the sources table names it
    path: str  # absolute
    root: int  # 0 shipped, 1 user
    state: str
    data: bytes | None  # None: gone or unreadable
    digest: str


@dataclasses.dataclass
class Plan:
    """The rows an incremental update deletes and writes (see apply_update)."""

    upserts: list[tuple[Article, str]]  # (article, ord) written anew: entries and cards
    removed: list[str]  # slugs of entries and cards that are gone
    refs: dict[str, set[str]]  # slug -> its refs keys, for every slug in upserts that is an entry
    cardkeys_removed: list[str]  # keys rewritten or gone; their "m:" refs go with a gone person card
    cardkeys_added: list[tuple[str, str, str]]
    problem_paths: list[str]
    problems: list[tuple[str, int, str]]
    sources_removed: list[str]
    sources: list[tuple[str, str, str, str]]
    old_articles: dict[str, Article]  # slug -> the previous version of each upserted or removed article

    @property
    def changed(self) -> bool:
        return bool(self.upserts or self.removed or self.problems or self.problem_paths)


class Fallback(Exception):
    """The change reaches too far for an incremental update: build in full."""


def load_file(change: FileChange, kind: str, display: str) -> tuple[Article | None, list[tuple[str, int, str]]]:
    """Return the article one entry file gives and its load problems, as load_entry_files reads it."""
    from ideocli.corpus import one_line_error, parse_entry

    slug = os.path.basename(change.path)[: -len(".md")]
    if not SLUG_RE.fullmatch(slug):
        return None, [(display, 1, f"bad slug {slug!r}: use lowercase ASCII words joined by hyphens")]
    if change.data is None:
        return None, []
    try:
        text = change.data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        return None, [(display, 1, f"unreadable: {one_line_error(exc)}")]
    try:
        entry = parse_entry(text, slug=slug, kind=kind, display_path=display)
    except ValueError as exc:
        line, _, message = str(exc).partition(": ")
        return None, [(display, int(line), message)]
    return entry.article, []


def read_change(path: str) -> tuple[bytes | None, str]:
    """Return (bytes or None, hash) of a corpus file; an unreadable one hashes its error."""
    from ideocli.layout import read_source

    try:
        data = read_source(path)
    except OSError as exc:
        return None, content_hash(f"unreadable: {exc}".encode())
    return data, content_hash(data)


def plan_update(
    connection: sqlite3.Connection,
    corpus: str,
    user: str | None,
    files: Sequence[tuple[str, str, int, str]],
    text_aliases: Mapping[str, Sequence[str]],
    limit: float,
) -> Plan:
    """Return what to change in the catalog of `connection` (the live one) for the corpus as
    `files` (relative path, absolute path, root, state) now stand.

    Raises Fallback when a full build is needed instead (see the module docstring).
    """
    recorded = {
        path: (state, digest, slug) for path, state, digest, slug in connection.execute("SELECT * FROM sources")
    }
    current = {relative for relative, _, _, _ in files}
    gone = recorded.keys() - current
    stale = [item for item in files if recorded.get(item[0], ("",))[0] != item[3]]
    if len(stale) + len(gone) > limit:
        raise Fallback("many files changed")
    changes: list[FileChange] = []
    sources: list[tuple[str, str, str, str]] = []
    for relative, path, root, state in stale:
        data, digest = read_change(path)
        old = recorded.get(relative)
        if old is not None and old[1] == digest:  # touched, not changed
            sources.append((relative, state, digest, old[2]))
            continue
        if relative == VOCABULARY_FILE:
            raise Fallback("vocabulary.yaml changed")
        changes.append(FileChange(relative, path, root, state, data, digest))
    if VOCABULARY_FILE in gone:
        raise Fallback("vocabulary.yaml gone")
    if not changes and not gone:
        return Plan([], [], {}, [], [], [], [], [], sources, {})
    if connection.execute("SELECT 1 FROM problems WHERE message LIKE 'duplicate slug%' LIMIT 1").fetchone():
        raise Fallback("duplicate slugs")
    # Which file gives each slug now: a user file before a shipped one (usercorpus.merge).
    by_slug: dict[str, list[tuple[int, str, str]]] = {}
    for relative, path, root, _ in files:
        if relative != VOCABULARY_FILE:
            by_slug.setdefault(os.path.basename(path)[: -len(".md")], []).append((root, relative, path))
    affected = {os.path.basename(change.path)[: -len(".md")] for change in changes}
    affected |= {recorded[relative][2] or os.path.basename(relative)[: -len(".md")] for relative in gone}
    for slug in affected:
        roots = [root for root, _, _ in by_slug.get(slug, [])]
        if len(roots) != len(set(roots)):
            raise Fallback(f"duplicate slug {slug!r}")
    problem_paths: list[str] = []
    problems: list[tuple[str, int, str]] = []

    def display(root: int, relative: str, path: str) -> str:
        return path if root else relative

    def kind_of(relative: str, path: str, root: int) -> str:
        base = relative if root == 0 else os.path.relpath(path, user or "")
        return KIND_DIRS[base.split(os.sep, 1)[0]]

    parsed: dict[str, tuple[Article | None, list[tuple[str, int, str]]]] = {}
    for change in changes:
        name = display(change.root, change.relative, change.path)
        parsed[change.relative] = load_file(change, kind_of(change.relative, change.path, change.root), name)
        problem_paths.append(name)
        problems += parsed[change.relative][1]
        article = parsed[change.relative][0]
        sources.append((change.relative, change.state, change.digest, article.slug if article else ""))
    for relative in gone:
        root = 0 if not os.path.isabs(relative) and not relative.startswith("..") else 1
        problem_paths.append(os.path.normpath(os.path.join(corpus, relative)) if root else relative)

    def article_of(root: int, relative: str, path: str) -> Article | None:
        if relative in parsed:
            return parsed[relative][0]
        if recorded.get(relative, ("", "", ""))[2]:  # unchanged and it loaded: read it again
            data, digest = read_change(path)
            change = FileChange(relative, path, root, "", data, digest)
            parsed[relative] = load_file(change, kind_of(relative, path, root), display(root, relative, path))
            return parsed[relative][0]
        return None

    new_entries: dict[str, tuple[Article, str]] = {}
    for slug in affected:
        providers = sorted(by_slug.get(slug, []), key=lambda item: -item[0])
        shipped = next(((r, rel, p) for r, rel, p in providers if r == 0), None)
        for root, relative, path in providers:
            article = article_of(root, relative, path)
            if article is None:
                continue
            if root == 1:
                hidden = article_of(*shipped) if shipped else None
                shadows = shipped[1] if hidden is not None and shipped else ""
                article = dataclasses.replace(article, source="user", shadows=shadows)
            new_entries[slug] = (article, entry_ord(article, user))
            break
    return plan_rows(connection, affected, new_entries, text_aliases, problem_paths, problems, sources, gone)


def plan_rows(
    connection: sqlite3.Connection,
    affected: set[str],
    new_entries: dict[str, tuple[Article, str]],
    text_aliases: Mapping[str, Sequence[str]],
    problem_paths: list[str],
    problems: list[tuple[str, int, str]],
    sources: list[tuple[str, str, str, str]],
    gone: Iterable[str],
) -> Plan:
    """Return the plan for the entries of `affected` slugs now being `new_entries` (see plan_update)."""
    from ideocli.catalog import Catalog

    def query(sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return connection.execute(sql, list(parameters)).fetchall()

    def marks(values: Sequence[Any]) -> str:
        return ",".join("?" * len(values))

    slugs = sorted(affected)
    old_rows = {
        slug: Catalog.to_article(slug, data, body)
        for slug, data, body in query(f"SELECT slug, data, body FROM entries WHERE slug IN ({marks(slugs)})", slugs)
    }
    for slug, article in old_rows.items():
        if article.card:
            raise Fallback(f"an entry replaces the card {slug!r}")
    old_entries = {slug: article for slug, article in old_rows.items()}
    for slug in affected:
        old, new = old_entries.get(slug), new_entries.get(slug, (None, ""))[0]
        if (old and old.kind == "person") or (new and new.kind == "person"):
            if old is None or new is None or (old.title, old.aliases) != (new.title, new.aliases):
                raise Fallback("a person entry's names changed")
        if (old is None) != (new is None):  # added or removed: card slugs may move
            if query(
                "SELECT 1 FROM entries WHERE card = 1 AND (slug = ? OR slug LIKE ? OR slug LIKE ?) LIMIT 1",
                (slug, f"{slug}-person%", f"{slug}-text%"),
            ):
                raise Fallback(f"the slug {slug!r} moves a card's slug")
    canonical = canonical_titles(text_aliases)
    person_cards = {key[2:]: (slug, title) for key, slug, title in query("SELECT * FROM cardkeys WHERE key LIKE 'p:%'")}
    names = {key: title for key, (_, title) in person_cards.items()}
    new_refs: dict[str, set[str]] = {}
    for slug, (article, _) in new_entries.items():
        new_refs[slug] = entry_refs(article, canonical) | {f"m:{key}" for key in mentions_in(article.body, names)}
    old_refs: dict[str, set[str]] = {}
    for key, slug in query(f"SELECT key, slug FROM refs WHERE slug IN ({marks(slugs)})", slugs):
        old_refs.setdefault(slug, set()).add(key)
    keys = {
        ("p:" + key[2:] if key.startswith("m:") else key)
        for refs in [*new_refs.values(), *old_refs.values()]
        for key in refs
        if key[:2] in ("p:", "t:", "m:")
    }
    # The person entries' names are unchanged (checked above): the person-entry map stays as it is.
    person_keys = sorted(key[2:] for key in keys if key.startswith("p:"))
    entry_people = dict(
        query(
            "SELECT r.key, r.slug FROM refs r JOIN entries e ON e.slug = r.slug "
            f"WHERE r.key IN ({marks(person_keys)}) ORDER BY e.ord DESC",
            [f"o:{key}" for key in person_keys],
        )
    )  # DESC: the first entry by order is written last and wins, as setdefault does in a full build
    keys = {key for key in keys if not (key.startswith("p:") and f"o:{key[2:]}" in entry_people)}
    key_list = sorted(keys | {"m:" + key[2:] for key in keys if key.startswith("p:")})
    contributors = {
        slug
        for (slug,) in query(f"SELECT DISTINCT slug FROM refs WHERE key IN ({marks(key_list)})", key_list)
        if slug not in affected
    }
    contributors |= {slug for slug, refs in new_refs.items() if refs & set(key_list)}
    rows = query(
        f"SELECT slug, data, ord FROM entries WHERE slug IN ({marks(sorted(contributors - affected))})",
        sorted(contributors - affected),
    )
    feeding = {slug: (Catalog.to_article(slug, data, ""), ord) for slug, data, ord in rows}
    feeding |= {slug: new_entries[slug] for slug in contributors & affected if slug in new_entries}
    ordered = sorted(feeding.items(), key=lambda item: item[1][1])
    mention_rows = {key: set() for key in keys if key.startswith("p:")}
    for key, slug in query(f"SELECT key, slug FROM refs WHERE key IN ({marks(key_list)}) AND key LIKE 'm:%'", key_list):
        if slug not in affected:
            mention_rows["p:" + key[2:]].add(slug)
    for slug, refs in new_refs.items():
        for key in refs:
            if key.startswith("m:") and "p:" + key[2:] in mention_rows:
                mention_rows["p:" + key[2:]].add(slug)
    # Drafts of the affected cards only, from their contributors in a full build's order.
    people: dict[str, Draft] = {}
    texts: dict[str, Draft] = {}
    for slug, (article, ord) in ordered:
        for key, step, name, text in person_steps(article):
            if f"p:{key}" not in keys:
                continue
            if key not in people:
                people[key] = Draft(name, ord=draft_ord("person", ord, step))
            if text is None:
                people[key].listed_by.append(slug)
            elif text not in people[key].texts:
                people[key].texts.append(text)
        for step, text in enumerate(article.key_texts):
            key = text_key(text.title, canonical)
            if f"t:{key}" not in keys:
                continue
            if key not in texts:
                texts[key] = Draft(text.title, author=text.author, year=text.year, ord=draft_ord("text", ord, step))
            texts[key].listed_by.append(slug)
    old_cards = dict(
        (key, (slug, title))
        for key, slug, title in query(f"SELECT * FROM cardkeys WHERE key IN ({marks(sorted(keys))})", sorted(keys))
    )
    taken_check = "SELECT 1 FROM entries WHERE (slug = ? OR slug LIKE ? OR slug LIKE ?) LIMIT 1"
    card_slugs: dict[str, str] = {}
    new_slugs: set[str] = set()
    for key in keys:
        draft = people.get(key[2:]) if key.startswith("p:") else texts.get(key[2:])
        old = old_cards.get(key)
        if draft is None:
            if old is not None and old[0] != slugify(old[1]):
                raise Fallback("a card with a suffixed slug goes")
            if old is not None and query(taken_check, ("", f"{old[0]}-person%", f"{old[0]}-text%")):
                raise Fallback("a card whose slug others extend goes")
            continue
        if old is not None:
            if old[1] != draft.name and (key.startswith("p:") or slugify(old[1]) != slugify(draft.name)):
                raise Fallback("a card's name changes")
            card_slugs[key] = old[0]
            continue
        if key.startswith("p:"):
            raise Fallback("a new person card")
        base = slugify(draft.name)
        if base in new_slugs or base in new_entries or query(taken_check, (base, f"{base}-person%", f"{base}-text%")):
            raise Fallback("a new card's slug is taken")
        new_slugs.add(base)
        card_slugs[key] = base

    def person_slug(key: str) -> str | None:
        if f"o:{key}" in entry_people:
            return entry_people[f"o:{key}"]
        if f"p:{key}" in card_slugs:
            return card_slugs[f"p:{key}"]
        if f"p:{key}" in keys:  # an affected card that goes
            return None
        if key in person_cards:
            return person_cards[key][0]
        row = query(
            "SELECT r.slug FROM refs r JOIN entries e ON e.slug = r.slug WHERE r.key = ? ORDER BY e.ord LIMIT 1",
            (f"o:{key}",),
        )
        return row[0][0] if row else None

    titles = {slug: article.title for slug, (article, _) in feeding.items()}
    upserts: list[tuple[Article, str]] = []
    for slug, (article, ord) in new_entries.items():
        people_slugs = [person_slug(normalize_name(name)) for name in article.key_figures]
        text_slugs = []
        for text in article.key_texts:
            key = f"t:{text_key(text.title, canonical)}"
            text_slugs.append(card_slugs.get(key) or old_cards.get(key, ("",))[0] or text_card_slug(query, key))
        resolved = dataclasses.replace(
            article,
            people=tuple(dict.fromkeys(s for s in people_slugs if s and s != slug)),
            texts=tuple(dict.fromkeys(text_slugs)),
        )
        upserts.append((resolved, ord))
    aliases = alias_map(text_aliases)
    mentions_by = {key: [slug for slug, _ in ordered if slug in found] for key, found in mention_rows.items()}
    # Mentions may come from entries that feed no card of these keys' lists: read their order too.
    outside = sorted({slug for found in mention_rows.values() for slug in found} - feeding.keys())
    if outside:
        extra = query(f"SELECT slug, ord, title FROM entries WHERE slug IN ({marks(outside)})", outside)
        order = {slug: ord for slug, ord, _ in extra} | {slug: ord for slug, (_, ord) in feeding.items()}
        titles |= {slug: title for slug, _, title in extra}
        mentions_by = {key: sorted(found, key=order.__getitem__) for key, found in mention_rows.items()}
    cardkeys_added: list[tuple[str, str, str]] = []
    for key, draft in people.items():
        slug = card_slugs[f"p:{key}"]
        upserts.append((person_card(slug, draft, mentions_by.get(f"p:{key}", []), titles), draft.ord))
        cardkeys_added.append((f"p:{key}", slug, draft.name))
    for key, draft in texts.items():
        slug = card_slugs[f"t:{key}"]
        lookup = {k: s for k in map(normalize_name, authors_of(draft)) if (s := person_slug(k))}
        upserts.append((text_card(slug, draft, aliases.get(key, ()), lookup, titles), draft.ord))
        cardkeys_added.append((f"t:{key}", slug, draft.name))
    gone_keys = [key for key in keys if key in old_cards and key not in card_slugs]
    gone_cards = [old_cards[key][0] for key in gone_keys]
    for refs in new_refs.values():  # a full build finds mentions only of the cards it makes
        refs -= {f"m:{key[2:]}" for key in gone_keys}
    removed = [slug for slug in affected if slug in old_entries and slug not in new_entries] + gone_cards
    card_old = [slug for key, (slug, _) in old_cards.items()]
    old_articles = dict(old_entries)
    for slug, data, body in query(f"SELECT slug, data, body FROM entries WHERE slug IN ({marks(card_old)})", card_old):
        old_articles[slug] = Catalog.to_article(slug, data, body)
    return Plan(
        upserts=upserts,
        removed=removed,
        refs=new_refs,
        cardkeys_removed=sorted(old_cards),
        cardkeys_added=cardkeys_added,
        problem_paths=problem_paths,
        problems=problems,
        sources_removed=sorted(gone),
        sources=sources,
        old_articles=old_articles,
    )


def authors_of(draft: Draft) -> list[str]:
    from ideocli.articles import KeyText

    return authors(KeyText(draft.name, draft.author, 0))


def text_card_slug(query: Any, key: str) -> str:
    row = query("SELECT slug FROM cardkeys WHERE key = ?", (key,))
    return row[0][0] if row else ""


# --- applying ------------------------------------------------------------------------------


def apply_update(connection: sqlite3.Connection, plan: Plan) -> tuple[list[Article], list[str]]:
    """Write `plan` into the (copied) catalog of `connection` in one transaction; return the
    articles whose rows changed and the slugs removed, for the full-text index."""
    from ideocli.catalog import brief, front_matter

    connection.execute("BEGIN")
    written = {article.slug for article, _ in plan.upserts}
    slugs = sorted(written | set(plan.removed))
    old_claims = {
        key
        for (key,) in connection.execute(
            f"SELECT DISTINCT key FROM claims WHERE slug IN ({','.join('?' * len(slugs))})", slugs
        )
    }
    changed: list[Article] = []
    words: Counter[str] = Counter()
    for slug in slugs:
        old = plan.old_articles.get(slug)
        if old is not None:
            words.subtract(article_words(old))
    for table, column in (("entries", "slug"), ("briefs", "slug"), ("edges", "source"), ("claims", "slug")):
        connection.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(slug,) for slug in slugs])
    connection.executemany("DELETE FROM refs WHERE slug = ?", [(slug,) for slug in slugs])
    new_claims: set[str] = set()
    for article, ord in plan.upserts:
        data = front_matter(article)
        old = plan.old_articles.get(article.slug)
        if old is None or front_matter(old) != data or old.body != article.body:
            changed.append(article)
        words.update(article_words(article))
        connection.execute(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article.slug, article.title, article.kind, int(article.card), data, article.body, ord),
        )
        connection.execute(
            "INSERT INTO briefs VALUES (?, ?, ?, ?)", (article.slug, article.kind, int(article.card), brief(article))
        )
        connection.executemany(
            "INSERT OR IGNORE INTO edges VALUES (?, ?)",
            [(article.slug, target) for target in sorted(article.outgoing() - {article.slug})],
        )
        claims = name_claims(article)
        new_claims.update(key for key, _ in claims)
        connection.executemany(
            "INSERT OR IGNORE INTO claims VALUES (?, ?, ?, ?)",
            [(key, layer, ord, article.slug) for key, layer in claims],
        )
        connection.executemany(
            "INSERT OR IGNORE INTO refs VALUES (?, ?)", [(key, article.slug) for key in plan.refs.get(article.slug, ())]
        )
    for key in sorted(old_claims | new_claims):
        connection.execute("DELETE FROM names WHERE key = ?", (key,))
        rows = connection.execute("SELECT layer, slug FROM claims WHERE key = ? ORDER BY layer, ord", (key,)).fetchall()
        if rows:
            top = rows[0][0]
            winners = list(dict.fromkeys(slug for layer, slug in rows if layer == top))
            connection.executemany(
                "INSERT INTO names VALUES (?, ?, ?)", [(key, n, slug) for n, slug in enumerate(winners)]
            )
    for word, delta in words.items():
        if delta:
            connection.execute("INSERT OR IGNORE INTO words VALUES (?, 0)", (word,))
            connection.execute("UPDATE words SET count = count + ? WHERE word = ?", (delta, word))
    connection.execute("DELETE FROM words WHERE count <= 0")
    kept = {key for key, _, _ in plan.cardkeys_added}
    gone = [f"m:{key[2:]}" for key in plan.cardkeys_removed if key.startswith("p:") and key not in kept]
    connection.executemany("DELETE FROM refs WHERE key = ?", [(key,) for key in gone])
    connection.executemany("DELETE FROM cardkeys WHERE key = ?", [(key,) for key in plan.cardkeys_removed])
    connection.executemany("INSERT OR REPLACE INTO cardkeys VALUES (?, ?, ?)", plan.cardkeys_added)
    connection.executemany("DELETE FROM problems WHERE path = ?", [(path,) for path in plan.problem_paths])
    connection.executemany("INSERT INTO problems VALUES (?, ?, ?)", plan.problems)
    connection.executemany("DELETE FROM sources WHERE path = ?", [(path,) for path in plan.sources_removed])
    connection.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", plan.sources)
    connection.execute("COMMIT")
    return changed, sorted(set(plan.removed) - written)
