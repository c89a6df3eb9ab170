"""Score `ideo search` against the judged queries in queries.tsv: hit@1, hit@3 and MRR per category."""

from __future__ import annotations

import os
from collections import defaultdict
from typing import NamedTuple

from ideocli.errors import IdeoError
from ideocli.library import Library

QUERIES = os.path.join(os.path.dirname(__file__), "queries.tsv")
HIT3_FLOOR = 0.95
MRR_FLOOR = 0.90


class Judged(NamedTuple):
    category: str
    query: str
    expected: frozenset[str]


class Outcome(NamedTuple):
    judged: Judged
    rank: int | None  # 1-based rank of the first acceptable entry, None when not in the top 10
    top: tuple[str, ...]


class Score(NamedTuple):
    queries: int
    hit1: float
    hit3: float
    mrr: float


def load_queries(path: str = QUERIES) -> list[Judged]:
    """Return the judged queries (comment lines and the header skipped)."""
    judged = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip() or line.startswith("category\t"):
                continue
            category, query, expected = line.rstrip("\n").split("\t")
            judged.append(Judged(category, query, frozenset(expected.split("|"))))
    return judged


def run_queries(library: Library, judged: list[Judged]) -> list[Outcome]:
    """Return where each query's first acceptable answer ranks (a failed search ranks nowhere)."""
    outcomes = []
    for item in judged:
        try:
            top = tuple(hit.slug for hit in library.search(item.query, limit=10).hits)
        except IdeoError:
            top = ()
        rank = next((number for number, slug in enumerate(top, start=1) if slug in item.expected), None)
        outcomes.append(Outcome(item, rank, top))
    return outcomes


def score(outcomes: list[Outcome]) -> Score:
    count = len(outcomes) or 1
    return Score(
        len(outcomes),
        sum(o.rank == 1 for o in outcomes) / count,
        sum(o.rank is not None and o.rank <= 3 for o in outcomes) / count,
        sum(1 / o.rank for o in outcomes if o.rank) / count,
    )


def by_category(outcomes: list[Outcome]) -> dict[str, Score]:
    """Return the score of each category, then of all queries under "ALL"."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.judged.category].append(outcome)
    return {**{name: score(group) for name, group in groups.items()}, "ALL": score(outcomes)}


def report(outcomes: list[Outcome]) -> str:
    """Return the per-category table and the queries that missed the top 3."""
    lines = [f"{'category':<12}{'queries':>8}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}"]
    for name, result in by_category(outcomes).items():
        lines.append(f"{name:<12}{result.queries:>8}{result.hit1:>8.3f}{result.hit3:>8.3f}{result.mrr:>8.3f}")
    misses = [o for o in outcomes if o.rank is None or o.rank > 1]
    if misses:
        lines.append("\nnot first (rank, query, expected, top 3):")
        for o in misses:
            lines.append(
                f"  {o.rank or '-'}\t{o.judged.query}\t{'|'.join(sorted(o.judged.expected))}\t{' '.join(o.top[:3])}"
            )
    return "\n".join(lines)
