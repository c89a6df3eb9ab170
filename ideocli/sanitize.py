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
import re
from typing import Any, TypeVar

T = TypeVar("T")
UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
LINE_BREAKS = "\n\x0b\x0c\x85\u2028\u2029"
KEPT_ONE_LINE = {"\t": " ", **dict.fromkeys(LINE_BREAKS, " ")}
KEPT_MULTI_LINE = {"\t": "\t", **dict.fromkeys(LINE_BREAKS, "\n")}  # "\r" goes: "\r\n" becomes "\n"
MULTI_LINE_FIELDS = frozenset({"body", "text"})  # Article.body, Section.text
QUOTE_CHARS = 100


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Return text without control, bidi-formatting or surrogate characters; see the module docstring."""
    if UNSAFE_RE.search(text) is None:
        return text
    kept = KEPT_MULTI_LINE if multiline else KEPT_ONE_LINE

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return kept.get(char, "\ufffd" if "\ud800" <= char <= "\udfff" else "")

    return UNSAFE_RE.sub(replace, text)


def clean(value: T) -> T:
    """Return `value` with every string in it cleaned, through tuples, lists, dicts, NamedTuples and dataclasses.

    Fields named in MULTI_LINE_FIELDS keep their line breaks; everything else is one line.
    """
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]
    if isinstance(value, (list, tuple)):
        fields = getattr(value, "_fields", None)  # a NamedTuple's
        items = (
            [clean_field(name, item) for name, item in zip(fields, value, strict=True)]
            if fields
            else list(map(clean, value))
        )
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value  # the common case: nothing to clean, nothing copied
        return type(value)(*items) if fields else type(value)(items)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for spec in dataclasses.fields(value):
            item = getattr(value, spec.name)
            if (cleaned := clean_field(spec.name, item)) is not item:
                changed[spec.name] = cleaned
        return dataclasses.replace(value, **changed) if changed else value  # type: ignore[return-value]
    return value


def clean_field(name: str, value: Any) -> Any:
    return clean_text(value, multiline=True) if name in MULTI_LINE_FIELDS and isinstance(value, str) else clean(value)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Return user input as a message may quote it: at most `limit` characters, cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
