"""JSON: one document per call, sorted keys, `schema_version` first-class; see README.md."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ideocli.articles import Article
from ideocli.errors import ExitCode, IdeoError
from ideocli.library import TreeNode
from ideocli.render import SCHEMA_VERSION, Output
from ideocli.sanitize import clean_text
from ideocli.store import BuildReport

if TYPE_CHECKING:
    from ideocli.corpus import Problem
    from ideocli.search import SearchResult
    from ideocli.views import Comparison, Graph, Timeline


def emit(out: Output, document: dict[str, Any]) -> None:
    json.dump({"schema_version": SCHEMA_VERSION, **document}, out.stream, ensure_ascii=False, indent=2, sort_keys=True)
    out.stream.write("\n")


def error(out: Output, failure: IdeoError, code: ExitCode) -> None:
    """Emit an error as the one document of a call."""
    emit(
        out,
        {
            "error": {
                "code": code.name.lower(),
                "exit_code": int(code),
                "message": clean_text(failure.message),
                "hints": [clean_text(hint) for hint in failure.hints],
            }
        },
    )


def entry(article: Article) -> dict[str, Any]:
    data = article.to_dict()
    del data["path"], data["links"]
    for key in ("shadows", "imported_from", "authors", "published", "imported"):  # only where they apply
        if not data[key]:
            del data[key]
    return data


def entries(out: Output, articles: Sequence[Article], titles: Mapping[str, str]) -> None:
    emit(out, {"entries": [entry(article) for article in articles]})


def summaries(out: Output, articles: Sequence[Article]) -> None:
    emit(out, {"entries": [{"slug": a.slug, "title": a.title, "summary": a.summary} for a in articles]})


def sections(out: Output, items: Sequence[tuple[Article, str, str]]) -> None:
    emit(
        out,
        {
            "entries": [
                {"slug": a.slug, "title": a.title, "section": heading, "text": text} for a, heading, text in items
            ]
        },
    )


def definitions(out: Output, items: Sequence[tuple[Article, Sequence[Article]]]) -> None:
    emit(
        out,
        {
            "entries": [
                {
                    "slug": a.slug,
                    "kind": a.kind,
                    "title": a.title,
                    "definition": a.definition,
                    "see_also": [o.slug for o in see],
                }
                for a, see in items
            ]
        },
    )


def hits(out: Output, result: SearchResult) -> None:
    emit(
        out,
        {
            "query": result.query,
            "corrected": result.corrected or None,
            "total": result.total,
            "hits": [
                {"slug": h.slug, "title": h.title, "kind": h.kind, "score": h.score, "snippet": h.snippet_text}
                | ({"source": "user"} if h.source == "user" else {})
                for h in result.hits
            ],
        },
    )


def listing(out: Output, articles: Sequence[Article], long: bool) -> None:
    rows = []
    for article in articles:
        row = {"slug": article.slug, "kind": article.kind, "title": article.title, "family": list(article.family)}
        if article.subject:
            row |= {"subject": article.subject, "date": article.date, "founded": article.founded}
        if article.card:
            row["card"] = True
        if article.source == "user":
            row["source"] = "user"
        if long:
            row["summary"] = article.summary
        rows.append(row)
    emit(out, {"entries": rows})


def tree_node(node: TreeNode) -> dict[str, Any]:
    return {
        "slug": node.slug,
        "title": node.title,
        "kind": node.kind,
        "relation": node.relation or None,
        "repeated": node.repeated,
        "children": [tree_node(child) for child in node.children],
    }


def tree(out: Output, root: TreeNode) -> None:
    emit(out, {"tree": tree_node(root)})


def problems(out: Output, found: Sequence[Problem], checked: int) -> None:
    emit(
        out,
        {
            "ok": not found,
            "checked": checked,
            "problems": [{"path": p.path, "line": p.line, "message": p.message} for p in found],
        },
    )


def index_report(out: Output, report: BuildReport) -> None:
    emit(
        out,
        {
            "entries": report.entries,
            "ideologies": report.ideologies,
            "terms": report.terms,
            "people": report.people,
            "cards": report.cards,
            "problems": report.problems,
            "seconds": round(report.seconds, 3),
            "index": os.path.dirname(report.generation),
        },
    )


# --- views: compare, timeline, graph, random ---------------------------------------------------


def comparison(out: Output, compared: Comparison) -> None:
    from ideocli.render.plain import when

    emit(
        out,
        {
            "entries": [
                {
                    "slug": a.slug,
                    "kind": a.kind,
                    "title": a.title,
                    "definition": a.definition,
                    "when": when(a) or None,
                    "founded": a.founded,
                    "born": a.born,
                    "died": a.died,
                    "date": a.date or None,
                    "era": a.era,
                    "region": a.region,
                    "family": list(a.family),
                    "key_figures": list(a.key_figures),
                    "key_texts": [{"title": t.title, "author": t.author, "year": t.year} for t in a.key_texts],
                    "only": {key: list(items) for key, items in compared.only[a.slug].items()},
                }
                for a in compared.entries
            ],
            "pairs": [
                {
                    "between": [pair.first, pair.second],
                    "links": [
                        {"source": link.source, "target": link.target, "relation": link.relation} for link in pair.links
                    ],
                    "descent": list(pair.descent),
                    "shared_ancestors": [
                        {"slug": anc.slug, "paths": [list(path) for path in anc.paths]} for anc in pair.ancestors
                    ],
                    "shared": {key: list(items) for key, items in pair.shared.items()},
                    "named_differently": [
                        {"slug": item, "relations": [mine, theirs]} for item, mine, theirs in pair.crossed
                    ],
                }
                for pair in compared.pairs
            ],
            "titles": compared.titles,
        },
    )


def timeline(out: Output, placed: Timeline) -> None:
    group_of = {entry.slug: name for name, group in placed.groups for entry in group}
    emit(
        out,
        {
            "entries": [
                {
                    "year": e.year,
                    "end": e.end,
                    "ongoing": e.ongoing,
                    "date": e.date or None,
                    "slug": e.slug,
                    "title": e.title,
                    "kind": e.kind,
                    "family": list(e.families),
                    "group": group_of[e.slug],
                }
                for e in placed.entries
            ]
        },
    )


def graph(out: Output, drawn: Graph) -> None:
    """A node-link document: `nodes` with ids, `links` with source, target and relation."""
    emit(
        out,
        {
            "directed": True,
            "root": drawn.root,
            "depth": drawn.depth,
            "relations": list(drawn.relations),
            "nodes": [
                {"id": n.slug, "title": n.title, "kind": n.kind, "family": list(n.family), "card": n.card}
                for n in drawn.nodes
            ],
            "links": [
                {"source": e.source, "target": e.target, "relation": e.relation, "mutual": e.mutual}
                for e in drawn.edges
            ],
        },
    )


def moment(out: Output, article: Article) -> None:
    summaries(out, [article])
