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
    if checkout:
        corpus_default, index_default = (
            (package_dir.parent / "corpus", "checkout"),
            (package_dir.parent / "index", "checkout"),
        )
    else:
        cache = Path(env.get("XDG_CACHE_HOME") or (home or Path.home()) / ".cache")
        corpus_default, index_default = (package_dir / "_corpus", "package"), (cache / "ideo" / "index", "cache")
    corpus, corpus_source = first_of(corpus_flag, env.get("IDEO_CORPUS"), corpus_default)
    index, index_source = first_of(index_flag, env.get("IDEO_INDEX"), index_default)
    return Paths(corpus, index, corpus_source, index_source)


def first_of(flag: str | None, env_value: str | None, default: tuple[Path, str]) -> tuple[Path, str]:
    """Return (absolute path, which rule chose it): the flag, else the environment, else the default."""
    path, source = (Path(flag), "flag") if flag else (Path(env_value), "env") if env_value else default
    return path.expanduser().absolute(), source
