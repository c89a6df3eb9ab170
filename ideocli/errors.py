"""The one exception hierarchy of ideo, and the exit codes it maps to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; documented in README.md."""

    OK = 0
    NOT_FOUND = 1  # no such entry, no search results, no such section
    USAGE = 2  # bad options or arguments (Click uses 2 as well)
    DATA = 3  # the corpus or the index has a problem
    OUTPUT = 74  # stdout cannot be written: closed, disk full, I/O error (EX_IOERR in sysexits.h)
    INTERRUPTED = 130  # Ctrl-C
    BROKEN_PIPE = 141  # the reader of our stdout went away (128 + SIGPIPE)


class IdeoError(Exception):
    """Base class: a message fit for users, the exit code to leave with, and optional hints."""

    exit_code: ExitCode = ExitCode.DATA

    def __init__(self, message: str, *, hints: tuple[str, ...] = (), hints_label: str = "did you mean") -> None:
        super().__init__(message)
        self.message = message
        self.hints = hints
        self.hints_label = hints_label


class NotFound(IdeoError):
    """No entry, result or section matched; `hints` are suggestions to print."""

    exit_code = ExitCode.NOT_FOUND


class BadUsage(IdeoError):
    """The request itself is malformed (empty or oversized query, bad depth...)."""

    exit_code = ExitCode.USAGE


class CorpusProblem(IdeoError):
    """The corpus cannot be read or fails validation."""


class IndexProblem(IdeoError):
    """The index cannot be built, opened or searched."""


class OutputFailed(IdeoError):
    """Standard output cannot be written (a closed pipe is BrokenPipeError instead: it is no error)."""

    exit_code = ExitCode.OUTPUT


class Interrupted(BaseException):
    """Ctrl-C, raised by on_interrupt.

    A BaseException, as KeyboardInterrupt is, so that no `except Exception` swallows it; unlike
    KeyboardInterrupt, Click lets it through untouched.
    """


def on_interrupt(signum: int, frame: object) -> None:
    """SIGINT handler: raise Interrupted."""
    raise Interrupted
