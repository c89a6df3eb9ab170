"""Which files make up a corpus; kept apart so the start-up path need not import the parser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

KIND_DIRS = {"ideologies": "ideology", "terms": "term"}
VOCABULARY_FILE = "vocabulary.yaml"


def corpus_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Yield (path, kind) for each entry file, sorted; dot-files, dot-dirs and non-.md files are skipped."""
    for directory, kind in KIND_DIRS.items():
        base = os.path.join(root, directory)
        found = []
        for folder, subdirs, files in os.walk(base):
            subdirs[:] = [name for name in subdirs if not name.startswith(".")]
            found += [os.path.join(folder, name) for name in files if name.endswith(".md") and not name.startswith(".")]
        for path in sorted(found):
            yield Path(path), kind
