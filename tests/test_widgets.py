"""The explorer's callbacks, without a kernel: set a control's `.value`, check the replanned plan
and what the numbers, charts and status show."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from devops_plan import build_plan, widgets
from devops_plan.cli import app
from devops_plan.design import Design, StatelessService, load_design
from devops_plan.design.variant import save_design_variant
from devops_plan.exploration.budget import with_budget_advice
from devops_plan.plan import Plan
from devops_plan.render.chart_data import CHART_DATA
from devops_plan.widget_charts import LiveBars, LivePoints

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
    """What the library plans for the controls' current settings, computed independently
    (with the budget line `devops-plan plan` adds when over budget)."""
    design = widgets.apply_settings(explorer.base, explorer.controls.settings())
    return with_budget_advice(design, build_plan(design))


def test_initial_view_is_the_design_as_written(explorer: widgets.Explorer, shop: Design) -> None:
    assert explorer.plan is not None
    assert explorer.plan.to_json() == build_plan(shop).to_json()
    assert shown(explorer)["monthly-total"] == str(explorer.plan.cost.monthly_total)
    assert shown(explorer)["availability"] == f"{explorer.plan.availability.achieved:g}"
    # One live chart per chart, showing what the report's chart shows for the same plan.
    assert list(explorer.charts) == list(CHART_DATA)
    for name, chart in explorer.charts.items():
        assert chart.data == CHART_DATA[name](explorer.plan)
    assert [c.figure for c in explorer.charts.values()] == list(explorer.chart_box.children)
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


def test_charts_are_updated_in_place_and_only_when_their_data_changed(
    explorer: widgets.Explorer,
) -> None:
    drawn = explorer.charts_drawn
    figures = {name: chart.figure for name, chart in explorer.charts.items()}
    availability = explorer.charts["availability"].data
    explorer.controls.rto.value = 14400  # changes the DR choice and cost, not the availability path
    assert explorer.charts["availability"].data is availability
    assert 1 <= explorer.charts_drawn - drawn < len(explorer.charts)
    # The same widgets, their marks changed: nothing is re-created or re-sent as an image.
    assert {name: chart.figure for name, chart in explorer.charts.items()} == figures
    plan = explorer.plan
    assert plan is not None
    dr = explorer.charts["dr"]
    assert isinstance(dr, LivePoints) and list(dr.points.y) == [
        float(o.monthly_cost) for o in plan.dr.options
    ]
    bars = explorer.charts["cost_by_service"]
    assert isinstance(bars, LiveBars)
    # One stacked series per colour: a bar's length is its value in the series of its colour.
    lengths = [sum(series[i] for series in bars.bars.y) for i in range(len(bars.bars.x))]
    assert dict(zip(bars.bars.x, lengths, strict=True)) == {
        k: float(v) for k, v in plan.cost.by_service.items()
    }


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


def test_diagram_is_redrawn_only_when_what_runs_where_changes(shop: Design) -> None:
    seen: list[tuple[int, str]] = []

    def render(plan: Plan) -> str:
        seen.append((plan.zones, plan.purchase))
        return f"<svg><text>{plan.zones} zones</text></svg>"

    explorer = widgets.Explorer(shop, diagram=render)
    explorer.controls.availability.value = 99.99  # a target: nothing deployed changes
    explorer.controls.zones.value = 2
    assert seen == [(3, "on_demand"), (2, "on_demand")]
    assert explorer.diagram.value == "<svg><text>2 zones</text></svg>"
    # Prices and the purchase option do not show on the explorer's diagram: reserved pricing
    # keeps shop's node pool, so nothing is redrawn.
    before = widgets.diagram_key(explorer.plan)  # type: ignore[arg-type]
    explorer.controls.purchase.value = "reserved_1y"
    assert widgets.diagram_key(explorer.plan) == before  # type: ignore[arg-type]
    assert len(seen) == 2 and explorer.diagrams_drawn == 2


def test_explorer_diagram_fits_its_panel_and_shows_no_money(shop: Design) -> None:
    page = widgets.diagram_html(build_plan(shop))
    assert page.startswith('<div class="devops-plan-diagram" style="max-width:100%">')
    assert re.search(r'<svg style="max-width:100%;height:auto" width="\d+pt" height="\d+pt"', page)
    assert "USD/mo" not in page and ">sessions<" in page


def test_every_control_label_is_shown_in_full(explorer: widgets.Explorer) -> None:
    assert all(c.style.description_width == "initial" for c in explorer.controls.all)


def test_save_as_design_writes_a_new_validated_file_beside_the_original(
    shop: Design, tmp_path: Path
) -> None:
    original = tmp_path / "shop.yaml"
    shutil.copyfile(DESIGNS / "shop.yaml", original)
    explorer = widgets.Explorer.from_file(original)
    explorer.controls.zones.value = 2
    explorer.controls.purchase.value = "reserved_1y"
    explorer.controls.load.value = 1.5
    first = explorer.save()
    assert first == tmp_path / "shop-explored.yaml"
    assert str(first) in explorer.saved.value and "Saved as" in explorer.saved.value
    saved = load_design(first)
    assert saved.name == "shop-explored"
    assert saved == explorer.design().model_copy(update={"name": "shop-explored"})
    assert build_plan(saved).cost.monthly_total == explorer.plan.cost.monthly_total  # type: ignore[union-attr]
    assert "# percent per month, for the user-facing path" in first.read_text()  # comments kept
    assert original.read_text() == (DESIGNS / "shop.yaml").read_text()  # the original untouched
    # Saving again never overwrites: the next free name.
    explorer.controls.zones.value = 3
    second = explorer.save()
    assert second == tmp_path / "shop-explored-2.yaml"
    assert load_design(first).zones == 2 and load_design(second).zones == 3
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_save_never_replaces_an_existing_file(shop: Design, tmp_path: Path) -> None:
    original = tmp_path / "shop.yaml"
    shutil.copyfile(DESIGNS / "shop.yaml", original)
    taken = tmp_path / "mine.yaml"
    taken.write_text("keep me\n")
    with pytest.raises(FileExistsError):
        save_design_variant(original, shop, taken)
    assert taken.read_text() == "keep me\n" and not list(tmp_path.glob(".*"))
    # Without a file to save beside, the page says so.
    explorer = widgets.Explorer(shop)
    assert explorer.save_button.disabled and explorer.save() is None
    assert "not opened from a file" in explorer.saved.value


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


def test_environment_switch_replans_each_environment(tmp_path: Path) -> None:
    """storefront has dev, staging and prod: the switch lists the base design and each, and
    choosing one puts the controls on what it says and shows its plan, the one `plan --env`
    makes."""
    from devops_plan.engine import Planner
    from devops_plan.engine.environments import plan_environment

    source = tmp_path / "storefront.yaml"
    shutil.copy(DESIGNS / "storefront.yaml", source)
    design = load_design(source)
    explorer = widgets.Explorer(design, diagram=None, path=source)
    switch = explorer.environment
    assert switch is not None
    assert list(switch.options) == [("base", ""), ("dev", "dev"), ("staging", "staging"),
                                    ("prod", "prod")]  # fmt: skip
    assert switch in explorer.view.children[0].children[0].children  # shown with the controls
    base_total = explorer.plan.cost.monthly_total if explorer.plan else None
    planner = Planner()
    replans = explorer.replans
    switch.value = "dev"
    assert explorer.replans == replans + 1  # one replan, not one per control it resets
    dev = plan_environment(planner, design, "dev")
    assert explorer.plan is not None and explorer.plan.environment == "dev"
    assert explorer.plan.cost.monthly_total == dev.cost.monthly_total
    assert shown(explorer)["monthly-total"] == str(dev.cost.monthly_total)
    settings = explorer.controls.settings()
    assert (settings.zones, settings.purchase, settings.availability) == (1, "spot", 98.0)
    assert not explorer.plan.dr.deployed
    # A control moved within the environment replans that environment.
    explorer.controls.zones.value = 2
    assert explorer.plan.zones == 2 and explorer.plan.environment == "dev"
    assert not explorer.save_button.disabled  # Save as design writes the environment too
    switch.value = "staging"
    staging = plan_environment(planner, design, "staging")
    assert explorer.plan.cost.monthly_total == staging.cost.monthly_total
    assert explorer.controls.settings().zones == 2
    switch.value = ""
    assert explorer.plan.environment == "" and explorer.plan.cost.monthly_total == base_total
    assert explorer.controls.settings() == widgets.settings_of(design)
    assert not explorer.save_button.disabled


def test_save_as_design_in_an_environment_writes_its_overlay(tmp_path: Path) -> None:
    """Saved from dev with changed settings: the file is the base design and every
    environment as they were, dev's overlay carrying the settings; loaded back, `plan --env
    dev` plans what the explorer showed, to the cent, and the rest plans as before."""
    from devops_plan.design.environments import environment_design
    from devops_plan.engine import Planner
    from devops_plan.engine.environments import plan_environment

    source = tmp_path / "storefront.yaml"
    shutil.copy(DESIGNS / "storefront.yaml", source)
    design = load_design(source)
    explorer = widgets.Explorer(design, diagram=None, path=source)
    assert explorer.environment is not None
    explorer.environment.value = "dev"
    c = explorer.controls
    c.zones.value, c.regions.value, c.purchase.value = 2, 2, "on_demand"
    c.rto.value, c.rpo.value, c.availability.value, c.load.value = 1800, 300, 99.5, 1.5
    c.node_families.value = ("m6i",)
    shown = explorer.plan
    assert explorer.error is None and shown is not None and shown.environment == "dev"
    written = explorer.save()
    assert written == tmp_path / "storefront-explored.yaml"
    assert "storefront-explored.yaml" in explorer.saved.value
    text = written.read_text(encoding="utf-8")
    dev = YAML(typ="safe").load(text)["environments"]["dev"]
    assert {k: dev[k] for k in ("zones", "purchase", "availability", "rto", "rpo")} == {
        "zones": 2, "purchase": "on_demand", "availability": 99.5, "rto": "30m", "rpo": "5m"
    }  # fmt: skip
    assert dev["load_multiplier"] == 0.15 and dev["node_types"] == ["m6i"]
    assert dev["regions"] == list(shown.regions) and len(shown.regions) == 2
    assert dev["services"] == {"db": {"size": {"vcpu": 2, "memory_gib": 4, "storage_gib": 20}},
                               "cache": {"size": {"memory_gib": 1}}}  # fmt: skip
    assert "# A web store planned three times" in text  # comments kept
    saved = load_design(written)
    planner = Planner()
    again = plan_environment(planner, saved, "dev")
    assert again.cost.line_items == shown.cost.line_items
    assert again.cost.monthly_total == shown.cost.monthly_total
    assert [(s.name, s.replicas) for s in again.services] == [
        (s.name, s.replicas) for s in shown.services
    ]
    assert [(p.name, p.instance_type, p.nodes) for p in again.node_pools] == [
        (p.name, p.instance_type, p.nodes) for p in shown.node_pools
    ]
    # The base design and the other environments are unchanged.
    same = {"name": "x", "environments": {}}
    for name in ("", "staging", "prod"):
        assert environment_design(saved, name).model_copy(update=same) == (
            environment_design(design, name).model_copy(update=same)
        ), name
    assert saved.environments["staging"] == design.environments["staging"]
    # The CLI plans the saved environment to the same total.
    result = CliRunner().invoke(app, ["plan", str(written), "--env", "dev", "--json"])
    assert result.exit_code == 0, result.output
    assert Decimal(str(json.loads(result.stdout)["cost"]["monthly_total"])) == (
        shown.cost.monthly_total
    )


def test_an_environment_saved_unchanged_plans_as_before(tmp_path: Path) -> None:
    source = tmp_path / "storefront.yaml"
    shutil.copy(DESIGNS / "storefront.yaml", source)
    design = load_design(source)
    explorer = widgets.Explorer(design, diagram=None, path=source, environment="staging")
    written = explorer.save()
    assert written is not None
    # Only the name changed: nothing of the overlay is rewritten.
    original = source.read_text(encoding="utf-8").replace(
        "name: storefront\n", "name: storefront-explored\n"
    )
    assert written.read_text(encoding="utf-8") == original


def test_no_environment_switch_without_environments(explorer: widgets.Explorer) -> None:
    assert explorer.environment is None and explorer.environment_name == ""


def test_the_explorer_starts_in_the_environment_asked_for() -> None:
    from devops_plan.errors import UserError

    design = load_design(DESIGNS / "storefront.yaml")
    explorer = widgets.Explorer(design, diagram=None, environment="staging")
    assert explorer.replans == 1 and explorer.environment_name == "staging"
    assert explorer.plan is not None and explorer.plan.zones == 2
    with pytest.raises(UserError, match="no environment 'qa'"):
        widgets.Explorer(design, diagram=None, environment="qa")
    with pytest.raises(UserError, match="no environment 'dev'"):
        widgets.Explorer(load_design(DESIGNS / "shop.yaml"), diagram=None, environment="dev")
