"""`ideo serve`: the pages of `pages.Site` over HTTP, read-only, from the standard library's server.

Requests are routed by name only: a fixed set of pages, entries and families looked up by slug,
and static files from a fixed dict of package resources. No path from a request ever reaches the
file system. GET and HEAD only; every failure is a short 4xx (or 500) without a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import random
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from ideocli.errors import BadUsage, IdeoError, NotFound
from ideocli.sanitize import clean_text
from ideocli.web.pages import (
    CSP,
    ENTRY_ROUTE,
    FAMILY_ROUTE,
    MAX_SEARCH_LIMIT,
    SEARCH_LIMIT,
    STATIC_TYPES,
    Site,
    entry_path,
    static_file,
)

if TYPE_CHECKING:
    from ideocli.library import Library

HTML = "text/html; charset=utf-8"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAX_QUERY_STRING = 4096


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class IdeoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site, *, quiet: bool = False) -> None:
        self.site = site
        self.quiet = quiet
        self.lock = threading.Lock()  # one page at a time: the library caches what it reads
        self.loopback_only = is_loopback(address[0])
        if ":" in address[0]:
            self.address_family = __import__("socket").AF_INET6
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: IdeoServer
    server_version = "ideo"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    # --- plumbing --------------------------------------------------------------------------

    def version_string(self) -> str:
        return "ideo"

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.headers.defects:  # a header line without a colon, say
            self.send_problem(HTTPStatus.BAD_REQUEST, "malformed request headers")
            return False
        if self.request_version == "HTTP/0.9":
            self.send_problem(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not served")
            return False
        if self.command not in ("GET", "HEAD"):
            self.send_problem(HTTPStatus.METHOD_NOT_ALLOWED, "ideo serve is read-only: GET and HEAD only")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 (the name http.server looks for)
        self.respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.respond(body=False)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, headers too long...) in ideo's shape."""
        self.send_problem(code, message or HTTPStatus(code).phrase)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the signature of http.server)
        if not self.server.quiet:
            sys.stderr.write(clean_text(f"{self.address_string()} - {format % args}") + "\n")

    def send_problem(self, status: int, message: str, hints: tuple[str, ...] = ()) -> None:
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # always a status line, even for a request line that made no sense
        wants_json = urlsplit(getattr(self, "path", "") or "").path.startswith("/api/")
        if wants_json:
            data = json.dumps(
                {
                    "error": {
                        "status": int(status),
                        "message": clean_text(message),
                        "hints": [clean_text(h) for h in hints],
                    }
                }
            )
            self.send(int(status), "application/json; charset=utf-8", data.encode())
        else:
            self.send(int(status), HTML, self.server.site.error_page(int(status), message).encode())

    def send(self, status: int, content_type: str, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        fields = {
            "Content-Type": content_type,
            "Content-Length": str(len(payload)),
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
        }
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            fields["Allow"] = "GET, HEAD"
        if status >= 400:
            self.close_connection = True
            fields["Connection"] = "close"
        fields.update(headers or {})
        for name, value in fields.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    # --- routing ---------------------------------------------------------------------------

    def respond(self, *, body: bool) -> None:
        try:
            status, content_type, payload, headers = self.route()
        except HttpError as error:
            self.send_problem(error.status, error.message)
            return
        except BadUsage as error:
            self.send_problem(HTTPStatus.BAD_REQUEST, error.message, error.hints)
            return
        except NotFound as error:
            self.send_problem(HTTPStatus.NOT_FOUND, error.message, error.hints)
            return
        except IdeoError as error:
            self.send_problem(HTTPStatus.INTERNAL_SERVER_ERROR, error.message)
            return
        except Exception as error:  # a bug: say so in one line, never a traceback to the client
            sys.stderr.write(clean_text(f"ideo: error serving {self.path[:200]!r}: {error!r}") + "\n")
            self.send_problem(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
            return
        self.send(status, content_type, payload, headers)

    def check_host(self) -> None:
        """On loopback, answer only requests addressed to a loopback name (DNS rebinding)."""
        if not self.server.loopback_only:
            return
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host and name.lower() not in LOOPBACK_NAMES:  # no Host at all (HTTP/1.0) cannot be a rebinding
            raise HttpError(HTTPStatus.BAD_REQUEST, "unexpected Host header")

    def route(self) -> tuple[int, str, bytes, dict[str, str]]:
        self.check_host()
        raw = self.path
        if not raw.startswith("/") or raw.startswith("//"):
            raise HttpError(HTTPStatus.BAD_REQUEST, "the request target must be a path")
        parts = urlsplit(raw)
        if len(parts.query) > MAX_QUERY_STRING:
            raise HttpError(HTTPStatus.REQUEST_URI_TOO_LONG, "query string too long")
        try:
            path = unquote(parts.path, errors="strict")
            params = parse_qs(
                parts.query, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=10
            )
        except (UnicodeDecodeError, ValueError):
            raise HttpError(HTTPStatus.BAD_REQUEST, "malformed URL") from None
        if "\x00" in path or "\\" in path or "/../" in path + "/" or "/./" in path + "/":
            raise HttpError(HTTPStatus.NOT_FOUND, "no such page")
        site = self.server.site
        with self.server.lock:
            return self.dispatch(site, path.lstrip("/"), params)

    def dispatch(self, site: Site, path: str, params: dict[str, list[str]]) -> tuple[int, str, bytes, dict[str, str]]:
        def page(text: str) -> tuple[int, str, bytes, dict[str, str]]:
            return HTTPStatus.OK, HTML, text.encode(), {}

        if path in ("", "index.html"):
            slug = random.choice(sorted(a.slug for a in site.library.listing()) or [""])
            return page(site.home(random_slug=slug))
        if path == "entries.html":
            return page(site.entries_page())
        if path == "timeline.html":
            return page(site.timeline())
        if path == "search.html":
            return page(self.search_page(site, params))
        if path == "random":
            slugs = sorted(a.slug for a in site.library.listing())
            if not slugs:
                raise NotFound("the corpus is empty")
            return HTTPStatus.FOUND, HTML, b"", {"Location": "/" + entry_path(random.choice(slugs))}
        if path == "api/search":
            return HTTPStatus.OK, "application/json; charset=utf-8", self.search_json(site, params), {}
        if path.startswith("static/") and path[len("static/") :] in STATIC_TYPES:
            name = path[len("static/") :]
            return HTTPStatus.OK, STATIC_TYPES[name], static_file(name), {"Cache-Control": "max-age=60"}
        if match := ENTRY_ROUTE.fullmatch(path):
            return page(site.entry(match.group(1)))
        if match := FAMILY_ROUTE.fullmatch(path):
            return page(site.family(match.group(1)))
        raise HttpError(HTTPStatus.NOT_FOUND, "no such page")

    def search_json(self, site: Site, params: dict[str, list[str]]) -> bytes:
        query = one(params, "q")
        if query is None or not query.strip():
            raise BadUsage("give a query: /api/search?q=WORDS")
        limit_text = one(params, "limit") or str(SEARCH_LIMIT)
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_SEARCH_LIMIT:
            raise BadUsage(f"limit must be a number from 1 to {MAX_SEARCH_LIMIT}")
        document = site.search(query, limit=int(limit_text), kind=one(params, "kind"), family=one(params, "family"))
        return json.dumps(document, ensure_ascii=False).encode()

    def search_page(self, site: Site, params: dict[str, list[str]]) -> str:
        query = one(params, "q") or ""
        if not query.strip():
            return site.search_page("")
        try:
            document = site.search(query)
        except BadUsage as error:
            return site.search_page(query, message=error.message)
        message = ""
        if not document["hits"]:
            hints = document.get("did_you_mean") or []
            message = "No results." + (f" Did you mean: {'; '.join(hints)}?" if hints else "")
        elif document["corrected"]:
            message = f'Nothing matched; showing results for "{document["corrected"]}".'
        return site.search_page(query, document["hits"], message)


def one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadUsage(f"give {name} once")
    return values[0]


def make_server(library: Library, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False) -> IdeoServer:
    """Return a bound server (port 0 picks a free one); raises BadUsage when the address cannot be used."""
    try:
        return IdeoServer((host, port), Site(library), quiet=quiet)
    except OSError as error:
        raise BadUsage(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def url_of(server: IdeoServer) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{shown}:{port}/"
