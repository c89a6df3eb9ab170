"""Which files make up a corpus, and how to read one safely; kept apart so the start-up path need not
import the parser."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator

KIND_DIRS = {"ideologies": "ideology", "terms": "term", "people": "person"}
VOCABULARY_FILE = "vocabulary.yaml"
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # an entry's file name without .md; use fullmatch
MAX_FILE_BYTES = 1_000_000  # an entry is a few thousand words; anything bigger is a mistake or an attack
FILE_TYPES = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


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


def read_source(path: str) -> bytes:
    """Return the bytes of a corpus file.

    Raises OSError for anything but a regular file (a FIFO would block, /dev/zero never ends,
    even behind a symlink) and for a file over MAX_FILE_BYTES.
    """
    check_regular(os.stat(path))
    # O_NONBLOCK: should a FIFO replace the file after the check, opening it must not wait for a writer.
    with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        check_regular(os.fstat(handle.fileno()))
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"too large: over {MAX_FILE_BYTES:,} bytes")
    return data


def check_regular(info: os.stat_result) -> None:
    """Raise OSError unless `info` is that of a regular file of at most MAX_FILE_BYTES."""
    if stat.S_ISDIR(info.st_mode):
        raise OSError("not a regular file but a directory")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"not a regular file but {FILE_TYPES.get(stat.S_IFMT(info.st_mode), 'a special file')}")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(f"too large: {info.st_size:,} bytes, at most {MAX_FILE_BYTES:,}")


def read_source_text(path: str) -> str:
    """Return a corpus file as text, newlines translated as open() in text mode does.

    Raises OSError as read_source does, and UnicodeDecodeError when it is not UTF-8.
    """
    return read_source(path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
