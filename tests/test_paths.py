from pathlib import Path

import pytest

from ideocli.paths import resolve_paths


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
    assert paths.index == str(checkout.parent / "index")
    assert (paths.corpus_source, paths.index_source) == ("checkout", "checkout")


def test_installed_package_uses_shipped_corpus_and_user_cache(installed: Path, tmp_path: Path) -> None:
    paths = resolve_paths(env={}, package_dir=str(installed), home=str(tmp_path / "home"))
    assert paths.corpus == str(installed / "_corpus")
    assert paths.index == str(tmp_path / "home" / ".cache" / "ideo" / "index")
    assert "site-packages" not in paths.index


def test_xdg_cache_home_is_honoured(installed: Path, tmp_path: Path) -> None:
    paths = resolve_paths(env={"XDG_CACHE_HOME": str(tmp_path / "xdg")}, package_dir=str(installed))
    assert paths.index == str(tmp_path / "xdg" / "ideo" / "index")


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
    assert paths.index == str(tmp_path / ".cache" / "ideo" / "index")
