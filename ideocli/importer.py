"""`ideo import`: turn saved web pages, text dumps and Markdown into user-corpus entries.

The pipeline is pure until the last step: read (size cap, binary check) -> decode (declared or
detected encoding) -> extract a Page (title, authors, date, headings and paragraphs, no chrome)
-> refuse what must not become an entry (control characters, Rich or script markup) -> build
the entry text. Only `write_entries` touches the disk, and it replaces each file atomically.

trafilatura (HTML) and charset-normalizer (undeclared encodings) are imported only here, inside
the functions that need them, so no other command pays for them.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_INPUT_BYTES = 2_000_000  # a saved article page is rarely over 500 kB; a bigger one is not an article
MIN_ARTICLE_WORDS = 25
IMPORT_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown")
MAX_LINKS = 40
MAX_RELATED = 6
DEFINITION_CHARS = 200
SUMMARY_CHARS = (120, 450)
KIND_DIRS = {"ideology": "ideologies", "term": "terms"}

# Lines that are page furniture, never article text (matched against the whole line, case folded).
CHROME_RE = re.compile(
    r"(top|bottom) of (the )?page|skip to (main )?content|see all|view all|menu|home|search|"
    r"share( this( post| article| page)?)?( on \w+)?|facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|e-?mail|"
    r"copy link|print|log ?in|sign ?(in|up)|subscribe( now)?|accept( all)?( cookies)?|reject( all)?|"
    r"(manage |cookie )(settings|preferences)|read more|continue reading|previous( post)?|next( post)?|"
    r"back to top|\d+ min(ute)? read|\d+ (views?|comments?|likes?)|(tags?|categor(y|ies)|filed under)\s*:.*|"
    r"(©|\(c\)|copyright).*|all rights reserved\.?|powered by .*|advertisement|sponsored",
    re.I,
)
COOKIE_RE = re.compile(r"\bcookies?\b.*\b(we use|uses|accept|consent|privacy)\b|\b(we use|uses)\b.*\bcookies?\b", re.I)
# A line that starts what follows the article: other posts' teasers, comments.
END_RE = re.compile(
    r"(recent|related|popular|latest|more|other) (posts|articles|stories)|you (may|might) also like|read next|"
    r"comments?( \(\d+\))?|leave a (comment|reply)|about the author",
    re.I,
)
AUTHOR_RE = re.compile(r"(?:co\s*-\s*)?(?:author|authors|written by|posted by|by)\s*[:\-]?\s+(.+)", re.I)
AUTHOR_LABEL_RE = re.compile(r"(?:co\s*-\s*)?authors?\s*:", re.I)
DATE_LABEL_RE = re.compile(r"(?:published|posted|updated|date)(?: on)?\s*:?\s*(.+)", re.I)
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
RICH_MARKUP_RE = re.compile(
    r"\[/?(?:bold|b|italic|i|underline|u|strike|s|blink|reverse|dim|conceal|link|reset|"
    r"(?:on )?(?:black|red|green|yellow|blue|magenta|cyan|white|grey\d*|gray\d*|bright_\w+|#[0-9a-f]{6}|color\(\d+\)))"
    r"(?:[ =][^\]]*)?\]|\[/\]",
    re.I,
)
SCRIPT_RE = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|svg|form)\b|javascript:|\bon[a-z]+\s*=\s*[\"']", re.I
)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(]?[A-Z0-9])")
TITLE_RULES = (
    re.compile(r"(?:what|who) (?:is|are|was|were) (?:an? |the )?(.+?)\s*\?*", re.I),
    re.compile(r"(.+?)\s*[:,-]?\s+(?:explained|explainer|defined|101|in brief|in short)", re.I),
    re.compile(
        r"(?:an? |the )?(?:beginner'?s |short |brief )?(?:introduction|intro|guide|primer) (?:to|on) (.+)", re.I
    ),
    re.compile(r"(?:understanding|explaining|defining) (.+)", re.I),
)


class Skipped(Exception):
    """An input that does not become an entry; the message is its one-line reason."""


@dataclass
class Page:
    """What an input says: its title, authors, date, and body as ("h2"/"h3"/"p"/"list", text) blocks."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    url: str = ""
    blocks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Draft:
    """An entry ready to be written, with where it goes."""

    slug: str
    kind: str
    title: str
    text: str
    path: str  # where it will be written
    source: str
    authors: list[str]
    shadows: bool = False  # a shipped entry of this slug exists
    unchanged: bool = False  # the same page, imported before, gives the same entry
    replaces: str = ""  # an earlier import of this page under another path (another kind)
    status: str = "new"  # "new", "updated" or "unchanged"


# --- reading and decoding -----------------------------------------------------------------------


def expand_inputs(names: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield (name, path) for each input: files as given, directories walked for article files
    (dot-files skipped), "-" as (\"-\", None) for stdin."""
    for name in names:
        if name == "-":
            yield name, None
        elif os.path.isdir(name):
            found = []
            for directory, subdirs, files in os.walk(name):
                subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
                found += [
                    os.path.join(directory, f)
                    for f in files
                    if not f.startswith(".") and f.lower().endswith(IMPORT_SUFFIXES)
                ]
            yield from ((path, path) for path in sorted(found))
        else:
            yield name, name


def read_input(path: str | None, stdin: Any = None) -> bytes:
    """Return the bytes of one input, at most MAX_INPUT_BYTES. Raises Skipped."""
    try:
        if path is None:
            data = stdin.read(MAX_INPUT_BYTES + 1)
        else:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise Skipped("not a regular file")
            if info.st_size > MAX_INPUT_BYTES:
                raise Skipped(f"too large: {info.st_size:,} bytes, at most {MAX_INPUT_BYTES:,}")
            with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise Skipped(f"unreadable: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise Skipped(f"too large: over {MAX_INPUT_BYTES:,} bytes")
    if not data.strip():
        raise Skipped("empty")
    return bytes(data)


BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF", b"BZh")


def is_binary(data: bytes) -> bool:
    if data.startswith(BINARY_MAGIC):
        return True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: text
        return False
    return b"\x00" in data[:8192]


def sniff(data: bytes, name: str) -> str:
    """Return "html", "markdown" or "text" from the name's suffix, else from the content."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    if lower.endswith((".txt", ".text")):
        return "text"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(rb"<(head|body|article|p)\b", head):
        return "html"
    if re.search(rb"^(#{1,3} |---\n)", data[:2048], re.M):
        return "markdown"
    return "text"


DECLARED_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode(data: bytes, kind: str) -> str:
    """Return the text of an input: BOM, then the charset an HTML page declares, then UTF-8,
    then charset-normalizer's best guess. Raises Skipped when nothing decodes it."""
    import codecs

    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise Skipped(f"undecodable: not valid {encoding}") from None
    candidates = []
    if kind == "html":
        declared = DECLARED_RE.search(data[:4096])
        if declared:
            candidates.append(declared.group(1).decode("ascii").lower())
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise Skipped("undecodable: not UTF-8, and no other encoding fits")
    return str(best)


# --- extraction ---------------------------------------------------------------------------------


def extract(data: bytes, name: str) -> Page:
    """Return the Page of one input's bytes. Raises Skipped with the reason it cannot be imported."""
    if is_binary(data):
        raise Skipped("binary file, not a page or text")
    kind = sniff(data, name)
    text = decode(data, kind)
    if kind == "html":
        page = extract_html(text)
    else:
        if CONTROL_RE.search(text.replace("\r", "").replace("\f", "")):
            raise Skipped("contains control characters (such as terminal escape sequences)")
        refuse_markup(text)
        page = extract_markdown(text) if kind == "markdown" else extract_text(text)
    for block in (page.title, *page.authors, *(text for _, text in page.blocks)):  # HTML entities decode too
        if CONTROL_RE.search(block):
            raise Skipped("contains control characters (such as terminal escape sequences)")
        refuse_markup(block)
    if not page.title:
        raise Skipped("no title found")
    words = sum(len(text.split()) for kind, text in page.blocks if kind in ("p", "list"))
    if words < MIN_ARTICLE_WORDS or not any(kind == "p" for kind, _ in page.blocks):
        raise Skipped(f"no article text ({words} words of paragraphs)")
    return page


def refuse_markup(text: str) -> None:
    """Raise Skipped when text carries Rich markup or script markup (it would be shown or run)."""
    match = RICH_MARKUP_RE.search(text)
    if match:
        raise Skipped(f"contains Rich markup {match.group()[:20]!r}")
    match = SCRIPT_RE.search(text)
    if match:
        raise Skipped(f"contains script markup {match.group()[:20]!r}")


def extract_html(html: str) -> Page:
    """Return the article of a saved HTML page, through trafilatura (imported here only)."""
    try:
        import trafilatura
    except ImportError as exc:  # an install without the extractor, or lxml without lxml_html_clean
        raise Skipped(f"HTML needs trafilatura and lxml_html_clean installed ({exc})") from None
    result = trafilatura.extract(
        html, output_format="markdown", include_formatting=True, with_metadata=True, include_comments=False
    )
    if not result:
        raise Skipped("no article text found in the page")
    return extract_markdown(result)


def extract_markdown(text: str) -> Page:
    """Return the Page of Markdown (trafilatura's output included): front matter, # title, ## headings."""
    page = Page()
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if match:
        read_front_matter(match.group(1), page)
        text = text[match.end() :]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their text
    lines = []
    for line in text.split("\n"):
        heading = re.match(r"(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if heading and len(heading.group(1)) == 1 and not page.title:
            page.title = heading.group(2)
            lines.append("")
        elif heading:
            lines += ["", f"\0h{'2' if len(heading.group(1)) <= 2 else '3'}\0{heading.group(2)}", ""]
        else:
            lines.append(line)
    return blocks_from_lines(lines, page, markdown=True)


def read_front_matter(front: str, page: Page) -> None:
    import yaml

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return
    if not isinstance(data, dict):
        return
    if isinstance(data.get("title"), str):
        page.title = data["title"]
    author = data.get("author") or data.get("authors")
    if isinstance(author, str):
        page.authors = split_names(author)
    elif isinstance(author, list):
        page.authors = [str(a).strip() for a in author if str(a).strip()]
    if data.get("date"):
        page.published = parse_published(str(data["date"]))
    for key in ("url", "source"):
        if isinstance(data.get(key), str) and data[key].startswith(("http://", "https://")):
            page.url = data[key]
            break


def extract_text(text: str) -> Page:
    """Return the Page of a plain-text dump: the first short line is the title, short lines
    without a full stop and question lines are headings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return blocks_from_lines(text.split("\n"), Page(), markdown=False)


def blocks_from_lines(lines: list[str], page: Page, *, markdown: bool) -> Page:
    """Group lines into paragraphs, drop chrome, pick up bylines and dates, and stop where the
    article ends (a "Recent Posts" line and the like)."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        bare = line.strip().strip(" :|·•")
        if bare and not line.startswith("\0") and END_RE.fullmatch(bare):
            break
        if bare and (CHROME_RE.fullmatch(bare) or take_byline(bare, page) or take_date(bare, page)):
            line = ""  # a line of its own: page furniture, a byline or a date
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    blocks: list[tuple[str, str]] = []
    for group in paragraphs:
        if not group:
            continue
        first = group[0]
        if first.startswith("\0h"):
            level, heading = first[1:3], first[4:]
            if END_RE.fullmatch(heading.strip(" :")):
                break
            blocks.append((level, clean_inline(heading)))
            continue
        if markdown and all(re.match(r"([-*+]|\d+[.)])\s+", item) for item in group):
            items = [re.sub(r"^([-*+]|\d+[.)])\s+", "- ", item) for item in group]
            items = [item for item in items if not CHROME_RE.fullmatch(item[2:].strip())]
            if items:
                blocks.append(("list", "\n".join(clean_inline(item) for item in items)))
            continue
        joined = " ".join(group)
        bare = joined.strip(" :|·•")
        if END_RE.fullmatch(bare):
            break
        if CHROME_RE.fullmatch(bare) or COOKIE_RE.search(joined) and len(joined) < 300:
            continue
        if take_byline(bare, page) or take_date(bare, page):
            continue
        if not page.title and is_heading_like(bare):
            page.title = bare
            continue
        if not markdown and is_heading_like(bare):
            blocks.append(("h2", clean_inline(bare)))
            continue
        if markdown and is_heading_like(bare) and bare.endswith("?"):
            blocks.append(("h2", clean_inline(bare)))
            continue
        blocks.append(("p", clean_inline(joined)))
    while blocks and blocks[-1][0] in ("h2", "h3"):  # a heading with nothing under it
        blocks.pop()
    page.title = clean_title(page.title)
    if blocks and blocks[0][0] in ("h2", "h3") and clean_title(blocks[0][1]) == page.title:
        blocks.pop(0)  # the page's own title, repeated as its first heading
    page.blocks = blocks
    return page


def clean_inline(text: str) -> str:
    """Return text safe in an entry body: no `[[` that would read as a link, single spaces."""
    text = text.replace("[[", "[ [").replace("]]", "] ]")
    return " ".join(text.split())


def is_heading_like(line: str) -> bool:
    """A heading is short and does not end like a sentence, or is a short question."""
    words = line.split()
    if not words or len(line) > 100:
        return False
    if line.endswith("?"):
        return len(words) <= 15
    return len(words) <= 12 and not line.endswith((".", ",", ";", ":", "!", "…", '"', "”"))


def take_byline(line: str, page: Page) -> bool:
    """Record the authors of an "Author : X", "Co - Authors : Y & Z" or "By X" line; True when it was one."""
    match = AUTHOR_RE.fullmatch(line)
    if not match or len(line.split()) > 14:
        return False
    if not AUTHOR_LABEL_RE.match(line) and not re.match(r"(written |posted )?by\b", line, re.I):
        return False
    names = split_names(match.group(1))
    if not names or not all(len(name.split()) <= 5 and all(map(is_name_word, name.split())) for name in names):
        return False
    page.authors += [name for name in names if name not in page.authors]
    return True


def is_name_word(word: str) -> bool:
    """A word of a person's name: capitalised, or a particle such as "de" or "van"."""
    return word[:1].isupper() or word in {
        "de",
        "da",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "bin",
        "al",
        "la",
        "le",
    }


def split_names(text: str) -> list[str]:
    return [name.strip(" .") for name in re.split(r"\s*(?:&|,|;|\band\b)\s*", text) if name.strip(" .")]


def take_date(line: str, page: Page) -> bool:
    """Record a "Published: 4 March 2021" line or a line that is only a date; True when it was one."""
    match = DATE_LABEL_RE.fullmatch(line)
    candidate = match.group(1) if match else line
    parsed = parse_published(candidate)
    if not parsed or len(candidate.split()) > 5:
        return False
    page.published = page.published or parsed
    return True


def parse_published(text: str) -> str:
    """Return an ISO date (or year-month) from common date spellings, or "" when text is not one."""
    text = text.strip().rstrip(".")
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text)
    if iso:
        return "-".join(iso.groups())
    month_names = r"([A-Za-z]{3,9})\.?"
    for pattern, order in (
        (rf"{month_names} (\d{{1,2}}),? (\d{{4}})", "mdy"),
        (rf"(\d{{1,2}}) {month_names},? (\d{{4}})", "dmy"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"][:3].lower()
            if month in MONTHS:
                try:
                    return datetime.date(int(parts["y"]), MONTHS.index(month) + 1, int(parts["d"])).isoformat()
                except ValueError:
                    return ""
    return ""


def clean_title(title: str) -> str:
    """Return the subject of a page title: "Trotskyism Explained" and "What is Georgism?" name
    Trotskyism and Georgism; a site name after " | " goes."""
    title = " ".join(title.split()).strip(" #")
    title = re.split(r"\s+[|•·»]\s+|\s+[–—]\s+", title)[0]
    for rule in TITLE_RULES:
        match = rule.fullmatch(title)
        if match and match.group(1).strip():
            title = match.group(1).strip()
            break
    return title.strip(" ?:")


# --- building the entry --------------------------------------------------------------------------


def slugify(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:80].strip("-")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END_RE.split(text) if part.strip()]


def cut(text: str, limit: int) -> str:
    """Return text of at most `limit` characters: whole as it is, else cut at a clause or a word."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    clause = max(head.rfind(", "), head.rfind("; "), head.rfind(" – "), head.rfind(" — "))
    if clause > limit // 2:
        return head[:clause] + "."
    return head[: head.rfind(" ")].rstrip(",;:") + "…"


def definition_and_summary(page: Page) -> tuple[str, str]:
    """Return a definition (the first sentence, at most 200 characters) and a summary (the next
    sentences up to 450 characters, at least 120 when the text has them)."""
    opening = [s for kind, text in page.blocks if kind == "p" for s in sentences(text)]
    definition = cut(opening[0], DEFINITION_CHARS)
    low, high = SUMMARY_CHARS
    summary = ""
    for sentence in opening[1:] or opening:
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > high:
            if not summary:
                summary = cut(sentence, high)
            break
        summary = candidate
        if len(summary) >= low:
            break
    return definition, summary


@dataclass
class Known:
    """What the corpus already holds, for links and the family guess."""

    names: dict[str, str]  # a name as written -> slug
    kinds: dict[str, str]  # slug -> kind
    families: dict[str, tuple[str, ...]]  # slug -> families (ideologies)
    shipped: set[str]  # slugs of shipped entries


def known_from(articles: Iterable[Any], ambiguous: set[str] = frozenset()) -> Known:  # type: ignore[assignment]
    """Return the names worth linking: titles and aliases of entries (not cards) of five letters or more."""
    from ideocli.articles import normalize_name

    names: dict[str, str] = {}
    kinds, families, shipped = {}, {}, set()
    for article in articles:
        if article.card:
            continue
        kinds[article.slug] = article.kind
        families[article.slug] = tuple(article.family)
        if article.source != "user":
            shipped.add(article.slug)
        for name in (article.title, *article.aliases):
            if len(name) >= 5 and normalize_name(name) not in ambiguous:
                names.setdefault(name, article.slug)
    return Known(names, kinds, families, shipped)


def add_links(blocks: list[tuple[str, str]], known: Known, own_slug: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Link the first mention of each known entry in the paragraphs; return the blocks and the linked slugs in order."""
    names = {name: slug for name, slug in known.names.items() if slug != own_slug}
    if not names:
        return blocks, []
    by_fold = {name.casefold(): slug for name, slug in names.items()}
    pattern = re.compile(
        r"(?<![\w\[|])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w\]])", re.I
    )
    linked: list[str] = []
    result = []
    for kind, text in blocks:
        if kind not in ("p", "list"):
            result.append((kind, text))
            continue

        def link(match: re.Match[str]) -> str:
            slug = by_fold.get(match.group(1).casefold())
            if slug is None or slug in linked or len(linked) >= MAX_LINKS:
                return match.group(0)
            if known.kinds.get(slug) == "term" and match.group(1).islower() and " " not in match.group(1):
                return match.group(0)  # "class", "revolution": common words more often than the concept
            linked.append(slug)
            return f"[[{slug}]]" if match.group(1) == slug else f"[[{slug}|{match.group(1)}]]"

        result.append((kind, pattern.sub(link, text)))
    return result, linked


def guess_family(linked: list[str], known: Known) -> list[str]:
    """Return the family most of the linked shipped ideologies share (the first mentioned wins a tie), or []."""
    counts: Counter[str] = Counter()
    for slug in linked:
        if known.kinds.get(slug) == "ideology" and slug in known.shipped:
            counts.update(known.families.get(slug, ()))
    if not counts:
        return []
    best = max(counts.values())
    for slug in linked:
        for family in known.families.get(slug, ()):
            if counts[family] == best:
                return [family]
    return []


def render_body(blocks: list[tuple[str, str]]) -> str:
    parts = []
    for kind, text in blocks:
        if kind == "h2":
            parts.append(f"## {text}")
        elif kind == "h3":
            parts.append(f"### {text}")
        else:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


def entry_text(page: Page, *, slug: str, kind: str, source: str, known: Known, imported: str) -> str:
    """Return the Markdown of the entry for a Page, front matter included."""
    import yaml

    definition, summary = definition_and_summary(page)
    blocks, linked = add_links(page.blocks, known, slug)
    front: dict[str, Any] = {"title": page.title, "summary": summary, "definition": definition}
    ideologies = [s for s in linked if known.kinds.get(s) == "ideology"][:MAX_RELATED]
    if kind == "ideology":
        family = guess_family(linked, known)
        if family:
            front["family"] = family
        if ideologies:
            front["related"] = ideologies
    elif ideologies:
        front["ideologies"] = ideologies
    front["source"] = source
    if page.authors:
        front["authors"] = page.authors
    if page.published:
        front["published"] = page.published
    front["imported"] = imported
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=None)
    return f"---\n{dumped}---\n\n{render_body(blocks)}"


def source_of(page: Page, path: str | None, data: bytes) -> str:
    """Where an entry came from: the page's own URL, else the file's absolute path, else a digest of stdin."""
    if page.url:
        return page.url
    if path is not None:
        return os.path.abspath(path)
    return "stdin:" + hashlib.sha256(data).hexdigest()[:16]


def find_user_entry(user_root: str, slug: str) -> str | None:
    for directory in ("ideologies", "terms", "people"):
        path = os.path.join(user_root, directory, f"{slug}.md")
        if os.path.exists(path):
            return path
    return None


def front_value(path: str, key: str) -> str:
    """Return one text value of an entry's front matter, or "" (unreadable files have none)."""
    from ideocli.corpus import load_yaml, split_front_matter
    from ideocli.layout import read_source_text

    try:
        parts = split_front_matter(read_source_text(path))
        data = load_yaml(parts[0]) if parts else None
    except Exception:  # noqa: BLE001 - any unreadable entry simply has no value
        return ""
    value = data.get(key) if isinstance(data, dict) else None
    return str(value) if value is not None else ""


def without_imported(text: str) -> str:
    return re.sub(r"^imported: .*$", "", text, count=1, flags=re.M)


def draft(page: Page, *, path: str | None, data: bytes, kind: str, user_root: str, known: Known, today: str) -> Draft:
    """Return the Draft of one page: a new entry, an update of its earlier import, or Skipped."""
    slug = slugify(page.title)
    if not slug:
        raise Skipped(f"title {page.title[:40]!r} gives no usable file name")
    source = source_of(page, path, data)
    target = os.path.join(user_root, KIND_DIRS[kind], f"{slug}.md")
    existing = find_user_entry(user_root, slug)
    replaces = ""
    text = entry_text(page, slug=slug, kind=kind, source=source, known=known, imported=today)
    unchanged = False
    if existing is not None:
        earlier_source = front_value(existing, "source")
        if earlier_source != source:
            shown = f"imported from {earlier_source}" if earlier_source else "written by hand"
            raise Skipped(f"your entry {slug!r} already exists ({shown}); remove or rename it first")
        if existing != target:
            replaces = existing
        earlier = front_value(existing, "imported")
        if earlier:
            same_day = entry_text(page, slug=slug, kind=kind, source=source, known=known, imported=earlier)
            try:
                with open(existing, encoding="utf-8") as handle:
                    unchanged = handle.read() == same_day and not replaces
            except OSError:
                unchanged = False
            if unchanged:
                text = same_day
    status = "new" if existing is None else "unchanged" if unchanged else "updated"
    return Draft(
        slug, kind, page.title, text, target, source, page.authors, slug in known.shipped, unchanged, replaces, status
    )


def write_entries(drafts: list[Draft]) -> None:
    """Write every draft: each to a dot-named temporary file beside its target, then all renamed
    into place together (the caller defers Ctrl-C around this), so no entry is ever half written."""
    staged: list[tuple[str, Draft]] = []
    try:
        for item in drafts:
            if item.unchanged:
                continue
            directory = os.path.dirname(item.path)
            os.makedirs(directory, exist_ok=True)
            temporary = os.path.join(directory, f".{item.slug}.md.{os.getpid()}.tmp")
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(item.text)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((temporary, item))
        for temporary, item in staged:
            os.replace(temporary, item.path)
            if item.replaces:
                os.unlink(item.replaces)
        staged = []
    finally:
        for temporary, _ in staged:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def today_iso() -> str:
    return datetime.date.today().isoformat()


def known_from_mapping(entries: Mapping[str, Any], names: Mapping[str, list[str]]) -> Known:
    """Return Known from a library's entries and name table (names claimed by several entries are not linked)."""
    ambiguous = {key for key, slugs in names.items() if len(slugs) > 1}
    return known_from(entries.values(), ambiguous)


def prepare(
    names: Iterable[str], *, stdin: Any, kind: str, user_root: str, known: Known, today: str | None = None
) -> tuple[list[Draft], list[tuple[str, str]]]:
    """Read, extract and draft every input; return (drafts, [(input, reason)] for those skipped).

    Nothing is written. Two inputs that give the same slug: the second is skipped.
    """
    today = today or today_iso()
    drafts: list[Draft] = []
    skipped: list[tuple[str, str]] = []
    slugs: dict[str, str] = {}
    for name, path in expand_inputs(names):
        try:
            data = read_input(path, stdin)
            page = extract(data, name)
            item = draft(page, path=path, data=data, kind=kind, user_root=user_root, known=known, today=today)
            if item.slug in slugs:
                raise Skipped(f"gives the entry {item.slug!r} as {slugs[item.slug]} does")
        except Skipped as reason:
            skipped.append((name, str(reason)))
            continue
        slugs[item.slug] = name
        drafts.append(item)
    return drafts, skipped
