"""The garbage collector is paused around a plan and a sweep, and left as it was found."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from devops_plan import Plan, Planner, load_design
from devops_plan.engine.collector import collector_paused

from .conftest import DESIGNS


def test_paused_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer block re-enables
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_left_off_when_the_caller_turned_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_plan_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    planned = Planner.planned

    def spy(self: Planner, *args: Any) -> Plan:
        seen.append(gc.isenabled())
        return planned(self, *args)

    monkeypatch.setattr(Planner, "planned", spy)
    Planner().plan(load_design(DESIGNS / "startup.yaml"))
    assert seen == [False]
    assert gc.isenabled()
