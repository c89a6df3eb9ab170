"""Views over many entries at once: compare, timeline, graph, lineage trees and a random pick.

Pure functions over the entries of a Library (the catalog written at index time, bodies not
needed): nothing here imports Click, Rich, Whoosh or YAML.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ideocli.articles import RELATIONS, Article, start_year
from ideocli.errors import BadUsage, NotFound

if TYPE_CHECKING:
    from ideocli.library import Library

# --- dates -----------------------------------------------------------------------------------

ERA_SPAN_RE = re.compile(r"^\s*(\d{3,4})\s*[-–]\s*(\d{3,4})\s*$")  # "1954-1962": an event's span
ONGOING_RE = re.compile(r"present\s*$", re.I)


def end_year(article: Article) -> int | None:
    """Return the year an entry's span ends (died, dissolved, or an era such as "1954-1962"), if known."""
    start = start_year(article)
    if article.kind == "person":
        return article.died
    if article.dissolved is not None:
        return article.dissolved
    match = ERA_SPAN_RE.match(article.era)
    if match and start is not None and int(match.group(1)) == start and int(match.group(2)) > start:
        return int(match.group(2))
    return None


def is_ongoing(article: Article) -> bool:
    """True for a living person, and for an entry whose era runs to the present."""
    if article.kind == "person":
        return article.died is None
    return article.dissolved is None and bool(ONGOING_RE.search(article.era))


def families_of(article: Article, entries: Mapping[str, Article]) -> tuple[str, ...]:
    """Return an entry's families; a term without any counts under those of the ideologies it lists."""
    if article.family:
        return article.family
    inherited = [family for slug in article.ideologies if slug in entries for family in entries[slug].family]
    return tuple(dict.fromkeys(inherited))


def entries_of(library: Library) -> dict[str, Article]:
    """Return the written entries (cards left out), by slug."""
    return {slug: article for slug, article in library.entries.items() if not article.card}


def matches(article: Article, entries: Mapping[str, Article], kind: str | None, family: str | None) -> bool:
    return (kind is None or article.kind == kind) and (
        family is None or family.lower() in families_of(article, entries)
    )


# --- timeline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    year: int
    slug: str
    title: str
    kind: str
    families: tuple[str, ...]
    end: int | None = None  # died, dissolved, or the end of an event
    ongoing: bool = False  # runs to the present: a living person, an era "...-present"
    date: str = ""  # an event's or document's exact date, as written ("1871-03-18")


@dataclass(frozen=True)
class Timeline:
    groups: tuple[tuple[str, tuple[TimelineEntry, ...]], ...]  # (family, entries by year), earliest group first
    first: int  # the axis: the earliest start ...
    last: int  # ... and the latest start or end

    @property
    def entries(self) -> list[TimelineEntry]:
        """Every entry once, by year then slug."""
        unique = {entry.slug: entry for _, group in self.groups for entry in group}
        return sorted(unique.values(), key=lambda entry: (entry.year, entry.slug))


def timeline(
    library: Library,
    *,
    family: str | None = None,
    kind: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> Timeline:
    """Return the dated entries (cards left out) grouped by family, each group in order of years.

    An entry sits in the group of its first family (terms: of the ideologies they list), or in the
    group of --family when one is asked for. Raises BadUsage when since > until, NotFound when
    nothing is dated within the filters.
    """
    if since is not None and until is not None and since > until:
        raise BadUsage(f"--since {since} is after --until {until}")
    entries = entries_of(library)
    placed: list[TimelineEntry] = []
    for article in entries.values():
        year = start_year(article)
        if year is None or not matches(article, entries, kind, family):
            continue
        if (since is not None and year < since) or (until is not None and year > until):
            continue
        families = families_of(article, entries)
        placed.append(
            TimelineEntry(
                year,
                article.slug,
                article.title,
                article.kind,
                families,
                end_year(article),
                is_ongoing(article),
                article.date,
            )
        )
    if not placed:
        raise NotFound("no dated entries match those filters")
    groups: dict[str, list[TimelineEntry]] = {}
    for entry in sorted(placed, key=lambda entry: (entry.year, entry.slug)):
        name = family.lower() if family else (entry.families[0] if entry.families else f"other {entry.kind}s")
        groups.setdefault(name, []).append(entry)
    ordered = sorted(groups.items(), key=lambda item: (item[1][0].year, item[0]))
    years = [entry.year for entry in placed] + [entry.end for entry in placed if entry.end is not None]
    return Timeline(tuple((name, tuple(group)) for name, group in ordered), min(years), max(years))


# --- compare ---------------------------------------------------------------------------------

# The lists compared entry by entry, in display order; OWN are those shown as "only in".
COMPARED = ("family", "derived_from", "related", "opposed_to", "terms", "people")
OWN = ("derived_from", "related", "opposed_to", "terms")
MAX_COMPARED = 5


@dataclass(frozen=True)
class Link:
    """One entry names another: `source` lists `target` under `relation` ("mentions": a body link)."""

    source: str
    target: str
    relation: str


@dataclass(frozen=True)
class Ancestor:
    """A tradition both entries of a pair grew out of, with the derived_from path from each."""

    slug: str
    paths: tuple[tuple[str, ...], tuple[str, ...]]  # each path starts at the compared entry


@dataclass(frozen=True)
class Pair:
    """How two compared entries relate."""

    first: str
    second: str
    links: tuple[Link, ...]  # direct: either names the other
    descent: tuple[str, ...]  # derived_from path from the descendant to the other (), if one descends
    ancestors: tuple[Ancestor, ...]  # nearest shared ancestors, when neither descends from the other
    shared: dict[str, tuple[str, ...]]  # COMPARED list -> what both have
    crossed: tuple[tuple[str, str, str], ...] = ()  # (slug, first's relation, second's) named by both, differently


@dataclass(frozen=True)
class Comparison:
    entries: tuple[Article, ...]
    pairs: tuple[Pair, ...]
    only: dict[str, dict[str, tuple[str, ...]]]  # slug -> COMPARED list -> what no other compared entry has
    titles: dict[str, str] = field(default_factory=dict)  # every slug named above -> its title


def ancestry(slug: str, entries: Mapping[str, Article]) -> dict[str, tuple[str, ...]]:
    """Return every tradition `slug` descends from (itself included) -> the shortest derived_from path to it."""
    paths = {slug: (slug,)}
    queue = deque([slug])
    while queue:
        current = queue.popleft()
        article = entries.get(current)
        for parent in article.derived_from if article else ():
            if parent not in paths and parent in entries:
                paths[parent] = (*paths[current], parent)
                queue.append(parent)
    return paths


def compare(library: Library, articles: Sequence[Article]) -> Comparison:
    """Return what sets the entries apart and what joins them.

    Raises BadUsage for fewer than two different entries or more than MAX_COMPARED.
    """
    unique = list({article.slug: article for article in articles}.values())
    if len(unique) < 2:
        raise BadUsage("compare needs at least two different entries")
    if len(unique) > MAX_COMPARED:
        raise BadUsage(f"compare takes at most {MAX_COMPARED} entries at a time")
    entries = library.entries
    compared = {article.slug for article in unique}
    pairs = [
        compare_pair(first, second, entries) for number, first in enumerate(unique) for second in unique[number + 1 :]
    ]
    only: dict[str, dict[str, tuple[str, ...]]] = {}
    for article in unique:
        own: dict[str, tuple[str, ...]] = {}
        others = {item for other in unique if other is not article for name in OWN for item in getattr(other, name)}
        for name in OWN:
            items = tuple(item for item in getattr(article, name) if item not in others and item not in compared)
            if items:
                own[name] = items
        only[article.slug] = own
    titles = library.titles()
    named = {slug for pair in pairs for slug in pair_slugs(pair)} | {
        item for own in only.values() for name, items in own.items() if name != "family" for item in items
    }
    return Comparison(
        tuple(unique),
        tuple(pairs),
        only,
        {slug: titles.get(slug, slug) for slug in sorted(named | compared)},
    )


def compare_pair(first: Article, second: Article, entries: Mapping[str, Article]) -> Pair:
    links = []
    for source, target in ((first, second), (second, first)):
        named = False
        for relation in RELATIONS:
            if target.slug in getattr(source, relation):
                links.append(Link(source.slug, target.slug, relation))
                named = True
        if not named and target.slug in source.links:
            links.append(Link(source.slug, target.slug, "mentions"))
    up_first, up_second = ancestry(first.slug, entries), ancestry(second.slug, entries)
    descent: tuple[str, ...] = ()
    ancestors: list[Ancestor] = []
    if second.slug in up_first:
        descent = up_first[second.slug]
    elif first.slug in up_second:
        descent = up_second[first.slug]
    else:
        common = set(up_first) & set(up_second)
        # The nearest: those that are not themselves an ancestor of another shared ancestor.
        nearest = [slug for slug in common if not any(slug in ancestry(other, entries) for other in common - {slug})]
        nearest.sort(key=lambda slug: (len(up_first[slug]) + len(up_second[slug]), slug))
        ancestors = [Ancestor(slug, (up_first[slug], up_second[slug])) for slug in nearest]
    shared = {}
    for name in COMPARED:
        theirs = set(getattr(second, name))
        both = tuple(item for item in getattr(first, name) if item in theirs)
        if both:
            shared[name] = both
    crossed = []
    theirs_by_item = {item: name for name in reversed(OWN) for item in getattr(second, name)}
    for name in OWN:
        for item in getattr(first, name):
            other = theirs_by_item.get(item)
            if other and other != name and item not in (first.slug, second.slug):
                crossed.append((item, name, other))
    return Pair(first.slug, second.slug, tuple(links), descent, tuple(ancestors), shared, tuple(crossed))


def pair_slugs(pair: Pair) -> Iterable[str]:
    yield from pair.descent
    for ancestor in pair.ancestors:
        for path in ancestor.paths:
            yield from path
    for name, items in pair.shared.items():
        if name != "family":
            yield from items
    for item, _, _ in pair.crossed:
        yield item


# --- graph -----------------------------------------------------------------------------------

GRAPH_RELATIONS = (*RELATIONS, "people")


@dataclass(frozen=True)
class GraphNode:
    slug: str
    title: str
    kind: str
    family: tuple[str, ...] = ()
    card: bool = False


@dataclass(frozen=True)
class GraphEdge:
    """`source` names `target` under `relation`; `mutual` when the target names the source back the same way
    (for terms: when the term lists the ideology among its ideologies)."""

    source: str
    target: str
    relation: str
    mutual: bool = False


@dataclass(frozen=True)
class Graph:
    root: str | None  # None: the whole corpus
    depth: int | None
    relations: tuple[str, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


SYMMETRIC = {"related", "opposed_to"}


def parse_relations(text: str | None, default: Sequence[str] = RELATIONS) -> tuple[str, ...]:
    """Return relation names from "derived_from,opposed-to" (hyphens and spaces allowed; "all").

    Raises BadUsage for a name that is not a relation.
    """
    if not text:
        return tuple(default)
    wanted: list[str] = []
    for part in text.split(","):
        name = re.sub(r"[\s-]+", "_", part.strip().lower())
        if not name:
            continue
        if name == "all":
            wanted.extend(GRAPH_RELATIONS)
        elif name in GRAPH_RELATIONS:
            wanted.append(name)
        else:
            raise BadUsage(f"unknown relation {part.strip()!r}; use {', '.join(GRAPH_RELATIONS)} or all")
    if not wanted:
        raise BadUsage(f"--relation needs one of {', '.join(GRAPH_RELATIONS)}")
    return tuple(dict.fromkeys(wanted))


def graph(library: Library, root: str | None, *, depth: int = 1, relations: Sequence[str] = RELATIONS) -> Graph:
    """Return the cross-reference graph: the whole corpus, or the entries within `depth` steps of `root`.

    Steps follow the chosen relations either way. Cards (people and texts without an entry of
    their own) appear only as targets of `people`; edges between the chosen nodes are all kept.
    """
    entries = library.entries
    raw = [
        (article.slug, target, relation)
        for article in entries.values()
        if not article.card
        for relation in relations
        for target in getattr(article, relation)
        if target in entries and target != article.slug
    ]
    if root is None:
        chosen = {slug for slug, article in entries.items() if not article.card}
        chosen |= {target for _, target, _ in raw}
    else:
        neighbours: dict[str, set[str]] = {}
        for source, target, _ in raw:
            neighbours.setdefault(source, set()).add(target)
            neighbours.setdefault(target, set()).add(source)
        chosen = {root}
        frontier = {root}
        for _ in range(depth):
            frontier = {n for slug in frontier for n in neighbours.get(slug, ())} - chosen
            chosen |= frontier
    declared = {(source, target, relation) for source, target, relation in raw}
    edges = []
    for source, target, relation in sorted(set(raw)):
        if source not in chosen or target not in chosen:
            continue
        if relation == "ideologies" and (target, source, "terms") in declared:
            continue  # the same tie as the ideology's "terms" edge, drawn once as that
        if relation == "terms":
            mutual = (target, source, "ideologies") in declared
        else:
            mutual = relation in SYMMETRIC and (target, source, relation) in declared
            if mutual and target < source:
                continue  # drawn once, from the other end
        edges.append(GraphEdge(source, target, relation, mutual))
    nodes = [
        GraphNode(slug, entries[slug].title, entries[slug].kind, entries[slug].family, entries[slug].card)
        for slug in sorted(chosen)
    ]
    return Graph(root, depth if root else None, tuple(relations), tuple(nodes), tuple(edges))


@dataclass(frozen=True)
class Branch:
    """One entry in a lineage tree; `relation` says how it names its parent ("" at a root)."""

    slug: str
    title: str
    kind: str
    relation: str
    children: tuple[Branch, ...] = ()
    repeated: bool = False  # shown higher up already, so not expanded again


@dataclass(frozen=True)
class Lineage:
    roots: tuple[Branch, ...]
    relations: tuple[str, ...]


def lineage(
    library: Library, root: str | None, *, depth: int | None = None, relations: Sequence[str] = ("derived_from",)
) -> Lineage:
    """Return what grew out of `root`: the entries that name it (by default in derived_from), then theirs.

    Without a root, one tree per tradition that derives from nothing but has descendants. Cards
    are left out; an entry met twice is shown again but not expanded.
    """
    entries = library.entries
    children: dict[str, list[tuple[str, str]]] = {}
    for article in sorted(entries.values(), key=lambda article: (article.title.casefold(), article.slug)):
        if article.card:
            continue
        for relation in relations:
            for parent in getattr(article, relation):
                if parent in entries and parent != article.slug:
                    children.setdefault(parent, []).append((article.slug, relation))
    seen: set[str] = set()

    def branch(slug: str, relation: str, level: int) -> Branch:
        article = entries[slug]
        if slug in seen:
            return Branch(slug, article.title, article.kind, relation, repeated=bool(children.get(slug)))
        seen.add(slug)
        kids: tuple[Branch, ...] = ()
        if depth is None or level < depth:
            kids = tuple(branch(child, how, level + 1) for child, how in children.get(slug, ()))
        return Branch(slug, article.title, article.kind, relation, kids)

    if root is not None:
        return Lineage((branch(root, "", 0),), tuple(relations))
    tops = [
        article.slug
        for article in sorted(entries.values(), key=lambda article: (article.title.casefold(), article.slug))
        if not article.card
        and article.slug in children
        and not any(parent in entries for relation in relations for parent in getattr(article, relation))
    ]
    return Lineage(tuple(branch(slug, "", 0) for slug in tops), tuple(relations))


# --- random ----------------------------------------------------------------------------------


def pick(library: Library, *, kind: str | None = None, family: str | None = None, seed: str | None = None) -> Article:
    """Return one written entry at random (with its body); the same seed always gives the same entry
    for the same corpus. Raises NotFound when no entry passes the filters."""
    import random

    entries = entries_of(library)
    candidates = sorted(slug for slug, article in entries.items() if matches(article, entries, kind, family))
    if not candidates:
        raise NotFound("no entries match those filters")
    if seed is None:
        chooser = random.Random()
    else:
        chooser = random.Random(int(seed) if seed.lstrip("-").isdigit() else seed)
    return library.full(chooser.choice(candidates))


YEAR_RE = re.compile(r"^\s*(-?\d{1,4})\s*(BCE|BC|CE|AD)?\s*$", re.I)


def parse_year(text: str) -> int:
    """Return a year from "1917", "-356", "356 BCE" or "356BC" (BCE years are negative).

    Raises ValueError for anything else.
    """
    match = YEAR_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a year (examples: 1917, -356, 356BCE)")
    value = int(match.group(1))
    era = (match.group(2) or "").upper()
    if era in ("BCE", "BC"):
        if value <= 0:
            raise ValueError(f"{text!r}: write a BCE year without a minus sign")
        return -value
    return value
