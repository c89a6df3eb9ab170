"""Server-side SVG pictures: an entry's neighbourhood and the timeline.

Colours and sizes are presentation attributes (no inline style, which the CSP forbids); every
label is escaped, and every link is built by the caller from a slug.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ideocli.sanitize import clean_text

if TYPE_CHECKING:
    from ideocli.library import TreeNode
    from ideocli.views import Timeline

RELATION_COLOURS = {
    "derived_from": "#2b6cb0",
    "related": "#4a5568",
    "opposed_to": "#c53030",
    "terms": "#2f855a",
    "ideologies": "#6b46c1",
    "people": "#b7791f",
    "texts": "#975a16",
    "linked_from": "#718096",
}
KIND_COLOURS = {"ideology": "#2b6cb0", "term": "#2f855a", "person": "#b7791f", "text": "#975a16"}
MAX_NEIGHBOURS = 36
BREAK = 1500  # the timeline's axis is compressed before this year...
EARLY_SHARE = 0.2  # ...into this share of its width
LABEL_CHARS = 22


def esc(text: object) -> str:
    return html.escape(clean_text(str(text)), quote=True)


def year_text(year: int | None) -> str:
    if year is None:
        return ""
    return f"{-year} BCE" if year < 0 else str(year)


def cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neighbourhood(tree: TreeNode, href: Callable[[str], str]) -> str:
    """The root in the middle, its neighbours on a ring, each edge coloured by its relation."""
    children = list(tree.children)[:MAX_NEIGHBOURS]
    width = 900
    height = 400 if len(children) <= 8 else 520 if len(children) <= 20 else 680
    cx, cy = width / 2, height / 2
    rx, ry = width / 2 - 170, height / 2 - 40
    lines, nodes = [], []
    for index, child in enumerate(children):
        angle = 2 * math.pi * index / max(len(children), 1) - math.pi / 2
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        colour = RELATION_COLOURS.get(child.relation, "#4a5568")
        dash = ' stroke-dasharray="4 3"' if child.relation == "linked_from" else ""
        lines.append(
            f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}" stroke="{colour}" stroke-width="1.5"{dash}/>'
        )
        anchor = "middle" if abs(x - cx) < 40 else ("start" if x > cx else "end")
        dx = 0 if anchor == "middle" else (8 if anchor == "start" else -8)
        dy = -9 if y < cy and anchor == "middle" else (16 if anchor == "middle" else 4)
        label = esc(cut(child.title))
        relation = esc(child.relation.replace("_", " "))
        nodes.append(
            f'<a href="{esc(href(child.slug))}"><title>{esc(child.title)} ({relation})</title>'
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6" fill="{KIND_COLOURS.get(child.kind, "#4a5568")}"/>'
            f'<text x="{x + dx:.0f}" y="{y + dy:.0f}" text-anchor="{anchor}" font-size="12">{label}</text></a>'
        )
    more = len(tree.children) - len(children)
    note = f'<text x="8" y="{height - 8}" font-size="11" fill="#4a5568">and {more} more</text>' if more > 0 else ""
    shown = [(name, colour) for name, colour in RELATION_COLOURS.items() if any(c.relation == name for c in children)]
    legend = "".join(
        f'<text x="{width - 8}" y="{height - 8 - 14 * i}" font-size="11" fill="{colour}" text-anchor="end">'
        f"{esc(name.replace('_', ' '))} —</text>"
        for i, (name, colour) in enumerate(reversed(shown))
    )
    centre = (
        f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="9" fill="{KIND_COLOURS.get(tree.kind, "#4a5568")}"/>'
        f'<text x="{cx:.0f}" y="{cy + 24:.0f}" text-anchor="middle" font-size="14" font-weight="bold">'
        f"{esc(cut(tree.title, 30))}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="graph" '
        f'aria-label="{esc(tree.title)} and the {len(tree.children)} entries it is linked with">'
        f"{''.join(lines)}{''.join(nodes)}{centre}{legend}{note}</svg>"
    )


def timeline(placed: Timeline, href: Callable[[str], str]) -> str:
    """One row per entry, grouped by family: a dot at the start, a bar over a known span."""
    first, last = placed.first, max(placed.last, placed.first + 1)
    left, right, row = 260, 20, 16
    width = 1000
    span = width - left - right
    rows: list[str] = []
    y = 30

    # Most entries are modern: when the axis reaches back before BREAK, those centuries get only
    # EARLY_SHARE of the width, so the last five hundred years stay readable.
    split = BREAK if first < BREAK - 100 and last > BREAK + 50 else None

    def at(year: int) -> float:
        if split is None:
            return left + span * (year - first) / (last - first)
        if year <= split:
            return left + span * EARLY_SHARE * (year - first) / (split - first)
        return left + span * (EARLY_SHARE + (1 - EARLY_SHARE) * (year - split) / (last - split))

    def tick_years(start: int, end: int, count: int) -> list[int]:
        step = next((s for s in (10, 25, 50, 100, 250, 500, 1000) if (end - start) / s <= count), 1000)
        return list(range(start - start % step + step, end + 1, step))

    if split is None:
        years = tick_years(first, last, 12)
    else:
        years = [*tick_years(first, split - 1, 3), split, *tick_years(split, last, 9)]
    ticks = []
    for year in years:
        ticks.append(
            f'<line x1="{at(year):.0f}" y1="20" x2="{at(year):.0f}" y2="{{bottom}}" stroke="#e2e8f0"/>'
            f'<text x="{at(year):.0f}" y="14" font-size="11" text-anchor="middle" fill="#4a5568">'
            f"{esc(year_text(year))}</text>"
        )
    for family, entries in placed.groups:
        y += 6
        rows.append(f'<text x="4" y="{y + 10}" font-size="12" font-weight="bold">{esc(family)}</text>')
        y += row
        for entry in entries:
            x = at(entry.year)
            colour = KIND_COLOURS.get(entry.kind, "#4a5568")
            end = entry.end if entry.end is not None else (last if entry.ongoing else None)
            bar = ""
            if end is not None and end > entry.year:
                faint = ' stroke-opacity="0.35"' if entry.end is None else ""
                bar = (
                    f'<line x1="{x:.1f}" y1="{y + 6}" x2="{at(end):.1f}" y2="{y + 6}" '
                    f'stroke="{colour}" stroke-width="4"{faint}/>'
                )
            when = esc(entry.date or year_text(entry.year))
            rows.append(
                f'<a href="{esc(href(entry.slug))}"><title>{esc(entry.title)}, {when}</title>'
                f'<text x="{left - 8}" y="{y + 10}" font-size="11" text-anchor="end">{esc(cut(entry.title, 38))}</text>'
                f'{bar}<circle cx="{x:.1f}" cy="{y + 6}" r="3.5" fill="{colour}"/></a>'
            )
            y += row
    bottom = y + 4
    grid = "".join(ticks).replace("{bottom}", str(bottom))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {bottom}" role="img" class="timeline" '
        f'aria-label="Timeline of {len(placed.entries)} dated entries, '
        f'{esc(year_text(first))} to {esc(year_text(last))}">'
        f"{grid}{''.join(rows)}</svg>"
    )
