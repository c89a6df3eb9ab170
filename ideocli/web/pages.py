"""The HTML pages of ideo's browser face, built from the public Library and views functions.

One `Site` builds every page as a string for both faces: `ideo serve` (pages on request, search
through /api/search) and `ideo export html` (files, search over a prebuilt index in the browser).
Every string from an entry is cleaned (`sanitize.clean`) and escaped here, in text and attribute
contexts alike; Markdown is rendered with raw HTML off and only http(s) or relative links kept.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ideocli.articles import KINDS, RELATION_LABELS, Article, normalize_name, replace_links
from ideocli.errors import BadUsage, IdeoError, NotFound
from ideocli.layout import SLUG_RE
from ideocli.sanitize import clean, clean_text, shorten
from ideocli.web import svg

if TYPE_CHECKING:
    from ideocli.library import Library

# Every file served under static/: name -> content type. Nothing else is ever read from disk by name.
STATIC_TYPES = {
    "ideo.css": "text/css; charset=utf-8",
    "ideo.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
INDEX_SCRIPT = "search-index.js"  # the static export's search data, generated
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The export's <meta> copy: frame-ancestors works only as a header, and a browser warns about it in a meta tag.
META_CSP = CSP.replace("; frame-ancestors 'none'", "")
KIND_LABELS = {"ideology": "Ideologies", "term": "Glossary terms", "person": "People", "text": "Texts"}
SEARCH_LIMIT = 20
MAX_SEARCH_LIMIT = 100
SUMMARY_IN_INDEX = 240  # characters of each summary in the static search index
PROVENANCE_FIELDS = ("source", "source_url", "url", "retrieved", "imported", "licence", "license", "author")


def esc(value: object) -> str:
    """Return text safe in HTML text and in quoted attributes: cleaned, then escaped."""
    return html.escape(clean_text(str(value)), quote=True)


def safe_url(url: str) -> bool:
    """True for an http(s) URL or a relative one; never javascript:, data:, file: or a scheme-relative //host."""
    url = clean_text(url).strip()
    if not url or "\\" in url or url.startswith("//") or any(ch.isspace() for ch in url):
        return False
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in ("", "http", "https")


def markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # nothing is loaded from outside the machine
    md.validateLink = safe_url
    return md


def entry_path(slug: str) -> str:
    """The site-relative path of an entry's page."""
    return f"entry/{slug}.html"


def family_path(name: str) -> str:
    return f"family/{name}.html"


class Site:
    """The pages of one library; `static` chooses the export's flavour (search in the browser)."""

    def __init__(self, library: Library, *, static: bool = False) -> None:
        self.library = library
        self.static = static
        self.md = markdown_renderer()

    # --- shared data -----------------------------------------------------------------------

    @cached_property
    def titles(self) -> dict[str, str]:
        return self.library.titles()

    @cached_property
    def families(self) -> dict[str, int]:
        """Family name -> number of written entries in it, for families that can name a page."""
        counts: Counter[str] = Counter()
        for article in self.library.listing():
            counts.update(article.family)
        return {name: counts[name] for name in sorted(counts) if SLUG_RE.fullmatch(name)}

    def has_entry(self, slug: str) -> bool:
        return bool(SLUG_RE.fullmatch(slug)) and slug in self.titles

    def link(self, slug: str, root: str, text: str | None = None) -> str:
        if not self.has_entry(slug):
            return esc(text or slug)
        return f'<a href="{esc(root + entry_path(slug))}">{esc(text or self.titles[slug])}</a>'

    # --- the frame -------------------------------------------------------------------------

    def layout(self, title: str, body: str, *, root: str, query: str = "") -> str:
        mode = "static" if self.static else "server"
        scripts = f'<script src="{root}static/{INDEX_SCRIPT}" defer></script>\n' if self.static else ""
        csp = f'<meta http-equiv="Content-Security-Policy" content="{esc(META_CSP)}">\n' if self.static else ""
        return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
{csp}<title>{esc(title)} · ideo</title>
<link rel="icon" href="{root}static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{root}static/ideo.css">
{scripts}<script src="{root}static/ideo.js" defer></script>
</head>
<body data-root="{root}" data-mode="{mode}">
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="{root}index.html">ideo</a>
<form class="search" role="search" action="{root}search.html" method="get">
<label for="q" class="hidden-label">Search</label>
<input id="q" name="q" type="search" value="{esc(query)}" placeholder="Search ideologies, terms, people…"
 autocomplete="off" spellcheck="false" aria-controls="suggestions" aria-describedby="search-help">
<button type="submit">Search</button>
<ul id="suggestions" class="suggestions" role="listbox" aria-label="Search results" hidden></ul>
</form>
<nav aria-label="Site"><a href="{root}entries.html">All entries</a> <a href="{root}timeline.html">Timeline</a></nav>
</header>
<p id="search-help" class="hidden-label">Results appear as you type; press the down arrow to reach them.</p>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>ideo: political ideologies and the concepts of political thought, offline.
No cookies, no tracking, nothing loaded from outside.</p></footer>
</body>
</html>
"""

    # --- pages -----------------------------------------------------------------------------

    def home(self, *, random_slug: str | None = None) -> str:
        root = ""
        counts = Counter(article.kind for article in self.library.entries.values())
        count_items = "".join(
            f"<li><strong>{counts[kind]}</strong> {esc(KIND_LABELS[kind].lower())}</li>"
            for kind in KINDS
            if counts[kind]
        )
        family_items = "".join(
            f'<li><a href="{esc(family_path(name))}">{esc(name.replace("-", " "))}</a> '
            f'<span class="count">{count}</span></li>'
            for name, count in self.families.items()
        )
        random_part = ""
        if self.static:  # the script picks one from the search index, in the browser
            random_part = (
                '<section class="random" id="random-entry" aria-labelledby="random-h" hidden>'
                '<h2 id="random-h">A random entry</h2><p id="random-link"></p><p id="random-summary"></p></section>'
            )
        elif random_slug and self.has_entry(random_slug):
            article = clean(self.library.full(random_slug))
            random_part = (
                '<section class="random" aria-labelledby="random-h"><h2 id="random-h">A random entry</h2>'
                f"<p><strong>{self.link(article.slug, root)}</strong> ({esc(article.kind)})</p>"
                f"<p>{esc(article.summary)}</p></section>"
            )
        body = f"""<h1>ideo</h1>
<p class="lead">Political ideologies, movements and the concepts of political thought: an offline reference.
Type in the search box above; results appear as you type.</p>
<section aria-labelledby="counts-h"><h2 id="counts-h">In this corpus</h2><ul class="counts">{count_items}</ul></section>
{random_part}
<section aria-labelledby="families-h"><h2 id="families-h">Families</h2>
<ul class="families">{family_items}</ul></section>
<p><a href="entries.html">All entries, A to Z</a> · <a href="timeline.html">The timeline</a></p>"""
        return self.layout("Home", body, root=root)

    def entries_page(self) -> str:
        root = ""
        parts = ["<h1>All entries</h1>"]
        for kind in KINDS:
            articles = list(self.library.listing(kind=kind))
            if not articles:
                continue
            parts.append(
                f'<section><h2 id="kind-{kind}">{esc(KIND_LABELS[kind])} ({len(articles)})</h2><ul class="columns">'
            )
            parts.extend(f"<li>{self.link(a.slug, root)}</li>" for a in sorted(articles, key=lambda a: a.title.lower()))
            parts.append("</ul></section>")
        return self.layout("All entries", "\n".join(parts), root=root)

    def family(self, name: str) -> str:
        if name not in self.families:
            raise NotFound(f'no family "{shorten(name)}"')
        root = "../"
        articles = self.library.listing(family=name)
        items = "".join(
            f'<li>{self.link(a.slug, root)} <span class="kind">{esc(a.kind)}</span>'
            f"<br>{esc(a.definition or a.summary)}</li>"
            for a in articles
        )
        body = f'<h1>{esc(name.replace("-", " ").capitalize())}</h1><ul class="plain">{items}</ul>'
        from ideocli.views import timeline

        try:
            placed = clean(timeline(self.library, family=name))
        except NotFound:
            placed = None
        if placed is not None:
            picture = svg.timeline(placed, lambda slug: root + entry_path(slug))
            body += f'<h2>Timeline</h2><div class="picture wide">{picture}</div>'
        return self.layout(name, body, root=root)

    def entry(self, slug: str) -> str:
        if not self.has_entry(slug):
            raise NotFound(f'no entry "{shorten(slug)}"')
        article: Article = clean(self.library.full(slug))
        root = "../"
        families = ", ".join(
            f'<a href="{esc(root + family_path(name))}">{esc(name)}</a>' if name in self.families else esc(name)
            for name in article.family
        )
        kind = esc(article.kind) + (" card" if article.card else "")
        parts = [
            f'<article class="entry">\n<h1>{esc(article.title)}</h1>',
            f'<p class="meta">{kind}{" · " + families if families else ""}</p>',
        ]
        if article.definition:
            parts.append(f'<p class="definition"><strong>Definition:</strong> {esc(article.definition)}</p>')
        if article.summary:
            parts.append(f'<p class="summary">{esc(article.summary)}</p>')
        parts.append(self.facts(article))
        parts.append(self.provenance(article))
        if article.body:
            parts.append(f'<div class="body">{self.render_body(article.body, root)}</div>')
        parts.append(self.relations(article, root))
        parts.append(self.neighbourhood(article, root))
        parts.append("</article>")
        return self.layout(article.title, "\n".join(p for p in parts if p), root=root)

    def facts(self, article: Article) -> str:
        rows: list[tuple[str, str]] = []
        if article.aliases:
            rows.append(("Also called", esc("; ".join(article.aliases))))
        for label, value in (
            ("Founded", svg.year_text(article.founded)),
            ("Born", svg.year_text(article.born)),
            ("Died", svg.year_text(article.died)),
            ("Date", article.date),
            ("Dissolved", svg.year_text(article.dissolved)),
            ("Era", article.era),
            ("Region", article.region),
            ("Subject", article.subject),
        ):
            if value:
                rows.append((label, esc(value)))
        if article.key_figures:
            rows.append(("Key figures", esc(", ".join(article.key_figures))))
        if article.key_texts:
            texts = "".join(
                f"<li><cite>{esc(t.title)}</cite> ({esc(t.author)}, {esc(t.year)})</li>" for t in article.key_texts
            )
            rows.append(("Key texts", f"<ul>{texts}</ul>"))
        if not rows:
            return ""
        cells = "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in rows)
        return f'<dl class="facts">{cells}</dl>'

    def provenance(self, article: Article) -> str:
        """Where a user or imported entry came from, when it says so (fields a corpus may add)."""
        rows = []
        for name in PROVENANCE_FIELDS:
            value = getattr(article, name, None)
            if not value or not isinstance(value, (str, int)):
                continue
            text = clean_text(str(value))
            if isinstance(value, str) and urlsplit(text).scheme in ("http", "https") and safe_url(text):
                shown = f'<a href="{esc(text)}" rel="nofollow noopener noreferrer">{esc(text)}</a>'
            else:
                shown = esc(text)
            rows.append(f"<dt>{esc(name.replace('_', ' ').capitalize())}</dt><dd>{shown}</dd>")
        if not rows:
            return ""
        return (
            f'<section class="provenance" aria-label="Provenance"><h2>Provenance</h2><dl>{"".join(rows)}</dl></section>'
        )

    def render_body(self, body: str, root: str) -> str:
        """Markdown to HTML: [[slug|text]] become links to entries (plain text when there is no such entry)."""

        def cross_reference(slug: str, text: str) -> str:
            label = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
            if not self.has_entry(slug):
                return label
            return f"[{label}]({quote(root + entry_path(slug), safe='/.:')})"

        return self.md.render(replace_links(body, cross_reference))

    def relations(self, article: Article, root: str) -> str:
        parts = []
        for name, slugs in article.relations().items():
            links = [self.link(slug, root) for slug in slugs if self.has_entry(slug)]
            if links:
                parts.append(f"<dt>{esc(RELATION_LABELS[name])}</dt><dd>{', '.join(links)}</dd>")
        back = [slug for slug in self.library.backlinks(article.slug) if self.has_entry(slug)]
        if back:
            parts.append(f"<dt>Linked from</dt><dd>{', '.join(self.link(slug, root) for slug in back)}</dd>")
        if not parts:
            return ""
        heading = '<h2 id="rel-h">Relations</h2>'
        return f'<section aria-labelledby="rel-h">{heading}<dl class="relations">{"".join(parts)}</dl></section>'

    def neighbourhood(self, article: Article, root: str) -> str:
        tree = clean(self.library.related_tree(article.slug, 1))
        if not tree.children:
            return ""
        picture = svg.neighbourhood(tree, lambda slug: root + entry_path(slug))
        return f'<section aria-labelledby="nb-h" class="picture"><h2 id="nb-h">Neighbourhood</h2>{picture}</section>'

    def timeline(self) -> str:
        from ideocli.views import timeline

        try:
            placed = clean(timeline(self.library))
        except NotFound:
            return self.layout("Timeline", "<h1>Timeline</h1><p>No dated entries.</p>", root="")
        picture = svg.timeline(placed, lambda slug: entry_path(slug))
        body = (
            "<h1>Timeline</h1><p>Ideologies by founding, terms by date, people by birth.</p>"
            f'<div class="picture wide">{picture}</div>'
        )
        return self.layout("Timeline", body, root="")

    def search_page(self, query: str, hits: Sequence[dict[str, Any]] = (), message: str = "") -> str:
        """The search page: results rendered here when the server ran the query, else by the script."""
        items = "".join(
            f'<li><a href="{esc(entry_path(hit["slug"]))}">{esc(hit["title"])}</a> '
            f'<span class="kind">{esc(hit["kind"])}</span><br><span class="snippet">{esc(hit["snippet"])}</span></li>'
            for hit in hits
            if self.has_entry(hit["slug"])
        )
        note = f'<p class="message" role="status">{esc(message)}</p>' if message else ""
        body = f'<h1>Search</h1>{note}<ol id="search-results" class="results">{items}</ol>'
        return self.layout(f"Search: {query}" if query else "Search", body, root="", query=query)

    def error_page(self, status: int, message: str) -> str:
        body = f'<h1>{status}</h1><p role="alert">{esc(message)}</p><p><a href="/">Home</a></p>'
        return self.layout(str(status), body, root="/")

    # --- search ----------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = SEARCH_LIMIT, kind: str | None = None, family: str | None = None
    ) -> dict[str, Any]:
        """Run Library.search, as `ideo search` does, and return its JSON document.

        Raises BadUsage (the query or a filter is unusable) like the command; no results is no error here.
        """
        from ideocli.search import Filters

        if kind is not None and kind not in KINDS:
            raise BadUsage(f"kind must be one of {', '.join(KINDS)}")
        result = self.library.search(query, limit=limit, filters=Filters(kind=kind, family=family))
        document: dict[str, Any] = {
            "query": clean_text(result.query),
            "corrected": clean_text(result.corrected) or None,
            "total": result.total,
            "hits": [
                {
                    "slug": hit.slug,
                    "title": clean_text(hit.title),
                    "kind": hit.kind,
                    "score": hit.score,
                    "snippet": clean_text(hit.snippet_text),
                }
                for hit in result.hits
            ],
        }
        if not result.hits:
            document["did_you_mean"] = [clean_text(t) for t in self.library.did_you_mean(query)]
        return document

    def search_index(self) -> str:
        """The static export's search data, as a script that sets one global (it loads from file:// too)."""
        rows = []
        for slug, article in sorted(self.library.entries.items()):
            article = clean(article)
            rows.append(
                [
                    slug,
                    article.title,
                    article.kind,
                    "|".join(
                        normalize_name(name) for name in (article.title, *article.aliases, slug.replace("-", " "))
                    ),
                    normalize_name(" ".join((article.definition, *article.family, *article.key_figures))),
                    shorten(article.summary, SUMMARY_IN_INDEX),
                ]
            )
        data = json.dumps(rows, ensure_ascii=True, separators=(",", ":"))
        data = data.replace("<", "\\u003c").replace(">", "\\u003e")  # nothing a parser could read as a tag
        return f"window.IDEO_INDEX={data};\n"


def error_document(error: IdeoError, status: int) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "message": clean_text(error.message),
            "hints": [clean_text(hint) for hint in error.hints],
        }
    }


def static_file(name: str) -> bytes:
    """Return one of the files in STATIC_TYPES, read from the package (never a path from a request)."""
    if name not in STATIC_TYPES:
        raise KeyError(name)
    return resources.files("ideocli.web").joinpath("static").joinpath(name).read_bytes()


def page_names(site: Site) -> Iterable[str]:
    """Every page path of a site, for the export."""
    yield from ("index.html", "entries.html", "timeline.html", "search.html")
    for name in site.families:
        yield family_path(name)
    for slug in sorted(site.titles):
        if SLUG_RE.fullmatch(slug):
            yield entry_path(slug)


ENTRY_ROUTE = re.compile(r"entry/([^/]+)\.html")
FAMILY_ROUTE = re.compile(r"family/([^/]+)\.html")
