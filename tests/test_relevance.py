"""The judged queries in tests/relevance/ are the contract for search: CI fails below the floors."""

from __future__ import annotations

import os
from pathlib import Path

from ideocli.library import open_library
from ideocli.paths import resolve_paths
from tests.relevance.evaluate import HIT3_FLOOR, MRR_FLOOR, by_category, load_queries, report, run_queries


def test_relevance_floors(shipped: Path) -> None:
    library = open_library(resolve_paths(env=os.environ))
    judged = load_queries()
    assert len(judged) >= 200
    assert len({item.category for item in judged}) >= 9
    outcomes = run_queries(library, judged)
    overall = by_category(outcomes)["ALL"]
    assert overall.hit3 >= HIT3_FLOOR and overall.mrr >= MRR_FLOOR, report(outcomes)


def test_every_judged_answer_exists(shipped: Path) -> None:
    slugs = set(open_library(resolve_paths(env=os.environ)).titles())  # entries and cards
    missing = {slug for item in load_queries() for slug in item.expected} - slugs
    assert not missing, f"judged answers with no entry: {sorted(missing)}"
