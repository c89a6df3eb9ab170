"""Where the corpus and the index live: resolved in one pure function."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

PACKAGE_DIR = Path(__file__).resolve().parent


class Paths(NamedTuple):
    corpus: Path
    index: Path
    corpus_source: str  # which rule chose the corpus: "flag", "env", "checkout" or "package"
    index_source: str


def is_checkout(package_dir: Path) -> bool:
    """True when the package runs from a source checkout (corpus/ and setup.cfg beside it)."""
    root = package_dir.parent
    return (root / "setup.cfg").is_file() and (root / "corpus").is_dir()


def resolve_paths(
    *,
    corpus_flag: str | None = None,
    index_flag: str | None = None,
    env: Mapping[str, str],
    package_dir: Path = PACKAGE_DIR,
    home: Path | None = None,
) -> Paths:
    """Return the corpus and index locations.

    Order for each: command-line flag > IDEO_CORPUS / IDEO_INDEX > default. The default corpus
    is the checkout's `corpus/` in a source tree, else the copy shipped inside the package. The
    default index is the checkout's `index/` in a source tree, else the user cache directory
    ($XDG_CACHE_HOME/ideo/index, or ~/.cache/ideo/index); never site-packages.
    """
    checkout = is_checkout(package_dir)
    if corpus_flag:
        corpus, corpus_source = Path(corpus_flag), "flag"
    elif env.get("IDEO_CORPUS"):
        corpus, corpus_source = Path(env["IDEO_CORPUS"]), "env"
    elif checkout:
        corpus, corpus_source = package_dir.parent / "corpus", "checkout"
    else:
        corpus, corpus_source = package_dir / "_corpus", "package"

    if index_flag:
        index, index_source = Path(index_flag), "flag"
    elif env.get("IDEO_INDEX"):
        index, index_source = Path(env["IDEO_INDEX"]), "env"
    elif checkout:
        index, index_source = package_dir.parent / "index", "checkout"
    else:
        cache = env.get("XDG_CACHE_HOME") or str((home or Path.home()) / ".cache")
        index, index_source = Path(cache) / "ideo" / "index", "cache"
    return Paths(corpus.expanduser().absolute(), index.expanduser().absolute(), corpus_source, index_source)
