"""Availability arithmetic and the user path."""

from __future__ import annotations

import pytest

from devops_plan.engine.availability import (
    PathComponent,
    assess,
    dependency_closure,
    parallel,
    series,
    user_path_availability,
)
from devops_plan.units import downtime_budget_minutes


def test_series_and_parallel() -> None:
    assert series([99.9, 99.9]) == pytest.approx(99.8001)
    assert parallel([99.0, 99.0]) == pytest.approx(99.99)
    assert series([]) == 100


def test_downtime_budget_730_hour_month() -> None:
    assert downtime_budget_minutes(99.9) == pytest.approx(43.8)
    assert downtime_budget_minutes(99.95) == pytest.approx(21.9)
    assert downtime_budget_minutes(99.99) == pytest.approx(4.38)


def test_regions_in_parallel() -> None:
    path = [
        PathComponent(component="lb", kind="load_balancer", availability=99.99, source=""),
        PathComponent(component="db", kind="database", availability=99.95, source=""),
    ]
    one = series([99.99, 99.95])
    assert user_path_availability(path, 1) == pytest.approx(one)
    assert user_path_availability(path, 2) == pytest.approx(100 - (100 - one) ** 2 / 100)


def test_closure_counts_each_service_once() -> None:
    deps = {"web": ["api", "auth"], "api": ["db", "auth"], "auth": ["db"]}
    assert dependency_closure(["web"], deps) == ["web", "api", "auth", "db"]


def test_assess_reports_weakest_and_target() -> None:
    path = [
        PathComponent(component="lb", kind="load_balancer", availability=99.99, source=""),
        PathComponent(component="web", kind="stateless", availability=99.99, source=""),
        PathComponent(component="db", kind="database", availability=99.5, source=""),
    ]
    r = assess(path, 99.9, 1)
    assert r.weakest == "db"
    assert not r.meets_target
    assert r.achieved == pytest.approx(series([99.99, 99.99, 99.5]), abs=1e-6)
    assert r.downtime_budget_min == pytest.approx(43.8)
    assert assess(path, 99.0, 1).meets_target
