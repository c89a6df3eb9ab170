"""Which files make up a corpus; kept apart so the start-up path need not import the parser."""

from __future__ import annotations

import os
from collections.abc import Iterator

KIND_DIRS = {"ideologies": "ideology", "terms": "term", "people": "person"}
VOCABULARY_FILE = "vocabulary.yaml"


def entry_paths(root: str | os.PathLike[str]) -> Iterator[tuple[str, str]]:
    """Yield (path, kind) for each entry file as plain strings, sorted; dot-files, dot-dirs and
    non-.md files are skipped. Strings, not Paths: this runs on every start-up."""
    for directory, kind in KIND_DIRS.items():
        found: list[str] = []
        pending = [os.path.join(root, directory)]
        while pending:
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.name.endswith(".md"):
                    found.append(entry.path)
        for path in sorted(found):
            yield path, kind
