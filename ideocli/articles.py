"""The Article model and the pure text helpers shared by the loader, the index and renderers.

Nothing here imports YAML, Whoosh, Click or Rich: `ideo show` runs on this module alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

RELATIONS = ("derived_from", "related", "opposed_to", "terms", "ideologies")
KINDS = ("ideology", "term", "person", "text")  # "text" exists only as cards
QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})  # words the query parser reads as operators
SUBJECTS = ("concept", "event", "organisation", "document")
# Relations computed at index time, not written in front matter: `people` holds the person
# entries or cards of an entry's key figures (and a text card's authors), `texts` the text
# cards of its key texts.
DERIVED_RELATIONS = ("people", "texts")
RELATION_LABELS = {
    "derived_from": "Derived from",
    "related": "Related",
    "opposed_to": "Opposed to",
    "terms": "Terms",
    "ideologies": "Ideologies",
    "people": "People",
    "texts": "Texts",
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
    """One corpus entry: an ideology, a glossary term or a person."""

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
    born: int | None = None  # people; negative years are BCE
    died: int | None = None
    subject: str = ""  # terms: concept, event, organisation or document
    date: str = ""  # events and documents: "1871", "1871-03" or "1871-03-18" ("-44" is 44 BCE)
    dissolved: int | None = None  # organisations
    people: tuple[str, ...] = ()  # derived: slugs of the people its key figures name
    texts: tuple[str, ...] = ()  # derived: slugs of the text cards of its key texts
    card: bool = False  # generated from other entries' front matter, not written
    links: tuple[str, ...] = field(default=(), compare=False)  # slugs of inline [[links]]
    # Where the entry comes from: "shipped" (the corpus) or "user" (the user corpus, see usercorpus.py).
    source: str = "shipped"
    shadows: str = ""  # a user entry: the shipped file it hides, if any
    # Provenance of an imported entry (front matter `source`, `authors`, `published`, `imported`).
    imported_from: str = ""
    authors: tuple[str, ...] = ()
    published: str = ""
    imported: str = ""

    def relations(self) -> dict[str, tuple[str, ...]]:
        """Return the non-empty relation lists, in display order."""
        return {name: getattr(self, name) for name in (*RELATIONS, *DERIVED_RELATIONS) if getattr(self, name)}

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


def start_year(article: Article) -> int | None:
    """Return the year an entry is placed at: born (people), date or founded (terms), founded (the rest)."""
    if article.kind == "person":
        return article.born
    match = re.match(r"-?\d{1,4}", article.date)
    return int(match.group()) if match else article.founded


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


# --- spelling folding: one table, used by the index, queries and name lookups -----------------
# British and American spellings fold to one form ("organisation" and "organization" both become
# "organization"), and a prefix joined by a hyphen (or, for the unambiguous ones, a space) fuses
# with the next word ("eco-socialism", "eco socialism" and "ecosocialism" are one word).
SPELLING_RULES = (
    (
        re.compile(
            r"^(lab|col|fav|hon|behavi|neighb|harb|hum|rum|vig|val|arm|endeav|od|rig|splend|vap|parl|clam"
            r"|cand|ferv|savi)our"
        ),
        r"\1or",
    ),  # labour, colour, honour...
    (re.compile(r"^(cent|theat|met|fib|spect|somb|calib|meag|lust|sab|manoeuv)re(s|d)?$"), r"\1er\2"),  # centre
    (re.compile(r"^(defen|offen|licen|preten)ce(s)?$"), r"\1se\2"),  # defence
    (re.compile(r"^(\w+)ys(e|ed|es|ing|er|ers)$"), r"\1yz\2"),  # analyse, paralyse
    (re.compile(r"^programme(s|d)?$"), r"program\1"),
    (re.compile(r"^judgement(s)?$"), r"judgment\1"),
    (re.compile(r"^sceptic"), "skeptic"),
    (re.compile(r"^mediaeval"), "medieval"),
    (re.compile(r"^encyclopaedi"), "encyclopedi"),
    (re.compile(r"^catalogue(s|d)?$"), r"catalog\1"),
)
# -ise/-isation become -ize/-ization, except in words where -ise is not that suffix.
ISE_RE = re.compile(r"^(\w{3,}?)is(e|ed|es|ing|ation|ations|ational|er|ers)$")
NOT_ISE = frozenset(
    "adv rev superv telev prom prem prec conc exerc comprom surpr enterpr franch merchand otherw expert parad "
    "desp dev disgu improv chast dem exc inc likew pra cru bru treat clockw advert appr compr circumc sunr "
    "upr mart lou den".split()
)
COMPOUND_PREFIXES = (
    "anarcho anti counter eco inter multi neo non pan post pre pro proto pseudo semi socio sub trans ultra".split()
)
SPACED_PREFIXES = "anarcho anti eco neo non pan proto pseudo semi socio ultra".split()  # never words alone
HYPHENS = "-‐‑‒–"
HYPHEN_COMPOUND_RE = re.compile(rf"\b({'|'.join(COMPOUND_PREFIXES)})[{HYPHENS}](?=\w)", re.I)
SPACED_COMPOUND_RE = re.compile(rf"\b({'|'.join(SPACED_PREFIXES)})\s+(?=\w)", re.I)


@functools.lru_cache(maxsize=65536)
def fold_spelling(word: str) -> str:
    """Return the one spelling a lowercase word is indexed and looked up under."""
    match = ISE_RE.match(word)
    if match and match.group(1) not in NOT_ISE:
        word = f"{match.group(1)}iz{match.group(2)}"
    for pattern, replacement in SPELLING_RULES:
        word = pattern.sub(replacement, word)
    return word


def join_compounds(text: str, *, spaced: bool = True) -> str:
    """Return text with prefixed compounds fused: "eco-socialism" (and "eco socialism") -> "ecosocialism"."""
    text = HYPHEN_COMPOUND_RE.sub(r"\1", text)
    return SPACED_COMPOUND_RE.sub(r"\1", text) if spaced else text


@functools.lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Return the lookup key of a name: case, accents, apostrophes, punctuation and spelling folded.

    "Marxism–Leninism", "marxism leninism" and "MARXISM-LENINISM" all give "marxism leninism";
    "workers' state" gives "workers state", "checks & balances" gives "checks and balances", a
    leading "the" is dropped, "Eco-socialism" and "eco socialism" give "ecosocialism", and
    "collectivisation" gives "collectivization". Marks that are part of a non-Latin script stay.
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter: é -> e
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    folded = re.sub(r"['’‘`´]", "", folded)
    folded = join_compounds(folded.replace("&", " and "))
    spaced = "".join(char if char.isalnum() or unicodedata.category(char).startswith("M") else " " for char in folded)
    words = spaced.split()
    if len(words) > 1 and words[0] == "the":  # "the invisible hand" is the invisible hand
        words = words[1:]
    return " ".join(fold_spelling(word) for word in words)


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
