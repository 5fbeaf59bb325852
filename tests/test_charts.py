"""The plan's figures: what each chart draws comes from the plan, and rendering is stable."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from devops_plan import build_plan
from devops_plan.design import load_design
from devops_plan.plan import Plan
from devops_plan.render import charts

from .conftest import DESIGNS

EXAMPLES = ("payments", "shop", "startup")


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: build_plan(load_design(DESIGNS / f"{name}.yaml")) for name in EXAMPLES}


def _bar_widths(fig: Figure) -> list[float]:
    ax = fig.axes[0]
    return [float(p.get_width()) for p in ax.patches]  # type: ignore[attr-defined]


def _labels(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_availability_chart_bars_follow_the_path_and_end_to_end(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    fig = charts.availability_chart(plan)
    widths = _bar_widths(fig)
    assert widths == [p.availability for p in plan.availability.path] + [plan.availability.achieved]
    assert _labels(fig)[-1] == "end to end"
    assert _labels(fig)[0] == "load-balancer (web)"
    assert "orders-db (database)" in _labels(fig)


def test_availability_chart_draws_the_target_line_and_verdict(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    fig = charts.availability_chart(plan)
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("target")]
    assert len(lines) == 1
    assert list(lines[0].get_xdata()) == [plan.availability.target] * 2  # type: ignore[arg-type]
    assert plan.availability.meets_target is False
    assert "misses" in ax.get_title()
    # The zoomed axis must still show every bar's end and the target.
    left, right = ax.get_xlim()
    assert left < min(_bar_widths(fig)) and right == 100.0


def test_availability_chart_names_serving_regions_when_active_active(
    plans: dict[str, Plan],
) -> None:
    plan = plans["payments"]
    assert plan.availability.regions_serving == 2
    fig = charts.availability_chart(plan)
    assert _labels(fig)[-1] == "end to end (2 regions)"
    verdict = "meets" if plan.availability.meets_target else "misses"
    assert verdict in fig.axes[0].get_title()


def test_dr_chart_marks_the_chosen_strategy_at_its_rto_and_cost(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    fig = charts.dr_chart(plan)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    chosen = [t for t in texts if "(chosen)" in t]
    assert len(chosen) == 1 and chosen[0].startswith(plan.dr.strategy + " (chosen)")
    points = [float(v) for c in ax.collections for v in c.get_offsets()[0]]  # type: ignore[index,union-attr,arg-type]
    expected = [float(v) for o in plan.dr.options for v in (max(o.rto, 1), o.monthly_cost)]
    assert points == pytest.approx(expected)
    # The chosen point is the only star, drawn larger.
    sizes = [float(c.get_sizes()[0]) for c in ax.collections]  # type: ignore[attr-defined]
    idx = [o.strategy for o in plan.dr.options].index(plan.dr.strategy)
    assert sizes[idx] == max(sizes) and sizes.count(max(sizes)) == 1
    assert ax.get_xscale() == "log"
    target = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("RTO target")]
    assert list(target[0].get_xdata()) == [plan.dr.rto_target] * 2  # type: ignore[arg-type]


def test_cost_charts_sort_largest_first_with_plan_amounts(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    fig = charts.cost_by_category_chart(plan)
    ordered = sorted(plan.cost.by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    assert _labels(fig) == [k for k, _ in ordered]
    assert _bar_widths(fig) == [float(v) for _, v in ordered]
    svc = charts.cost_by_service_chart(plan)
    assert sorted(_labels(svc)) == sorted(plan.cost.by_service)
    assert sum(_bar_widths(svc)) == pytest.approx(float(sum(plan.cost.by_service.values())))


def test_budget_chart_compares_total_and_budget(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    assert plan.cost.budget is not None
    fig = charts.budget_chart(plan)
    assert _bar_widths(fig) == [float(plan.cost.budget), float(plan.cost.monthly_total)]
    assert "within budget" in fig.axes[0].get_title()


def test_budget_chart_over_budget_and_without_budget(plans: dict[str, Plan]) -> None:
    plan = plans["startup"]
    over = plan.model_copy(
        update={
            "cost": plan.cost.model_copy(
                update={"budget": plan.cost.monthly_total / 2, "within_budget": False}
            )
        }
    )
    assert "over budget" in charts.budget_chart(over).axes[0].get_title()
    none = plan.model_copy(
        update={"cost": plan.cost.model_copy(update={"budget": None, "within_budget": None})}
    )
    fig = charts.budget_chart(none)
    assert "no budget set" in fig.axes[0].get_title()
    assert _bar_widths(fig) == [float(plan.cost.monthly_total)]


@pytest.mark.parametrize("name", ["shop", "payments", "startup"])
def test_every_chart_renders_the_same_bytes_twice(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    first = {k: charts.to_png(f) for k, f in charts.plan_charts(plan).items()}
    again = {k: charts.to_png(f) for k, f in charts.plan_charts(plan).items()}
    assert list(first) == list(charts.CHARTS)
    assert first == again
    assert all(png.startswith(b"\x89PNG") for png in first.values())
    svg = charts.to_svg(charts.dr_chart(plan))
    assert svg == charts.to_svg(charts.dr_chart(plan))
    assert "<svg" in svg
