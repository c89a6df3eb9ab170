"""Whole-process timings for the README (not a test: run `python tests/benchmark.py`).

`python tests/benchmark.py --relevance` prints the search relevance figures per category instead.
`python tests/benchmark.py --scale 1000,10000,100000` generates synthetic corpora of those sizes
(tests/scale_corpus.py: seeded, so the same sizes give the same corpora) and prints the scale
table of the README (IDEO_BENCH_RUNS runs per command, 7 by default there).

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


def directory_bytes(path: str) -> int:
    """Bytes of the files under `path`, each hard-linked file once."""
    sizes = {}
    for root, _, names in os.walk(path):
        for name in names:
            info = os.stat(os.path.join(root, name))
            sizes[(info.st_dev, info.st_ino)] = info.st_size
    return sum(sizes.values())


def live_generation_bytes(index_dir: str) -> int:
    import json

    with open(os.path.join(index_dir, "CURRENT"), encoding="utf-8") as handle:
        return directory_bytes(os.path.join(index_dir, json.load(handle)["generation"]))


def tree_rss_kib(root: int) -> int:
    """Return the summed resident set (KiB) of process `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/statm", encoding="utf-8") as handle:
                rss[int(name)] = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending += children.get(pid, [])
    return total


def timed_with_tree_peak(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run `command`; return its wall time and the peak of its process tree's summed RSS (KiB),
    sampled every 50 ms (a build may run its parts in child processes, whose RSS add up)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, peak


def scale_row(size: int, runs: int, work: str) -> dict[str, str]:
    """Generate a corpus of `size` entries, index it and time the commands of the scale table."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scale_corpus import generate

    ideo = shutil.which("ideo") or sys.exit("install ideo first (pip install .)")
    corpus, index_dir = os.path.join(work, f"corpus-{size}"), os.path.join(work, f"index-{size}")
    generate(corpus, size)
    shutil.rmtree(index_dir, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(IDEO_CORPUS=corpus, IDEO_INDEX=index_dir)
    build, peak = timed_with_tree_peak([ideo, "index"], env)
    edits = []
    edited = os.path.join(corpus, "terms", "vanguard-party.md")
    for number in range(3):  # as an editor saves: write a new file, rename it over the old one
        with open(edited, encoding="utf-8") as handle:
            text = handle.read()
        with open(edited + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(f"{text}\nAn added sentence, number {number}.\n")
        os.replace(edited + ".tmp", edited)
        started = time.perf_counter()
        subprocess.run([ideo, "show", "trotskyism"], env=env, stdout=subprocess.PIPE, check=True)
        edits.append(time.perf_counter() - started)
    commands = [
        [sys.executable, "-c", "import click"],
        [ideo, "show", "trotskyism"],
        [ideo, "search", "state"],
        ["sh", "-c", f"'{ideo}' list | head -1"],
        [ideo, "related", "trotskyism", "--depth", "2"],
        [ideo, "define", "vanguard party"],
        [ideo, "search", '"conquest of bread"'],  # a rare phrase
        [ideo, "show", "trotskyzm"],  # not found: suggestions
    ]
    global RUNS
    RUNS = runs
    times = medians(commands[:-1], env)
    click = times[0]
    started = time.perf_counter()
    subprocess.run(commands[-1], env=env, capture_output=True)
    suggest = time.perf_counter() - started

    def ratio(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms ({seconds / click:.1f}x)"

    return {
        "entries": f"{size:,}",
        "full build": f"{build:.1f} s",
        "edit 1 file, next `show`": f"{statistics.median(edits):.1f} s",
        "`show`": ratio(times[1]),
        "`search state`": f"{times[2] * 1000:.0f} ms",
        "`list | head -1`": ratio(times[3]),
        "`related --depth 2`": ratio(times[4]),
        "`define`": ratio(times[5]),
        "rare phrase": f"{times[6] * 1000:.0f} ms",
        "not found + suggestions": f"{suggest * 1000:.0f} ms",
        "index / corpus on disk": f"{live_generation_bytes(index_dir) / 2**20:.0f} / {directory_bytes(corpus) / 2**20:.0f} MB",
        "build peak RSS (all its processes)": f"{peak / 1024:.0f} MiB",
    }


def scale(sizes: list[int]) -> None:
    runs = int(os.environ.get("IDEO_BENCH_RUNS", "7"))
    work = tempfile.mkdtemp(prefix="ideo-scale-")
    try:
        rows = []
        for size in sizes:
            rows.append(scale_row(size, runs, work))
            print(f"measured {size:,} entries", file=sys.stderr)
        print(
            f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
        )
        print(f"runs per command: {runs}, interleaved (median, whole process, stdout piped); ratios to `import click`")
        headers = list(rows[0])
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for row in rows:
            print("| " + " | ".join(row.values()) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if "--relevance" in sys.argv[1:]:
        relevance()
    elif "--scale" in sys.argv[1:]:
        scale([int(size) for size in sys.argv[sys.argv.index("--scale") + 1].split(",")])
    else:
        main()
