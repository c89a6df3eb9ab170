"""The domain facade the CLI calls: open the corpus through its index, look entries up.

Looking up, listing and walking relations use only the catalog written at index time, so
they never import YAML or Whoosh; searching imports Whoosh through `ideocli.search`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ideocli.articles import (
    DERIVED_RELATIONS,
    RELATIONS,
    Article,
    article_from_dict,
    normalize_name,
    split_sections,
    start_year,
)
from ideocli.errors import IndexProblem, NotFound
from ideocli.paths import Paths
from ideocli.sanitize import shorten
from ideocli.store import BuildReport, Generation, Progress, ensure_generation, read_json, read_lookup, read_problems

if TYPE_CHECKING:
    from ideocli.search import Filters, SearchResult

T = TypeVar("T")
MAX_SUGGESTIONS = 5
SUGGESTION_SPREAD = 0.15  # how much less similar than the best match a suggestion may be
DAMAGED = (OSError, ValueError)  # what reading a damaged generation's JSON files raises


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
        self.generation, self.build_report = ensure_generation(self.paths.corpus, self.paths.index, force=True)
        for name in ("lookup", "entries", "incoming"):  # cached_property values
            self.__dict__.pop(name, None)

    def still_damaged(self, exc: BaseException) -> IndexProblem:
        return IndexProblem(f"the index in {self.paths.index} is damaged even after a rebuild: {exc}")

    @cached_property
    def lookup(self) -> dict[str, Any]:
        """Names and titles of every entry: all a single lookup needs."""
        return self._read(lambda: read_lookup(self.generation))

    @property
    def names(self) -> dict[str, list[str]]:
        return self.lookup["names"]

    def titles(self) -> dict[str, str]:
        return self.lookup["titles"]

    @property
    def problems(self) -> list[str]:
        """The corpus files the last build had to skip, as `path:line: message`."""
        return [f"{path}:{line}: {message}" for path, line, message in read_problems(self.generation)]

    @cached_property
    def entries(self) -> dict[str, Article]:
        """All entries (without bodies), read on first use: a single lookup does not need them."""
        return self._read(self._read_catalog)

    def _read_catalog(self) -> dict[str, Article]:
        """Return the catalog's entries; raises OSError or ValueError when it is damaged."""
        titles = self.titles()  # first: should the lookup need a rebuild, the catalog is read from the new one
        articles = read_json(self.generation.catalog, "articles")["articles"]
        if not isinstance(articles, list):
            raise ValueError("catalog.json: the entry list is damaged")
        entries = {article.slug: article for article in map(article_from_dict, articles)}
        if entries.keys() != titles.keys():
            raise ValueError("catalog.json and lookup.json list different entries")
        return entries

    # --- lookups -------------------------------------------------------------------------

    def full(self, slug: str) -> Article:
        """Return the entry with its body."""
        return self._read(lambda: self._full(slug))

    def _full(self, slug: str) -> Article:
        """Return the entry with its body; raises OSError or ValueError when its file is damaged."""
        if slug not in self.titles():
            raise ValueError(f"no entry file for {slug!r}")
        article = article_from_dict(read_json(self.generation.entry(slug), "body"))
        if article.slug != slug:
            raise ValueError(f"entries/{slug}.json holds {article.slug!r}")
        return article

    def resolve(self, name: str) -> Article:
        """Return the entry a name means (slug, title or alias; case and punctuation ignored).

        Raises NotFound with suggestions when nothing matches, or when the name is ambiguous.
        """
        # One read: should the entry file be damaged, the name is looked up again in the rebuilt index.
        return self._read(lambda: self._resolve(name))

    def _resolve(self, name: str) -> Article:
        typed = name.strip().lower()
        if typed in self.titles():  # a slug always reaches its own entry, whoever else claims the name
            return self._full(typed)
        slugs = self.names.get(normalize_name(name), [])
        if len(slugs) == 1:
            return self._full(slugs[0])
        if len(slugs) > 1:
            titles = tuple(f"{self.titles()[s]} ({s})" for s in slugs)
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
        close = difflib.get_close_matches(wanted, list(self.names), n=MAX_SUGGESTIONS * 2, cutoff=0.6)
        if close:  # keep only names about as close as the best one: "trotskyzm" should not offer "patriotism"
            best = difflib.SequenceMatcher(None, wanted, close[0]).ratio()
            close = [
                key for key in close if difflib.SequenceMatcher(None, wanted, key).ratio() >= best - SUGGESTION_SPREAD
            ]
        titles: list[str] = []
        for key in close:
            for slug in self.names[key]:
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

    def listing(self, kind: str | None = None, family: str | None = None, subject: str | None = None) -> list[Article]:
        """Return entries filtered by kind, family and subject: by date when a subject is given, else by slug.

        Cards are listed only when a kind is asked for (`--kind text` lists nothing else).
        """
        found = [
            article
            for slug, article in sorted(self.entries.items())
            if (kind is None or article.kind == kind)
            and (kind is not None or not article.card)
            and (family is None or family.lower() in article.family)
            and (subject is None or article.subject == subject)
        ]
        if subject:
            found.sort(key=chronological)
        return found

    def see_also(self, article: Article) -> list[Article]:
        """Return the entries a reader of `article` should look at next, most related first."""
        order = [*article.related, *article.terms, *article.ideologies, *article.derived_from, *article.opposed_to]
        return [self.full(slug) for slug in dict.fromkeys(order) if slug in self.titles()]

    # --- relations -----------------------------------------------------------------------

    @cached_property
    def incoming(self) -> dict[str, list[str]]:
        """Slug -> sorted slugs of the entries that point at it, through relations or inline links."""
        found: dict[str, set[str]] = {}
        for article in self.entries.values():
            for target in article.outgoing() - {article.slug}:
                found.setdefault(target, set()).add(article.slug)
        return {slug: sorted(sources) for slug, sources in found.items()}

    def backlinks(self, slug: str) -> list[str]:
        """Return the slugs of entries that point at `slug`."""
        return self.incoming.get(slug, [])

    def related_tree(self, slug: str, depth: int) -> TreeNode:
        """Return the relations neighbourhood of `slug` down to `depth` levels."""
        seen: set[str] = set()

        def node(current: str, relation: str, level: int) -> TreeNode:
            article = self.entries[current]
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
                for relation_name, target in edges:
                    if target in self.entries:
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
        return self._read(lambda: search(self.generation.whoosh, query, limit=limit, filters=wanted), (DamagedIndex,))

    def did_you_mean(self, query: str) -> list[str]:
        """Return titles close to a query that found nothing (whole query, then each word)."""
        titles = self.suggest(query, use_search=False)
        for word in query.split():
            for title in self.suggest(word, use_search=False):
                if title not in titles:
                    titles.append(title)
        return titles[:MAX_SUGGESTIONS]


def chronological(article: Article) -> tuple[int, str, str]:
    """Return a sort key placing an entry by its year, then its full date, then its title."""
    year = start_year(article)
    return (year if year is not None else 10**6, article.date, article.title)


def open_library(paths: Paths, *, on_progress: Progress | None = None, force: bool = False) -> Library:
    """Return the library for `paths`, building or refreshing the index first when needed.

    Raises CorpusProblem or IndexProblem when neither the index nor the corpus can be used.
    """
    generation, report = ensure_generation(paths.corpus, paths.index, force=force, on_progress=on_progress)
    return Library(paths, generation, report)
