"""`ideo serve` over HTTP and `ideo export html`: every route, error and traversal attempt."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run
from webserver import HOSTILE_ENTRY, hostile_corpus, library_for, running

from ideocli.library import Library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("web")
    return library_for(hostile_corpus(root), root / "index")


@pytest.fixture(scope="module")
def base(library: Library) -> Iterator[str]:
    with running(library) as url:
        yield url


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict:
        return json.loads(self.body)


def get(base: str, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    """Send `path` exactly as given (no client-side normalisation) and read the answer."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=headers is not None and "Host" in headers)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def raw(base: str, data: bytes) -> bytes:
    """Send raw bytes as a request; return all the server answers."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def assert_safe_headers(answer: Answer) -> None:
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in answer.headers


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/index.html"])
def test_home(base: str, path: str) -> None:
    answer = get(base, path)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    assert_safe_headers(answer)
    page = answer.text
    assert '<input id="q" name="q"' in page and 'action="search.html"' in page
    assert 'href="family/socialism.html"' in page
    assert "A random entry" in page and "ideologies</li>" in page
    assert '<script src="static/ideo.js" defer></script>' in page
    assert re.search(r"<script>", page) is None  # no inline script anywhere


def test_entry_page(base: str) -> None:
    page = get(base, "/entry/alphaism.html").text
    assert "<h1>Alphaism</h1>" in page
    assert "<dt>Founded</dt><dd>1901</dd>" in page
    assert '<a href="../entry/rolling-reform.html">rolling reform</a>' in page  # a [[link]] in the body
    assert '<dt>Derived from</dt><dd><a href="../entry/betaism.html">Betaism</a></dd>' in page
    assert "<dt>Linked from</dt>" in page and 'href="../entry/hostile.html"' in page  # a back-link
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="graph"' in page
    assert '<h2 id="nb-h">Neighbourhood</h2>' in page
    assert '<link rel="stylesheet" href="../static/ideo.css">' in page


def test_card_page(base: str, library: Library) -> None:
    cards = [slug for slug, article in library.entries.items() if article.card]
    assert cards
    answer = get(base, f"/entry/{cards[0]}.html")
    assert answer.status == 200 and "card" in answer.text


def test_other_pages(base: str) -> None:
    assert "Alphaism" in get(base, "/entries.html").text
    family = get(base, "/family/socialism.html")
    assert family.status == 200 and 'href="../entry/alphaism.html"' in family.text
    assert 'class="timeline"' in family.text
    timeline = get(base, "/timeline.html").text
    assert 'class="timeline"' in timeline and 'href="entry/alphaism.html"' in timeline
    search = get(base, "/search.html?q=alpha").text
    assert 'href="entry/alphaism.html"' in search and 'value="alpha"' in search
    assert get(base, "/search.html").status == 200
    assert "No results" in get(base, "/search.html?q=zzzzqqq").text
    assert "prefix" in get(base, "/search.html?q=*").text  # the error, in the page


def test_random_redirects_to_an_entry(base: str) -> None:
    answer = get(base, "/random")
    assert answer.status == 302 and re.fullmatch(r"/entry/[a-z0-9-]+\.html", answer.headers["location"])


@pytest.mark.parametrize(
    ("name", "kind"), [("ideo.css", "text/css"), ("ideo.js", "text/javascript"), ("favicon.svg", "image/svg+xml")]
)
def test_static_files(base: str, name: str, kind: str) -> None:
    answer = get(base, f"/static/{name}")
    assert answer.status == 200 and answer.headers["content-type"].startswith(kind) and answer.body


def test_head_has_headers_and_no_body(base: str) -> None:
    answer = get(base, "/entry/alphaism.html", method="HEAD")
    assert answer.status == 200 and answer.body == b"" and int(answer.headers["content-length"]) > 1000


# --- the search endpoint -------------------------------------------------------------------------


def test_search_endpoint_matches_ideo_search(base: str, library: Library) -> None:
    answer = get(base, "/api/search?q=reform&limit=5")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/json")
    found = answer.json()
    expected = library.search("reform", limit=5)
    assert [hit["slug"] for hit in found["hits"]] == [hit.slug for hit in expected.hits]
    assert found["total"] == expected.total and found["query"] == "reform"


def test_search_endpoint_filters(base: str) -> None:
    found = get(base, "/api/search?q=reform&kind=ideology").json()
    assert found["hits"] and all(hit["kind"] == "ideology" for hit in found["hits"])


def test_search_with_no_results_suggests(base: str) -> None:
    found = get(base, "/api/search?q=alphaismm").json()
    assert found["hits"] == [] or found["corrected"]


@pytest.mark.parametrize(
    "query",
    ["", "?q=", "?q=%20", "?q=*", "?q=a&limit=0", "?q=a&limit=x", "?q=a&limit=101", "?q=a&q=b", "?q=a&kind=nope",
     "?q=" + "x" * 3000 + "%20" + "y" * 1000],
)  # fmt: skip
def test_search_errors_are_json_400(base: str, query: str) -> None:
    answer = get(base, "/api/search" + query)
    assert answer.status == 400, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["status"] == 400 and error["message"]


def test_search_error_keeps_the_message_of_ideo_search(base: str) -> None:
    error = get(base, "/api/search?q=*").json()["error"]
    assert "two letters" in error["message"]


# --- what must not be served ---------------------------------------------------------------------

TRAVERSALS = [
    "/../setup.cfg",
    "/%2e%2e/setup.cfg",
    "/static/../web/pages.py",
    "/static/%2e%2e/pages.py",
    "/static/..%2fpages.py",
    "/static/..%2Fpages.py",
    "/static/..%5cpages.py",
    "/static/pages.py",
    "/static/__init__.py",
    "/static/ideo.css/",
    "/static/",
    "/static",
    "/entry/..%2f..%2fsetup.cfg.html",
    "/entry/../../setup.cfg.html",
    "/entry/%2e%2e%2f%2e%2e%2fetc%2fpasswd.html",
    "/entry/alphaism.html/../../setup.cfg",
    "/entry/alphaism.html%00",
    "/entry/%00.html",
    "/entry/alphaism",
    "/entry/ALPHAISM.html",
    "/entry//etc/passwd.html",
    "/etc/passwd",
    "/entry/.html",
    "/family/..%2fentry%2falphaism.html",
    "/family/nope.html",
    "/nope",
    "/index.htm",
    "/api/search/../../setup.cfg",
    "/%2fetc%2fpasswd",
    "/ideocli/web/static/ideo.js",
    "/corpus/terms/hostile.md",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_what_ideo_serves(base: str, path: str) -> None:
    answer = get(base, path)
    assert 400 <= answer.status < 500, (path, answer.status)
    assert b"Traceback" not in answer.body and b"[options]" not in answer.body and b"root:" not in answer.body
    assert_safe_headers(answer)


@pytest.mark.parametrize(
    "path", ["//etc/passwd", "http://127.0.0.1/etc/passwd", "*", "/%ff.html", "/search.html?q=%ff"]
)
def test_odd_targets_are_400_or_404(base: str, path: str) -> None:
    answer = get(base, path)
    assert answer.status in (400, 404), (path, answer.status)
    assert b"Traceback" not in answer.body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO"])
def test_read_only(base: str, method: str) -> None:
    answer = get(base, "/", method=method)
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/x.y\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"\xff\xfe / HTTP/1.1\r\n\r\n",
    ],
)
def test_malformed_requests_get_4xx(base: str, request_bytes: bytes) -> None:
    answer = raw(base, request_bytes)
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:200]
    assert b"Traceback" not in answer


def test_the_server_survives_all_that(base: str) -> None:
    assert get(base, "/").status == 200


# --- escaping ------------------------------------------------------------------------------------


def test_hostile_entry_is_escaped(base: str) -> None:
    page = get(base, "/entry/hostile.html").text
    assert "&lt;script&gt;window.pwned" in page
    assert re.search(r"<[^>]*\son\w+\s*=", page) is None  # no event handler inside any tag
    for danger in ("<script>window", "<img", "<svg onload", "<b onmouseover", 'href="javascript:',
                   'href="data:', 'href="vbscript:', 'src="http'):  # fmt: skip
        assert danger not in page, danger
    assert '<a href="https://example.com/ok">a fine link</a>' in page
    assert '<a href="../entry/alphaism.html">a &lt;b&gt;cross&lt;/b&gt; reference</a>' in page
    assert "a dangling one" in page and "no-such-entry.html" not in page
    assert page.count("<script") == 1  # ideo.js only


def test_hostile_search_results_are_escaped(base: str) -> None:
    page = get(base, "/search.html?q=hostile").text
    assert "<script>window" not in page and "&lt;script&gt;" in page
    assert get(base, '/search.html?q="><script>x</script>').text.count("<script") == 1


def test_error_pages_escape_what_was_asked(base: str) -> None:
    answer = get(base, "/api/search?q=%22%3E%3Cscript%3E&limit=bad")
    assert "<script>" not in answer.text


# --- the commands --------------------------------------------------------------------------------


def serve_process(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ideocli", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
    )


def first_lines(process: subprocess.Popen[str], until: str) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if until in line:
            break
    return lines


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serve_command_and_the_non_loopback_warning(host: str, warned: bool) -> None:
    process = serve_process("--host", host)
    try:
        lines = first_lines(process, "serving")
        assert any("serving" in line and "Ctrl-C" in line for line in lines), lines
        assert any("warning" in line for line in lines) is warned
        port = int(re.search(r":(\d+)/", lines[-1]).group(1))
        assert get(f"http://127.0.0.1:{port}/", "/", headers={"Host": f"127.0.0.1:{port}"}).status in (200, 400)
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        process.kill()
        process.wait()


def test_serve_refuses_a_port_in_use() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        result = run("serve", "--port", str(sock.getsockname()[1]))
    assert result.exit_code == 2 and "cannot listen" in result.stderr


def test_serve_and_export_are_loaded_only_when_called() -> None:
    assert run("index").exit_code == 0
    probe = (
        "import sys\n"
        "from ideocli.cli import main\n"
        "for args in (['show', 'alphaism'], ['define', 'RR'], ['search', 'alpha']):\n"
        "    sys.argv = ['ideo', *args]\n"
        "    try:\n        main()\n    except SystemExit as e:\n        assert e.code == 0, (args, e.code)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ideocli.web', 'markdown_it', 'http.server'))),"
        " file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"


# --- export --------------------------------------------------------------------------------------


def test_export_writes_a_static_site(tmp_path: Path, corpus: Path) -> None:
    (corpus / "terms" / "hostile.md").write_text(HOSTILE_ENTRY, encoding="utf-8")
    site = tmp_path / "site"
    result = run("export", "html", str(site))
    assert result.exit_code == 0, result.stderr
    assert "pages" in result.stderr
    for name in ("index.html", "entries.html", "timeline.html", "search.html", "entry/alphaism.html",
                 "entry/hostile.html", "family/socialism.html", "static/ideo.js", "static/ideo.css", "static/favicon.svg",
                 "static/search-index.js", ".ideo-export"):  # fmt: skip
        assert (site / name).is_file(), name
    home = (site / "index.html").read_text()
    assert '<meta http-equiv="Content-Security-Policy"' in home and 'data-mode="static"' in home
    assert '<script src="static/search-index.js" defer></script>' in home
    data = (site / "static" / "search-index.js").read_text()
    assert data.startswith("window.IDEO_INDEX=[") and "<" not in data
    rows = json.loads(data[len("window.IDEO_INDEX=") : -2])
    assert ["alphaism", "Alphaism", "ideology"] == rows[0][:3] or any(row[0] == "alphaism" for row in rows)
    hostile = (site / "entry" / "hostile.html").read_text()
    assert "<script>window" not in hostile and 'href="javascript:' not in hostile
    assert 'href="../entry/alphaism.html"' in hostile


def test_export_refuses_a_directory_of_other_files(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    result = run("export", "html", str(target))
    assert result.exit_code == 2 and "not a previous ideo export" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert run("export", "html", str(tmp_path / "file")).exit_code == 2


def test_export_again_overwrites_its_own_files_and_deletes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("export", "html", str(site)).exit_code == 0
    (site / "extra.txt").write_text("someone else's")
    outside = tmp_path / "outside.html"
    outside.write_text("not ideo's")
    (site / "entry" / "alphaism.html").unlink()
    (site / "entry" / "alphaism.html").symlink_to(outside)  # a planted link is replaced, not followed
    assert run("export", "html", str(site)).exit_code == 0
    assert (site / "extra.txt").read_text() == "someone else's"
    assert outside.read_text() == "not ideo's"
    assert not (site / "entry" / "alphaism.html").is_symlink()


def test_export_refuses_symlinked_directories(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("export", "html", str(site)).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.rename(site / "entry", tmp_path / "old-entry")
    (site / "entry").symlink_to(elsewhere)
    result = run("export", "html", str(site))
    assert result.exit_code == 2 and "not a plain directory" in result.stderr
    assert list(elsewhere.iterdir()) == []
    link = tmp_path / "link"
    link.symlink_to(elsewhere)
    assert run("export", "html", str(link)).exit_code == 2


def test_provenance_fields_are_shown_escaped_and_linked_only_when_http(library: Library) -> None:
    from types import SimpleNamespace

    from ideocli.web.pages import Site

    imported = SimpleNamespace(
        source="https://example.org/page?a=1&b=2", url="javascript:alert(1)", retrieved="<b>2026</b>"
    )
    shown = Site(library).provenance(imported)  # type: ignore[arg-type]
    assert '<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow noopener noreferrer">' in shown
    assert "javascript:alert(1)" in shown and 'href="javascript' not in shown
    assert "&lt;b&gt;2026&lt;/b&gt;" in shown
    assert Site(library).provenance(SimpleNamespace()) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://x.org/a", True), ("http://x.org", True), ("../entry/a.html", True), ("#top", True),
     ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:x", False),
     ("java\tscript:x", False), ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False),
     ("//evil.example/x", False), ("\\\\evil\\x", False), ("mailto:a@b", False)],
)  # fmt: skip
def test_only_http_and_relative_links(url: str, safe: bool) -> None:
    from ideocli.web.pages import safe_url

    assert safe_url(url) is safe


def test_a_request_without_host_is_served(base: str) -> None:
    assert raw(base, b"GET /entry/alphaism.html HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200 OK")
