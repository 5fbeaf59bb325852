"""The fast path for valid designs (design/fast.py) gives exactly what the located loader
gives: the same Design for a valid file, and for anything else it steps aside so that the
located loader reports the same problems, with their locations, as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

from benchmarks.synthetic import synthetic_yaml
from devops_plan.design import parse_design
from devops_plan.design.fast import MAX_DEPTH, fast_design
from devops_plan.design.vocabulary import VocabularyFor
from devops_plan.engine.vocabulary import shipped_vocabulary
from devops_plan.errors import DesignError

from .conftest import DESIGNS
from .hostile_cases import all_cases
from .test_design_fuzz import fast, mutated


def both(text: str, vocabulary: VocabularyFor | None = None) -> tuple[object, object]:
    """(fast, located) results: a Design, the DesignError's problems, or any other error
    (the located loader's own bugs, e.g. an OverflowError on a huge duration, must show on
    both paths alike: the differential test compares, the fuzz tests judge)."""
    out: list[object] = []
    for use_fast in (True, False):
        try:
            out.append(parse_design(text, "x.yaml", vocabulary=vocabulary, fast=use_fast))
        except DesignError as exc:
            out.append(exc.problems)
        except Exception as exc:
            out.append((type(exc).__name__, str(exc)))
    return out[0], out[1]


@pytest.mark.parametrize("path", sorted(DESIGNS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_designs_read_the_same_on_both_paths(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    design = fast_design(text)
    assert design is not None, "a valid shipped design takes the fast path"
    assert design == parse_design(text, str(path), fast=False)


def test_a_generated_200_service_design_reads_the_same() -> None:
    text = synthetic_yaml(200)
    design = fast_design(text)
    assert design is not None and design == parse_design(text, fast=False)


@fast(150)
@given(mutated())
def test_mutated_designs_give_the_same_result_on_both_paths(text: str) -> None:
    fast_result, located = both(text)
    assert fast_result == located


@pytest.mark.parametrize(
    "text",
    [
        "name: a\nname: b\n",  # duplicate key
        "base: &b {peak_rps: 1}\nother: *b\n",  # aliases
        "1: x\n",  # a key that is not text
        "when: 2024-01-01\n",  # a timestamp
        "x: !custom 1\n",  # a tag
        "x: [" * 40 + "]" * 40 + "\n",  # flow nesting beyond the screen
        "x:\n"
        + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_DEPTH + 2))
        + "  " * (MAX_DEPTH + 2)
        + "v\n",
        "services: 3\n",  # valid YAML, invalid design
        "name: a\u202eb\n",  # a bidi override
        "name: a\x1b[31mb\n",  # a terminal escape
    ],
)
def test_the_fast_path_steps_aside_for_anything_unusual(text: str) -> None:
    assert fast_design(text) is None


def test_hostile_nesting_never_reaches_the_c_parser() -> None:
    # Hundreds of thousands of nested brackets crash libyaml-based parsers (a C stack
    # overflow); the screen must hand them to the located loader. In a child process, so a
    # regression shows as a failed test rather than a crashed test run.
    code = (
        "import sys\n"
        "from devops_plan.design.fast import fast_design\n"
        "print(fast_design(sys.stdin.read()))\n"
    )
    for text in ("x: " + "[" * 200_000 + "]" * 200_000, "- " * 200_000 + "x"):
        done = subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0 and done.stdout.strip() == "None", done.stderr[-500:]


def _hostile_designs() -> list[tuple[str, str]]:
    """Every design text of the hostile-input suite (YAML bombs, hostile numbers, odd text)."""
    return [
        (case.name, body)
        for case in all_cases(quick=True)
        for name, body in case.files.items()
        if name.endswith(".yaml") and isinstance(body, str)
    ]


@pytest.mark.parametrize(("name", "text"), _hostile_designs(), ids=lambda v: str(v)[:40])
def test_hostile_designs_get_the_same_answer_on_both_paths(name: str, text: str) -> None:
    # The fast path holds the same limits and checks (inputs.check_yaml_tree, the vocabulary):
    # nothing the located loader refuses gets through it, and what it reads is the same.
    fast_result, located = both(text, shipped_vocabulary)
    assert fast_result == located, name


def test_the_vocabulary_check_is_the_same_on_both_paths() -> None:
    text = (DESIGNS / "shop.yaml").read_text(encoding="utf-8")
    bad = text.replace("engine: postgres", "engine: postgresql", 1)
    assert bad != text
    assert fast_design(bad) is not None, "without a vocabulary the name is not checked"
    assert fast_design(bad, shipped_vocabulary) is None
    fast_result, located = both(bad, shipped_vocabulary)
    assert fast_result == located
    assert isinstance(located, tuple) and "did you mean 'postgres'" in located[0].message


def test_alias_references_beyond_the_limit_are_refused_on_both_paths() -> None:
    # A design that is valid but for its 1,050 alias references (the located loader allows
    # 1,000): the fast path must not read it (as libyaml would, sharing the mappings).
    text = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")
    anchored = text.replace(
        "    load: {peak_rps", "    replica: &r {cpu: 1}\n    load: &load {peak_rps", 1
    )
    anchored = anchored.replace("depends_on: [db]", "depends_on: &d [db]", 1)
    services = "".join(
        f"  - {{name: w{i}, kind: stateless, load: *load, replica: *r, depends_on: *d}}\n"
        for i in range(350)
    )
    assert fast_design(anchored + services) is None
    fast_result, located = both(anchored + services)
    assert fast_result == located
    assert isinstance(located, tuple) and "more than 1000 alias references" in located[0].message
