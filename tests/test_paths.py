import os
from pathlib import Path

import pytest

from ideocli.paths import corpus_key, resolve_paths


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "corpus").mkdir(parents=True)
    (root / "setup.cfg").write_text("")
    (root / "ideocli").mkdir()
    return root / "ideocli"


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    package = tmp_path / "site-packages" / "ideocli"
    package.mkdir(parents=True)
    return package


def test_checkout_defaults_to_its_corpus_and_index(checkout: Path) -> None:
    paths = resolve_paths(env={}, package_dir=str(checkout))
    assert paths.corpus == str(checkout.parent / "corpus")
    assert paths.index == str(checkout.parent / "index" / corpus_key(paths.corpus))
    assert (paths.corpus_source, paths.index_source) == ("checkout", "checkout")


def test_installed_package_uses_shipped_corpus_and_user_cache(installed: Path, tmp_path: Path) -> None:
    paths = resolve_paths(env={}, package_dir=str(installed), home=str(tmp_path / "home"))
    assert paths.corpus == str(installed / "_corpus")
    assert paths.index == str(tmp_path / "home" / ".cache" / "ideo" / "index" / corpus_key(paths.corpus))
    assert "site-packages" not in paths.index


def test_xdg_cache_home_is_honoured(installed: Path, tmp_path: Path) -> None:
    paths = resolve_paths(env={"XDG_CACHE_HOME": str(tmp_path / "xdg")}, package_dir=str(installed))
    assert os.path.dirname(paths.index) == str(tmp_path / "xdg" / "ideo" / "index")


@pytest.mark.parametrize(
    ("flags", "env", "expected"),
    [
        ({}, {"IDEO_CORPUS": "/env/c", "IDEO_INDEX": "/env/i"}, ("/env/c", "/env/i", "env")),
        (
            {"corpus_flag": "/flag/c", "index_flag": "/flag/i"},
            {"IDEO_CORPUS": "/env/c", "IDEO_INDEX": "/env/i"},
            ("/flag/c", "/flag/i", "flag"),
        ),
    ],
)
def test_flag_beats_env_beats_default(checkout: Path, flags: dict, env: dict, expected: tuple) -> None:
    paths = resolve_paths(env=env, package_dir=str(checkout), **flags)
    assert (str(paths.corpus), str(paths.index), paths.corpus_source) == expected


def test_a_relative_xdg_cache_home_is_ignored(installed: Path, tmp_path: Path) -> None:
    paths = resolve_paths(env={"XDG_CACHE_HOME": "relative/cache"}, package_dir=str(installed), home=str(tmp_path))
    assert os.path.dirname(paths.index) == str(tmp_path / ".cache" / "ideo" / "index")


def test_each_corpus_has_its_own_default_index(installed: Path, tmp_path: Path) -> None:
    first = resolve_paths(corpus_flag=str(tmp_path / "a" / "corpus"), env={}, package_dir=str(installed))
    second = resolve_paths(corpus_flag=str(tmp_path / "b" / "corpus"), env={}, package_dir=str(installed))
    again = resolve_paths(env={"IDEO_CORPUS": str(tmp_path / "a" / "corpus")}, package_dir=str(installed))
    assert first.index != second.index and first.index == again.index
    assert os.path.dirname(first.index) == os.path.dirname(second.index)
    assert os.path.basename(first.index).startswith("corpus-")
    explicit = resolve_paths(
        corpus_flag=str(tmp_path / "a"), index_flag=str(tmp_path / "i"), env={}, package_dir=str(installed)
    )
    assert explicit.index == str(tmp_path / "i")  # a chosen index directory is used as it is
