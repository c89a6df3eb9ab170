"""The Article model and the pure text helpers shared by the loader, the index and renderers.

Nothing here imports YAML, Whoosh, Click or Rich: `ideo show` runs on this module alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

RELATIONS = ("derived_from", "related", "opposed_to", "terms", "ideologies")
RELATION_LABELS = {
    "derived_from": "Derived from",
    "related": "Related",
    "opposed_to": "Opposed to",
    "terms": "Terms",
    "ideologies": "Ideologies",
}
LINK_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")
HEADING_RE = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$", re.M)
# C0 and C1 control characters other than tab and newline: never sent to a terminal.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class KeyText:
    title: str
    author: str
    year: int


@dataclass(frozen=True)
class Article:
    """One corpus entry: an ideology or a glossary term."""

    slug: str
    kind: str
    title: str
    summary: str
    definition: str
    body: str
    path: str = ""
    aliases: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    founded: int | None = None
    era: str = ""
    region: str = ""
    key_figures: tuple[str, ...] = ()
    key_texts: tuple[KeyText, ...] = ()
    derived_from: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    opposed_to: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    ideologies: tuple[str, ...] = ()
    links: tuple[str, ...] = field(default=(), compare=False)  # slugs of inline [[links]]

    def relations(self) -> dict[str, tuple[str, ...]]:
        """Return the non-empty relation lists, in display order."""
        return {name: getattr(self, name) for name in RELATIONS if getattr(self, name)}

    def outgoing(self) -> set[str]:
        """Return every slug this entry points at, through relations or inline links."""
        return {slug for slugs in self.relations().values() for slug in slugs} | set(self.links)

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not with_body:
            del data["body"]
        return data


def is_text_list(value: Any) -> bool:
    if type(value) is not list:
        return False
    try:
        "".join(value)  # the quickest test that every item is a str (this runs for every field of every entry)
    except TypeError:
        return False
    return True


def is_key_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == {"title", "author", "year"}
        and isinstance(value["title"], str)
        and isinstance(value["author"], str)
        and type(value["year"]) is int
    )


# How each annotation of Article looks in JSON; a field of another type is not checked here.
JSON_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda value: isinstance(value, str),
    "int | None": lambda value: value is None or type(value) is int,
    "tuple[str, ...]": is_text_list,
    "tuple[KeyText, ...]": lambda value: isinstance(value, list) and all(map(is_key_text, value)),
}
ARTICLE_FIELDS = [
    (spec.name, JSON_CHECKS.get(str(spec.type)), spec.default is MISSING and spec.default_factory is MISSING)
    for spec in fields(Article)
]
ARTICLE_FIELD_NAMES = frozenset(name for name, _, _ in ARTICLE_FIELDS)


def article_from_dict(data: Any) -> Article:
    """Rebuild an Article from `Article.to_dict()` output (the index-time cache).

    Raises ValueError when `data` does not have an Article's fields and types: the cache is damaged.
    """
    if not isinstance(data, dict):
        raise ValueError("an entry is not a JSON object")
    values = dict(data)
    values.setdefault("body", "")
    for name, check, required in ARTICLE_FIELDS:
        if name not in values:
            if required:
                raise ValueError(f"an entry has no {name!r}")
        elif check is not None and not check(values[name]):
            raise ValueError(f"an entry's {name!r} has the wrong type")
    if unknown := values.keys() - ARTICLE_FIELD_NAMES:
        raise ValueError(f"an entry has unknown fields: {', '.join(sorted(unknown))}")
    values["key_texts"] = tuple(KeyText(**text) for text in values.get("key_texts", ()))
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    return Article(**values)


def normalize_name(name: str) -> str:
    """Return the lookup key of a name: case, accents, apostrophes and punctuation folded.

    "Marxism–Leninism", "marxism leninism" and "MARXISM-LENINISM" all give "marxism leninism";
    "workers' state" gives "workers state", "checks & balances" gives "checks and balances", and a
    leading "the" is dropped. Marks that are part of a non-Latin script stay.
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter: é -> e
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    folded = re.sub(r"['’‘`´]", "", folded)
    folded = folded.replace("&", " and ")
    spaced = "".join(char if char.isalnum() or unicodedata.category(char).startswith("M") else " " for char in folded)
    words = spaced.split()
    if len(words) > 1 and words[0] == "the":  # "the invisible hand" is the invisible hand
        words = words[1:]
    return " ".join(words)


def strip_controls(text: str) -> str:
    """Return text without control characters (escape sequences included), tabs and newlines kept."""
    return CONTROL_RE.sub("", text)


def link_targets(body: str) -> list[tuple[str, int]]:
    """Return (slug, offset) for every [[slug]] or [[slug|text]] in a body."""
    return [(match.group(1).strip(), match.start()) for match in LINK_RE.finditer(body)]


def replace_links(body: str, render: Any = None) -> str:
    """Return body with every cross-reference replaced by `render(slug, text)` (default: the text)."""

    def substitute(match: re.Match[str]) -> str:
        slug = match.group(1).strip()
        text = (match.group(2) or slug.replace("-", " ")).strip()
        return render(slug, text) if render else text

    return LINK_RE.sub(substitute, body)


def split_sections(body: str) -> list[tuple[str, str]]:
    """Return the body as (heading, text) pairs; text before the first heading has heading ''."""
    sections: list[tuple[str, str]] = []
    matches = [m for m in HEADING_RE.finditer(body) if m.group(1) == "##"]
    if not matches:
        return [("", body.strip())]
    if body[: matches[0].start()].strip():
        sections.append(("", body[: matches[0].start()].strip()))
    for current, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(body)
        sections.append((current.group(2), body[current.end() : end].strip()))
    return sections


LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Return Markdown text with each paragraph and list item on one line (for pipes and fold)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not LIST_ITEM_RE.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def one_line(text: str) -> str:
    """Return text with all runs of white space folded into single spaces."""
    return " ".join(text.split())
