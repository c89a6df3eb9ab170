"""Cards: entries generated at index time for the people and texts the corpus names but has no entry for.

A card says only what the front matter of other entries says (who lists the person or text, which
texts are attributed to whom, which bodies mention the name): nothing is invented.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ideocli.articles import Article, KeyText, normalize_name

AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|\band\b|&)\s*")


def slugify(name: str) -> str:
    """Return an ASCII slug for a name: "Pierre-Joseph Proudhon" -> "pierre-joseph-proudhon"."""
    return "-".join(re.findall(r"[a-z0-9]+", normalize_name(name).replace(" ", "-"))) or "card"


def title_keys(title: str) -> set[str]:
    """Return the lookup keys of a text's title: as given, without subtitle, without a leading article."""
    keys = {normalize_name(title), normalize_name(re.split(r"[:(]", title)[0])}
    return (keys | {re.sub(r"^(?:a|an) ", "", key) for key in keys}) - {""}


def authors(text: KeyText) -> list[str]:
    """Return the people a key text's author field names ("Karl Marx and Friedrich Engels": both)."""
    return [name for name in AUTHOR_SPLIT_RE.split(text.author) if name]


@dataclasses.dataclass
class Draft:
    name: str
    listed_by: list[str] = dataclasses.field(default_factory=list)
    texts: list[KeyText] = dataclasses.field(default_factory=list)
    author: str = ""
    year: int | None = None
    ord: str = ""


def unique_slug(name: str, suffix: str, taken: set[str]) -> str:
    slug = slugify(name)
    if slug in taken:
        slug = f"{slug}-{suffix}"
    number = 2
    while slug in taken:
        slug, number = f"{slugify(name)}-{suffix}-{number}", number + 1
    taken.add(slug)
    return slug


def with_cards(articles: Sequence[Article], text_aliases: Mapping[str, Sequence[str]]) -> list[Article]:
    """Return the entries, each with its `people` resolved, followed by the person and text cards."""
    return build_cards(articles, text_aliases).articles


@dataclasses.dataclass
class CardBuild:
    """What build_cards made, and what an incremental update needs to redo part of it."""

    articles: list[Article]
    keys: dict[str, str]  # card slug -> "p:<normalized name>" or "t:<text key>"
    ords: dict[str, str]  # card slug -> its place among the cards (see draft_ord)
    mentions: dict[str, list[str]]  # normalized person-card name -> entries whose body mentions it


def draft_ord(kind: str, entry_ord: str, step: int) -> str:
    """Return the sort key of a card first named by the entry of `entry_ord` at its `step`th name:
    person cards, then text cards, each in the order a full build creates them."""
    return f"{'2' if kind == 'person' else '3'}/{entry_ord}\x01{step:05d}"


def build_cards(
    articles: Sequence[Article],
    text_aliases: Mapping[str, Sequence[str]],
    entry_ords: Mapping[str, str] | None = None,
) -> CardBuild:
    """Return the entries with `people` and `texts` resolved, followed by the person and text cards,
    with each card's key, place (from `entry_ords`, the entries' sort keys) and the body mentions."""
    ords = entry_ords or {}
    person_slugs: dict[str, str] = {}  # normalized name -> person entry slug
    for article in articles:
        if article.kind == "person":
            for name in (article.title, *article.aliases):
                person_slugs.setdefault(normalize_name(name), article.slug)
    taken = {article.slug for article in articles}
    canonical = canonical_titles(text_aliases)
    people: dict[str, Draft] = {}
    texts: dict[str, Draft] = {}
    for article in articles:
        entry_ord = ords.get(article.slug, "")
        for key, step, name, text in person_steps(article):
            if key in person_slugs:
                continue
            if key not in people:
                people[key] = Draft(name, ord=draft_ord("person", entry_ord, step))
            if text is None:
                people[key].listed_by.append(article.slug)
            elif text not in people[key].texts:
                people[key].texts.append(text)
        for step, text in enumerate(article.key_texts):
            key = text_key(text.title, canonical)
            if key not in texts:
                texts[key] = Draft(
                    text.title, author=text.author, year=text.year, ord=draft_ord("text", entry_ord, step)
                )
            texts[key].listed_by.append(article.slug)
    for key, draft in people.items():
        person_slugs[key] = unique_slug(draft.name, "person", taken)
    text_slugs = {key: unique_slug(draft.name, "text", taken) for key, draft in texts.items()}
    mentions = body_mentions(articles, {key: draft.name for key, draft in people.items()})
    titles = {article.slug: article.title for article in articles}
    resolved = [
        dataclasses.replace(
            article,
            people=tuple(dict.fromkeys(resolve_people(article, person_slugs))),
            texts=tuple(dict.fromkeys(text_slugs[text_key(text.title, canonical)] for text in article.key_texts)),
        )
        for article in articles
    ]
    cards = [person_card(person_slugs[key], draft, mentions.get(key, []), titles) for key, draft in people.items()]
    aliases = alias_map(text_aliases)
    for key, draft in texts.items():
        cards.append(text_card(text_slugs[key], draft, aliases.get(key, ()), person_slugs, titles))
    keys = {person_slugs[key]: f"p:{key}" for key in people} | {text_slugs[key]: f"t:{key}" for key in texts}
    draft_ords = {person_slugs[key]: draft.ord for key, draft in people.items()}
    draft_ords |= {text_slugs[key]: draft.ord for key, draft in texts.items()}
    return CardBuild(resolved + cards, keys, draft_ords, mentions)


def person_steps(article: Article) -> Iterator[tuple[str, int, str, KeyText | None]]:
    """Yield (normalized name, step, name, key text or None) for each person an entry names, in the
    order cards are created: its key figures (text None), then the authors of its key texts."""
    step = 0
    for name in article.key_figures:
        yield normalize_name(name), step, name, None
        step += 1
    for text in article.key_texts:
        for author in authors(text):
            yield normalize_name(author), step, author, text
            step += 1


def canonical_titles(text_aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return normalized alias -> normalized main title of the key texts vocabulary.yaml declares."""
    return {normalize_name(alias): normalize_name(title) for title, names in text_aliases.items() for alias in names}


def alias_map(text_aliases: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Return normalized main title -> the other titles of a key text."""
    return {normalize_name(title): tuple(names) for title, names in text_aliases.items()}


def text_key(title: str, canonical: Mapping[str, str]) -> str:
    """Return the key of the card a key text belongs to (its declared main title's, if an alias)."""
    key = normalize_name(title)
    return canonical.get(key, key)


def resolve_people(article: Article, person_slugs: Mapping[str, str]) -> Iterable[str]:
    for name in article.key_figures:
        slug = person_slugs.get(normalize_name(name))
        if slug and slug != article.slug:
            yield slug


def body_mentions(articles: Sequence[Article], names: Mapping[str, str]) -> dict[str, list[str]]:
    """Return normalized name -> slugs of the entries whose body mentions the full name.

    One pass over each body's words, looking names up by their first word (a regex alternation
    of a thousand names cost seconds).
    """
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, name in names.items():
        words = tuple(WORD_RE.findall(name))
        if words:
            by_first.setdefault(words[0], []).append((words, key))
    found: dict[str, list[str]] = {}
    for article in articles:
        words = WORD_RE.findall(article.body)
        seen: set[str] = set()
        for position, word in enumerate(words):
            for name_words, key in by_first.get(word, ()):
                if key not in seen and tuple(words[position : position + len(name_words)]) == name_words:
                    seen.add(key)
                    found.setdefault(key, []).append(article.slug)
    return found


WORD_RE = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")


def person_card(slug: str, draft: Draft, mentioned_by: list[str], titles: Mapping[str, str]) -> Article:
    """Return the card of a person named only in other entries' key figures or key-text authors."""
    listed = list(dict.fromkeys(draft.listed_by))
    if listed:
        role = f"named as a key figure in {plural(len(listed), 'entry', 'entries')}"
    else:
        role = f"named as the author of {plural(len(draft.texts), 'key text', 'key texts')}"
    summary = (
        f"{draft.name} is {role} of this corpus. This card is built from those entries; "
        "ideo has no entry of its own for this person yet."
    )
    count = plural(len(listed) or len(draft.texts), "entry", "entries")
    body = []
    if listed:
        body.append("Named as a key figure in " + link_list(listed, titles) + ".")
    if draft.texts:
        body.append("Key texts: " + "; ".join(f"*{t.title}* ({t.year})" for t in draft.texts) + ".")
    others = [s for s in dict.fromkeys(mentioned_by) if s not in listed]
    if others:
        body.append("Mentioned in " + link_list(others, titles) + ".")
    return Article(
        slug=slug,
        kind="person",
        title=draft.name,
        summary=summary,
        definition=f"{draft.name}: named in {count} of the corpus (a card, not a full entry).",
        body="\n\n".join(body),
        key_texts=tuple(draft.texts),
        related=tuple(listed + others),
        card=True,
    )


def text_card(
    slug: str, draft: Draft, aliases: Sequence[str], person_slugs: Mapping[str, str], titles: Mapping[str, str]
) -> Article:
    """Return the card of a key text: author, year, the entries that list it, the authors' entries."""
    listed = list(dict.fromkeys(draft.listed_by))
    writers = [person_slugs[key] for key in map(normalize_name, authors(KeyText(draft.name, draft.author, 0)))
               if key in person_slugs]  # fmt: skip
    year = draft.year if draft.year is not None else 0
    shown_year = f"{-year} BCE" if year < 0 else str(year)
    summary = (
        f"{draft.name} is a work by {draft.author}, first published in {shown_year}, listed as a key text "
        f"in {plural(len(listed), 'entry', 'entries')} of this corpus."
    )
    return Article(
        slug=slug,
        kind="text",
        title=draft.name,
        aliases=tuple(aliases),
        summary=summary,
        definition=f"A work by {draft.author} ({shown_year}).",
        body="Listed as a key text in " + link_list(listed, titles) + ".",
        key_figures=(draft.author,),
        date=str(year),
        related=tuple(listed),
        people=tuple(dict.fromkeys(writers)),
        card=True,
    )


def link_list(slugs: Sequence[str], titles: Mapping[str, str]) -> str:
    return ", ".join(f"[[{slug}|{titles.get(slug, slug)}]]" for slug in slugs)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
