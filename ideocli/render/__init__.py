"""Renderers: one module per output format, all with the same functions, all writing to a stream.

plain     stable text for pipes and scripts: no ANSI codes, no box drawing
jsonout   one JSON document per call, with `schema_version`
richtext  Rich for terminals (imported only when chosen)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, NamedTuple, TextIO

from ideocli.sanitize import clean

FORMATS = ("auto", "rich", "plain", "json")
COLORS = ("auto", "always", "never")
SCHEMA_VERSION = 1
MODULES = {"rich": "ideocli.render.richtext", "plain": "ideocli.render.plain", "json": "ideocli.render.jsonout"}


class Output(NamedTuple):
    stream: TextIO
    format: str  # rich, plain or json
    color: bool


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def choose_output(stream: TextIO, fmt: str, color: str, env: Mapping[str, str]) -> Output:
    """Return the output settings: `auto` is rich on a terminal and plain when piped.

    Colour: `always` forces it; `never`, NO_COLOR or TERM=dumb turn it off; `auto` follows the terminal.
    """
    terminal = is_terminal(stream)
    if color == "always":
        use_color = True
    elif color == "never" or "NO_COLOR" in env or env.get("TERM") == "dumb":
        use_color = False
    else:
        use_color = terminal
    if fmt == "auto":
        fmt = "rich" if terminal or color == "always" else "plain"
    return Output(stream, fmt, use_color)


class Section(NamedTuple):
    """One section of an entry, as `sections()` renders it."""

    article: Any  # an Article
    heading: str
    text: str  # Markdown, several lines


class SafeRenderer:
    """A renderer module whose functions see only clean text (`sanitize.clean`), whatever the format."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def __getattr__(self, name: str) -> Callable[..., None]:
        function = getattr(self.module, name)

        def render(out: Output, *args: Any) -> None:
            function(out, *map(clean, args))

        return render


def renderer(output: Output) -> SafeRenderer:
    """Return the renderer for an output; Rich is imported only when it is chosen."""
    return SafeRenderer(importlib.import_module(MODULES[output.format]))
