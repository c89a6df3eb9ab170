"""Where the corpus and the index live: resolved in one pure function."""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Mapping
from typing import NamedTuple

from ideocli.errors import BadUsage

# Plain strings, not pathlib: this module is on every command's start-up path.
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


class Paths(NamedTuple):
    corpus: str
    index: str
    corpus_source: str  # which rule chose the corpus: "flag", "env", "checkout" or "package"
    index_source: str


def is_checkout(package_dir: str) -> bool:
    """True when the package runs from a source checkout (corpus/ and setup.cfg beside it)."""
    root = os.path.dirname(package_dir)
    return os.path.isfile(os.path.join(root, "setup.cfg")) and os.path.isdir(os.path.join(root, "corpus"))


def resolve_paths(
    *,
    corpus_flag: str | None = None,
    index_flag: str | None = None,
    env: Mapping[str, str],
    package_dir: str = PACKAGE_DIR,
    home: str | None = None,
) -> Paths:
    """Return the corpus and index locations.

    Order for each: command-line flag > IDEO_CORPUS / IDEO_INDEX > default. The default corpus
    is the checkout's `corpus/` in a source tree, else the copy shipped inside the package. The
    default index is one directory per corpus (see corpus_key) under the checkout's `index/` in a
    source tree, else under the user cache directory ($XDG_CACHE_HOME/ideo/index, or
    ~/.cache/ideo/index); never site-packages. So switching corpora never rebuilds an index.
    Raises BadUsage when a flag or variable is set but empty.
    """
    root = os.path.dirname(package_dir)
    if is_checkout(package_dir):
        corpus_default = (os.path.join(root, "corpus"), "checkout")
        index_default = (os.path.join(root, "index"), "checkout")
    else:
        xdg_cache = env.get("XDG_CACHE_HOME", "")
        # The XDG spec says to ignore a relative path here, as if the variable were unset.
        cache = xdg_cache if os.path.isabs(xdg_cache) else os.path.join(home or os.path.expanduser("~"), ".cache")
        corpus_default = (os.path.join(package_dir, "_corpus"), "package")
        index_default = (os.path.join(cache, "ideo", "index"), "cache")
    corpus, corpus_source = first_of(("--corpus", corpus_flag), ("IDEO_CORPUS", env.get("IDEO_CORPUS")), corpus_default)
    index, index_source = first_of(("--index-dir", index_flag), ("IDEO_INDEX", env.get("IDEO_INDEX")), index_default)
    if index_source == index_default[1]:  # a default location holds one index per corpus
        index = os.path.join(index, corpus_key(corpus))
    return Paths(corpus, index, corpus_source, index_source)


def corpus_key(corpus: str) -> str:
    """Return the name of a corpus's index under a default location: its directory's name and a
    CRC-32 of its real path ("corpus-1a2b3c4d"). Two corpora sharing a key would only share one
    index, rebuilt at each switch: the store's fingerprints include the corpus's real path."""
    real = os.path.realpath(corpus)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", os.path.basename(real)).strip(".-")[:40] or "corpus"
    return f"{name}-{zlib.crc32(real.encode('utf-8', 'surrogateescape')):08x}"


def first_of(
    flag: tuple[str, str | None], variable: tuple[str, str | None], default: tuple[str, str]
) -> tuple[str, str]:
    """Return (absolute path, which rule chose it): the flag, else the environment, else the default.

    `flag` and `variable` are (name, value or None). Raises BadUsage for an empty value: a slip
    such as `--corpus "$UNSET"` must not quietly mean the default.
    """
    for (name, value), source in ((flag, "flag"), (variable, "env")):
        if value == "":
            raise BadUsage(f"{name} is empty; give a directory, or leave it out for the default")
        if value is not None:
            return os.path.abspath(os.path.expanduser(value)), source
    path, source = default
    return os.path.abspath(path), source
