"""Long output through a pager on a terminal, as git and man do.

The command is $IDEO_PAGER, else $PAGER, else `less -FRX` (quit at once if the text fits one
screen, keep colours, leave the text on screen afterwards); an empty value or `cat` means no
pager. The caller decides when to page: only when stdout is a terminal, and never with --no-pager.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Mapping

DEFAULT_PAGER = "less -FRX"
NO_PAGER = ("", "cat")


def pager_command(env: Mapping[str, str]) -> str | None:
    """Return the pager command line to run through the shell, or None for no pager."""
    for name in ("IDEO_PAGER", "PAGER"):
        if name in env:
            command = env[name].strip()
            return None if command in NO_PAGER else command
    return DEFAULT_PAGER if shutil.which("less") else None


def pager_available(command: str) -> bool:
    """True unless the pager's program is plainly missing (then the caller should print directly)."""
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return True  # let the shell report it
    words = [word for word in words if "=" not in word or word.startswith(("-", "/"))]  # skip VAR=value
    return not words or shutil.which(words[0]) is not None


class Pager:
    """A text stream into a pager process; once the reader quits, further writes are dropped silently."""

    def __init__(self, command: str, encoding: str | None = None, errors: str | None = None) -> None:
        self.encoding = encoding or "utf-8"
        import os

        env = dict(os.environ)
        env.setdefault("LESS", "FRX")  # as git does: a bare `less` in $PAGER still keeps colours
        env.setdefault("LV", "-c")
        self.process = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, encoding=self.encoding, errors=errors or "replace", env=env
        )
        self.quit = False
        # Ctrl-C belongs to the pager (less uses it to stop a search); we just wait for it to exit.
        self.previous_handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main_thread() else None

    def write(self, text: str) -> int:
        if not self.quit:
            try:
                self.process.stdin.write(text)  # type: ignore[union-attr]
            except (BrokenPipeError, OSError):
                self.quit = True
        return len(text)

    def flush(self) -> None:
        if not self.quit:
            try:
                self.process.stdin.flush()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError):
                self.quit = True

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        """Close the pager's input and wait until the reader quits it."""
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            pass
        self.process.wait()
        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
            self.previous_handler = None


def in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
