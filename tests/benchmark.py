"""Whole-process timings for the README (not a test: run `python tests/benchmark.py`).

`python tests/benchmark.py --relevance` prints the search relevance figures per category instead.

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

RUNS = int(os.environ.get("IDEO_BENCH_RUNS", "31"))


def medians(commands: list[list[str]], env: dict[str, str]) -> list[float]:
    """Return each command's median wall time; runs are interleaved so machine drift hits all alike."""
    times: list[list[float]] = [[] for _ in commands]
    for round_number in range(RUNS + 1):
        for command, samples in zip(commands, times, strict=True):
            started = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
            if round_number:  # round 0 warms caches
                samples.append(time.perf_counter() - started)
    return [statistics.median(samples) for samples in times]


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

    labels_and_commands = [
        ("python -c 'import click'", [py, "-c", "import click"]),
        ("ideo show trotskyism | ...", [ideo, "show", "trotskyism"]),
        ("ideo show trotskyism --summary | ...", [ideo, "show", "trotskyism", "--summary"]),
        ("ideo define 'vanguard party' | ...", [ideo, "define", "vanguard party"]),
        (
            "python -c 'import click, whoosh.index, whoosh.qparser'",
            [py, "-c", "import click, whoosh.index, whoosh.qparser"],
        ),
        ("ideo search 'permanent revolution' | ...", [ideo, "search", "permanent revolution"]),
    ]
    results = medians([command for _, command in labels_and_commands], env)
    click, whoosh = results[0], results[4]
    baselines = [None, click, click, click, None, whoosh]
    rows = [
        (label, seconds, base)
        for (label, _), seconds, base in zip(labels_and_commands, results, baselines, strict=True)
    ]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"runs per command: {RUNS}, interleaved (median, whole process, stdout piped)")
    print(
        f"first index build (cold process): {build:.2f} s; forced rebuilds (`ideo index`), median of 5: {statistics.median(builds):.2f} s"
    )
    for label, seconds, baseline in rows:
        ratio = f"  {seconds / baseline:.2f}x baseline" if baseline else "  (baseline)"
        print(f"{label:<58} {seconds * 1000:7.1f} ms{ratio}")
    shutil.rmtree(index_dir, ignore_errors=True)


def relevance() -> None:
    """Print hit@1, hit@3 and MRR per category of the judged queries, on the shipped corpus."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from ideocli.library import open_library
    from ideocli.paths import resolve_paths
    from tests.relevance.evaluate import load_queries, report, run_queries

    index_dir = tempfile.mkdtemp(prefix="ideo-relevance-")
    corpus = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "corpus")
    try:
        library = open_library(resolve_paths(corpus_flag=corpus, index_flag=index_dir, env=os.environ))
        print(report(run_queries(library, load_queries())))
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    relevance() if "--relevance" in sys.argv[1:] else main()
