"""The diagram explains the money: every cost label on it equals the report's "cost by region
and resource" table for the same thing and says what it includes; together the labels show
every priced line item once; and the drawing stays readable at a page's width. Checked on the
three example designs and on their two-region variants."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest

from devops_plan import build_plan
from devops_plan import notebooks as nbk
from devops_plan.plan import Plan
from devops_plan.render.costs import resource_costs, short_component
from devops_plan.render.diagram import build_scene, render_diagram
from devops_plan.units import format_money

from .conftest import DESIGNS, examples_and_second_regions

EXAMPLES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))
# The plan report is 1,300 px wide inside its margins; box text is 11 pt. A drawing at most
# this many points wide shows that text at 11 x 1300 / 1600 = 8.9 px or more.
MAX_WIDTH_PT = 1600


def _variants() -> list[tuple[str, Plan]]:
    return [(name, build_plan(design)) for name, design in examples_and_second_regions()]


VARIANTS = _variants()
IDS = [name for name, _ in VARIANTS]


def _line_item_sums(plan: Plan) -> dict[tuple[str, str], Decimal]:
    """The table's figures recomputed here from the line items, independently."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for i in plan.cost.line_items:
        sums[(i.region, i.resource)] += i.monthly_cost
    return dict(sums)


def _table(
    plan: Plan,
) -> tuple[dict[tuple[str, str], Decimal], dict[tuple[str, str, str], Decimal]]:
    """The report table's figures: by (region, resource), and each service's share."""
    frame = nbk.cost_by_resource_table(plan)
    whole = {(r["region"], r["resource"]): r["monthly cost"] for _, r in frame.iterrows()}
    shares: dict[tuple[str, str, str], Decimal] = {}
    for _, r in frame.iterrows():
        if re.fullmatch(r"[a-z0-9-]+", r["services"]):  # one service: all of it is its share
            shares[(r["region"], r["resource"], r["services"])] = r["monthly cost"]
        for name, amount in re.findall(
            r"([a-z0-9-]+) ([\d,]+\.\d\d) " + plan.currency, r["services"]
        ):
            shares[(r["region"], r["resource"], name)] = Decimal(amount.replace(",", ""))
    return whole, shares


def test_variants_include_two_serving_regions() -> None:
    assert sum(len(p.topology.serving_regions) == 2 for _, p in VARIANTS) >= 3


@pytest.mark.parametrize(("name", "plan"), VARIANTS, ids=IDS)
def test_every_cost_label_equals_the_table_and_says_what_it_includes(name: str, plan: Plan) -> None:
    whole, shares = _table(plan)
    assert whole == _line_item_sums(plan)  # the table is the line items, summed
    assert sum(whole.values()) == plan.cost.monthly_total
    scene = build_scene(plan)
    costs = {(c.region, c.resource): c for c in resource_costs(plan)}
    drawn = 0
    for box in scene.all_boxes():
        text = " ".join(box.money)
        for c in box.costs:
            drawn += 1
            key = (c.region, c.resource)
            if c.service:
                assert c.amount == shares[(*key, c.service)], (box.id, c)
                assert f"share of pool {c.resource.partition('/')[2]}: " in text, box.id
            else:
                assert c.amount == whole[key], (box.id, c)
                # It says what it includes: the short name of each of its components.
                for part in costs[key].parts:
                    assert (short_component(part.component) or "instances") in text, (box.id, part)
            assert f"{format_money(c.amount, plan.currency)}/mo" in text, (box.id, c)
    for group in scene.all_groups():
        for c in group.costs:
            drawn += 1
            assert not c.service and c.amount == whole[(c.region, c.resource)], (group.id, c)
            assert f"{format_money(c.amount, plan.currency)}/mo" in " ".join(group.money), group.id
    assert drawn


@pytest.mark.parametrize(("name", "plan"), VARIANTS, ids=IDS)
def test_every_priced_resource_is_on_the_diagram(name: str, plan: Plan) -> None:
    scene = build_scene(plan)
    shown = {(c.region, c.resource) for c in scene.all_costs() if not c.service}
    assert shown == set(_line_item_sums(plan))


@pytest.mark.parametrize(("name", "plan"), VARIANTS, ids=IDS)
def test_without_money_the_scene_keeps_what_runs_where(name: str, plan: Plan) -> None:
    scene = build_scene(plan)
    bare = scene.without_money()
    assert not list(bare.all_costs())
    assert not [b for b in bare.all_boxes() if b.money] and not [
        g for g in bare.all_groups() if g.money
    ]
    assert [(b.id, b.lines) for b in bare.all_boxes()] == [
        (b.id, b.lines) for b in scene.all_boxes()
    ]
    assert bare.links == scene.links
    assert not any(f"{plan.currency}/mo" in line for b in bare.all_boxes() for line in b.text())


@pytest.mark.parametrize(("name", "plan"), VARIANTS, ids=IDS)
def test_the_drawing_fits_a_page_and_shows_the_labels(name: str, plan: Plan) -> None:
    svg = render_diagram(plan).svg
    size = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg)
    assert size and int(size.group(1)) <= MAX_WIDTH_PT, size.group(0) if size else svg[:200]
    for c in build_scene(plan).all_costs():
        assert f"{format_money(c.amount, plan.currency)}/mo" in svg


def test_a_large_drawing_explains_its_lines_instead_of_labelling_each() -> None:
    from benchmarks.synthetic import synthetic_design
    from devops_plan.render.diagram.scene import LEGEND, MAX_BOXES_WITH_EDGE_LABELS

    scene = build_scene(build_plan(synthetic_design(40)))
    assert len(list(scene.all_boxes())) > MAX_BOXES_WITH_EDGE_LABELS
    assert not [link for link in scene.links if link.label]
    assert scene.title[-1] == LEGEND
    # The boxes at the ends of the replication links still say what they are.
    lines = [line for b in scene.all_boxes() for line in b.lines]
    assert any("sync replica" in line for line in lines)
    assert any("async" in line for line in lines)
    small = build_scene(VARIANTS[0][1])
    assert LEGEND not in small.title and any(link.label for link in small.links)
