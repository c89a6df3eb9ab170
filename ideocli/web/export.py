"""`ideo export html DIR`: the pages of `pages.Site` as a static site (works from file:// and any host).

DIR must be empty, missing, or a previous export (it holds MARKER). Files are written through a
temporary file and a rename, so a symlink planted in DIR is replaced, never followed; nothing is
ever deleted.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from ideocli.errors import BadUsage
from ideocli.web.pages import INDEX_SCRIPT, STATIC_TYPES, Site, entry_path, family_path, static_file

if TYPE_CHECKING:
    from ideocli.library import Library

MARKER = ".ideo-export"
MARKER_TEXT = "This directory was written by `ideo export html`; ideo may overwrite the files it wrote here.\n"


def check_target(directory: str) -> None:
    """Raise BadUsage unless `directory` is missing, empty, or a previous export."""
    if os.path.islink(directory):
        raise BadUsage(f"{directory} is a symbolic link; give the real directory")
    if not os.path.exists(directory):
        return
    if not os.path.isdir(directory):
        raise BadUsage(f"{directory} exists and is not a directory")
    if os.listdir(directory) and not os.path.isfile(os.path.join(directory, MARKER)):
        raise BadUsage(f"{directory} is not empty and is not a previous ideo export; give a new or empty directory")
    for sub in ("entry", "family", "static"):
        path = os.path.join(directory, sub)
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isdir(path)):
            raise BadUsage(f"{path} is not a plain directory; remove it or give another directory")


def write_file(directory: str, relative: str, data: bytes) -> None:
    target = os.path.join(directory, *relative.split("/"))
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=parent, prefix=".ideo-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def export_html(library: Library, directory: str, *, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Write the static site into `directory`; return the number of pages written."""
    check_target(directory)
    os.makedirs(directory, exist_ok=True)
    write_file(directory, MARKER, MARKER_TEXT.encode())
    site = Site(library, static=True)
    for name in STATIC_TYPES:
        write_file(directory, f"static/{name}", static_file(name))
    write_file(directory, f"static/{INDEX_SCRIPT}", site.search_index().encode())
    pages: list[tuple[str, Callable[[], str]]] = [
        ("index.html", lambda: site.home(random_slug=None)),
        ("entries.html", site.entries_page),
        ("timeline.html", site.timeline),
        ("search.html", lambda: site.search_page("")),
    ]
    pages += [(family_path(name), lambda name=name: site.family(name)) for name in site.families]
    pages += [
        (entry_path(slug), lambda slug=slug: site.entry(slug)) for slug in sorted(site.titles) if site.has_entry(slug)
    ]
    for done, (relative, build) in enumerate(pages, 1):
        write_file(directory, relative, build().encode())
        if on_progress:
            on_progress(done, len(pages))
    return len(pages)
