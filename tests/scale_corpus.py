"""Reproducible synthetic corpora for the scale benchmark (`python tests/benchmark.py --scale 1000,10000`).

A corpus of N entries is the shipped corpus (copy 0, unchanged) followed by renamed copies of its
entries. Copy k gets its own tag (a pronounceable word made from k), appended to every slug,
title, alias, key figure and key text, so names never clash; its relations and inline links point
into the same copy when the target was copied there, else at the original. About one body word
in twelve is replaced by a word of the copy's own (seeded), so the vocabulary grows with the
corpus as a real one does. Every generated corpus passes `ideo check`.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from ideocli.corpus import load_yaml, split_front_matter
from ideocli.layout import KIND_DIRS, VOCABULARY_FILE

SHIPPED = Path(__file__).resolve().parent.parent / "corpus"
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]  # 70 syllables
LINK_RE = re.compile(r"(\[\[[^\]]*\]\])")
WORD_RE = re.compile(r"\b[a-z]{5,}\b")
RELATION_FIELDS = ("derived_from", "related", "opposed_to", "terms", "ideologies")
NAME_LIST_FIELDS = ("aliases", "key_figures")
SEED = 11


def tag(number: int) -> str:
    """Return a word that names copy `number` (1 -> "ba", 70 -> "baba", ...)."""
    parts = []
    while True:
        number, rest = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
        if not number:
            break
    return "".join(reversed(parts)) + "x"


def split_entry(text: str) -> tuple[dict[str, Any], str]:
    parts = split_front_matter(text)
    assert parts is not None
    return load_yaml(parts[0]), parts[1]


def originals() -> list[tuple[str, str, dict[str, Any], str]]:
    """Return (kind directory, slug, front matter, body) of every shipped entry, sorted."""
    found = []
    for directory in KIND_DIRS:
        for path in sorted((SHIPPED / directory).glob("*.md")):
            front, body = split_entry(path.read_text(encoding="utf-8"))
            found.append((directory, path.stem, front, body))
    return found


def generate(target: str | os.PathLike[str], size: int, seed: int = SEED) -> int:
    """Write a corpus of `size` entries (at least the shipped corpus) into `target`; return its size."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(SHIPPED / VOCABULARY_FILE, target / VOCABULARY_FILE)
    base = originals()
    slugs = {slug for _, slug, _, _ in base}
    plan = [(copy, entry) for copy in range(-(-size // len(base))) for entry in base][: max(size, len(base))]
    copied: dict[int, set[str]] = {}
    for copy, (_, slug, _, _) in plan:
        copied.setdefault(copy, set()).add(slug)
    rng = random.Random(seed)
    for copy, (directory, slug, front, body) in plan:
        (target / directory).mkdir(exist_ok=True)
        if copy == 0:
            shutil.copy(SHIPPED / directory / f"{slug}.md", target / directory / f"{slug}.md")
            continue
        word = tag(copy)
        here = copied[copy]

        def move(other: str, word: str = word, here: set[str] = here) -> str:
            return f"{other}-{word}" if other in here else other

        new = dict(front)
        new["title"] = f"{front['title']} {word.capitalize()}"
        for field in NAME_LIST_FIELDS:
            if front.get(field):
                new[field] = [f"{name} {word.capitalize()}" for name in front[field]]
        if front.get("key_texts"):
            new["key_texts"] = [
                {**text, "title": f"{text['title']} {word.capitalize()}"} for text in front["key_texts"]
            ]
        for field in RELATION_FIELDS:
            if front.get(field):
                new[field] = [move(other) for other in front[field]]
        vocabulary = [word + SYLLABLES[rng.randrange(70)] + SYLLABLES[rng.randrange(70)] for _ in range(40)]

        def relink(match: re.Match[str], move: Any = move) -> str:
            inner = match.group(0)[2:-2]
            target_slug, bar, shown = inner.partition("|")
            target_slug = target_slug.strip()
            return f"[[{move(target_slug) if target_slug in slugs else target_slug}{bar}{shown}]]"

        parts = LINK_RE.split(body)
        for index, part in enumerate(parts):
            if index % 2:
                parts[index] = LINK_RE.sub(relink, part)
            else:  # headings stay as they are: the checker wants its sections
                parts[index] = "".join(
                    line
                    if line.startswith("#")
                    else WORD_RE.sub(
                        lambda m, v=vocabulary: rng.choice(v) if rng.random() < 1 / 12 else m.group(0), line
                    )
                    for line in part.splitlines(keepends=True)
                )
        front_text = yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=100)
        (target / directory / f"{slug}-{word}.md").write_text(
            f"---\n{front_text}---\n{''.join(parts)}", encoding="utf-8"
        )
    return len(plan)


if __name__ == "__main__":
    import sys

    print(generate(sys.argv[1], int(sys.argv[2])))
