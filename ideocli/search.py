"""Everything that touches Whoosh: the schema, building an index, and searching it.

Keep Whoosh behind this module (build, search) so the engine can be swapped later.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ideocli.articles import Article, normalize_name, replace_links
from ideocli.errors import BadUsage, IdeoError
from ideocli.sanitize import shorten

# whoosh-reloaded imports `cached_property`, which pulls in asyncio (about 17 ms) and is
# deprecated on 3.14; the stdlib decorator does the same job for Whoosh's use.
if "cached_property" not in sys.modules:
    _shim = types.ModuleType("cached_property")
    _shim.cached_property = functools.cached_property  # type: ignore[attr-defined]
    sys.modules["cached_property"] = _shim

from whoosh import collectors, index, qparser, query  # noqa: E402
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, Token  # noqa: E402
from whoosh.codec.whoosh3 import W3Codec  # noqa: E402
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema  # noqa: E402
from whoosh.lang.porter import stem  # noqa: E402
from whoosh.support.charset import accent_map  # noqa: E402

MAX_QUERY_CHARS = 500
SEARCH_SECONDS = 3.0
SNIPPET_CHARS = 160
SNIPPET_FRAGMENTS = 2
SEARCH_FIELDS = ["title", "names", "definition", "summary", "body"]
FIELD_BOOSTS = {"title": 2.5, "names": 2.0, "definition": 1.5, "summary": 1.5}
# Results list ideologies before glossary terms (an ideology article is where an idea is
# discussed; the term is one `ideo define` away), each kind ranked by BM25F score.
KIND_ORDER = {"ideology": 0, "term": 1}
NAME_MATCH_WEIGHT = 2.0  # the query is the entry's own title, alias or slug
PHRASE_BOOST = 3.0  # a plain multi-word query also scores the words as an exact phrase
# Plain multi-word queries drop these from the any-word part; the phrase part keeps them,
# so "rule of law" still needs the whole phrase to score as one.
FUNCTION_WORDS = frozenset("a an and as at by for from in into is of on or the to with".split())
PLAIN_WORDS_RE = re.compile(r"^[\w'’]+(?:[\s-]+[\w'’]+)+$")


class DamagedIndex(Exception):
    """Whoosh failed while opening or reading the index (it raises many unrelated types for it)."""


def fold_table() -> dict[int, str]:
    """Return a str.translate table folding accented Latin letters to their base letter, one for one."""
    import unicodedata

    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


FOLD = fold_table()
STEMS: dict[str, str] = {}


def fold_and_stem(word: str) -> str:
    """Return the index form of a word: lowercased, accents folded, Porter-stemmed (cached)."""
    folded = word.lower().translate(FOLD)
    stemmed = STEMS.get(folded)
    if stemmed is None:
        stemmed = STEMS[folded] = stem(folded)
    return stemmed


class FoldStemTokenizer(RegexTokenizer):  # type: ignore[misc]
    """RegexTokenizer | LowercaseFilter | accent folding | StemFilter in one pass.

    Same tokens as the four-stage chain, but without a generator per stage: this halves the
    time spent analysing the corpus. Accents are folded before stemming, and there is no stop
    list, so "rule of law" stays a three-word phrase.
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Any:  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self.expression.finditer(value) if tokenize else [None]
        for number, match in enumerate(matches):
            text = match.group(0) if match else value
            token.text = fold_and_stem(text)
            if keeporiginal:
                token.original = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + (match.start() if match else 0)
                token.endchar = start_char + (match.end() if match else len(value))
            yield token


def make_schema() -> Schema:
    """Return the index schema: accents folded before stemming, no stop list (phrases stay whole)."""
    stemmed = FoldStemTokenizer()
    exact = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    return Schema(
        slug=ID(stored=True, unique=True),
        kind=ID(stored=True),
        family=KEYWORD(commas=True, lowercase=True),
        title=TEXT(stored=True, analyzer=stemmed),
        names=TEXT(analyzer=exact),
        keys=STORED(),
        definition=TEXT(analyzer=stemmed),
        summary=TEXT(stored=True, analyzer=stemmed),
        body=TEXT(stored=True, analyzer=stemmed),
    )


def plain_body(article: Article) -> str:
    """Return the body as indexable text: links as their shown text, headings dropped."""
    return re.sub(r"^#+\s.*$", "", replace_links(article.body), flags=re.M)


def build_index(
    articles: Iterable[Article],
    directory: str | os.PathLike[str],
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Build a fresh index in an empty `directory`; return the number of documents."""
    items = list(articles)
    os.makedirs(directory, exist_ok=True)
    ix = index.create_in(str(directory), make_schema())
    # compound=False: a compound segment is copied whole into memory by every searcher.
    # compression=0: zlib on every postings block cost a sixth of the build, to save a few MB.
    writer = ix.writer(compound=False, codec=W3Codec(compression=0))
    try:
        for number, article in enumerate(items, start=1):
            writer.add_document(
                slug=article.slug,
                kind=article.kind,
                family=",".join(article.family),
                title=article.title,
                names=" ; ".join([article.title, article.slug.replace("-", " "), *article.aliases]),
                keys=sorted({normalize_name(name) for name in (article.title, article.slug, *article.aliases)}),
                definition=article.definition,
                summary=article.summary,
                body=plain_body(article),
            )
            if on_progress:
                on_progress(number, len(items))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return len(items)


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    kind: str
    score: float
    snippet: tuple[tuple[str, bool], ...]  # (text, matched) segments

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    total: int


def query_terms(parsed: query.Query) -> set[str]:
    """Return the stems a query looks for (negated parts left out), for marking snippets."""
    found: set[str] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
        elif isinstance(node, query.Prefix):
            found.add(node.text + "*")
        elif isinstance(node, query.Term) and node.fieldname in SEARCH_FIELDS:
            found.add(fold_and_stem(node.text) if node.fieldname == "names" else node.text)
        elif isinstance(node, query.Phrase) and node.fieldname in SEARCH_FIELDS:
            found.update(fold_and_stem(word) if node.fieldname == "names" else word for word in node.words)
        else:
            for child in node.children():
                walk(child)

    walk(parsed)
    return {term for term in found if term.strip("*")}


def snippet(text: str, terms: set[str]) -> tuple[tuple[str, bool], ...]:
    """Return up to two fragments of `text` around the query terms, as (text, matched) segments.

    Whoosh's highlighter re-analyses every stored body through its token pipeline, which cost
    more than the whole search; here a regex finds candidate words and only those are stemmed.
    """
    stems = {term for term in terms if not term.endswith("*")}
    prefixes = tuple(term[:-1] for term in terms if term.endswith("*"))
    heads = {term[: max(3, len(term) - 1)] for term in stems} | set(prefixes)
    if not heads:
        return ()
    folded = text.lower().translate(FOLD)  # same length as text, so offsets carry over
    pattern = r"\b(?:" + "|".join(sorted(map(re.escape, heads), key=len, reverse=True)) + r")\w*"
    matches = []  # (start, end, the term it matched)
    for found in re.finditer(pattern, folded):
        word = found.group()
        if prefixes and word.startswith(prefixes):
            matches.append((found.start(), found.end(), word))
        elif (key := fold_and_stem(word)) in stems:
            matches.append((found.start(), found.end(), key))
    if not matches:
        return ()

    def window(start: int) -> tuple[int, int]:
        return widen_to_words(text, max(0, start - SNIPPET_CHARS // 3), start + SNIPPET_CHARS)

    def richness(bounds: tuple[int, int]) -> tuple[int, int]:
        inside = [m for m in matches if bounds[0] <= m[0] and m[1] <= bounds[1]]
        return len({m[2] for m in inside}), len(inside)

    chosen: list[tuple[int, int]] = []
    for bounds in sorted((window(m[0]) for m in matches[:60]), key=richness, reverse=True):
        if all(bounds[1] <= low or bounds[0] >= high for low, high in chosen):
            chosen.append(bounds)
        if len(chosen) == SNIPPET_FRAGMENTS:
            break
    segments: list[tuple[str, bool]] = []
    for low, high in sorted(chosen):
        if segments:
            segments.append((" … ", False))
        cursor = low
        for start, end, _ in matches:
            if low <= start and end <= high:
                segments += [(re.sub(r"\s+", " ", text[cursor:start]), False), (text[start:end], True)]
                cursor = end
        segments.append((re.sub(r"\s+", " ", text[cursor:high]), False))
    return tuple((piece, matched) for piece, matched in segments if piece)


def widen_to_words(text: str, low: int, high: int) -> tuple[int, int]:
    """Return (low, high) moved outwards so that no word is cut in half."""
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    high = min(high, len(text))
    while high < len(text) and not text[high].isspace():
        high += 1
    return low, high


def make_parser(schema: Schema, *, any_word: bool = True) -> qparser.QueryParser:
    """Return the query parser: -word exclusion, prefix* but no costly wildcards; words are
    OR-ed (better matches first) when `any_word`, else all are required."""
    group = qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(SEARCH_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=group)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    return parser


def is_plain(text: str) -> bool:
    """True for a query of two or more bare words, with no operators, fields, quotes or wildcards."""
    words = re.split(r"[\s-]+", text.strip())
    return bool(PLAIN_WORDS_RE.match(text.strip())) and not {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"} & set(words)


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    """Return the parsed query; raises BadUsage when nothing searchable is left.

    A plain multi-word query also scores its words as an exact phrase, and leaves function
    words out of the any-order part.
    """
    try:
        parsed = parser.parse(text)
    except Exception:  # the parser should not raise, but a query must never crash the CLI
        words = re.findall(r"\w+", text)
        parsed = query.Or([query.Term(field, word.lower()) for word in words for field in ("title", "body")])
    if parsed is query.NullQuery:
        raise BadUsage(f'nothing to search for in "{shorten(text)}"; try words, a "phrase" or prefix*')
    if is_plain(text):
        words = re.split(r"[\s-]+", text.strip())
        content = [word for word in words if word.lower() not in FUNCTION_WORDS]
        if content and len(content) < len(words):
            parsed = parser.parse(" ".join(content))
        phrase = parser.parse('"' + " ".join(words) + '"')
        if phrase is not query.NullQuery and parsed is not query.NullQuery:
            parsed = query.Or([parsed, phrase.with_boost(PHRASE_BOOST)])
    return parsed


def search(
    directory: str | os.PathLike[str], text: str, *, limit: int, kind: str | None = None, family: str | None = None
) -> SearchResult:
    """Run a query against the index in `directory`.

    Raises BadUsage for an empty, oversized or too costly query, and DamagedIndex for anything
    else that goes wrong inside Whoosh (a truncated, missing or garbled index file shows up as
    pickle, struct, EOF, OS or even bare Exception errors).
    """
    try:
        return run_search(directory, text, limit=limit, kind=kind, family=family)
    except IdeoError:
        raise
    except Exception as exc:
        raise DamagedIndex(repr(exc)) from exc


def run_search(
    directory: str | os.PathLike[str], text: str, *, limit: int, kind: str | None, family: str | None
) -> SearchResult:
    """Do the work of search(), letting Whoosh's exceptions through."""
    if not text.strip():
        raise BadUsage("empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise BadUsage(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    ix = index.open_dir(str(directory))
    # A plain multi-word query first requires every word; only if that finds nothing may any word do.
    strict = is_plain(text)
    parsed = parse_query(make_parser(ix.schema, any_word=not strict), text)
    filters = [query.Term("kind", kind)] if kind else []
    if family:
        filters.append(query.Term("family", family.lower()))
    with ix.searcher() as searcher:

        def collect(parsed: query.Query) -> Any:
            # Scoring every match (the corpus is small) gives an exact total; Whoosh's len() of
            # a limited result can be wrong for compound boolean queries.
            timed = collectors.TimeLimitCollector(
                searcher.collector(limit=None), timelimit=SEARCH_SECONDS, use_alarm=False
            )
            # The filter must wrap the time limit: TimeLimitCollector bypasses a FilterCollector inside it.
            collector = collectors.FilterCollector(timed, allow=query.And(filters)) if filters else timed
            try:
                searcher.search_with_collector(parsed, collector)
            except collectors.TimeLimit:
                raise BadUsage(f"query took longer than {SEARCH_SECONDS:g} s; make it more specific") from None
            return collector.results()

        results = collect(parsed)
        if strict and results.is_empty():
            parsed = parse_query(make_parser(ix.schema), text)
            results = collect(parsed)
        terms = query_terms(parsed)
        wanted = normalize_name(text)

        def score(hit: object) -> float:
            return float(hit.score) * (NAME_MATCH_WEIGHT if wanted in hit["keys"] else 1.0)  # type: ignore[attr-defined]

        ranked = sorted(results, key=lambda hit: (KIND_ORDER.get(hit["kind"], 2), -score(hit)))
        hits = []
        for hit in ranked[:limit]:
            fragments = snippet(hit["body"], terms) or snippet(hit["summary"], terms)
            hits.append(
                Hit(
                    slug=hit["slug"],
                    title=hit["title"],
                    kind=hit["kind"],
                    score=round(score(hit), 4),
                    snippet=fragments or ((hit["summary"], False),),
                )
            )
        return SearchResult(text, tuple(hits), len(results))
