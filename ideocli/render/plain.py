"""Plain text: stable, uncoloured, no box drawing; what pipes and scripts get."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ideocli.articles import RELATION_LABELS, Article, one_line, reflow, replace_links, split_sections
from ideocli.library import TreeNode
from ideocli.render import Output
from ideocli.store import BuildReport

if TYPE_CHECKING:
    from ideocli.corpus import Problem
    from ideocli.search import SearchResult

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
    """Return the dates that place a person, event, organisation or document: "1871-1919", "1871"."""
    if article.kind == "person":
        return life(article)
    if article.subject == "organisation" and article.founded is not None:
        return "-".join(filter(None, (year(article.founded), year(article.dissolved))))
    return date(article.date) if article.subject in ("event", "document") else ""


def heading_line(article: Article) -> str:
    """Return what an entry is: its kind (a card says so), then its families."""
    kind = f"{article.kind} card" if article.card else article.kind
    families = ", ".join(article.family)
    return f"{kind}; {families}" if families else kind


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
        write(out, f"{hit.title} ({hit.kind}, {hit.slug})")
        write(out, f"  {one_line(hit.snippet_text)}")


def listing(out: Output, articles: Sequence[Article], long: bool) -> None:
    for article in articles:
        write(
            out,
            f"{article.slug}\t{article.kind}\t{article.title}\t{one_line(article.summary)}" if long else article.slug,
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
