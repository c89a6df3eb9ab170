"""`pip install .` ships the corpus: build a wheel, look inside, install it and run it elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_ships_the_corpus_and_runs_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("ideo-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ideocli/_corpus/ideologies/trotskyism.md" in names
    assert "ideocli/_corpus/terms/permanent-revolution.md" in names
    assert "ideocli/_corpus/vocabulary.yaml" in names
    shipped = {
        p.relative_to(ROOT / "corpus").as_posix()
        for p in (ROOT / "corpus").rglob("*.md")
        if p.parent != ROOT / "corpus"
    }
    assert {
        n.removeprefix("ideocli/_corpus/") for n in names if n.startswith("ideocli/_corpus/") and n.count("/") == 3
    } == shipped
    assert not any(n.startswith("index/") or "/index/" in n for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Reuse this environment's dependencies without their network install: a .pth line appends
    # our site-packages after the venv's own (and, unlike a site dir, runs none of its .pth files).
    venv_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(venv_site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEO_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    where = subprocess.run(
        [python, "-c", "import ideocli; print(ideocli.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv))
    result = subprocess.run(
        [venv / "bin" / "ideo", "show", "trotskyism"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Trotskyism\n")
    # one index per corpus under the cache: here the shipped corpus, `_corpus-<crc32 of its path>`
    assert [p.parent.name[:8] for p in (tmp_path / "cache" / "ideo" / "index").glob("*/CURRENT")] == ["_corpus-"]
    assert not list(venv.rglob("CURRENT"))  # nothing written into site-packages
    # `ideo import` needs trafilatura, which fails at import without lxml_html_clean under lxml 6
    extractor = subprocess.run(
        [python, "-c", "import trafilatura, charset_normalizer; print('ok')"], env=env, capture_output=True, text=True
    )
    assert extractor.stdout.strip() == "ok", extractor.stderr
