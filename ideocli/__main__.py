"""The `ideo` console script and `python -m ideocli`.

Click and the rest take about 60 ms to import; a Ctrl-C meanwhile ends the run with one line
and exit 130, as it does later (see ideocli.cli.main), never with a traceback. Nothing is
imported here before main() runs: until then, only Python's own start-up is unprotected.
"""

import sys


def main() -> None:
    """Console-script entry point."""
    try:
        from ideocli.cli import main as run
    except KeyboardInterrupt:
        import os
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            os.write(2, b"ideo: interrupted\n")
        except OSError:
            pass
        sys.exit(130)  # ExitCode.INTERRUPTED, not imported: the import is what was interrupted
    run()


if __name__ == "__main__":
    main()
