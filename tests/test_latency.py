"""Latency along the user path: hop budgets, the path's p95 bound, and low-variability
service times (M/G/c), computed by hand."""

from __future__ import annotations

import math

import pytest

from devops_plan import build_plan, parse_design
from devops_plan.engine.queueing import gamma_p95, p95_response_ms, service_p95_ms

LN20 = math.log(20)  # exponential service: p95 = ln(20) x mean


def _two_hops(cv: float, target: int = 120) -> str:
    return f"""
name: checkout
regions: [us-east-1]
zones: 3
targets: {{availability: 99.9, latency_p95_ms: {target}}}
services:
  - name: edge
    kind: stateless
    entrypoint: true
    load: {{peak_rps: 400, cpu_ms: 10, cpu_ms_cv: {cv}}}
    depends_on: [orders-api]
  - name: orders-api
    kind: stateless
    load: {{peak_rps: 400, cpu_ms: 40, cpu_ms_cv: {cv}}}
"""


def test_two_hops_share_the_target_and_the_path_is_their_sum() -> None:
    # Exponential service times: each hop's p95 is at least ln(20) x its CPU time, so the path
    # needs at least ln(20) x (10 + 40) = 149.8 ms: a 120 ms target cannot be met however many
    # replicas run (each hop alone could look fine: 119.8 ms < 120).
    plan = build_plan(parse_design(_two_hops(1.0)))
    assert plan.latency is not None and not plan.latency.meets_target
    budget_edge = 120 * (LN20 * 10) / (LN20 * 50)  # 24 ms
    hops = {h.service: h for h in plan.latency.path}
    assert [h.service for h in plan.latency.path] == ["edge", "orders-api"]
    assert hops["edge"].budget_ms == pytest.approx(budget_edge, abs=1e-3)
    assert hops["orders-api"].budget_ms == pytest.approx(120 - budget_edge, abs=1e-3)
    assert plan.latency.achieved_ms == pytest.approx(
        hops["edge"].p95_ms + hops["orders-api"].p95_ms
    )
    assert plan.latency.achieved_ms > LN20 * 50
    assert any(w.startswith("edge: its 24 ms share") for w in plan.warnings)


def test_steady_service_times_make_the_same_target_reachable() -> None:
    # cv 0.3: the service time's own p95 is a gamma quantile (Wilson-Hilferty):
    # mean x (1 - 1/(9k) + 1.645 / (3 sqrt(k)))^3 with k = 1 / 0.3^2.
    k = 1 / 0.3**2
    factor = (1 - 1 / (9 * k) + 1.6448536269514722 / (3 * math.sqrt(k))) ** 3  # 1.5388
    assert service_p95_ms(10, 0.3) == pytest.approx(10 * factor)
    plan = build_plan(parse_design(_two_hops(0.3)))
    assert plan.latency is not None and plan.latency.meets_target
    hops = {h.service: h for h in plan.latency.path}
    assert hops["edge"].budget_ms == pytest.approx(120 * 10 / 50, abs=1e-3)  # 24 ms
    for h in plan.latency.path:
        assert h.p95_ms <= h.budget_ms
    assert plan.latency.achieved_ms <= 120


def test_the_mgc_approximation_agrees_with_the_exact_mmc_tail_near_cv_1() -> None:
    # Allen-Cunneen with cv -> 1 is M/M/c's mean wait; the gamma fit of the sum stays within
    # a few percent of the exact p95 at moderate load.
    for servers, rps, cpu in ((4, 60, 50), (20, 300, 50), (60, 1000, 45)):
        exact = p95_response_ms(servers, rps, cpu)
        approx = p95_response_ms(servers, rps, cpu, cv=0.999)
        assert approx == pytest.approx(exact, rel=0.1), (servers, rps, cpu)
    assert gamma_p95(10, 0) == 10  # no variability: the mean itself
