"""Every number a design carries is bounded so that the model stays finite and fast: the
values that used to hang or crash the planner are refused with their location, every numeric
field has an upper bound in the schema, and any design within the bounds plans or fails with
a one-line user error."""

from __future__ import annotations

import io
import math
import typing
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML

from devops_plan import DesignError, build_plan, parse_design
from devops_plan.design import SERVICE_MODELS, Design, json_schema
from devops_plan.design.checks import find_cycle
from devops_plan.engine.availability import dependency_closure
from devops_plan.engine.formulas import size_replicas
from devops_plan.engine.planner import Planner
from devops_plan.errors import PlanningError, UserError

from .conftest import DESIGNS, runs

STARTUP = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(DesignError) as info:
        parse_design(text, "x.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Each of these hung or raised a traceback before the bounds (issue 13).
        (
            "peak_rps: 40",
            "peak_rps: 1e12",
            "x.yaml:22:22: services[0].load.peak_rps: must be at most 10000000 (got 1000000000000)",
        ),
        (
            "peak_rps: 40",
            "peak_rps: 1e308",
            "x.yaml:22:22: services[0].load.peak_rps: must be at most 10000000 (got 1e+308)",
        ),
        (
            "peak_rps: 40",
            "peak_rps: .inf",
            "x.yaml:22:22: services[0].load.peak_rps: must be a finite number (got inf)",
        ),
        (
            "peak_rps: 40",
            "peak_rps: .nan",
            "x.yaml:22:22: services[0].load.peak_rps: must be a finite number (got nan)",
        ),
        (
            "rto: 1d",
            "rto: 99999999999999999999d",
            "x.yaml:10:8: targets.rto: must be at most 366d (got 99999999999999999999d)",
        ),
        ("rto: 1d", "rto: 1e308", "x.yaml:10:8: targets.rto: must be at most 366d (got 1e+308)"),
        (
            "rto: 1d",
            "rto: .inf",
            "x.yaml:10:8: targets.rto: a duration must be a finite number (got inf)",
        ),
        (
            "rpo: 1d",
            "rpo: " + "9" * 400 + "d",
            "x.yaml:11:8: targets.rpo: a duration must be a finite number (got '999999999999999999999999999999999999...)",
        ),
        (
            "storage_gib: 50",
            "storage_gib: 1e300",
            "x.yaml:27:49: services[1].size.storage_gib: must be at most 1000000 (got 1e+300)",
        ),
        (
            "monthly: 800",
            "monthly: 1e999",
            "x.yaml:14:12: budget.monthly: must be a finite number (got inf)",
        ),
        (
            "monthly: 800",
            "monthly: 1e13",
            "x.yaml:14:12: budget.monthly: must be at most 1000000000000 (got 10000000000000)",
        ),
        (
            "storage_gib: 100}",
            "storage_gib: 2e9}",
            "x.yaml:30:25: services[2].size.storage_gib: must be at most 1000000000 (got 2000000000)",
        ),
        (
            "peak_rps: 40, cpu_ms: 30",
            "peak_rps: 1000000, cpu_ms: 1000",
            "x.yaml:22:11: services[0].load: offered load peak_rps x cpu_ms / 1000 = 1,000,000 vCPU; at most 100,000 vCPU per service (split the service)",
        ),
    ],
    ids=lambda v: v if len(v) < 30 else None,
)
def test_values_that_broke_the_model_are_refused_with_their_place(
    old: str, new: str, expected: str
) -> None:
    text = STARTUP.replace(old, new)
    assert text != STARTUP
    found = problems(text)
    assert expected in found, found


def test_a_replica_count_beyond_the_limit_is_refused_with_its_place() -> None:
    text = STARTUP.replace(
        "load: {peak_rps: 40, cpu_ms: 30, memory_mib: 512}",
        "load: {peak_rps: 200000, cpu_ms: 10, memory_mib: 512}\n    replica: {cpu: 0.01}",
    )
    assert problems(text) == [
        "x.yaml:22:11: services[0].load: needs 333,333 replicas of 0.01 vCPU; at most 200,000 "
        "per service (raise replica.cpu or split the service)"
    ]


def _numeric_fields(model: type[BaseModel], seen: set[type]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if model in seen:
        return out
    seen.add(model)
    for name, field in model.model_fields.items():
        args = typing.get_args(field.annotation) or (field.annotation,)
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                out += [(f"{model.__name__}.{n}", f) for n, f in _numeric_fields(arg, seen)]
            elif arg in (int, float, Decimal):
                out.append((f"{model.__name__}.{name}", field))
    return out


def test_every_numeric_field_has_an_upper_bound() -> None:
    fields: list[tuple[str, Any]] = []
    seen: set[type] = set()
    models: list[type[BaseModel]] = [Design, *SERVICE_MODELS.values()]
    for model in models:
        fields += _numeric_fields(model, seen)
    assert len(fields) >= 20
    unbounded = [
        name
        for name, field in fields
        if not any(
            getattr(m, "le", None) is not None or getattr(m, "lt", None) is not None
            for m in field.metadata
        )
    ]
    assert unbounded == []


def test_the_schema_carries_the_bounds() -> None:
    defs = json_schema()["$defs"]
    assert defs["Load"]["properties"]["peak_rps"]["maximum"] == 10_000_000
    assert defs["Load"]["properties"]["cpu_ms"]["maximum"] == 60_000
    assert defs["Budget"]["properties"]["monthly"]["anyOf"][0]["maximum"] == 1_000_000_000_000


def test_graph_algorithms_are_iterative_on_long_chains() -> None:
    n = 100_000
    chain = {f"s{i}": [f"s{i + 1}"] for i in range(n)}
    assert find_cycle(chain) is None
    chain[f"s{n}"] = ["s0"]
    cycle = find_cycle(chain)
    assert cycle is not None and len(cycle) == n + 2
    order = dependency_closure(["s0"], chain)
    assert len(order) == n + 1


def test_a_chain_longer_than_the_service_limit_is_refused() -> None:
    services = "".join(
        f"  - {{name: s{i}, kind: stateless, entrypoint: {str(i == 0).lower()}, "
        f"load: {{peak_rps: 1, cpu_ms: 1}}, depends_on: [s{i + 1}]}}\n"
        for i in range(3000)
    )
    text = "name: x\nregions: [us-east-1]\nservices:\n" + services
    found = problems(text)
    assert "x.yaml:4:3: services: must have at most 500 item(s)" in found


def test_the_sizing_formulas_guard_themselves() -> None:
    kwargs: dict[str, Any] = dict(
        cpu_ms=1000.0,
        vcpu_per_replica=1.0,
        zones=3,
        availability_target=99.9,
        latency_target_ms=None,
    )
    for rps in (1e12, math.inf, math.nan):
        with pytest.raises(PlanningError, match="above the 100,000 vCPU per service"):
            size_replicas(peak_rps=rps, **kwargs)
    with pytest.raises(PlanningError, match=r"replicas of 0\.01 vCPU are above the 200,000"):
        size_replicas(peak_rps=10_000.0, **{**kwargs, "vcpu_per_replica": 0.01})


# --- any design within the bounds plans, or fails with a user error ----------------------------


def _edge_floats(low: float, high: float, *, low_open: bool = False) -> st.SearchStrategy[float]:
    """Values near both ends of a range, and between; the ends themselves when allowed."""
    inner = st.floats(min_value=low, max_value=high, exclude_min=low_open, allow_nan=False)
    ends = [high] + ([] if low_open else [low])
    return st.one_of(st.sampled_from(ends), inner, st.just(min(high, max(low * 10, 1e-3) or 1e-3)))


@st.composite
def bounded_designs(draw: st.DrawFn) -> str:
    data: dict[str, Any] = YAML(typ="safe").load(STARTUP)
    data["zones"] = draw(st.integers(1, 3))
    data["targets"] = {
        "availability": draw(_edge_floats(0, 100, low_open=True)),
        "rto": draw(st.integers(0, 366 * 86400)),
        "rpo": draw(st.integers(0, 366 * 86400)),
        "latency_p95_ms": draw(_edge_floats(0, 3_600_000, low_open=True)),
    }
    data["budget"] = {"monthly": draw(st.sampled_from(["0.01", "1", "1000000000000"]))}
    data["defaults"] = {
        "target_utilization": draw(_edge_floats(0.05, 1)),
        "zone_failure_utilization": draw(_edge_floats(0.05, 1)),
        "inter_zone_gib_per_million_requests": draw(_edge_floats(0, 1_000_000)),
    }
    data["dr"] = {
        "warm_fraction": draw(_edge_floats(0.01, 1)),
        "backup_retention_days": draw(st.integers(1, 3650)),
    }
    app, db, uploads = data["services"]
    rps = draw(_edge_floats(0, 1_000_000, low_open=True))
    app["load"] = {
        "peak_rps": rps,
        "cpu_ms": draw(_edge_floats(0.001, min(60_000, 100_000_000 / rps))),
        "memory_mib": draw(st.integers(1, 1_048_576)),
        "cpu_ms_cv": draw(_edge_floats(0.05, 4)),
    }
    app["replica"] = {"cpu": draw(st.sampled_from([1, 2, 4, 64]))}
    db["size"] = {
        "vcpu": draw(_edge_floats(0, 1024, low_open=True)),
        "memory_gib": draw(_edge_floats(0, 32_768, low_open=True)),
        "storage_gib": draw(_edge_floats(0, 1_000_000)),
    }
    db["read_replicas"] = draw(st.integers(0, 15))
    uploads["size"] = {"storage_gib": draw(_edge_floats(0, 1e9))}
    uploads["transfer"] = {"egress_gib_month": draw(_edge_floats(0, 1e9))}
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


def _plans_or_fails_cleanly(text: str, planner: Planner) -> None:
    try:
        design = parse_design(text, "fuzz.yaml")
    except DesignError as exc:
        assert all(p.line is not None for p in exc.problems), str(exc)
        return
    try:
        plan = build_plan(design, planner=planner)
    except UserError as exc:
        assert str(exc)
        return
    assert plan.cost.monthly_total.is_finite()
    assert math.isfinite(plan.availability.achieved)
    assert plan.to_json()


PLANNER = Planner()


@pytest.mark.slow
@settings(
    max_examples=runs(30, 400),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(bounded_designs())
def test_designs_within_the_bounds_plan_or_fail_with_a_user_error(text: str) -> None:
    _plans_or_fails_cleanly(text, PLANNER)
