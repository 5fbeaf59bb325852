"""The explorer's callbacks, without a kernel: set a control's `.value`, check the replanned plan
and what the numbers, charts and status show."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from devops_plan import build_plan, widgets
from devops_plan.design import Design, StatelessService, load_design
from devops_plan.plan import Plan

from .conftest import DESIGNS


@pytest.fixture(scope="module")
def shop() -> Design:
    return load_design(DESIGNS / "shop.yaml")


@pytest.fixture
def explorer(shop: Design) -> widgets.Explorer:
    return widgets.Explorer(shop)


class _Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-figure"):
            self.values[str(a["data-figure"])] = str(a.get("data-value"))


def shown(explorer: widgets.Explorer) -> dict[str, str]:
    parser = _Figures()
    parser.feed(explorer.numbers.value)
    return parser.values


def expected(explorer: widgets.Explorer) -> Plan:
    """What the library plans for the controls' current settings, computed independently."""
    return build_plan(widgets.apply_settings(explorer.base, explorer.controls.settings()))


def test_initial_view_is_the_design_as_written(explorer: widgets.Explorer, shop: Design) -> None:
    assert explorer.plan is not None
    assert explorer.plan.to_json() == build_plan(shop).to_json()
    assert shown(explorer)["monthly-total"] == str(explorer.plan.cost.monthly_total)
    assert shown(explorer)["availability"] == f"{explorer.plan.availability.achieved:g}"
    assert all(bytes(img.value).startswith(b"\x89PNG") for img in explorer.chart_images.values())
    assert explorer.replans == 1 and explorer.error is None


def test_settings_round_trip_reproduces_each_example() -> None:
    for path in sorted(DESIGNS.glob("*.yaml")):
        design = load_design(path)
        same = widgets.apply_settings(design, widgets.settings_of(design))
        assert build_plan(same).to_json() == build_plan(design).to_json(), path.name


def test_zones_control_replans_with_fewer_zones(explorer: widgets.Explorer) -> None:
    before = explorer.plan
    assert before is not None and before.zones == 3
    explorer.controls.zones.value = 2
    plan = explorer.plan
    assert plan is not None and plan is not before
    assert plan.zones == 2 and all(len(z) == 2 for z in plan.topology.zone_names.values())
    assert plan.to_json() == expected(explorer).to_json()
    assert shown(explorer)["monthly-total"] == str(plan.cost.monthly_total)
    assert plan.cost.monthly_total != before.cost.monthly_total


def test_regions_control_adds_the_dr_region_as_a_serving_region(explorer: widgets.Explorer) -> None:
    explorer.controls.regions.value = 2
    plan = explorer.plan
    assert plan is not None
    assert plan.regions == ("us-east-1", "us-west-2")
    assert plan.dr.strategy == "active_active" and plan.availability.regions_serving == 2
    # Both regions serve the stateless part; the database (one writer) bounds the path.
    assert plan.availability.achieved > build_plan(explorer.base).availability.achieved
    assert plan.availability.achieved < plan.service("orders-db").availability
    assert plan.to_json() == expected(explorer).to_json()
    assert shown(explorer)["availability"] == f"{plan.availability.achieved:g}"


def test_purchase_control_prices_compute_differently(explorer: widgets.Explorer) -> None:
    on_demand = explorer.plan
    explorer.controls.purchase.value = "reserved_1y"
    plan = explorer.plan
    assert plan is not None and on_demand is not None
    assert plan.purchase == "reserved_1y"
    assert plan.cost.by_category["compute"] < on_demand.cost.by_category["compute"]
    assert plan.to_json() == expected(explorer).to_json()


def test_targets_controls_change_targets_and_dr_choice(explorer: widgets.Explorer) -> None:
    explorer.controls.availability.value = 99.99
    explorer.controls.rto.value = 14400
    explorer.controls.rpo.value = 3600
    plan = explorer.plan
    assert plan is not None
    assert plan.targets.availability == 99.99 and plan.availability.target == 99.99
    assert (plan.dr.rto_target, plan.dr.rpo_target) == (14400, 3600)
    # Restoring 500 GiB takes under 2 hours: backup & restore now meets 4h / 1h.
    assert plan.dr.strategy == "backup_restore" and plan.dr.meets_target
    assert plan.to_json() == expected(explorer).to_json()
    assert shown(explorer)["dr"] == "backup_restore"


def test_load_multiplier_scales_replicas(explorer: widgets.Explorer, shop: Design) -> None:
    base = {s.name: s.replicas for s in build_plan(shop).services}
    explorer.controls.load.value = 2.0
    plan = explorer.plan
    assert plan is not None
    api = next(s for s in plan.services if s.name == "api")
    assert api.replicas > base["api"]
    assert api.sizing is not None and api.sizing.offered_load_vcpu == pytest.approx(
        2 * 1500 * 45 / 1000
    )
    assert plan.to_json() == expected(explorer).to_json()


def test_node_family_control_restricts_node_pools(explorer: widgets.Explorer) -> None:
    assert "m6i" in explorer.controls.node_families.options
    explorer.controls.node_families.value = ("m6i",)
    plan = explorer.plan
    assert plan is not None and plan.node_pools
    assert all(p.instance_type.startswith("m6i.") for p in plan.node_pools)
    explorer.controls.node_families.value = ()
    assert explorer.plan is not None and explorer.plan.to_json() == expected(explorer).to_json()


def test_only_charts_whose_inputs_changed_are_redrawn(explorer: widgets.Explorer) -> None:
    drawn = explorer.charts_drawn
    availability_png = bytes(explorer.chart_images["availability"].value)
    explorer.controls.rto.value = 14400  # changes the DR choice and cost, not the availability path
    assert bytes(explorer.chart_images["availability"].value) == availability_png
    assert 1 <= explorer.charts_drawn - drawn < len(explorer.chart_images)


def test_unplannable_settings_show_why_and_keep_the_last_plan(explorer: widgets.Explorer) -> None:
    explorer.controls.zones.value = 6  # us-east-1 has six zones, us-west-2 only four
    good = explorer.plan
    assert good is not None and good.zones == 6
    explorer.controls.regions.value = 2
    assert explorer.plan is good
    assert explorer.error == "6 zones requested but aws us-west-2 has 4"
    assert "Cannot plan this combination" in explorer.status.value
    assert "6 zones requested but aws us-west-2 has 4" in explorer.status.value
    explorer.controls.zones.value = 3
    assert explorer.error is None and explorer.status.value == ""
    assert explorer.plan is not None and explorer.plan.regions == ("us-east-1", "us-west-2")


def test_apply_settings_is_pure(shop: Design) -> None:
    settings = widgets.Settings(
        zones=2,
        regions=2,
        purchase="spot",
        availability=99.99,
        rto_s=300,
        rpo_s=0,
        load_multiplier=1.5,
        node_families=("c6i",),
    )
    before = shop.model_dump_json()
    changed = widgets.apply_settings(shop, settings)
    assert shop.model_dump_json() == before
    assert changed.zones == 2 and changed.regions == ("us-east-1", "us-west-2")
    assert changed.dr_region is None  # it became a serving region
    assert changed.targets.rto == timedelta(seconds=300) and changed.targets.rpo == timedelta(0)
    assert changed.defaults.purchase.value == "spot" and changed.defaults.node_types == ("c6i",)
    loads = {s.name: s.load.peak_rps for s in changed.services if isinstance(s, StatelessService)}
    assert loads == {"web": 2250.0, "api": 2250.0}


def test_region_sequence_prefers_the_designs_regions_then_dr_pairs(shop: Design) -> None:
    seq = widgets.region_sequence(shop)
    assert seq[:2] == ("us-east-1", "us-west-2")
    assert len(seq) == len(set(seq))
    payments = load_design(DESIGNS / "payments.yaml")
    assert widgets.region_sequence(payments)[:2] == ("us-east-1", "us-west-2")


def test_explorer_on_another_cloud_uses_that_clouds_families(shop: Design) -> None:
    explorer = widgets.Explorer(shop, cloud="gcp")
    assert explorer.plan is not None and explorer.plan.cloud == "gcp"
    assert "m6i" not in explorer.controls.node_families.options
    explorer.controls.zones.value = 2
    assert explorer.plan.zones == 2
    assert explorer.plan.to_json() == build_plan(explorer.design(), cloud="gcp").to_json()


def test_diagram_renderer_is_called_with_each_plan(shop: Design) -> None:
    seen: list[int] = []

    def render(plan: Plan) -> str:
        seen.append(plan.zones)
        return f"<svg><text>{plan.zones} zones</text></svg>"

    explorer = widgets.Explorer(shop, diagram=render)
    explorer.controls.zones.value = 2
    assert seen == [3, 2]
    assert explorer.diagram.value == "<svg><text>2 zones</text></svg>"


def test_a_failing_diagram_leaves_numbers_and_charts_working(shop: Design) -> None:
    from devops_plan.errors import ExternalError

    def broken(plan: Plan) -> str:
        raise ExternalError("Graphviz 'dot' failed")

    explorer = widgets.Explorer(shop, diagram=broken)
    explorer.controls.zones.value = 2
    assert explorer.error is None
    assert explorer.plan is not None and explorer.plan.zones == 2
    assert shown(explorer)["monthly-total"] == str(expected(explorer).cost.monthly_total)
    assert "The diagram could not be drawn" in explorer.diagram.value
    assert "Graphviz &#x27;dot&#x27; failed" in explorer.diagram.value
