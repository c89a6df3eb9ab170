"""Read the Markdown corpus into Articles and validate it (`ideo check`).

YAML is imported only inside the functions that parse, so importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ideocli.articles import (
    RELATIONS,
    SUBJECTS,
    Article,
    KeyText,
    link_targets,
    normalize_name,
    split_sections,
    strip_controls,
)
from ideocli.layout import SLUG_RE, VOCABULARY_FILE, entry_paths, read_source_text

WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

LIST_FIELDS = ("aliases", "family", "key_figures", *RELATIONS)
TEXT_FIELDS = ("title", "summary", "definition", "era", "region")
YEAR_FIELDS = ("founded", "born", "died", "dissolved")
# Provenance of an imported entry; `imported` also relaxes the checks (see check_entry).
PROVENANCE_FIELDS = ("source", "authors", "published", "imported")
KNOWN_FIELDS = {*LIST_FIELDS, *TEXT_FIELDS, *YEAR_FIELDS, *PROVENANCE_FIELDS, "key_texts", "subject", "date"}
# Keys that make no sense for a kind are reported as unknown there.
NOT_FOR = {
    "ideology": {"born", "died", "subject", "date", "dissolved"},
    "term": {"born", "died"},
    "person": {"founded", "era", "key_figures", "derived_from", "subject", "date", "dissolved"},
}
REQUIRED = {
    "ideology": ("title", "summary", "definition", "family", "founded", "era", "region", "key_figures", "key_texts"),
    "term": ("title", "summary", "definition", "ideologies"),
    "person": ("title", "summary", "definition", "born", "region", "ideologies"),
}
# Each inner tuple is one required section; any one of its headings will do.
REQUIRED_SECTIONS = {
    "ideology": (("Overview",), ("Core ideas",), ("History",), ("Criticism",)),
    "term": (),
    "person": (("Life",), ("Ideas",), ("Influence",), ("Criticism", "Reception")),
}
# An entry with `imported` needs only these; its summary may be shorter, its body any length up
# to IMPORTED_MAX_WORDS, without the kind's sections or three relations (README: "Importing").
IMPORTED_REQUIRED = ("title", "summary", "definition")
IMPORTED_MAX_WORDS = 20_000
SUMMARY_CHARS = (120, 450)
DEFINITION_CHARS = 200
BODY_WORDS = {"ideology": (450, 1200), "term": (60, 300), "person": (300, 900)}
LONG_FORM_SECTIONS = {"Variants", "Legacy"}  # an ideology with both may run to LONG_FORM_WORDS
LONG_FORM_WORDS = 2000
DATE_RE = re.compile(r"^-?\d{1,4}(?:-\d{2}(?:-\d{2})?)?$")
RELATION_KINDS = {"terms": "term", "ideologies": "ideology"}  # relations that must point at one kind
MIN_IDEOLOGY_RELATIONS = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One corpus problem, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Vocabulary:
    families: frozenset[str]
    shared_names: frozenset[str]  # normalized names more than one entry may claim
    text_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key-text title -> other titles


@dataclass
class ParsedEntry:
    """An Article plus where its parts sit in the file, for check messages."""

    article: Article
    display_path: str
    key_lines: dict[str, int]
    body_line: int
    extra_keys: list[str] = field(default_factory=list)


@dataclass
class LoadedCorpus:
    entries: list[ParsedEntry]
    problems: list[Problem]  # files that could not be loaded at all
    vocabulary: Vocabulary

    @property
    def articles(self) -> list[Article]:
        return [entry.article for entry in self.entries]


def corpus_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Yield (path, kind) for each entry file, sorted, as Paths."""
    for path, kind in entry_paths(root):
        yield Path(path), kind


def load_vocabulary(root: Path) -> tuple[Vocabulary, list[Problem]]:
    """Return the controlled vocabulary of `root/vocabulary.yaml` and any problems reading it."""
    import yaml

    path = root / VOCABULARY_FILE
    try:
        data = load_yaml(read_source_text(str(path))) or {}
    except FileNotFoundError:
        return Vocabulary(frozenset(), frozenset()), [Problem(VOCABULARY_FILE, 1, "missing: the family vocabulary")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Vocabulary(frozenset(), frozenset()), [Problem(VOCABULARY_FILE, 1, f"unreadable: {one_line_error(exc)}")]
    families = data.get("families") if isinstance(data, dict) else None
    shared = data.get("shared_names", []) if isinstance(data, dict) else None
    text_aliases = data.get("text_aliases", {}) if isinstance(data, dict) else None
    if not isinstance(families, list) or not isinstance(shared, list):
        return Vocabulary(frozenset(), frozenset()), [
            Problem(VOCABULARY_FILE, 1, "needs lists 'families' and 'shared_names'")
        ]
    if not isinstance(text_aliases, dict) or not all(isinstance(v, list) for v in text_aliases.values()):
        return Vocabulary(frozenset(), frozenset()), [
            Problem(VOCABULARY_FILE, 1, "'text_aliases' maps a key text's title to a list of other titles")
        ]
    aliases = {str(title): tuple(map(str, names)) for title, names in text_aliases.items()}
    return Vocabulary(frozenset(map(str, families)), frozenset(normalize_name(str(n)) for n in shared), aliases), []


def load_yaml(text: str) -> Any:
    """Parse YAML safely, with libyaml's C parser when PyYAML has it (several times faster)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def one_line_error(exc: Exception) -> str:
    return " ".join(str(exc).split())


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, line where the body starts), or None when there is none."""
    if not text.startswith("---\n"):
        return None
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[1:number]), "".join(lines[number + 1 :]), number + 2
    return None


def parse_entry(text: str, *, slug: str, kind: str, display_path: str) -> ParsedEntry:
    """Parse one entry file.

    Raises ValueError("line: message") when the file cannot become an Article at all.
    """
    import yaml

    text = strip_controls(text.lstrip("\ufeff"))  # escape sequences must never reach a terminal
    parts = split_front_matter(text)
    if parts is None:
        raise ValueError("1: no front matter: the file must start with a '---' line and close it with another")
    front, body, body_line = parts
    try:
        data = load_yaml(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ValueError(
            f"{line}: malformed front matter: {getattr(exc, 'problem', None) or one_line_error(exc)}"
        ) from None
    if not isinstance(data, dict):
        raise ValueError("2: front matter must be a mapping of keys to values")
    key_lines = {}
    for number, line in enumerate(front.splitlines(), start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            key_lines.setdefault(match.group(1), number)

    def fail(key: str, message: str) -> ValueError:
        return ValueError(f"{key_lines.get(key, 2)}: {message}")

    values: dict[str, Any] = {}
    for key in ("title", "summary", "definition"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"'{key}' is required and must be text")
        values[key] = " ".join(value.split())
    for key in ("era", "region"):
        value = data.get(key, "")
        if not isinstance(value, (str, int)):
            raise fail(key, f"'{key}' must be text")
        values[key] = str(value).strip()
    for key in LIST_FIELDS:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
            raise fail(key, f"'{key}' must be a list of names, like [a, b]")
        values[key] = tuple(str(item).strip() for item in value)
    for key in YEAR_FIELDS:
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise fail(key, f"'{key}' must be a year, like 1905 (negative for BCE)")
        values[key] = value
    subject = data.get("subject", "")
    if subject and subject not in SUBJECTS:
        raise fail("subject", f"'subject' must be one of {', '.join(SUBJECTS)}")
    values["subject"] = subject or ""
    values["date"] = parse_date(data.get("date"), fail)
    values["key_texts"] = parse_key_texts(data.get("key_texts"), kind, values["title"], fail)
    values.update(parse_provenance(data, fail))
    body = body.strip("\n")
    article = Article(
        slug=slug,
        kind=kind,
        body=body,
        path=display_path,
        links=tuple(dict.fromkeys(target for target, _ in link_targets(body))),
        **values,
    )
    extra = sorted(str(key) for key in data if key not in KNOWN_FIELDS)
    return ParsedEntry(article, display_path, key_lines, body_line, extra)


def parse_provenance(data: dict[str, Any], fail: Any) -> dict[str, Any]:
    """Return the Article fields of an imported entry's provenance keys; raises fail(key, ...)."""
    source = data.get("source", "")
    if not isinstance(source, str):
        raise fail("source", "'source' must be text: where the entry was imported from")
    authors = data.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(item, str) for item in authors):
        raise fail("authors", "'authors' must be a list of names, like [a, b]")
    dates = {}
    for key in ("published", "imported"):
        dates[key] = parse_date(
            data.get(key), lambda _, message, key=key: fail(key, message.replace("'date'", f"'{key}'"))
        )
    return {"imported_from": source.strip(), "authors": tuple(a.strip() for a in authors if a.strip()), **dates}


def parse_date(value: Any, fail: Any) -> str:
    """Return an event or document date as "1871", "1871-03" or "1871-03-18"; raises fail("date", ...)."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not DATE_RE.match(text):
        raise fail("date", "'date' must be a year (1871) or an ISO date (1871-03-18)")
    return text


def parse_key_texts(items: Any, kind: str, title: str, fail: Any) -> tuple[KeyText, ...]:
    """Return the key texts; a person's own works need no author. Raises fail("key_texts", ...)."""
    needed = {"title", "year"} if kind == "person" else {"title", "author", "year"}
    texts = []
    for item in items or []:
        if isinstance(item, dict) and kind == "person" and "author" not in item:
            item = {**item, "author": title}
        if (
            not isinstance(item, dict)
            or not needed <= set(item) <= {"title", "author", "year"}
            or not isinstance(item["year"], int)
            or not all(isinstance(item[k], str) and item[k].strip() for k in ("title", "author"))
        ):
            shape = "{title: ..., year: 1848}" if kind == "person" else "{title: ..., author: ..., year: 1848}"
            raise fail("key_texts", f"each key text must be {shape}")
        texts.append(KeyText(item["title"].strip(), item["author"].strip(), item["year"]))
    return tuple(texts)


def load_corpus(root: str | Path, cached: Mapping[str, Article] | None = None) -> LoadedCorpus:
    """Load every entry under root; `cached` maps the display path of each file known unchanged
    to its Article from the previous build (an incremental update parses only the others).

    A file that cannot be parsed becomes a Problem and is skipped; the others still load.
    Raises CorpusProblem when root is not a corpus directory at all.
    """
    from ideocli.errors import CorpusProblem

    root = Path(root)
    if not root.is_dir():
        raise CorpusProblem(f"corpus directory not found: {root}")
    vocabulary, problems = load_vocabulary(root)
    entries, file_problems = load_entry_files(root, cached=cached)
    problems += file_problems
    if not entries and not problems:
        raise CorpusProblem(f"no entries in {root}: expected ideologies/*.md, terms/*.md or people/*.md")
    return LoadedCorpus(entries, problems, vocabulary)


def load_entry_files(
    root: Path, *, absolute: bool = False, cached: Mapping[str, Article] | None = None
) -> tuple[list[ParsedEntry], list[Problem]]:
    """Parse every entry file under root; a file that cannot be parsed becomes a Problem.

    Files are named relative to root (`ideologies/x.md`), or by their full path when `absolute`
    (the user corpus, so that `path:line: message` leads to the file). `cached` maps the name of
    each file known unchanged to its Article from the previous build.
    """
    entries: list[ParsedEntry] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path, kind in corpus_files(root):
        display = str(path) if absolute else str(path.relative_to(root))
        slug = path.stem
        if not SLUG_RE.fullmatch(slug):
            problems.append(Problem(display, 1, f"bad slug {slug!r}: use lowercase ASCII words joined by hyphens"))
            continue
        if slug in seen:
            problems.append(Problem(display, 1, f"duplicate slug {slug!r}: also {seen[slug]}"))
            continue
        known = cached.get(display) if cached else None
        if known is not None and known.slug == slug and known.kind == kind:
            seen[slug] = display
            entries.append(ParsedEntry(known, display, {}, 0))
            continue
        try:
            text = read_source_text(str(path))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(display, 1, f"unreadable: {one_line_error(exc)}"))
            continue
        try:
            entry = parse_entry(text, slug=slug, kind=kind, display_path=display)
        except ValueError as exc:
            line, _, message = str(exc).partition(": ")
            problems.append(Problem(display, int(line), message))
            continue
        seen[slug] = display
        entries.append(entry)
    return entries, problems


def with_article(kind: str) -> str:
    return {"ideology": "an ideology", "term": "a term", "person": "a person"}.get(kind, kind)


def count_words(markdown: str) -> int:
    """Return the number of words in a body, headings not counted."""
    text = "\n".join(line for line in markdown.splitlines() if not line.lstrip().startswith("#"))
    text = re.sub(r"\[\[([^\]|]+)\|([^\]]+)\]\]", r"\2", text)
    return len(WORD_RE.findall(text))


def check_corpus(corpus: LoadedCorpus) -> list[Problem]:
    """Return every problem in a loaded corpus (load failures included), sorted by file and line."""
    problems = list(corpus.problems)
    by_slug = {entry.article.slug: entry.article for entry in corpus.entries}
    claims: dict[str, set[str]] = {}  # normalized name -> slugs whose slug, title or alias it is
    for entry in corpus.entries:
        article = entry.article
        for name in (article.slug, article.title, *article.aliases):
            claims.setdefault(normalize_name(name), set()).add(article.slug)
    for entry in corpus.entries:
        problems.extend(check_entry(entry, by_slug, corpus.vocabulary))
        article = entry.article
        for alias in article.aliases:
            key = normalize_name(alias)
            others = sorted(claims.get(key, set()) - {article.slug})
            if others and key not in corpus.vocabulary.shared_names:
                problems.append(
                    Problem(
                        entry.display_path,
                        entry.key_lines.get("aliases", 2),
                        f"alias {alias!r} clashes with {', '.join(others)}",
                    )
                )
    return sorted(set(problems))


def check_entry(entry: ParsedEntry, by_slug: dict[str, Article], vocabulary: Vocabulary) -> list[Problem]:
    """Return the problems of one parsed entry against the rest of the corpus."""
    article, path = entry.article, entry.display_path
    kind_label = with_article(article.kind)
    problems: list[Problem] = []

    def report(key: str, message: str) -> None:
        problems.append(Problem(path, entry.key_lines.get(key, 2), message))

    for key in entry.extra_keys:
        report(key, f"unknown key {key!r}")
    for key in sorted(NOT_FOR[article.kind]):
        if getattr(article, key) not in (None, "", ()):
            report(key, f"'{key}' does not apply to {kind_label}")
    if article.born is not None and article.died is not None and article.died < article.born:
        report("died", "'died' is before 'born'")
    if article.dissolved is not None and article.founded is not None and article.dissolved < article.founded:
        report("dissolved", "'dissolved' is before 'founded'")
    relaxed = bool(article.imported)  # imported: only what an import can know is required
    for key in REQUIRED[article.kind]:
        if relaxed and key not in IMPORTED_REQUIRED:
            continue
        if getattr(article, key) in (None, "", ()):
            report(key, f"'{key}' is required for {kind_label}")
    low, high = SUMMARY_CHARS
    if not (0 if relaxed else low) <= len(article.summary) <= high:
        report("summary", f"summary has {len(article.summary)} characters; it needs {low}-{high}")
    if len(article.definition) > DEFINITION_CHARS:
        report("definition", f"definition has {len(article.definition)} characters; at most {DEFINITION_CHARS}")
    for family in article.family:
        if family not in vocabulary.families:
            report("family", f"family {family!r} is not in {VOCABULARY_FILE}")
    for relation in RELATIONS:
        for target in getattr(article, relation):
            if target == article.slug:
                report(relation, f"{relation} names the entry itself")
            elif target not in by_slug:
                report(relation, f"{relation}: no entry {target!r}")
            elif relation in RELATION_KINDS and by_slug[target].kind != RELATION_KINDS[relation]:
                report(
                    relation,
                    f"{relation}: {target!r} is {with_article(by_slug[target].kind)}, "
                    f"not {with_article(RELATION_KINDS[relation])}",
                )
    if article.kind == "ideology" and not relaxed:
        named = set(article.derived_from) | set(article.related) | set(article.opposed_to)
        if len(named) < MIN_IDEOLOGY_RELATIONS:
            report(
                "related",
                f"an ideology needs at least {MIN_IDEOLOGY_RELATIONS} entries in derived_from, related and opposed_to",
            )
    for target, offset in link_targets(article.body):
        if target not in by_slug:
            line = entry.body_line + article.body[:offset].count("\n")
            problems.append(Problem(path, line, f"link [[{target}]]: no entry {target!r}"))
    headings = {heading for heading, _ in split_sections(article.body)}
    low, high = BODY_WORDS[article.kind]
    if article.kind == "ideology" and LONG_FORM_SECTIONS <= headings:
        high = LONG_FORM_WORDS  # a major tradition, with room for its variants and legacy
    words = count_words(article.body)
    if relaxed:
        low, high = 1, IMPORTED_MAX_WORDS
    if not low <= words <= high:
        problems.append(Problem(path, entry.body_line, f"body has {words} words; {kind_label} needs {low}-{high}"))
    for choices in () if relaxed else REQUIRED_SECTIONS[article.kind]:
        if not headings & set(choices):
            wanted = " or ".join(f"'## {choice}'" for choice in choices)
            problems.append(Problem(path, entry.body_line, f"missing section {wanted}"))
    return problems
