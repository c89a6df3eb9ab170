"""Whole-process behaviour: pipes, Ctrl-C, and the shipped corpus end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

IDEO = [sys.executable, "-m", "ideocli"]


def test_check_passes_on_the_shipped_corpus(shipped: Path) -> None:
    result = run("check")
    assert result.stdout == "", result.stdout[:3000]
    assert result.exit_code == 0


def test_shipped_corpus_show_trotskyism(shipped: Path) -> None:
    result = run("show", "trotskyism")
    assert result.exit_code == 0
    assert result.stdout.startswith("Trotskyism\n==========\n")
    for expected in ("Definition: ", "Key texts:", "Overview\n--------", "Criticism\n---------", "Opposed to: "):
        assert expected in result.stdout


@pytest.mark.parametrize("name", ["Trotskyist", "marxism leninism", "Marxism–Leninism", "TROTSKYISM"])
def test_shipped_names_resolve(shipped: Path, name: str) -> None:
    assert run("show", name, "--summary").exit_code == 0


def test_permanent_revolution_ranks_its_own_entry_first_then_trotskyism(shipped: Path) -> None:
    document = json.loads(run("search", "permanent revolution", "--format", "json").stdout)
    slugs = [hit["slug"] for hit in document["hits"]]
    assert slugs[:2] == ["permanent-revolution", "permanent-revolution-text"]  # the term, then Trotsky's book
    assert {"leon-trotsky", "trotskyism"} <= set(slugs[2:5])


def test_trotskyzm_suggests_trotskyism(shipped: Path) -> None:
    result = run("show", "trotskyzm")
    assert result.exit_code == 1
    assert result.stderr.startswith('ideo: no entry "trotskyzm"\ndid you mean: ')
    assert "Trotskyism" in result.stderr.splitlines()[1].split("; ")[:2]


def test_related_depth_two_is_a_family_tree(shipped: Path) -> None:
    document = json.loads(run("related", "trotskyism", "--depth", "2", "--format", "json").stdout)
    first = {(c["relation"], c["slug"]) for c in document["tree"]["children"]}
    assert {("derived_from", "marxism"), ("derived_from", "leninism"), ("opposed_to", "stalinism")} <= first
    assert any(grandchild for child in document["tree"]["children"] for grandchild in child["children"])


def env_for(corpus: Path, index: Path) -> dict[str, str]:
    return {**os.environ, "IDEO_CORPUS": str(corpus), "IDEO_INDEX": str(index)}


def test_broken_pipe_ends_quietly(corpus: Path, tmp_path: Path) -> None:
    env = env_for(corpus, tmp_path / "index")
    subprocess.run([*IDEO, "index"], env=env, check=True, capture_output=True)
    # Far more than a pipe buffer, so the writer really meets a closed pipe.
    command = " ".join([*map(str, IDEO), "show", *["alphaism"] * 200]) + " | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "Alphaism\n"
    assert result.stderr == ""
    assert result.returncode == 141


def test_ctrl_c_mid_build_is_quiet_and_leaves_no_broken_index(tmp_path: Path) -> None:
    corpus = Path(__file__).parents[1] / "corpus"
    env = env_for(corpus, tmp_path / "index")
    proc = subprocess.Popen([*IDEO, "index"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal arrived")
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert not list((tmp_path / "index").glob("gen-*.tmp"))
    again = subprocess.run(
        [*IDEO, "show", "trotskyism", "--summary"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0 and again.stdout.startswith("Trotskyism")


def test_glossary_is_large_and_every_term_is_linked(shipped: Path) -> None:
    from ideocli.corpus import load_corpus

    articles = {a.slug: a for a in load_corpus(shipped).articles}
    terms = [slug for slug, a in articles.items() if a.kind == "term"]
    assert len(terms) >= 150
    linked = {target for a in articles.values() for target in a.outgoing() if target != a.slug}
    assert [slug for slug in terms if slug not in linked] == []


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("NEP", "new-economic-policy"),
        ("dotP", "dictatorship-of-the-proletariat"),
        ("the invisible hand", "invisible-hand"),
        ("checks & balances", "checks-and-balances"),
    ],
)
def test_glossary_aliases_resolve(shipped: Path, name: str, slug: str) -> None:
    result = run("define", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entries"][0]["slug"] == slug


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("ocalan", "democratic-confederalism"),
        ("laicite", "secularism"),
        ("revolutions", "revolution"),
        ("collectivisation", "collectivization"),
    ],
)
def test_shipped_search_folds_accents_and_stems(shipped: Path, query: str, slug: str) -> None:
    document = json.loads(run("search", query, "--limit", "20", "--format", "json").stdout)
    assert slug in [hit["slug"] for hit in document["hits"]]


@pytest.mark.parametrize("slug", ["trotskyism", "karl-marx", "liberalism"])
def test_related_tree_reads_leaves_in_bulk_and_draws_the_same_tree(shipped: Path, slug: str) -> None:
    from ideocli.library import DERIVED_RELATIONS, RELATIONS, TreeNode, open_library
    from ideocli.paths import resolve_paths

    library = open_library(resolve_paths(env=os.environ))

    def reference(depth: int) -> TreeNode:  # every node read whole, one at a time
        seen: set[str] = set()

        def node(current: str, relation: str, level: int) -> TreeNode:
            article = library.summary_of(current)
            assert article is not None
            if current in seen:
                return TreeNode(current, article.title, article.kind, relation, repeated=level < depth)
            seen.add(current)
            children = []
            if level < depth:
                edges = [
                    (name, target) for name in (*RELATIONS, *DERIVED_RELATIONS) for target in getattr(article, name)
                ]
                edges += [("linked_from", s) for s in library.backlinks(current) if s not in article.outgoing()]
                children = [node(t, name, level + 1) for name, t in edges if library.summary_of(t) is not None]
            return TreeNode(current, article.title, article.kind, relation, tuple(children))

        return node(slug, "", 0)

    for depth in (1, 2, 3):
        assert library.related_tree(slug, depth) == reference(depth)
