"""The shipped corpus is one web: every ideology is linked from two entries, every term from one."""

from __future__ import annotations

from pathlib import Path

from ideocli.corpus import load_corpus


def test_every_ideology_is_linked_from_two_entries_and_every_term_from_one(shipped: Path) -> None:
    articles = load_corpus(shipped).articles
    incoming: dict[str, set[str]] = {a.slug: set() for a in articles}
    for article in articles:
        for target in article.outgoing() - {article.slug}:
            incoming.setdefault(target, set()).add(article.slug)
    lonely = [a.slug for a in articles if a.kind == "ideology" and len(incoming[a.slug]) < 2]
    lonely += [a.slug for a in articles if a.kind == "term" and not incoming[a.slug]]
    assert lonely == []


def test_the_corpus_is_broad(shipped: Path) -> None:
    kinds = [a.kind for a in load_corpus(shipped).articles]
    assert kinds.count("ideology") >= 300 and kinds.count("term") >= 300 and kinds.count("person") >= 150
