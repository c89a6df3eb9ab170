"""Re-run every `$ command` in README.md's ```console blocks and write their real output back.

Not a test: run `PATH=.venv/bin:$PATH python tests/refresh_readme.py` from the checkout after the
corpus or the output changes, then read the diff. Commands that redirect into a file (`>`) are
shown but not run. Output is captured through a pipe, so it is the plain format.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
BLOCK_RE = re.compile(r"(```console\n)(.*?)(```)", re.S)


def run(command: str, cwd: str) -> str:
    """Return what a shell command prints (stdout and stderr, in order), with a COLUMNS of 100."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=False,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    return result.stdout


def refresh(block: str, cwd: str) -> str:
    lines = []
    for line in block.splitlines():
        if not line.startswith("$ "):
            continue
        command = line[2:]
        lines.append(line)
        if ">" not in command.replace("->", ""):
            lines.extend(run(command, cwd).rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"


def main() -> None:
    cwd = os.path.dirname(README)
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    text = BLOCK_RE.sub(lambda match: match.group(1) + refresh(match.group(2), cwd) + match.group(3), text)
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("README.md refreshed; review `git diff README.md`", file=sys.stderr)


if __name__ == "__main__":
    main()
