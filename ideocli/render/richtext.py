"""Rich output for terminals. Corpus text always goes in as Text or Markdown, never as markup."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from rich.tree import Tree

from ideocli.articles import RELATION_LABELS, Article, one_line, replace_links
from ideocli.library import TreeNode
from ideocli.render import Output
from ideocli.render.plain import TREE_LABELS, dating, facts, heading_line, key_text_line, kind_label
from ideocli.store import BuildReport

if TYPE_CHECKING:
    from ideocli.corpus import Problem
    from ideocli.render.chart import Axis
    from ideocli.search import SearchResult
    from ideocli.views import Branch, Comparison, Lineage, Timeline, TimelineEntry

THEME = Theme(
    {
        "ideo.title": "bold",
        "ideo.meta": "dim",
        "ideo.definition": "italic",
        "ideo.label": "bold cyan",
        "ideo.ref": "bold cyan",
        "ideo.match": "bold yellow",
        "ideo.path": "magenta",
        "markdown.kbd": "bold cyan",  # cross-references in bodies, see markdown_body()
        "markdown.h2": "bold underline",
    }
)


class IdeoConsole(Console):
    """A Rich console that reports a closed pipe as BrokenPipeError, as the other renderers do.

    Rich's own handling exits with status 1, which would be ideo's "not found".
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(out: Output) -> Console:
    """Return a console for this output, built per call so flags and NO_COLOR apply."""
    return IdeoConsole(
        file=out.stream,
        theme=THEME,
        force_terminal=out.color or None,
        no_color=not out.color,
        color_system="auto" if out.color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )


def markdown_body(article: Article) -> object:
    """Return the body as Rich Markdown, cross-references shown in the `markdown.kbd` style."""
    from rich.markdown import Markdown

    def escape_html(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    # Markdown has no inline element for "reference"; <kbd> is the one inline tag Rich styles.
    body = replace_links(article.body, lambda slug, text: f"<kbd>{escape_html(text)}</kbd>")
    return Markdown(body, hyperlinks=False)


def names(slugs: Sequence[str], titles: Mapping[str, str]) -> str:
    return ", ".join(titles.get(slug, slug) for slug in slugs)


def entries(out: Output, articles: Sequence[Article], titles: Mapping[str, str]) -> None:
    con = console(out)
    for number, article in enumerate(articles):
        if number:
            con.rule()
        con.print(
            Text.assemble(
                (article.title, "ideo.title"), "  ", (f"{heading_line(article)} · {article.slug}", "ideo.meta")
            )
        )
        con.print(Text(article.definition, style="ideo.definition"))
        con.print()
        con.print(Text(article.summary))
        rows = facts(article)
        if rows or article.key_texts:
            table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
            table.add_column(style="ideo.label", no_wrap=True)
            table.add_column()
            for label, value in rows:
                table.add_row(label, Text(value))
            if article.key_texts:
                table.add_row("Key texts", Text("\n".join(key_text_line(text) for text in article.key_texts)))
            con.print()
            con.print(table)
        con.print()
        con.print(markdown_body(article))
        relations = article.relations()
        if relations:
            con.print()
            table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
            table.add_column(style="ideo.label", no_wrap=True)
            table.add_column(style="ideo.ref")
            for name, slugs in relations.items():
                table.add_row(RELATION_LABELS[name], Text(names(slugs, titles)))
            con.print(table)


def summaries(out: Output, articles: Sequence[Article]) -> None:
    con = console(out)
    for article in articles:
        con.print(Text.assemble((article.title, "ideo.title"), ": ", one_line(article.summary)))


def sections(out: Output, items: Sequence[tuple[Article, str, str]]) -> None:
    from rich.markdown import Markdown

    con = console(out)
    for article, heading, text in items:
        con.print(Text.assemble((article.title, "ideo.title"), (f" · {heading}", "ideo.meta")))
        con.print(Markdown(replace_links(text), hyperlinks=False))
        con.print()


def definitions(out: Output, items: Sequence[tuple[Article, Sequence[Article]]]) -> None:
    con = console(out)
    for article, see_also in items:
        when = dating(article)
        kind = f"{article.kind}, {when}" if when else article.kind
        con.print(Text.assemble((article.title, "ideo.title"), (f" ({kind})", "ideo.meta")))
        con.print(Text(article.definition))
        if see_also:
            con.print(Text.assemble(("See also: ", "ideo.label"), (", ".join(o.title for o in see_also), "ideo.ref")))


def hits(out: Output, result: SearchResult) -> None:
    con = console(out)
    for hit in result.hits:
        mark = " · user entry" if hit.source == "user" else ""
        con.print(Text.assemble((hit.title, "ideo.title"), (f"  {hit.kind} · {hit.slug}{mark}", "ideo.meta")))
        snippet = Text("  ")
        for text, matched in hit.snippet:
            snippet.append(text, style="ideo.match" if matched else None)
        con.print(snippet)
        con.print()
    con.print(Text(f"{len(result.hits)} of {result.total} results", style="ideo.meta"))


def listing(out: Output, articles: Sequence[Article], long: bool) -> None:
    table = Table(box=None if long else box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Slug", no_wrap=True, style="ideo.ref")
    if long:
        table.add_column("Summary", ratio=1)
        for article in articles:
            table.add_row(Text(article.slug), Text(one_line(article.summary)))
            table.add_row()
    else:
        for column in ("Title", "Kind", "Family"):
            table.add_column(column)
        for article in articles:
            table.add_row(
                Text(article.slug), Text(article.title), Text(kind_label(article)), Text(", ".join(article.family))
            )
    console(out).print(table)


def tree(out: Output, root: TreeNode) -> None:
    top = Tree(Text.assemble((root.title, "ideo.title"), (f"  {root.kind}", "ideo.meta")))

    def walk(node: TreeNode, branch: Tree) -> None:
        for child in node.children:
            label = Text.assemble((f"{TREE_LABELS[child.relation]}: ", "ideo.meta"), (child.title, "ideo.ref"))
            if child.repeated:
                label.append(" (see above)", style="ideo.meta")
            walk(child, branch.add(label))

    walk(root, top)
    console(out).print(top)


def problems(out: Output, found: Sequence[Problem], checked: int) -> None:
    con = console(out)
    for problem in found:
        con.print(Text.assemble((f"{problem.path}:{problem.line}:", "ideo.path"), f" {problem.message}"))


def index_report(out: Output, report: BuildReport) -> None:
    console(out).print(
        Text(
            f"indexed {report.entries} entries ({report.ideologies} ideologies, {report.terms} terms, "
            f"{report.people} people) and {report.cards} cards in {report.seconds:.2f} s "
            f"into {os.path.dirname(report.generation)}"
        )
    )


class ProgressBar:
    """A transient progress bar on stderr for index builds (and exports)."""

    def __init__(self, total: int, label: str = "building the index", counts: bool = True) -> None:
        """`counts`: show "done/total" (pages written); else a percentage (an index build counts work units)."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn() if counts else TaskProgressColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=IdeoConsole(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("index", total=total)

    def start(self) -> None:
        self.progress.start()

    def update(self, done: int, total: int | None = None) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        """Clear the bar and show the cursor again."""
        self.progress.stop()


# --- views: compare, timeline, lineage, random -------------------------------------------------

LABEL_WIDTH = 12


def comparison_table(compared: Comparison) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False, padding=(0, 1))
    table.add_column("", style="ideo.label", width=LABEL_WIDTH, no_wrap=True)
    for article in compared.entries:
        table.add_column(Text(article.title, style="ideo.title"), ratio=1, overflow="fold")
    return table


def comparison(out: Output, compared: Comparison) -> None:
    from ideocli.render.plain import LIST_LABELS, comparison_rows, only_lines, pair_lines

    con = console(out)
    titles = compared.titles
    con.print(Text(" vs ".join(article.title for article in compared.entries), style="ideo.title"))
    table = comparison_table(compared)
    rows = comparison_rows(compared, separator="\n")
    for number, (label, values) in enumerate(rows):
        style = "ideo.definition" if label == "Definition" else ""
        table.add_row(label, *(Text(value or "–", style=style) for value in values), end_section=number < len(rows) - 1)
    con.print(table)
    con.print()
    con.print(Text("How they relate", style="ideo.title"))
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(no_wrap=True)
    bullets.add_column(ratio=1)
    for pair in compared.pairs:
        if len(compared.pairs) > 1:
            bullets.add_row("", Text(f"{titles[pair.first]} and {titles[pair.second]}", style="ideo.label"))
        for line in pair_lines(pair, titles):
            bullets.add_row(" •", Text(line))
    con.print(bullets)
    keys = [key for key in ("family", "derived_from", "related", "opposed_to", "terms", "people")
            if any(key in compared.only[article.slug] for article in compared.entries)]  # fmt: skip
    if keys:
        con.print()
        con.print(Text("Only in one of them", style="ideo.title"))
        table = comparison_table(compared)
        own = {article.slug: dict(only_lines(compared, article.slug)) for article in compared.entries}
        for number, key in enumerate(keys):
            label = LIST_LABELS[key]
            cells = (Text(own[article.slug].get(label, "–"), style="ideo.ref") for article in compared.entries)
            table.add_row(label, *cells, end_section=number < len(keys) - 1)
        con.print(table)


def timeline(out: Output, placed: Timeline) -> None:
    from ideocli.render.chart import Axis
    from ideocli.render.plain import year

    con = console(out)
    width = max(con.width, 60)
    year_width = 8
    title_width = max(16, min(28, (width - year_width) // 3))
    track_width = width - year_width - title_width - 4
    years = [e.year for e in placed.entries] + [e.end for e in placed.entries if e.end is not None]
    axis = Axis(years, track_width)
    ruler = [" "] * track_width
    for column, label in axis.ticks():
        ruler[column : column + len(label)] = label
    line = ["─"] * track_width
    for column, _ in axis.ticks():
        line[column] = "┬"
    for column in axis.breaks:
        line[column] = "≈"
    margin = " " * (year_width + title_width + 4)
    con.print(Text(margin + "".join(ruler), style="ideo.meta"))
    con.print(Text(margin + "".join(line), style="ideo.meta"))
    for name, group in placed.groups:
        con.print(Text(name, style="ideo.label"))
        for entry in group:
            row = Text(f"{year(entry.year):>{year_width}}  ", style="ideo.meta")
            title = entry.title if len(entry.title) <= title_width else entry.title[: title_width - 1] + "…"
            row.append(f"{title:<{title_width}}  ")
            row.append_text(track(axis, entry, track_width))
            con.print(row, no_wrap=True, overflow="crop")
    legend = f"{len(placed.entries)} entries; ● founded or dated, ━ a life or a span, ┄ to the present"
    con.print(Text(legend, style="ideo.meta"))


def track(axis: Axis, entry: TimelineEntry, width: int) -> Text:
    """Return one chart row: a marker at the start, a bar over a span, a faint line to the present."""
    cells = [(" ", "")] * width
    for column in axis.breaks:
        cells[column] = ("┊", "ideo.meta")
    start = axis.column(entry.year)
    end = axis.column(entry.end) if entry.end is not None else start
    if entry.ongoing:
        for column in range(max(start, end) + 1, width):
            cells[column] = ("┄", "ideo.meta")
    for column in range(start + 1, end + 1):
        cells[column] = ("━", "ideo.ref")
    cells[start] = ("●", "ideo.match")
    text = Text()
    for char, style in cells:
        text.append(char, style=style or None)
    return text


def lineage(out: Output, tree: Lineage) -> None:
    con = console(out)
    labelled = len(tree.relations) > 1

    def walk(branch: Branch, node: Tree) -> None:
        for child in branch.children:
            label = Text(child.title, style="ideo.ref")
            if labelled:
                label.append(f"  {TREE_LABELS[child.relation]}", style="ideo.meta")
            if child.repeated:
                label.append(" (see above)", style="ideo.meta")
            walk(child, node.add(label))

    for root in tree.roots:
        top = Tree(Text.assemble((root.title, "ideo.title"), (f"  {root.kind} · {root.slug}", "ideo.meta")))
        walk(root, top)
        con.print(top)


def moment(out: Output, article: Article) -> None:
    summaries(out, [article])
