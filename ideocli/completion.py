"""Shell completion of entry names and families, fast enough to run on every Tab.

Completion reads only the small name lookup of the live index generation (or, before any index
exists, the corpus file names) and the family list of vocabulary.yaml: it never builds the
index, and never imports Whoosh, YAML or Rich.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ideocli.articles import normalize_name
from ideocli.layout import VOCABULARY_FILE, entry_paths
from ideocli.paths import Paths

FAMILY_LINE_RE = re.compile(r"^\s+-\s+['\"]?([^'\"#\s]+)")
# The index layout of ideocli.store (CURRENT names the live generation, which holds the catalog),
# read directly: importing the store costs more than a whole completion may take.
POINTER = "CURRENT"
CATALOG = "catalog.sqlite"


def read_lookup(index: str) -> dict[str, Any] | None:
    """Return the live generation's `names` and `titles`, or None when there is no usable index."""
    import json
    import sqlite3

    from ideocli.catalog import Catalog

    try:
        with open(os.path.join(index, POINTER), encoding="utf-8") as handle:
            generation = json.load(handle)["generation"]
        catalog = Catalog(os.path.join(index, os.path.basename(generation), CATALOG))
        try:
            return {"names": catalog.names(), "titles": catalog.titles()}
        finally:
            catalog.close()
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None


def read_names(paths: Paths) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Return (normalized name -> slugs, slug -> title) from the live index, or slugs from file names."""
    lookup = read_lookup(paths.index)
    if lookup is not None:
        return lookup["names"], lookup["titles"]
    slugs = [os.path.basename(path)[:-3] for path, _ in entry_paths(paths.corpus)]
    return {normalize_name(slug): [slug] for slug in slugs}, {slug: slug for slug in slugs}


def complete_names(paths: Paths, incomplete: str) -> list[tuple[str, str]]:
    """Return (slug, title) for the entries whose slug, title or alias starts with `incomplete`.

    Slug prefixes come first; only when none matches are titles and aliases tried, as a whole and
    then word by word ("trot" finds trotskyism; "Leon Tr" and "trotsky" find leon-trotsky). The
    shell then replaces the word typed with the slug.
    """
    typed = incomplete.strip().strip("'\"").lower()
    found_in_index = complete_from_catalog(paths.index, typed)
    if found_in_index is not None:
        return found_in_index
    names, titles = read_names(paths)
    found = sorted(slug for slug in titles if slug.startswith(typed))
    if not found and typed:
        wanted = normalize_name(typed)
        keys = [key for key in names if key.startswith(wanted)]
        if not keys:
            keys = [key for key in names if any(word.startswith(wanted) for word in key.split())]
        found = sorted({slug for key in keys for slug in names[key]})
    return [(slug, titles.get(slug, slug)) for slug in found]


def complete_from_catalog(index: str, typed: str) -> list[tuple[str, str]] | None:
    """complete_names() through indexed prefix queries in the live catalog (None without one):
    the cost of a Tab does not grow with the corpus, except when only a later word matches."""
    import json
    import sqlite3

    from ideocli.catalog import Catalog

    try:
        with open(os.path.join(index, POINTER), encoding="utf-8") as handle:
            generation = json.load(handle)["generation"]
        catalog = Catalog(os.path.join(index, os.path.basename(generation), CATALOG))
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None
    try:
        end = typed + "\U0010ffff"
        rows = catalog.query("SELECT slug, title FROM entries WHERE slug >= ? AND slug < ? ORDER BY slug", (typed, end))
        if not rows and typed:
            wanted = normalize_name(typed)
            rows = catalog.query(
                "SELECT DISTINCT e.slug, e.title FROM names n JOIN entries e ON e.slug = n.slug"
                " WHERE n.key >= ? AND n.key < ? ORDER BY e.slug",
                (wanted, wanted + "\U0010ffff"),
            )
            if not rows:  # a later word of a name: one scan of the name table
                rows = catalog.query(
                    "SELECT DISTINCT e.slug, e.title FROM names n JOIN entries e ON e.slug = n.slug"
                    " WHERE instr(' ' || n.key, ' ' || ?) > 0 ORDER BY e.slug",
                    (wanted,),
                )
        return [(slug, title) for slug, title in rows if isinstance(slug, str) and isinstance(title, str)]
    except (ValueError, sqlite3.Error):
        return None
    finally:
        catalog.close()


def read_families(paths: Paths) -> list[str]:
    """Return the families listed in the corpus's vocabulary.yaml (a line scan; no YAML parser)."""
    try:
        with open(os.path.join(paths.corpus, VOCABULARY_FILE), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    families: list[str] = []
    inside = False
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            inside = line.split(":")[0].strip() == "families"
            continue
        match = FAMILY_LINE_RE.match(line)
        if inside and match:
            families.append(match.group(1))
    return families


def complete_families(paths: Paths, incomplete: str) -> list[str]:
    typed = incomplete.lower()
    return sorted(family for family in read_families(paths) if family.startswith(typed))


def complete_relations(incomplete: str, choices: tuple[str, ...]) -> list[str]:
    """Complete the last name of a comma-separated list ("derived_from,op" -> "derived_from,opposed_to")."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = set(done.split(",")) if done else set()
    return [f"{prefix}{name}" for name in choices if name.startswith(last.lower()) and name not in chosen]
