"""Search keeps only the top hits (plus the entries a query names); that must give exactly what
sorting every match by its ranking tier gives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from ideocli import search
from ideocli.articles import normalize_name
from ideocli.library import open_library
from ideocli.paths import resolve_paths
from tests.relevance.evaluate import load_queries

EXTRA_QUERIES = [
    "state",
    "revolution",
    "anarchism -marxism",
    "revol*",
    "figure:kropotkin",
    "text:manifesto OR figure:marx",
    "liberty NOT equality",
    "workers ANDMAYBE council",
    "kind:person",
    "class struggle between workers and capitalists",
]


def ranked_in_full(searcher: Any, parsed: Any, text: str, limit: int) -> tuple[list[str], int]:
    """The ranking as it was before top-N collection: score every match, then sort by tier."""
    wanted = normalize_name(text)
    wanted_words = f" {wanted} "

    def rank(hit: Any) -> tuple[int, float]:
        keys = hit["keys"]
        inside = [key for key in keys if f" {key} " in wanted_words]
        if wanted in keys:
            return search.OWN_NAME, -hit.score * (0.5 if "note" in hit else 1.0)
        if wanted in hit["refs"]:
            return search.NAMED_REFERENCE, -hit.score
        if any(" " in key for key in inside):
            return search.NAME_IN_QUERY, -hit.score
        return search.OTHER, -hit.score * (search.NAME_IN_QUERY_WEIGHT if inside else 1.0)

    results = searcher.search(parsed, limit=None)
    return [hit["slug"] for hit in sorted(results, key=rank)[:limit]], len(results)


@pytest.fixture
def whoosh_dir(shipped: Path) -> str:
    return open_library(resolve_paths(env=os.environ)).generation.whoosh


def test_top_hits_rank_as_scoring_every_match_does(whoosh_dir: str) -> None:
    queries = [item.query for item in load_queries()] + EXTRA_QUERIES
    ix = index.open_dir(whoosh_dir)
    with ix.searcher() as searcher:
        for text in queries:
            text = search.strip_question(text)
            parser = search.make_parser(ix.schema, any_word=not search.is_strict(text))
            parsed = search.parse_query(parser, text)
            expected_slugs, expected_total = ranked_in_full(searcher, parsed, text, 10)
            for limit in (1, 10):
                hits, total = search.top_hits(searcher, parsed, text, limit)
                assert ([hit["slug"] for hit in hits], total) == (expected_slugs[:limit], expected_total), (text, limit)
