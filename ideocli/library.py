"""The domain facade the CLI calls: open the corpus through its index, look entries up.

Looking up, listing and walking relations use only the catalog written at index time (one
SQLite file per generation, see `ideocli.catalog`), so they never import YAML or Whoosh and
cost a few indexed queries whatever the size of the corpus; searching imports Whoosh through
`ideocli.search`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from ideocli.articles import (
    DERIVED_RELATIONS,
    QUERY_OPERATORS,
    RELATIONS,
    Article,
    normalize_name,
    split_sections,
    start_year,
)
from ideocli.catalog import Catalog
from ideocli.errors import IndexProblem, NotFound
from ideocli.paths import Paths
from ideocli.sanitize import shorten
from ideocli.store import BuildReport, Generation, Progress, ensure_generation

if TYPE_CHECKING:
    from ideocli.search import Filters, SearchResult

T = TypeVar("T")
MAX_SUGGESTIONS = 5
SUGGESTION_SPREAD = 0.15  # how much less similar than the best match a suggestion may be
DAMAGED = (OSError, ValueError, sqlite3.Error)  # what reading a damaged generation's catalog raises
SUGGESTION_CANDIDATES = 40  # names most like the one typed (rapidfuzz), compared closely by difflib


class TreeNode(NamedTuple):
    """One entry in a relations tree; `relation` says how its parent reaches it."""

    slug: str
    title: str
    kind: str
    relation: str  # "" for the root, a RELATIONS name, or "linked_from" for back-links
    children: tuple[TreeNode, ...] = ()
    repeated: bool = False  # already shown higher up, so not expanded again


class Library:
    """An opened corpus: the entries of one index generation."""

    def __init__(self, paths: Paths, generation: Generation, report: BuildReport | None) -> None:
        self.paths = paths
        self.generation = generation
        self.build_report = report
        self.rebuilt = False
        self.refreshed = False

    def _read(self, reader: Callable[[], T], errors: tuple[type[BaseException], ...] = DAMAGED) -> T:
        """Return reader()'s result; a damaged generation is rebuilt once, then reported.

        Raises IndexProblem when `reader` still fails with one of `errors` after the rebuild.
        """
        try:
            return reader()
        except errors as exc:
            if self.rebuilt:
                raise self.still_damaged(exc) from None
        self.rebuild()
        try:
            return reader()
        except errors as exc:
            raise self.still_damaged(exc) from None

    def rebuild(self) -> None:
        """Replace a damaged generation with a fresh one, forgetting all that was read from the old one."""
        self.rebuilt = True
        old = self.__dict__.pop("catalog", None)
        if old is not None:
            old.close()
        self.generation, self.build_report = ensure_generation(self.paths.corpus, self.paths.index, force=True)
        for name in ("entries",):  # cached_property values
            self.__dict__.pop(name, None)

    def still_damaged(self, exc: BaseException) -> IndexProblem:
        return IndexProblem(f"the index in {self.paths.index} is damaged even after a rebuild: {exc}")

    @cached_property
    def catalog(self) -> Catalog:
        """The generation's catalog, opened on first use; raises ValueError or sqlite3.Error when damaged."""
        return Catalog(self.generation.catalog)

    @property
    def names(self) -> Mapping[str, list[str]]:
        """Normalized name -> slugs, read one name at a time."""
        return NameMap(self)

    def titles(self) -> Mapping[str, str]:
        """Slug -> title of every entry and card, read one slug at a time."""
        return TitleMap(self)

    @property
    def problems(self) -> list[str]:
        """The corpus files the last build had to skip, as `path:line: message`."""
        try:
            rows = self.catalog.problems()
        except DAMAGED:  # the warnings are a courtesy: a damaged table is not worth a rebuild
            return []
        return [f"{path}:{line}: {message}" for path, line, message in rows]

    @cached_property
    def entries(self) -> dict[str, Article]:
        """All entries (without bodies), read on first use: a single lookup does not need them."""
        return self._read(lambda: {article.slug: article for article in self.catalog.articles()})

    # --- lookups -------------------------------------------------------------------------

    def full(self, slug: str) -> Article:
        """Return the entry with its body."""
        return self._read(lambda: self._full(slug))

    def _full(self, slug: str) -> Article:
        """Return the entry with its body; raises ValueError or sqlite3.Error when its row is damaged."""
        article = self.catalog.article(slug)
        if article is None:
            raise ValueError(f"no entry row for {slug!r}")
        return article

    def resolve(self, name: str) -> Article:
        """Return the entry a name means (slug, title or alias; case and punctuation ignored).

        Raises NotFound with suggestions when nothing matches, or when the name is ambiguous.
        """
        # One read: should the entry row be damaged, the name is looked up again in the rebuilt index.
        article = self._read(lambda: self._resolve(name))
        if not self.refreshed and self.edited(article):
            self.refresh()
            article = self._read(lambda: self._resolve(name))
        return article

    def edited(self, article: Article) -> bool:
        """True when the file of `article` changed since the build (an edit in place, which leaves
        the directories' mtimes alone and so escapes the quick staleness check)."""
        from ideocli.store import source_state

        if article.card or not article.path:
            return False
        path = os.path.join(self.paths.corpus, article.path)  # a user entry's path is absolute
        try:
            recorded = self.catalog.source_state(os.path.relpath(path, self.paths.corpus))
        except DAMAGED:
            return False
        return recorded != source_state(path)

    def refresh(self) -> None:
        """Bring the index up to date with the corpus (a full staleness sweep), forgetting what was read."""
        self.refreshed = True
        old = self.__dict__.pop("catalog", None)
        if old is not None:
            old.close()
        self.__dict__.pop("entries", None)
        generation, report = ensure_generation(self.paths.corpus, self.paths.index)
        self.generation, self.build_report = generation, report or self.build_report

    def _resolve(self, name: str) -> Article:
        typed = name.strip().lower()
        article = self.catalog.article(typed)  # a slug always reaches its own entry, whoever else claims the name
        if article is not None:
            return article
        slugs = self.catalog.slugs_named(normalize_name(name))
        if len(slugs) == 1:
            return self._full(slugs[0])
        if len(slugs) > 1:
            titles = tuple(f"{self.catalog.title(s)} ({s})" for s in slugs)
            raise NotFound(
                f'"{shorten(name)}" names more than one entry; give the slug of the one you mean',
                hints=titles,
                hints_label="candidates",
            )
        raise NotFound(f'no entry "{shorten(name)}"', hints=tuple(self.suggest(name)))

    def suggest(self, name: str, *, use_search: bool = True) -> list[str]:
        """Return up to five entry titles close to `name`: close names first, then search hits."""
        import difflib

        wanted = normalize_name(name)
        # rapidfuzz narrows 100,000 names to a few dozen in C; difflib ranks those as it always has.
        candidates = self._read(lambda: self.catalog.close_names(wanted, SUGGESTION_CANDIDATES)) if wanted else []
        close = difflib.get_close_matches(wanted, candidates, n=MAX_SUGGESTIONS * 2, cutoff=0.6)
        if close:  # keep only names about as close as the best one: "trotskyzm" should not offer "patriotism"
            best = difflib.SequenceMatcher(None, wanted, close[0]).ratio()
            close = [
                key for key in close if difflib.SequenceMatcher(None, wanted, key).ratio() >= best - SUGGESTION_SPREAD
            ]
        titles: list[str] = []
        for key in close:
            for slug in self._read(lambda key=key: self.catalog.slugs_named(key)):
                title = self.titles()[slug]
                if title not in titles:
                    titles.append(title)
        if use_search and len(titles) < MAX_SUGGESTIONS and wanted:
            try:
                result = self.search(wanted, limit=MAX_SUGGESTIONS)
            except Exception:  # suggestions are a courtesy; a failed search must not mask "not found"
                result = None
            for hit in result.hits if result else ():
                if hit.title not in titles:
                    titles.append(hit.title)
        return titles[:MAX_SUGGESTIONS]

    def section(self, article: Article, wanted: str) -> tuple[str, str]:
        """Return (heading, text) of one body section, matched case-insensitively.

        Raises NotFound listing the sections there are.
        """
        sections = split_sections(article.body)
        for heading, text in sections:
            if heading and normalize_name(heading) == normalize_name(wanted):
                return heading, text
        names = ", ".join(heading for heading, _ in sections if heading) or "none"
        raise NotFound(f'{article.title} has no section "{shorten(wanted)}" (sections: {names})')

    def listing(
        self, kind: str | None = None, family: str | None = None, subject: str | None = None
    ) -> Iterator[Article]:
        """Yield entries filtered by kind, family and subject: by date when a subject is given, else
        by slug, read as they are yielded so that `ideo list | head -1` reads one row.

        The entries carry only what a listing shows (catalog.BRIEF_FIELDS); use full() for the rest.

        Cards are listed only when a kind is asked for (`--kind text` lists nothing else).
        """
        where, parameters = ("kind = ?", [kind]) if kind is not None else ("card = 0", [])
        found = (
            article
            for article in self.streamed(lambda: self.catalog.briefs(where, parameters))
            if (family is None or family.lower() in article.family) and (subject is None or article.subject == subject)
        )
        return iter(sorted(found, key=chronological)) if subject else found

    def streamed(self, rows: Callable[[], Iterator[T]]) -> Iterator[T]:
        """Yield what `rows()` yields. A damaged generation is rebuilt once if the first row fails;
        a failure after that (part of the output may be written) raises IndexProblem."""

        def start() -> tuple[Iterator[T], T | None]:
            iterator = iter(rows())
            return iterator, next(iterator, None)

        iterator, first = self._read(start)
        if first is None:
            return
        yield first
        try:
            yield from iterator
        except DAMAGED as exc:
            raise IndexProblem(f"the index in {self.paths.index} is damaged: {exc}; run `ideo index`") from None

    def see_also(self, article: Article) -> list[Article]:
        """Return the entries a reader of `article` should look at next, most related first."""
        order = [*article.related, *article.terms, *article.ideologies, *article.derived_from, *article.opposed_to]
        titles = self.titles()
        return [self.full(slug) for slug in dict.fromkeys(order) if slug in titles]

    # --- relations -----------------------------------------------------------------------

    def backlinks(self, slug: str) -> list[str]:
        """Return the sorted slugs of entries that point at `slug`, through relations or inline links."""
        return self._read(lambda: self.catalog.backlinks(slug))

    def summary_of(self, slug: str) -> Article | None:
        """Return one entry without its body, or None when there is none."""
        return self._read(lambda: self.catalog.article(slug, with_body=False))

    def related_tree(self, slug: str, depth: int) -> TreeNode:
        """Return the relations neighbourhood of `slug` down to `depth` levels."""
        seen: set[str] = set()
        known: dict[str, Article | None] = {}

        def entry(current: str) -> Article | None:
            if current not in known:
                known[current] = self.summary_of(current)
            return known[current]

        def node(current: str, relation: str, level: int) -> TreeNode:
            article = entry(current)
            assert article is not None
            if current in seen:
                return TreeNode(current, article.title, article.kind, relation, repeated=level < depth)
            seen.add(current)
            children: list[TreeNode] = []
            if level < depth:
                edges: list[tuple[str, str]] = [
                    (relation_name, target)
                    for relation_name in (*RELATIONS, *DERIVED_RELATIONS)
                    for target in getattr(article, relation_name)
                ]
                edges += [
                    ("linked_from", source) for source in self.backlinks(current) if source not in article.outgoing()
                ]
                if level + 1 == depth:  # leaves need only a title and kind: one query for them all
                    leaves = self._read(lambda: self.catalog.titles_and_kinds([target for _, target in edges]))
                    for relation_name, target in edges:
                        if target in leaves:
                            seen.add(target)
                            children.append(TreeNode(target, *leaves[target], relation_name))
                else:
                    for relation_name, target in edges:
                        if entry(target) is not None:
                            children.append(node(target, relation_name, level + 1))
            return TreeNode(current, article.title, article.kind, relation, tuple(children))

        return node(slug, "", 0)

    # --- search --------------------------------------------------------------------------

    def search(self, query: str, *, limit: int, filters: Filters | None = None) -> SearchResult:
        """Search the full-text index; a damaged index is rebuilt once, then reported.

        Raises BadUsage for unusable queries and IndexProblem when the index stays broken.
        """
        from ideocli.search import DamagedIndex, Filters, search

        wanted = filters or Filters()

        def run() -> SearchResult:
            catalog = self.catalog
            return search(self.generation.whoosh, query, limit=limit, filters=wanted, bodies=catalog.bodies)

        result = self._read(run, (DamagedIndex, *DAMAGED))
        if not self.refreshed and any(self.edited(article) for article in self.shown(result)):
            self.refresh()
            result = self._read(run, (DamagedIndex, *DAMAGED))
        return result

    def shown(self, result: SearchResult) -> Iterator[Article]:
        """Yield the written entries among the hits (cards have no file of their own)."""
        for hit in result.hits:
            article = self._read(lambda slug=hit.slug: self.catalog.article(slug, with_body=False))
            if article is not None:
                yield article

    def did_you_mean(self, query: str) -> list[str]:
        """Return titles close to a query that found nothing (whole query, then each word but the
        operators and words of one or two letters)."""
        titles = self.suggest(query, use_search=False)
        for word in query.split():
            if word in QUERY_OPERATORS or len(word.strip("\"'()+-*")) < 3:
                continue
            for title in self.suggest(word, use_search=False):
                if title not in titles:
                    titles.append(title)
        return titles[:MAX_SUGGESTIONS]


class NameMap(Mapping[str, list[str]]):
    """The name table of a Library's catalog, read one key at a time (iterating reads it all)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def __getitem__(self, key: str) -> list[str]:
        slugs = self.library._read(lambda: self.library.catalog.slugs_named(key))
        if not slugs:
            raise KeyError(key)
        return slugs

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.library._read(lambda: self.library.catalog.has_name(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.library._read(self.library.catalog.name_keys))

    def __len__(self) -> int:
        return len(self.library._read(self.library.catalog.name_keys))


class TitleMap(Mapping[str, str]):
    """The titles of a Library's entries and cards, read one slug at a time (iterating reads them all)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def __getitem__(self, slug: str) -> str:
        title = self.library._read(lambda: self.library.catalog.title(slug)) if isinstance(slug, str) else None
        if title is None:
            raise KeyError(slug)
        return title

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self.library._read(lambda: self.library.catalog.title(slug)) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.library._read(self.library.catalog.titles))

    def __len__(self) -> int:
        return self.library._read(self.library.catalog.count)


def chronological(article: Article) -> tuple[int, str, str]:
    """Return a sort key placing an entry by its year, then its full date, then its title."""
    year = start_year(article)
    return (year if year is not None else 10**6, article.date, article.title)


def open_library(
    paths: Paths, *, on_progress: Progress | None = None, force: bool = False, sweep: bool = True
) -> Library:
    """Return the library for `paths`, building or refreshing the index first when needed.

    `sweep=False` (for commands that read a few named entries) skips stat-ing every corpus file:
    see store.fresh_generation and Library.resolve for which edits are still seen.

    Raises CorpusProblem or IndexProblem when neither the index nor the corpus can be used.
    """
    generation, report = ensure_generation(paths.corpus, paths.index, force=force, on_progress=on_progress, sweep=sweep)
    return Library(paths, generation, report)
