"""corpus/COVERAGE.md, the ledger of candidate labels: every covered label resolves to its entry."""

from __future__ import annotations

import os
from pathlib import Path

from ideocli.articles import normalize_name
from ideocli.library import open_library
from ideocli.paths import resolve_paths

LEDGER = Path(__file__).parent.parent / "corpus" / "COVERAGE.md"
STATUSES = {"entry", "alias", "excluded", "planned"}


def ledger_rows() -> list[list[str]]:
    """Return the ledger's table rows as lists of cells (header and rule rows left out)."""
    rows = []
    for line in LEDGER.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3 and cells[1] in STATUSES:
            rows.append(cells)
    return rows


def test_the_ledger_is_large_and_well_formed() -> None:
    rows = ledger_rows()
    assert len(rows) >= 500
    assert not [row for row in rows if row[1] == "excluded" and not row[3]], "an excluded row must say why"
    labels = [normalize_name(row[0]) for row in rows]
    assert len(labels) == len(set(labels)), "a label is listed twice"


def test_every_entry_and_alias_row_resolves_to_its_slug(shipped: Path) -> None:
    library = open_library(resolve_paths(env=os.environ))
    wrong = []
    for label, status, slug, *_ in ledger_rows():
        if status in ("entry", "alias"):
            try:
                found = library.resolve(label).slug
            except Exception as error:  # not found, or ambiguous
                found = f"error: {error}"
            if found != slug:
                wrong.append(f"{label} -> {found}, ledger says {slug}")
    assert not wrong, wrong[:20]
