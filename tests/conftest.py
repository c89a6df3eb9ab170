"""Every test runs with its own corpus copy and index directory; nothing touches the repo's index/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ideocli.cli import cli

TESTS = Path(__file__).parent
FIXTURE_CORPUS = TESTS / "fixtures" / "corpus"
SHIPPED_CORPUS = TESTS.parent / "corpus"
ISOLATED_VARIABLES = (
    "IDEO_CORPUS",
    "IDEO_INDEX",
    "IDEO_USER_CORPUS",
    "XDG_DATA_HOME",
    "VISUAL",
    "EDITOR",
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "COLUMNS",
    "LINES",
    "TERM",
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point IDEO_CORPUS at a fresh copy of the fixture corpus and IDEO_INDEX at tmp_path."""
    for name in ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    monkeypatch.setenv("IDEO_CORPUS", str(corpus))
    monkeypatch.setenv("IDEO_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return corpus


@pytest.fixture
def corpus(isolated_env: Path) -> Path:
    """The test's own writable copy of the fixture corpus."""
    return isolated_env


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the shipped corpus, built once per session outside the repo."""
    return tmp_path_factory.mktemp("shipped-index")


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch, shipped_index: Path) -> Path:
    """Run commands against the shipped corpus."""
    monkeypatch.setenv("IDEO_CORPUS", str(SHIPPED_CORPUS))
    monkeypatch.setenv("IDEO_INDEX", str(shipped_index))
    return SHIPPED_CORPUS


def run(*args: str, input: str | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
