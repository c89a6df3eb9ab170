"""Shared by the web tests: a corpus with a hostile entry, and `ideo serve` running in a thread on port 0."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ideocli.library import Library, open_library
from ideocli.paths import resolve_paths

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
# Everything here must come out as text: no tag, no handler, no javascript: link may reach a page.
HOSTILE_ENTRY = """---
title: "Hostile <script>window.pwned = 'title'</script> entry"
aliases: ["<img src=x onerror=window.pwned='alias'>", "javascript:window.pwned='alias2'"]
summary: Summary <script>window.pwned = 'summary'</script> with "quotes" & <b onmouseover="window.pwned=1">tags</b>.
definition: "Defined as <svg onload=window.pwned='definition'> and \\"quoted\\" text."
ideologies: [alphaism]
---
## Overview

Body <script>window.pwned = 'body'</script> and <img src=x onerror="window.pwned='img'"> raw HTML,
[a javascript link](javascript:window.pwned='link'), [a data link](data:text/html;base64,PHNjcmlwdD4=),
[a vbscript link](vbscript:msgbox), <a href="javascript:window.pwned='a'">an anchor</a>,
![an image](http://example.com/x.png), [[alphaism|a <b>cross</b> reference]], [[no-such-entry|a dangling one]]
and [a fine link](https://example.com/ok).

## History

"><script>window.pwned='attr'</script> and `<script>code</script>`.
"""


def hostile_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    (corpus / "terms" / "hostile.md").write_text(HOSTILE_ENTRY, encoding="utf-8")
    return corpus


def library_for(corpus: Path, index: Path) -> Library:
    return open_library(resolve_paths(corpus_flag=str(corpus), index_flag=str(index), env={}))


@contextmanager
def running(library: Library) -> Iterator[str]:
    """Serve `library` on a free loopback port in a thread; yield the base URL (ending in /)."""
    from ideocli.web.server import make_server, url_of

    server = make_server(library, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url_of(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
