"""Plain text: stable, uncoloured, no box drawing; what pipes and scripts get."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ideocli.articles import RELATION_LABELS, Article, one_line, reflow, replace_links, split_sections, start_year
from ideocli.library import TreeNode
from ideocli.render import Output
from ideocli.store import BuildReport

if TYPE_CHECKING:
    from ideocli.corpus import Problem
    from ideocli.search import SearchResult
    from ideocli.views import Branch, Comparison, Lineage, Pair, Timeline

TREE_LABELS = {**{name: label.lower() for name, label in RELATION_LABELS.items()}, "linked_from": "linked from"}


def write(out: Output, text: str = "") -> None:
    out.stream.write(text + "\n")


def facts(article: Article) -> list[tuple[str, str]]:
    """Return the (label, value) rows of an entry's facts table, skipping empty ones."""
    text = article.kind == "text"
    rows = [
        ("Life", life(article)),
        ("Subject", article.subject),
        ("Published" if text else "Date", "" if text and article.date == "0" else date(article.date)),
        ("Founded", year(article.founded)),
        ("Dissolved", year(article.dissolved)),
        ("Era", article.era),
        ("Region", article.region),
        ("Author" if text else "Key figures", ", ".join(article.key_figures)),
        ("Authors", ", ".join(article.authors)),  # an imported entry's provenance
        ("Published", article.published),
        ("Imported from", article.imported_from),
        ("Imported", article.imported),
    ]
    return [(label, value) for label, value in rows if value]


def year(value: int | None) -> str:
    """Return a year for display: negative years are BCE; "" for none."""
    if value is None:
        return ""
    return f"{-value} BCE" if value < 0 else str(value)


def date(value: str) -> str:
    """Return an event date for display: "1871-03-18" as is, "-44" as "44 BCE"."""
    return year(int(value)) if value.lstrip("-").isdigit() else value


def life(article: Article) -> str:
    """Return a person's life span, "1818-1883" or "born 1946", or "" when unknown."""
    if article.born is None:
        return ""
    return f"{year(article.born)}-{year(article.died)}" if article.died is not None else f"born {year(article.born)}"


def key_text_line(text: object) -> str:
    return f"{text.title} ({text.author}, {year(text.year)})"  # type: ignore[attr-defined]


def dating(article: Article) -> str:
    """Return the dates that place a person, event, organisation or document ("1871-1919"), else ""."""
    if article.kind == "person":
        return life(article)
    return when(article) if article.subject in ("event", "organisation", "document") else ""


def heading_line(article: Article) -> str:
    """Return what an entry is: its kind (a card says so), then its families."""
    kind = f"{article.kind} card" if article.card else article.kind
    families = ", ".join(article.family)
    line = f"{kind}; {families}" if families else kind
    return f"{line}; user entry" if article.source == "user" else line


def entries(out: Output, articles: Sequence[Article], titles: Mapping[str, str]) -> None:
    for number, article in enumerate(articles):
        if number:
            write(out)
        write(out, article.title)
        write(out, "=" * len(article.title))
        write(out, f"({heading_line(article)})")
        write(out)
        write(out, f"Definition: {article.definition}")
        write(out)
        write(out, article.summary)
        rows = facts(article)
        if rows or article.key_texts:
            write(out)
            for label, value in rows:
                write(out, f"{label}: {value}")
            if article.key_texts:
                write(out, "Key texts:")
                for text in article.key_texts:
                    write(out, f"  {key_text_line(text)}")
        for heading, text in split_sections(replace_links(article.body)):
            write(out)
            if heading:
                write(out, heading)
                write(out, "-" * len(heading))
            write(out, reflow(text))
        relations = article.relations()
        if relations:
            write(out)
            for name, slugs in relations.items():
                write(out, f"{RELATION_LABELS[name]}: {', '.join(slugs)}")


def summaries(out: Output, articles: Sequence[Article]) -> None:
    for article in articles:
        write(out, one_line(article.summary))


def sections(out: Output, items: Sequence[tuple[Article, str, str]]) -> None:
    for number, (article, heading, text) in enumerate(items):
        if number:
            write(out)
        if len(items) > 1:
            write(out, f"{article.title}: {heading}")
            write(out)
        write(out, reflow(replace_links(text)))


def definitions(out: Output, items: Sequence[tuple[Article, Sequence[Article]]]) -> None:
    for article, see_also in items:
        when = dating(article)
        write(
            out, f"{article.title} ({when}): {article.definition}" if when else f"{article.title}: {article.definition}"
        )
        if see_also:
            write(out, f"  see also: {', '.join(other.slug for other in see_also)}")


def hits(out: Output, result: SearchResult) -> None:
    for number, hit in enumerate(result.hits):
        if number:
            write(out)
        mark = ", user entry" if hit.source == "user" else ""
        write(out, f"{hit.title} ({hit.kind}, {hit.slug}{mark})")
        write(out, f"  {one_line(hit.snippet_text)}")


def kind_label(article: Article) -> str:
    """Return the kind of an entry as a listing shows it: "ideology", or "ideology (user)" for a user entry."""
    return f"{article.kind} (user)" if article.source == "user" else article.kind


def listing(out: Output, articles: Sequence[Article], long: bool) -> None:
    for article in articles:
        write(
            out,
            f"{article.slug}\t{kind_label(article)}\t{article.title}\t{one_line(article.summary)}"
            if long
            else article.slug,
        )


def tree(out: Output, root: TreeNode) -> None:
    write(out, f"{root.title} [{root.slug}]")

    def walk(node: TreeNode, depth: int) -> None:
        for child in node.children:
            note = " (see above)" if child.repeated else ""
            write(out, f"{'  ' * depth}{TREE_LABELS[child.relation]}: {child.title} [{child.slug}]{note}")
            walk(child, depth + 1)

    walk(root, 1)


def problems(out: Output, found: Sequence[Problem], checked: int) -> None:
    for problem in found:
        write(out, str(problem))


def index_report(out: Output, report: BuildReport) -> None:
    write(
        out,
        f"indexed {report.entries} entries ({report.ideologies} ideologies, {report.terms} terms, "
        f"{report.people} people) and {report.cards} cards "
        f"in {report.seconds:.2f} s into {os.path.dirname(report.generation)}",
    )


# --- views: compare, timeline, lineage, random -------------------------------------------------

LIST_LABELS = {**RELATION_LABELS, "family": "Families"}
WHEN_LABELS = {"ideology": "Founded", "person": "Lived", "term": "Date", "text": "Published"}
LINK_PHRASES = {
    "derived_from": "{a} is derived from {b}.",
    "related": "{a} lists {b} as related.",
    "opposed_to": "{a} is opposed to {b}.",
    "terms": "{a} relies on the term {b}.",
    "ideologies": "{a} is a term of {b}.",
    "mentions": "{a} mentions {b} in its text.",
}
MUTUAL_PHRASES = {
    "related": "{a} and {b} list each other as related.",
    "opposed_to": "{a} and {b} are opposed to each other.",
    "mentions": "{a} and {b} mention each other in their texts.",
}
SHARED_LABELS = {
    "family": "Both in the families",
    "derived_from": "Both derived from",
    "related": "Both related to",
    "opposed_to": "Both opposed to",
    "terms": "Shared terms",
    "people": "Shared people",
}


def when(article: Article) -> str:
    """Return an entry's date for display: founded, the event's date, or a person's birth and death."""
    from ideocli.views import end_year  # noqa: I001 (views is loaded only for dated output)

    start = start_year(article)
    if start is None:
        return ""
    shown = article.date if article.date and not article.date.startswith("-") else year(start)
    end = end_year(article)
    return f"{shown}–{year(end)}" if end is not None else shown


def comparison_rows(comparison: Comparison, separator: str = "; ") -> list[tuple[str, list[str]]]:
    """Return the side-by-side rows (label, one value per entry), leaving out rows empty for all."""
    articles = comparison.entries
    kinds = {article.kind for article in articles}
    rows = []
    if len(kinds) > 1:
        rows.append(("Kind", [article.kind for article in articles]))
    rows += [
        ("Definition", [article.definition for article in articles]),
        (WHEN_LABELS.get(kinds.pop(), "Dates") if len(kinds) == 1 else "Dates", [when(a) for a in articles]),
        ("Era", [article.era for article in articles]),
        ("Region", [article.region for article in articles]),
        ("Families", [", ".join(article.family) for article in articles]),
        ("Key figures", [", ".join(article.key_figures) for article in articles]),
        ("Key texts", [separator.join(key_text_line(text) for text in article.key_texts) for article in articles]),
    ]
    return [(label, values) for label, values in rows if any(values)]


def pair_lines(pair: Pair, titles: Mapping[str, str]) -> list[str]:
    """Return sentences saying how two compared entries relate."""

    def name(slug: str) -> str:
        return titles.get(slug, slug)

    def chain(path: Sequence[str]) -> str:
        return " → ".join(name(slug) for slug in path)

    lines = []
    links = {(link.source, link.relation) for link in pair.links}
    for link in pair.links:
        a, b = name(link.source), name(link.target)
        if (link.target, link.relation) in links and link.relation in MUTUAL_PHRASES:
            if link.source == pair.first:  # said once for both
                lines.append(MUTUAL_PHRASES[link.relation].format(a=a, b=b))
        else:
            lines.append(LINK_PHRASES[link.relation].format(a=a, b=b))
    if len(pair.descent) > 2:
        middle = " and ".join(name(slug) for slug in pair.descent[1:-1])
        lines.append(
            f"{name(pair.descent[0])} descends from {name(pair.descent[-1])} through {middle}: {chain(pair.descent)}."
        )
    for ancestor in pair.ancestors:
        lines.append(f"Shared ancestor: {name(ancestor.slug)} ({'; '.join(chain(path) for path in ancestor.paths)}).")
    if not lines:
        lines.append("Neither names the other, and they share no ancestor through derived_from.")
    ancestors = {ancestor.slug for ancestor in pair.ancestors}
    for key, items in pair.shared.items():
        if key == "derived_from" and set(items) <= ancestors:
            continue  # already said as a shared ancestor
        shown = ", ".join(items if key == "family" else map(name, items))
        lines.append(f"{SHARED_LABELS[key]}: {shown}.")
    if pair.crossed:
        first, second = name(pair.first), name(pair.second)
        shown = "; ".join(
            f"{name(item)} ({first}: {TREE_LABELS[mine]}, {second}: {TREE_LABELS[theirs]})"
            for item, mine, theirs in pair.crossed
        )
        lines.append(f"Both name, in different ways: {shown}.")
    return lines


def only_lines(comparison: Comparison, slug: str) -> list[tuple[str, str]]:
    """Return (label, names) for what one compared entry has and the others lack."""
    titles = comparison.titles
    return [
        (LIST_LABELS[key], ", ".join(items if key == "family" else (titles.get(item, item) for item in items)))
        for key, items in comparison.only[slug].items()
    ]


def comparison(out: Output, compared: Comparison) -> None:
    titles = compared.titles
    heading = " vs ".join(article.title for article in compared.entries)
    write(out, heading)
    write(out, "=" * len(heading))
    for label, values in comparison_rows(compared):
        write(out)
        write(out, label)
        for article, value in zip(compared.entries, values, strict=True):
            write(out, f"  {article.title}: {value or '-'}")
    write(out)
    write(out, "How they relate")
    for pair in compared.pairs:
        indent = "  "
        if len(compared.pairs) > 1:
            write(out, f"  {titles[pair.first]} and {titles[pair.second]}")
            indent = "    "
        for line in pair_lines(pair, titles):
            write(out, f"{indent}{line}")
    for article in compared.entries:
        rows = only_lines(compared, article.slug)
        if rows:
            write(out)
            write(out, f"Only in {article.title}")
            for label, names in rows:
                write(out, f"  {label}: {names}")


def timeline(out: Output, placed: Timeline) -> None:
    for entry in placed.entries:
        write(out, f"{year(entry.year)}\t{entry.slug}\t{entry.title}")


def lineage(out: Output, tree: Lineage) -> None:
    labelled = len(tree.relations) > 1

    def walk(branch: Branch, depth: int) -> None:
        for child in branch.children:
            label = f" ({TREE_LABELS[child.relation]})" if labelled else ""
            note = " (see above)" if child.repeated else ""
            write(out, f"{'  ' * depth}{child.title} [{child.slug}]{label}{note}")
            walk(child, depth + 1)

    for number, root in enumerate(tree.roots):
        if number:
            write(out)
        write(out, f"{root.title} [{root.slug}]")
        walk(root, 1)


def moment(out: Output, article: Article) -> None:
    """One line for a shell greeting: the title and the summary."""
    write(out, f"{article.title}: {one_line(article.summary)}")
