"""The one place where text from files, entries and users is made safe to print.

Renderers see only what `clean()` returns (see `render.renderer`), and every line ideo writes
to stderr goes through `clean_text()`. Removed: C0 and C1 control characters (ESC starts colour,
cursor-movement, title-setting and hyperlink sequences) and the bidi overrides, embeddings,
isolates and marks that make text display differently from what it is. Lone surrogates (bytes
that were not UTF-8, in an argument or a file name) become U+FFFD, as they cannot be written.
Line breaks stay only in multi-line text (an entry's body, a section); elsewhere they become
spaces, so that a name can never start a line of its own.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
LINE_BREAKS = "\n\x0b\x0c\x85\u2028\u2029"
KEPT_ONE_LINE = {"\t": " ", **dict.fromkeys(LINE_BREAKS, " ")}
KEPT_MULTI_LINE = {"\t": "\t", **dict.fromkeys(LINE_BREAKS, "\n")}  # "\r" goes: "\r\n" becomes "\n"
MULTI_LINE_FIELDS = frozenset({"body", "text"})  # Article.body, Section.text
QUOTE_CHARS = 100
FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per NamedTuple or dataclass type


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Return text without control, bidi-formatting or surrogate characters; see the module docstring."""
    if text.isprintable() or UNSAFE_RE.search(text) is None:  # isprintable(): a fast pass for most text
        return text
    kept = KEPT_MULTI_LINE if multiline else KEPT_ONE_LINE

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return kept.get(char, "\ufffd" if "\ud800" <= char <= "\udfff" else "")

    return UNSAFE_RE.sub(replace, text)


def clean(value: T) -> T:
    """Return `value` with every string in it cleaned, through tuples, lists, iterators, dicts, NamedTuples
    and dataclasses.

    Fields named in MULTI_LINE_FIELDS keep their line breaks; everything else is one line.
    Nothing is copied when nothing needs cleaning (the common case, and `ideo list` has hundreds).
    """
    kind = type(value)
    if kind is str:
        return clean_text(value)  # type: ignore[arg-type, return-value]
    if kind is list or kind is tuple:
        try:
            joined = "".join(value)  # type: ignore[arg-type]
            if joined.isprintable() or UNSAFE_RE.search(joined) is None:
                return value  # all strings, all clean
        except TypeError:  # not all strings
            pass
        items = [clean(item) for item in value]  # type: ignore[attr-defined]
        return value if all(map(operator.is_, items, value)) else kind(items)  # type: ignore[arg-type, call-arg]
    if isinstance(value, Iterator):  # a stream (`ideo list`): each item is cleaned as it is read
        return map(clean, value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}  # type: ignore[return-value]
    names = FIELD_NAMES.get(kind)
    if names is None:
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
            names = value._fields
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = tuple(spec.name for spec in dataclasses.fields(value))
        else:
            return value  # numbers, None, booleans
        FIELD_NAMES[kind] = names
    changed = {}
    for name in names:
        item = getattr(value, name)
        if type(item) is str:
            if item.isprintable():
                continue
            cleaned = clean_text(item, multiline=name in MULTI_LINE_FIELDS)
        elif item is None or type(item) is int or type(item) is bool:
            continue
        else:
            cleaned = clean(item)
        if cleaned is not item:
            changed[name] = cleaned
    if not changed:
        return value
    if isinstance(value, tuple):
        return value._replace(**changed)  # type: ignore[attr-defined, no-any-return]
    return dataclasses.replace(value, **changed)  # type: ignore[type-var]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Return user input as a message may quote it: at most `limit` characters, cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
