"""The `ideo` command line: parse options, call one domain function, hand the result to a renderer."""

from __future__ import annotations

import contextvars
import io
import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

from ideocli import __version__
from ideocli.articles import KINDS, SUBJECTS
from ideocli.errors import BadUsage, ExitCode, IdeoError, Interrupted, NotFound, OutputFailed, on_interrupt
from ideocli.paths import Paths, resolve_paths
from ideocli.render import COLORS, FORMATS, Section
from ideocli.sanitize import QUOTE_CHARS, clean_text, shorten

# Set from the command line before anything runs: with --format json, errors are JSON documents too.
ERRORS_AS_JSON: contextvars.ContextVar[bool] = contextvars.ContextVar("errors_as_json", default=False)
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
PROGRESS_DELAY_SECONDS = 0.5


class IdeoGroup(click.Group):
    """The `ideo` group: however a run ends, `handle()` says so and picks the exit code, under CliRunner too."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        given = kwargs.get("args", args[0] if args else None)
        ERRORS_AS_JSON.set(json_requested(list(sys.argv[1:] if given is None else given)))
        try:
            code = int(super().main(*args, standalone_mode=False, **kwargs) or 0)
        except BaseException as error:  # handle() re-raises what it does not know
            code = handle(error)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (IdeoError, OSError, Interrupted, KeyboardInterrupt) as error:
            # Here, before Click turns a closed pipe into exit 1 (our "not found") and Ctrl-C into a blank line.
            ctx.exit(handle(error))


def handle(error: BaseException) -> int:
    """Say how a run ended, on stderr and in a line or two at most, and return its exit code.

    The one place that maps what ends a run to an exit code (see README.md). Re-raises `error`
    when it is a bug, so that its traceback shows.
    """
    if isinstance(error, BrokenPipeError):
        silence(sys.stdout)  # the reader went away: nothing to say, and nothing more to write
        return ExitCode.BROKEN_PIPE
    if isinstance(error, (Interrupted, KeyboardInterrupt, click.exceptions.Abort)):
        say("ideo: interrupted")
        return ExitCode.INTERRUPTED
    if isinstance(error, IdeoError):
        if isinstance(error, OutputFailed):
            silence(sys.stdout)
        report_error(error)
        return error.exit_code
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.ClickException):
        if ERRORS_AS_JSON.get():
            report_error(IdeoError(shorten(error.format_message(), 2 * QUOTE_CHARS)), ExitCode(error.exit_code))
        else:
            show_click_error(error)
        return error.exit_code
    if isinstance(error, SystemExit):
        return error.code if isinstance(error.code, int) else 0 if error.code is None else 1
    if isinstance(error, OSError):  # an input failure that nothing closer to it turned into an IdeoError
        say(f"ideo: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""))
        return ExitCode.DATA
    raise error


def silence(stream: Any) -> None:
    """Point a stream's file descriptor at devnull, so that flushing what is still buffered succeeds quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no real file descriptor (tests), or none at all
        pass


def json_requested(args: list[str]) -> bool:
    """True when the command line asks for --format json (errors then go out as JSON too)."""
    return "--format=json" in args or any(a == "--format" and b == "json" for a, b in zip(args, args[1:], strict=False))


def report_error(error: IdeoError, code: ExitCode | None = None) -> None:
    """Print an error: one line and its hints on stderr, or, for --format json, one JSON document on stdout."""
    if ERRORS_AS_JSON.get() and not isinstance(error, OutputFailed):
        from ideocli.render import Output, jsonout

        try:
            jsonout.error(Output(sys.stdout, "json", False), error, code or error.exit_code)
            return
        except (OSError, OutputFailed):  # stdout failed after all: say it on stderr
            silence(sys.stdout)
    say(f"ideo: {error.message}")
    if error.hints:
        say(f"{error.hints_label}: {'; '.join(error.hints)}")


def show_click_error(error: click.ClickException) -> None:
    """Print a usage error as Click words it, cleaned, with quoted input cut short."""
    text = io.StringIO()
    error.show(file=text)
    for line in text.getvalue().splitlines():
        say(shorten(line, 2 * QUOTE_CHARS))


def say(line: str) -> None:
    """Write one clean line to stderr (a warning or an error); a stderr that cannot be written is given up on."""
    try:
        click.echo(clean_text(line), err=True)
    except OSError:
        silence(sys.stderr)


class StdoutGuard:
    """sys.stdout as ideo writes to it: a failed write raises OutputFailed, a closed pipe BrokenPipeError.

    With no stream it stands for a stdout that was closed before ideo started (`ideo show x >&-`).
    """

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.guard(lambda stream: stream.write(text))

    def flush(self) -> None:
        if self.stream is not None:
            self.guard(lambda stream: stream.flush())

    def isatty(self) -> bool:
        return self.stream is not None and self.stream.isatty()

    def guard(self, action: Callable[[TextIO], Any]) -> Any:
        if self.stream is None:
            raise OutputFailed("cannot write the output: standard output is closed")
        try:
            return action(self.stream)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputFailed(f"cannot write the output: {exc.strerror or exc}") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class DelayedProgress:
    """Progress callback that shows a bar only once a build has run for half a second."""

    def __init__(self, label: str = "building the index", counts: bool = False) -> None:
        self.started = time.monotonic()
        self.bar: Any = None
        self.label = label
        self.counts = counts  # show done/total, not a percentage

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and time.monotonic() - self.started > PROGRESS_DELAY_SECONDS:
            from ideocli.render.richtext import ProgressBar

            self.bar = ProgressBar(total, self.label, self.counts)
            with ctrl_c_deferred():
                self.bar.start()
        if self.bar is not None:
            self.bar.update(done, total)

    def close(self) -> None:
        """Take the bar away and give the cursor back, however the build ended."""
        if self.bar is not None:
            with ctrl_c_deferred():
                self.bar.close()


@contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back until the block is done: Rich cannot undo a half-set-up or half-restored terminal."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a held-back Ctrl-C arrives here


class State:
    """What the group resolves once for every command."""

    def __init__(self, paths: Paths, user_corpus: Any = None) -> None:
        self.paths = paths
        self.user_corpus = user_corpus  # usercorpus.UserCorpus: where `import`, `new` and `edit` write

    def library(self, force: bool = False, sweep: bool = True) -> Any:
        """Open the library; `sweep=False` for commands that read only the entries they are given
        (see the README's "What the next command sees")."""
        from ideocli.library import open_library
        from ideocli.render import is_terminal

        progress = DelayedProgress() if is_terminal(sys.stderr) else None
        try:
            library = open_library(self.paths, on_progress=progress, force=force, sweep=sweep)
        finally:
            if progress is not None:
                progress.close()
        if library.generation.stale:
            say("ideo: note: another ideo process is rebuilding the index; this answer is from the index as it was")
        for problem in library.problems:
            say(f"ideo: warning: {problem} (entry skipped)")
        return library


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --format and --color to a command that prints data."""
    command = click.option(
        "--color",
        type=click.Choice(COLORS),
        default="auto",
        show_default=True,
        help="Colour: auto follows the terminal; NO_COLOR and TERM=dumb turn it off.",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="auto",
        show_default=True,
        help="Output format: auto is rich on a terminal and plain when piped.",
    )(command)


def output_for(fmt: str, color: str, *, page: bool = False) -> Any:
    from ideocli.render import choose_output, renderer

    output = choose_output(sys.stdout, fmt, color, os.environ)
    if page:
        output = paged(output)
    return output, renderer(output)


def set_no_pager(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["no_pager"] = True  # meta is shared by every context of one invocation


no_pager_option = click.option(
    "--no-pager",
    is_flag=True,
    expose_value=False,
    callback=set_no_pager,
    help="Never send long output through a pager ($IDEO_PAGER, $PAGER or less -FRX).",
)


def paged(output: Any) -> Any:
    """Return `output` redirected into a pager when stdout is a terminal and paging is not turned off."""
    from ideocli.render import is_terminal

    ctx = click.get_current_context()
    if ctx.meta.get("no_pager") or not is_terminal(sys.stdout):
        return output
    from ideocli.pager import Pager, pager_available, pager_command

    command = pager_command(os.environ)
    if command is None:
        return output
    if not pager_available(command):
        click.echo(f"ideo: warning: cannot run the pager {command!r}; printing directly", err=True)
        return output
    sys.stdout.flush()
    pager = Pager(command, getattr(sys.stdout, "encoding", None), getattr(sys.stdout, "errors", None))
    ctx.call_on_close(pager.close)
    return output._replace(stream=pager)


def completion_paths(ctx: click.Context) -> Paths:
    """The paths a completion should read, from --corpus/--index-dir typed so far or the environment."""
    root = ctx.find_root()
    return resolve_paths(
        corpus_flag=root.params.get("corpus_dir"), index_flag=root.params.get("index_dir"), env=os.environ
    )


def complete_entry(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    from ideocli.completion import complete_names

    try:
        return [CompletionItem(slug, help=title) for slug, title in complete_names(completion_paths(ctx), incomplete)]
    except Exception:  # a completion must never print a traceback into the user's shell
        return []


def complete_family(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from ideocli.completion import complete_families

    try:
        return complete_families(completion_paths(ctx), incomplete)
    except Exception:
        return []


def complete_relation(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from ideocli.completion import complete_relations
    from ideocli.views import GRAPH_RELATIONS

    return complete_relations(incomplete, (*GRAPH_RELATIONS, "all"))


class YearType(click.ParamType):
    """A year: 1917, -356 or 356BCE."""

    name = "year"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from ideocli.views import parse_year

        try:
            return parse_year(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def count_entries(paths: Paths) -> int:
    from ideocli.layout import entry_paths
    from ideocli.usercorpus import user_root

    user = user_root(paths.corpus)
    return sum(1 for _ in entry_paths(paths.corpus)) + (sum(1 for _ in entry_paths(user)) if user else 0)


@click.group(cls=IdeoGroup, context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.option(
    "--corpus", "corpus_dir", metavar="DIR", help="Corpus directory (default: the shipped corpus; env IDEO_CORPUS)."
)
@click.option(
    "--index-dir",
    metavar="DIR",
    help="Index directory (default: index/ in a checkout, else the user cache; env IDEO_INDEX).",
)
@click.option(
    "--user-corpus",
    "user_corpus_dir",
    metavar="DIR",
    help="Your own entries, read with the corpus (default: ~/.local/share/ideo/corpus; env IDEO_USER_CORPUS).",
)
@click.option("--version", "show_version", is_flag=True, help="Print the version and the corpus size, then exit.")
@no_pager_option
@click.pass_context
def cli(
    ctx: click.Context, corpus_dir: str | None, index_dir: str | None, user_corpus_dir: str | None, show_version: bool
) -> None:
    """ideo: political ideologies and the concepts of political thought, offline.

    Look an entry up by name, search the full text, get a one-line definition, or walk the
    cross-references. Output is Rich on a terminal and plain text when piped; every data
    command takes --format plain|json for scripts.

    \b
    Examples:
      ideo show trotskyism
      ideo search "permanent revolution"
      ideo define "vanguard party"
      ideo related trotskyism --depth 2
      ideo list --kind term
      ideo show trotskyism --summary | fold -s
      ideo compare trotskyism stalinism
      ideo timeline --family anarchism
      ideo graph marxism
    """
    from ideocli.usercorpus import attach, resolve_user_corpus

    paths = resolve_paths(corpus_flag=corpus_dir, index_flag=index_dir, env=os.environ)
    user_corpus = resolve_user_corpus(user_corpus_dir, os.environ)
    attach(paths.corpus, user_corpus.path)
    ctx.obj = State(paths, user_corpus)
    if show_version:
        click.echo(f"ideo {__version__} ({count_entries(paths)} entries in {clean_text(paths.corpus)})")
        ctx.exit()
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command()
@click.argument("names", nargs=-1, required=True, shell_complete=complete_entry)
@click.option("--summary", is_flag=True, help="Only the summary: one line of plain text per NAME when piped.")
@click.option("--section", metavar="NAME", help="Only one section of the body, e.g. History or 'Core ideas'.")
@click.option("--shipped", is_flag=True, help="The shipped entry of each slug, even where a user entry shadows it.")
@output_options
@no_pager_option
@click.pass_obj
def show(
    state: State, names: tuple[str, ...], summary: bool, section: str | None, shipped: bool, fmt: str, color: str
) -> None:
    """Show entries by slug, title or alias (case and punctuation do not matter).

    \b
    Examples:
      ideo show trotskyism
      ideo show "Marxism–Leninism" stalinism
      ideo show trotskyist --section history
      ideo show anarchism --summary --format json
    """
    library = state.library(sweep=False)
    articles = [library.resolve(name) for name in names]
    if shipped:
        from ideocli.usercorpus import shipped_articles

        articles = shipped_articles(state.paths.corpus, articles)
    else:
        from ideocli.usercorpus import shadow_notice

        for article in articles:
            if article.shadows:
                say(f"ideo: {shadow_notice(article.slug, article.shadows)}")
    output, render = output_for(fmt, color, page=not summary)
    if summary:
        render.summaries(output, articles)
    elif section:
        render.sections(output, [Section(a, *library.section(a, section)) for a in articles])
    else:
        render.entries(output, articles, library.titles())


@cli.command()
@click.argument("terms", nargs=-1, required=True, shell_complete=complete_entry)
@output_options
@click.pass_obj
def define(state: State, terms: tuple[str, ...], fmt: str, color: str) -> None:
    """Print the one-sentence definition of a term or ideology, then "see also".

    \b
    Examples:
      ideo define "vanguard party"
      ideo define NEP dotP
      ideo define bonapartism --format json
    """
    library = state.library(sweep=False)
    articles = [library.resolve(term) for term in terms]
    output, render = output_for(fmt, color)
    render.definitions(output, [(article, library.see_also(article)) for article in articles])


class QueryCommand(click.Command):
    """A command whose argument may start with '-': says how to pass one when Click mistakes it for an option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # Click consumes `args` as it parses
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            word = next((arg for arg in given if arg.startswith(error.option_name)), error.option_name)
            error.message = f"no such option: {word}; to search for it, put -- before the query: ideo search -- {word}"
            raise


@cli.command(cls=QueryCommand)
@click.argument("words", nargs=-1, required=True, metavar="QUERY")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="How many results to show.")
@click.option("--kind", type=click.Choice(KINDS), help="Only one kind of entry.")
@click.option(
    "--family", metavar="NAME", shell_complete=complete_family, help="Only entries of one family, e.g. anarchism."
)
@click.option("--subject", type=click.Choice(SUBJECTS), help="Only glossary entries of one subject.")
@click.option(
    "--since", type=int, metavar="YEAR", help="Only entries founded (born, dated) in or after YEAR; -500 is 500 BCE."
)
@click.option("--until", type=int, metavar="YEAR", help="Only entries founded (born, dated) in or before YEAR.")
@output_options
@click.pass_obj
def search(
    state: State,
    words: tuple[str, ...],
    limit: int,
    kind: str | None,
    family: str | None,
    subject: str | None,
    since: int | None,
    until: int | None,
    fmt: str,
    color: str,
) -> None:
    """Full-text search over every field, ranked, with highlighted snippets.

    \b
    QUERY uses Whoosh's query language:
      words         all must appear (an exact phrase ranks higher); if no entry has
                    them all, entries with any of them are shown
      "a phrase"    the words in this order
      AND OR NOT    boolean operators (upper case); -word excludes; prefix* (two letters or more)
      fields        title: name: (aliases) figure: (key figures) text: (key texts and
                    their authors) region: era: definition: summary: body: family: kind:

    An entry whose own title, alias or slug is the query comes first, whatever its kind; the
    rest are ranked by BM25F (titles and names above key texts and figures, above summary and
    definition, above the body). Words are stemmed, accents folded, and British and American
    spellings are one ("labour" finds "labor"). A query that starts with '-' goes after --.

    \b
    Examples:
      ideo search "permanent revolution"
      ideo search 'anarchism -marxism'
      ideo search -- -marxism anarchism
      ideo search 'figure:kropotkin' --kind ideology
      ideo search 'text:"reflections on violence"'
      ideo search revolution --family anarchism --since 1900 --limit 5
    """
    from ideocli.search import Filters

    query = " ".join(words)
    library = state.library(sweep=False)  # the hits shown are checked for edits in place (Library.search)
    filters = Filters(kind=kind, family=family, subject=subject, since=since, until=until)
    result = library.search(query, limit=limit, filters=filters)
    if not result.hits:
        raise NotFound(f'no results for "{shorten(query)}"', hints=tuple(library.did_you_mean(query)))
    output, render = output_for(fmt, color)
    if result.corrected and output.format != "json":
        click.echo(f'ideo: nothing matched "{query}"; showing results for "{result.corrected}"', err=True)
    render.hits(output, result)


@cli.command()
@click.argument("name", shell_complete=complete_entry)
@click.option(
    "--depth", type=click.IntRange(1, 5), default=1, show_default=True, help="How many levels of relations to follow."
)
@output_options
@no_pager_option
@click.pass_obj
def related(state: State, name: str, depth: int, fmt: str, color: str) -> None:
    """Show the cross-reference neighbourhood of an entry as a tree.

    Branches are labelled derived from, related, opposed to, terms, ideologies, and
    linked from (entries that point here). An entry already shown is not expanded again.

    \b
    Examples:
      ideo related trotskyism
      ideo related trotskyism --depth 2
      ideo related "united front" --format json
    """
    library = state.library(sweep=False)
    article = library.resolve(name)
    output, render = output_for(fmt, color, page=True)
    render.tree(output, library.related_tree(article.slug, depth))


CARDLESS = (None, "ideology", "term")  # listings without cards, which other entries' front matter makes


@cli.command("list")
@click.option("--kind", type=click.Choice(KINDS), help="Only one kind; person and text include cards.")
@click.option(
    "--family", metavar="NAME", shell_complete=complete_family, help="Only entries of one family, e.g. socialism."
)
@click.option("--subject", type=click.Choice(SUBJECTS), help="Only glossary entries of one subject, in date order.")
@click.option("--long", "long_", is_flag=True, help="Add titles and summaries.")
@output_options
@no_pager_option
@click.pass_obj
def list_(
    state: State, kind: str | None, family: str | None, subject: str | None, long_: bool, fmt: str, color: str
) -> None:
    """List entries: one slug per line when piped, a table on a terminal.

    Without --kind, cards (people and texts known only from other entries) are left out.

    \b
    Examples:
      ideo list
      ideo list --kind ideology --family anarchism
      ideo list --kind term --subject event --long
      ideo list --kind person
      ideo list --long | grep -i revolution
    """
    from ideocli.render import choose_output

    # Slugs alone come from file names, which the quick staleness check sees change; anything
    # else shown or filtered on may have been edited in place, so the other forms sweep.
    slugs_only = choose_output(sys.stdout, fmt, color, os.environ).format == "plain" and not long_
    library = state.library(sweep=not (slugs_only and family is None and subject is None and kind in CARDLESS))
    articles = library.listing(kind, family, subject)
    first = next(articles, None)
    if first is None:
        raise NotFound("no entries match those filters")
    output, render = output_for(fmt, color, page=True)
    render.listing(output, itertools.chain([first], articles), long_)


@cli.command()
@output_options
@click.pass_obj
def check(state: State, fmt: str, color: str) -> None:
    """Validate the whole corpus; print each problem as path:line: message, exit 3 if any.

    Checks the front matter schema, slugs, summary and definition lengths, body length and
    sections, the family vocabulary, that every relation and [[link]] resolves, and alias
    collisions.

    \b
    Examples:
      ideo check
      ideo --corpus ~/my-corpus check --format json
    """
    from ideocli.corpus import check_corpus
    from ideocli.usercorpus import load_all

    loaded = load_all(state.paths.corpus)
    problems = check_corpus(loaded)
    output, render = output_for(fmt, color)
    render.problems(output, problems, len(loaded.entries))
    if problems:
        say(f"ideo: {len(problems)} problems in {state.paths.corpus}")
        raise click.exceptions.Exit(int(ExitCode.DATA))
    say(f"ideo: {len(loaded.entries)} entries, no problems")


@cli.command("index")
@click.option(
    "--prune",
    is_flag=True,
    help="Instead of rebuilding, delete the indexes of corpora that no longer exist (default location only).",
)
@output_options
@click.pass_obj
def index_(state: State, prune: bool, fmt: str, color: str) -> None:
    """Rebuild the search index now and report counts and time.

    The index is rebuilt automatically when the corpus changes; this forces it. Each corpus has
    its own index under the default location, so switching corpora never rebuilds.

    \b
    Examples:
      ideo index
      ideo index --prune
      IDEO_INDEX=~/ideo-index ideo index --format json
    """
    if prune:
        from ideocli.store import prune_indexes

        if state.paths.index_source not in ("checkout", "cache"):
            raise BadUsage("--prune cleans the default index location; --index-dir and IDEO_INDEX name one index")
        removed = prune_indexes(os.path.dirname(state.paths.index), keep=state.paths.index)
        for index, corpus in removed:
            click.echo(f"removed {clean_text(index)}\t(corpus {clean_text(corpus)} is gone)")
        say(f"ideo: pruned {len(removed)} {'index' if len(removed) == 1 else 'indexes'}")
        return
    library = state.library(force=True)
    output, render = output_for(fmt, color)
    render.index_report(output, library.build_report)


@cli.command()
@click.pass_obj
def paths(state: State) -> None:
    """Print where the corpus and the index are, and which rule chose each.

    \b
    Examples:
      ideo paths
      IDEO_INDEX=~/ideo-index ideo paths
    """
    click.echo(f"corpus\t{clean_text(state.paths.corpus)}\t({state.paths.corpus_source})")
    user = state.user_corpus
    exists = "" if os.path.isdir(user.path) else ", missing: empty"
    click.echo(f"user corpus\t{clean_text(user.path)}\t({user.source}{exists})")
    click.echo(f"index\t{clean_text(state.paths.index)}\t({state.paths.index_source})")


# --- the user corpus: import, new, edit ---------------------------------------------------------


@cli.command("import")
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@click.option("--kind", type=click.Choice(("ideology", "term")), default="ideology", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@output_options
@click.pass_obj
def import_(state: State, inputs: tuple[str, ...], kind: str, dry_run: bool, fmt: str, color: str) -> None:
    """Turn saved web pages, text dumps and Markdown into entries of your user corpus.

    PATH is a file, a directory (its .html, .htm, .txt and .md files) or - for standard input.
    The entry takes the page's title, authors and date, its paragraphs and headings, and links
    the entries it names; page furniture (menus, cookie banners, share buttons, other posts)
    is left out. Importing the same page again updates its entry. An input that cannot be
    imported is skipped with a one-line reason, and the exit status is then 3.

    \b
    Examples:
      curl -s https://example.org/page | ideo import - --dry-run --format json
      ideo import ~/Downloads/trotskyism-explained.html
      ideo import notes/ --kind term
    """
    from ideocli import importer

    library = state.library()
    from ideocli.layout import entry_paths

    known = importer.known_from_mapping(library.entries, library.names)
    known.shipped = {os.path.basename(path)[:-3] for path, _ in entry_paths(state.paths.corpus)}
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    drafts, skipped = importer.prepare(inputs, stdin=stdin, kind=kind, user_root=state.user_corpus.path, known=known)
    if drafts and not dry_run:
        write_under_lock(state, lambda: importer.write_entries(drafts))
        library = state.library()  # the index now includes the new entries
    output = output_for(fmt, color)[0]
    rows = [
        {
            "slug": d.slug,
            "title": d.title,
            "path": d.path,
            "source": d.source,
            "authors": d.authors,
            "status": d.status,
            "shadows_shipped": d.shadows,
        }
        for d in drafts
    ]
    if output.format == "json":
        from ideocli.render.jsonout import emit

        emit(
            output,
            {
                "imported": rows,
                "skipped": [{"input": clean_text(name), "reason": reason} for name, reason in skipped],
                "dry_run": dry_run,
            },
        )
    else:
        verb = "would import" if dry_run else "imported"
        for d in drafts:
            click.echo(clean_text(f"{verb} {d.slug} ({d.status}): {d.title} -> {d.path}"))
    for d in drafts:
        if d.shadows:
            from ideocli.usercorpus import shadow_notice

            say(f"ideo: {shadow_notice(d.slug, f'entry {d.slug!r}')}")
    for name, reason in skipped:
        say(f"ideo: skipped {shorten(name)}: {reason}")
    if skipped:
        raise click.exceptions.Exit(int(ExitCode.DATA))


@cli.command()
@click.argument("slug")
@click.option("--kind", type=click.Choice(("ideology", "term", "person")), default="ideology", show_default=True)
@click.option("--title", help="The entry's title (default: from SLUG).")
@click.pass_obj
def new(state: State, slug: str, kind: str, title: str | None) -> None:
    """Start a new entry in your user corpus and open it in $VISUAL or $EDITOR.

    The skeleton has every key and section the kind needs; when the editor exits, the entry
    is checked and each problem printed as path:line: message (exit 3 if any).

    \b
    Examples:
      ideo new georgism
      ideo new land-value-tax --kind term --title "Land value tax"
    """
    from ideocli.layout import SLUG_RE
    from ideocli.usercorpus import KIND_DIRS, editor_command, skeleton, user_entry_path, write_atomically

    if not SLUG_RE.fullmatch(slug):
        raise BadUsage(f"bad slug {shorten(slug)!r}: use lowercase ASCII words joined by hyphens")
    editor = editor_command(os.environ)
    existing = user_entry_path(state.user_corpus.path, slug)
    if existing is not None:
        raise BadUsage(f"your entry {slug!r} already exists: {existing}; use `ideo edit {slug}`")
    path = os.path.join(state.user_corpus.path, KIND_DIRS[kind], f"{slug}.md")
    write_under_lock(state, lambda: write_atomically(path, skeleton(slug, kind, title)))
    edit_and_check(state, editor, path)


@cli.command()
@click.argument("name", shell_complete=complete_entry)
@click.pass_obj
def edit(state: State, name: str) -> None:
    """Open an entry of your user corpus in $VISUAL or $EDITOR, then check it.

    A shipped entry is first copied into the user corpus, where your copy shadows it
    (`ideo show --shipped NAME` still shows the original).

    \b
    Examples:
      EDITOR=nano ideo edit georgism
      ideo edit trotskyism
    """
    from ideocli.layout import SLUG_RE, read_source_text
    from ideocli.usercorpus import KIND_DIRS, USER, editor_command, user_entry_path, write_atomically

    editor = editor_command(os.environ)
    broken = user_entry_path(state.user_corpus.path, name) if SLUG_RE.fullmatch(name) else None
    if broken is not None:  # a user entry by its slug: open it even when it does not parse
        edit_and_check(state, editor, broken)
        return
    article = state.library().resolve(name)
    if article.card:
        raise BadUsage(f"{article.title} is a card made from other entries; it has no file to edit")
    if article.source == USER:
        path = article.path
    else:
        path = os.path.join(state.user_corpus.path, KIND_DIRS[article.kind], f"{article.slug}.md")
        text = read_source_text(os.path.join(state.paths.corpus, article.path))
        write_under_lock(state, lambda: write_atomically(path, text))
        say(f"ideo: copied the shipped {article.path} to {clean_text(path)}")
    edit_and_check(state, editor, path)


def edit_and_check(state: State, editor: list[str], path: str) -> None:
    """Run the editor on `path`, then print the entry's problems as path:line: message (exit 3 if any)."""
    import subprocess

    from ideocli.usercorpus import check_user_entry

    try:
        finished = subprocess.run([*editor, path], check=False)
    except OSError as exc:
        raise BadUsage(f"cannot run the editor {shorten(editor[0])!r}: {exc.strerror or exc}") from None
    if finished.returncode != 0:
        say(f"ideo: the editor exited with status {finished.returncode}")
    problems = check_user_entry(state.paths.corpus, state.user_corpus.path, path)
    for problem in problems:
        click.echo(clean_text(str(problem)))
    if problems:
        say(f"ideo: {len(problems)} problems in {clean_text(path)}")
        raise click.exceptions.Exit(int(ExitCode.DATA))
    say(f"ideo: {clean_text(path)}: no problems")


def write_under_lock(state: State, write: Callable[[], None]) -> None:
    """Run `write` (a change to the user corpus) under the index rebuild lock, Ctrl-C held back."""
    from ideocli.errors import IndexProblem
    from ideocli.store import check_index_dir, claim_index_dir, rebuild_lock

    try:
        if not check_index_dir(state.paths.index):
            claim_index_dir(state.paths.index)
        with rebuild_lock(state.paths.index), ctrl_c_deferred():
            write()
    except OSError as exc:
        raise IndexProblem(f"cannot write the user corpus: {exc.strerror or exc}") from None


# --- views: compare, timeline, graph, random; shell completion --------------------------------

PICKABLE_KINDS = ("ideology", "term", "person")  # cards are never picked or placed


@cli.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME NAME [NAME...]", shell_complete=complete_entry)
@output_options
@no_pager_option
@click.pass_obj
def compare(state: State, names: tuple[str, ...], fmt: str, color: str) -> None:
    """Compare two to five entries side by side, and say how they relate.

    Shows definition, founding date, era, region, families, key figures and key texts next to
    each other; then how the entries relate (one derived from the other, opposed, a shared
    ancestor found by walking derived_from, shared terms and people); then what each has that
    the others lack.

    \b
    Examples:
      ideo compare trotskyism stalinism
      ideo compare anarchism marxism "social democracy"
      ideo compare mutualism anarcho-communism --format json
    """
    from ideocli.views import compare as compare_entries

    library = state.library()
    compared = compare_entries(library, [library.resolve(name) for name in names])
    output, render = output_for(fmt, color, page=True)
    render.comparison(output, compared)


@cli.command()
@click.option(
    "--family",
    metavar="NAME",
    shell_complete=complete_family,
    help="Only one family (terms count under the families of their ideologies).",
)
@click.option("--kind", type=click.Choice(PICKABLE_KINDS), help="Only one kind of entry.")
@click.option(
    "--since", type=YearType(), metavar="YEAR", help="Only entries dated in or after YEAR (-356 or 356BCE for BCE)."
)
@click.option("--until", type=YearType(), metavar="YEAR", help="Only entries dated in or before YEAR.")
@output_options
@no_pager_option
@click.pass_obj
def timeline(
    state: State, family: str | None, kind: str | None, since: int | None, until: int | None, fmt: str, color: str
) -> None:
    """Place entries on a time line: ideologies by founding, terms by date, people by birth.

    On a terminal, a chart grouped by family: a marker at the year, a bar over a life or an
    event's span, a faint line for what runs to the present. Piped, one
    year<TAB>slug<TAB>title line per entry, in order; BCE years read "356 BCE".

    \b
    Examples:
      ideo timeline --family anarchism
      ideo timeline --kind person --until 1800
      ideo timeline --since 1900 --until 1945 | cut -f 1,3
      ideo timeline --family marxism --format json
    """
    from ideocli.views import timeline as place

    library = state.library()
    placed = place(library, family=family, kind=kind, since=since, until=until)
    output, render = output_for(fmt, color, page=True)
    render.timeline(output, placed)


GRAPH_FORMATS = (*FORMATS, "dot", "mermaid")


@cli.command()
@click.argument("name", required=False, shell_complete=complete_entry)
@click.option("--depth", type=click.IntRange(1, 10), help="Levels to follow [tree: all; graph around NAME: 1].")
@click.option(
    "--relation",
    "relations",
    metavar="LIST",
    shell_complete=complete_relation,
    help="Comma-separated relations to follow: derived_from, related, opposed_to, terms, ideologies, people, "
    "or all [tree: derived_from; graph: all but people].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_FORMATS),
    default="auto",
    show_default=True,
    help="dot (Graphviz), mermaid or json (node-link) for the graph; auto, rich or plain for the tree.",
)
@click.option(
    "--color",
    type=click.Choice(COLORS),
    default="auto",
    show_default=True,
    help="Colour: auto follows the terminal; NO_COLOR and TERM=dumb turn it off.",
)
@no_pager_option
@click.pass_obj
def graph(state: State, name: str | None, depth: int | None, relations: str | None, fmt: str, color: str) -> None:
    """Draw the cross-reference graph, or the tree of what grew out of an entry.

    With --format dot, mermaid or json: the graph of the whole corpus, or of the entries within
    --depth steps of NAME, for Graphviz, Mermaid (renders on code hosts) or scripts. Edges point
    from an entry to what it names; labels and styles tell the relations apart.

    Otherwise (a terminal, or plain when piped): the descendant tree, following derived_from
    backwards, so `ideo graph marxism` shows what grew out of Marxism. Without NAME, one tree per
    tradition that derives from nothing.

    \b
    Examples:
      ideo graph marxism
      ideo graph anarchism --depth 2
      ideo graph trotskyism --format dot | dot -Tsvg > trotskyism.svg
      ideo graph leninism --relation derived_from,opposed_to --format mermaid
      ideo graph --relation derived_from --format json > lineage.json
    """
    from ideocli.views import RELATIONS, lineage, parse_relations
    from ideocli.views import graph as cross_references

    library = state.library()
    slug = library.resolve(name).slug if name else None
    if fmt in ("dot", "mermaid", "json"):
        chosen = parse_relations(relations, default=RELATIONS)
        drawn = cross_references(library, slug, depth=depth or 1, relations=chosen)
        if fmt == "json":
            output, render = output_for("json", color)
            render.graph(output, drawn)
            return
        from ideocli.render import Output, graphtext

        if fmt == "mermaid" and len(drawn.edges) > graphtext.MERMAID_EDGE_LIMIT:
            click.echo(
                f"ideo: warning: {len(drawn.edges)} edges; Mermaid draws at most {graphtext.MERMAID_EDGE_LIMIT} "
                "by default: give a NAME, a smaller --depth or fewer --relation",
                err=True,
            )
        getattr(graphtext, fmt)(Output(sys.stdout, fmt, False), drawn)
        return
    chosen = parse_relations(relations, default=("derived_from",))
    tree = lineage(library, slug, depth=depth, relations=chosen)
    if not tree.roots:
        raise NotFound(f"no entry derives from another through {', '.join(chosen)}")
    output, render = output_for(fmt, color, page=True)
    render.lineage(output, tree)
    if slug and not tree.roots[0].children:
        shown = " or ".join(relation.replace("_", " ") for relation in chosen)
        click.echo(f"ideo: nothing in the corpus names {tree.roots[0].title} in {shown}", err=True)


@cli.command("random")
@click.option("--kind", type=click.Choice(PICKABLE_KINDS), help="Only one kind of entry.")
@click.option("--family", metavar="NAME", shell_complete=complete_family, help="Only entries of one family.")
@click.option("--seed", metavar="TEXT", help='The same seed picks the same entry, e.g. --seed "$(date +%F)".')
@click.option("--summary", is_flag=True, help="One line, the title and summary: an entry of the moment.")
@output_options
@no_pager_option
@click.pass_obj
def random_(
    state: State, kind: str | None, family: str | None, seed: str | None, summary: bool, fmt: str, color: str
) -> None:
    """Show one entry picked at random; --summary makes it one line for a shell greeting.

    \b
    Examples:
      ideo random
      ideo random --kind term --summary
      ideo random --family anarchism --seed "$(date +%F)" --summary
      ideo random --seed 42 --format json
    """
    from ideocli.views import pick

    library = state.library()
    article = pick(library, kind=kind, family=family, seed=seed)
    output, render = output_for(fmt, color, page=not summary)
    if summary:
        render.moment(output, article)
    else:
        render.entries(output, [article], library.titles())


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback is reachable by others.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the home page in the default web browser.")
@click.pass_obj
def serve(state: State, port: int, host: str, open_browser: bool) -> None:
    """Serve the reference as web pages on this machine, read-only, until Ctrl-C.

    Every entry, person and text card has a page with its relations, back-links and a picture
    of its neighbourhood; the home page searches as you type with the same search as
    `ideo search`. No cookies, no tracking, nothing loaded from outside.

    \b
    Examples:
      ideo serve
      ideo serve --port 8080 --open
      ideo serve --host 0.0.0.0 --port 8080
    """
    from ideocli.web.server import is_loopback, make_server, url_of

    library = state.library()
    if not is_loopback(host):
        say(f"ideo: warning: listening on {host}: anyone who can reach this machine can read these pages")
    server = make_server(library, host, port)
    url = url_of(server)
    click.echo(f"ideo: serving {clean_text(library.paths.corpus)} at {url} (Ctrl-C to stop)", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except (Interrupted, KeyboardInterrupt):
        say("ideo: stopped")
    finally:
        server.server_close()


@cli.group()
def export() -> None:
    """Export the reference in another form.

    \b
    Examples:
      ideo export html site/
    """


@export.command("html")
@click.argument("directory", type=click.Path(file_okay=False))
@click.pass_obj
def export_html(state: State, directory: str) -> None:
    """Write every page as a static web site into DIRECTORY (new, empty, or a previous export).

    The site works from file:// and from any static host; its search runs in the browser over
    an index written with it. Nothing is deleted; a directory holding other files is refused.

    \b
    Examples:
      ideo export html site/
      ideo --corpus my-corpus export html /var/www/ideo
    """
    from ideocli.render import is_terminal
    from ideocli.web.export import export_html as write_site

    library = state.library()
    progress = DelayedProgress("writing pages", counts=True) if is_terminal(sys.stderr) else None
    try:
        written = write_site(library, directory, on_progress=progress)
    finally:
        if progress is not None:
            progress.close()
    home = clean_text(os.path.join(directory, "index.html"))
    click.echo(f"ideo: wrote {written} pages to {clean_text(directory)}; open {home}", err=True)


@cli.command()
@click.argument("shell", type=click.Choice(("bash", "zsh", "fish")))
def completion(shell: str) -> None:
    """Print the script that makes a shell complete ideo's commands, options, entry names and families.

    Completion reads only the small name lookup of the index, so it stays fast.

    \b
    Examples:
      ideo completion bash >> ~/.bashrc
      ideo completion zsh >> ~/.zshrc
      ideo completion fish > ~/.config/fish/completions/ideo.fish
    """
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    assert complete is not None  # every choice is a shell Click knows
    click.echo(complete(cli, {}, "ideo", "_IDEO_COMPLETE").source())


def main() -> None:
    """Console-script entry point (after ideocli.__main__ has imported this module).

    Every way a run can end goes through handle(): Ctrl-C, a closed, full or failing stdout,
    and the final flush too.
    """
    signal.signal(signal.SIGINT, on_interrupt)
    open_missing_standard_fds()
    sys.stdout = StdoutGuard(sys.stdout)  # type: ignore[assignment]
    try:
        code = cli.main(standalone_mode=False)
        sys.stdout.flush()
    except BaseException as error:  # handle() re-raises what it does not know
        code = handle(error)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C on the way out must not become a traceback
    sys.exit(int(code or 0))


def open_missing_standard_fds() -> None:
    """Put devnull on any of the descriptors 0-2 that was closed, so that no file ideo opens becomes one."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
