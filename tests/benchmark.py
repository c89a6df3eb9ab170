"""Whole-process timings for the README (not a test: run `python tests/benchmark.py`).

Each command runs RUNS times after one warm-up, with stdout to a pipe; the median is reported
next to the baseline the speed budget is measured against. Byte-code caching is switched on
for the children (PYTHONDONTWRITEBYTECODE unset), as it is for any installed program.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("IDEO_BENCH_RUNS", "21"))


def median_seconds(command: list[str], env: dict[str, str]) -> float:
    subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    ideo = shutil.which("ideo") or sys.exit("install ideo first (pip install .)")
    index_dir = tempfile.mkdtemp(prefix="ideo-bench-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["IDEO_INDEX"] = index_dir
    py = sys.executable

    started = time.perf_counter()
    subprocess.run([ideo, "index"], env=env, stdout=subprocess.PIPE, check=True)
    build = time.perf_counter() - started
    builds = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([ideo, "index"], env=env, stdout=subprocess.PIPE, check=True)
        builds.append(time.perf_counter() - started)

    click = median_seconds([py, "-c", "import click"], env)
    whoosh = median_seconds([py, "-c", "import click, whoosh.index, whoosh.qparser"], env)
    rows = [
        ("python -c 'import click'", click, None),
        ("ideo show trotskyism | ...", median_seconds([ideo, "show", "trotskyism"], env), click),
        ("ideo show trotskyism --summary | ...", median_seconds([ideo, "show", "trotskyism", "--summary"], env), click),
        ("ideo define 'vanguard party' | ...", median_seconds([ideo, "define", "vanguard party"], env), click),
        ("python -c 'import click, whoosh.index, whoosh.qparser'", whoosh, None),
        (
            "ideo search 'permanent revolution' | ...",
            median_seconds([ideo, "search", "permanent revolution"], env),
            whoosh,
        ),
    ]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"runs per command: {RUNS} (median, whole process, stdout piped)")
    print(
        f"first index build (cold process): {build:.2f} s; forced rebuilds (`ideo index`), median of 5: {statistics.median(builds):.2f} s"
    )
    for label, seconds, baseline in rows:
        ratio = f"  {seconds / baseline:.2f}x baseline" if baseline else "  (baseline)"
        print(f"{label:<58} {seconds * 1000:7.1f} ms{ratio}")
    shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
