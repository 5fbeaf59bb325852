"""Property tests: mutated and random design files either load or raise DesignError with a
location; no other exception escapes (at least 1,000 cases in all)."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from devops_plan import DesignError, parse_design
from devops_plan.design import Design

from .conftest import DESIGNS

EXAMPLES = {p.name: YAML(typ="safe").load(p.read_text()) for p in sorted(DESIGNS.glob("*.yaml"))}
WHOLE_FILE = ("file is empty", "top level is", "is not", "text is larger", "YAML could not")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1h", "15m", "-5", "aws", "stateless", "us-east-1", "0", "NaN", ".inf"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def dump(data: Any) -> str:
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, out)
    return out.getvalue()


def check(text: str) -> None:
    try:
        design = parse_design(text, "fuzz.yaml")
    except DesignError as exc:
        assert exc.problems, "a DesignError always lists its problems"
        for p in exc.problems:
            assert p.file == "fuzz.yaml"
            assert p.message
            assert p.line is not None or p.message.startswith(WHOLE_FILE), str(p)
    else:
        assert isinstance(design, Design)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    data = YAML(typ="safe").load(dump(EXAMPLES[name]))  # a deep copy
    for _ in range(draw(st.integers(1, 3))):
        targets = [p for p in paths(data) if p]
        if not targets:
            break
        path = draw(st.sampled_from(targets))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        op = draw(st.sampled_from(["drop", "retype", "rename", "replace"]))
        if op == "drop":
            del parent[key]
        elif op == "retype":
            parent[key] = draw(values)
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
        else:
            parent[key] = draw(scalars)
    text = dump(data)
    if draw(st.booleans()):
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        lines.insert(i, lines[i] if lines else "")  # duplicate a line: often a duplicate key
        text = "".join(lines)
    return text


def fast(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        derandomize=True,
        database=None,
    )


@fast(700)
@given(mutated())
def test_mutated_examples_load_or_fail_with_a_location(text: str) -> None:
    check(text)


@fast(200)
@given(values)
def test_random_yaml_documents(data: Any) -> None:
    check(dump(data))


@fast(200)
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    check(text)
