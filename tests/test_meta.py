"""The command surface: help everywhere, examples in every help, README coverage, import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import run

from ideocli.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_ending_in_examples(name: str) -> None:
    command = cli.commands[name]
    assert command.help and "Examples:" in command.help
    assert command.help.rstrip().splitlines()[-1].strip().startswith(("ideo ", "IDEO_"))
    for flag in ("-h", "--help"):
        result = run(name, flag)
        assert result.exit_code == 0 and "Examples:" in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"ideo {name}" in README


def test_no_duplicate_options() -> None:
    for command in cli.commands.values():
        opts = [opt for param in command.params if isinstance(param, click.Option) for opt in param.opts]
        assert len(opts) == len(set(opts)), command.name


def test_group_help_and_bare_invocation() -> None:
    assert "ideo search" in run("--help").stdout
    assert run().stdout == run("--help").stdout


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env or None)


def test_domain_modules_import_neither_click_nor_rich() -> None:
    code = (
        "import sys, ideocli.corpus, ideocli.library, ideocli.store, ideocli.paths, ideocli.search, ideocli.render.plain\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'click', 'rich'}))"
    )
    result = python(code)
    assert result.stdout.strip() == "[]", result.stderr


def test_only_import_loads_the_extractor() -> None:
    code = (
        "import sys\nfrom ideocli import cli, usercorpus, importer, store, library\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'trafilatura', 'charset_normalizer', 'lxml', 'platformdirs'}))"
    )
    result = python(code)
    assert result.stdout.strip() == "[]", result.stderr


def test_show_and_define_import_neither_whoosh_nor_yaml_nor_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    assert run("index").exit_code == 0  # build first: only a build needs yaml and whoosh
    probe = (
        "import sys\n"
        "from ideocli.cli import main\n"
        "for args in ({args}):\n"
        "    sys.argv = ['ideo', *args]\n"
        "    try:\n        main()\n    except SystemExit as e:\n        assert e.code == 0, (args, e.code)\n"
        "print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'whoosh', 'yaml', 'rich'}}), file=sys.stderr)"
    )
    args = (
        "['show', 'alphaism'], ['show', 'alphaism', '--summary'], ['define', 'RR'], ['list'], ['related', 'alphaism']"
    )
    result = python(probe.format(args=args), **os.environ)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_whoosh_uses_the_cached_property_shim() -> None:
    import functools

    from whoosh import reading

    import ideocli.search  # noqa: F401  (installs the shim before Whoosh loads)

    assert reading.cached_property is functools.cached_property


def test_exactly_one_distribution_provides_whoosh() -> None:
    from importlib import metadata

    owners = [
        d.metadata["Name"]
        for d in metadata.distributions()
        if any(str(f) == "whoosh/__init__.py" for f in d.files or ())
    ]
    assert [name.lower() for name in owners] == ["whoosh-reloaded"]
