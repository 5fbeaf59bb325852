"""The plan engine end to end: the JSON contract, golden plans, properties, errors."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_plan import build_plan
from devops_plan.catalog import load_catalog
from devops_plan.design import Design, Platform, load_design, parse_design
from devops_plan.engine.dr import STRATEGY_ORDER
from devops_plan.engine.variants import with_load
from devops_plan.errors import PlanningError, PriceNotFound
from devops_plan.plan import plan_schema

from .conftest import DESIGNS, ROOT

GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))


def shop() -> Design:
    return load_design(DESIGNS / "shop.yaml")


@pytest.fixture(scope="module")
def shop_plan() -> dict:  # type: ignore[type-arg]
    return build_plan(shop()).to_dict()


def test_the_committed_plan_schema_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
    assert committed == plan_schema(), "run: devops-plan schema --plan > docs/plan.schema.json"


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
@pytest.mark.parametrize("case", EXAMPLES)
def test_plans_follow_the_published_schema(case: str, cloud: str) -> None:
    # The JSON contract is docs/plan.schema.json, generated from the Plan models: every key
    # required, none unknown. A renamed or dropped key fails here and shows in review.
    plan = build_plan(load_design(DESIGNS / f"{case}.yaml"), cloud=cloud).to_dict()
    jsonschema.validate(plan, plan_schema(), cls=jsonschema.Draft202012Validator)
    for dec in plan["decisions"]:
        for o in dec["options"]:
            assert o["availability"] is not None or (o["rto"] is not None and o["rpo"] is not None)


def test_the_schema_refuses_a_missing_or_unknown_key(shop_plan: dict) -> None:  # type: ignore[type-arg]
    schema = plan_schema()
    renamed = dict(shop_plan)
    renamed["monthly"] = renamed.pop("cost")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(renamed, schema, cls=jsonschema.Draft202012Validator)
    item = dict(shop_plan["cost"]["line_items"][0], extra=1)
    cost = dict(shop_plan["cost"], line_items=[item])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dict(shop_plan, cost=cost), schema, cls=jsonschema.Draft202012Validator)


def test_units_in_json(shop_plan: dict) -> None:  # type: ignore[type-arg]
    assert shop_plan["availability"]["target"] == 99.95  # percent
    assert shop_plan["dr"]["rto_target"] == 3600  # seconds
    assert shop_plan["dr"]["rpo_target"] == 900
    assert shop_plan["availability"]["downtime_budget_min"] == 21.9
    total = shop_plan["cost"]["monthly_total"]
    assert round(total, 2) == total  # money rounded to the cent


def test_shop_sizing_matches_the_formulas(shop_plan: dict) -> None:  # type: ignore[type-arg]
    svc = {s["name"]: s for s in shop_plan["services"]}
    assert svc["web"]["replicas"] == 54
    assert svc["api"]["replicas"] == 120
    assert svc["web"]["cpu_request_m"] == 1000 and svc["web"]["memory_request_mib"] == 512
    assert svc["api"]["memory_limit_mib"] == 1024 and svc["api"]["cpu_limit_m"] is None
    assert svc["orders-db"]["multi_az"] is True  # z >= 2 and target >= 99.9
    assert svc["sessions"]["cache_nodes"] == 3  # primary + one replica per extra zone
    pool = shop_plan["node_pools"][0]
    assert pool["nodes"] % 3 == 0


def test_totals_are_exact_sums_of_line_items(shop_plan: dict) -> None:  # type: ignore[type-arg]
    items = shop_plan["cost"]["line_items"]
    cents = lambda v: Decimal(str(v))  # noqa: E731
    total = sum((cents(i["monthly_cost"]) for i in items), Decimal(0))
    assert cents(shop_plan["cost"]["monthly_total"]) == total
    for name, value in shop_plan["cost"]["by_service"].items():
        assert cents(value) == sum(
            (cents(i["monthly_cost"]) for i in items if i["service"] == name), Decimal(0)
        )
    assert sum((cents(v) for v in shop_plan["cost"]["by_category"].values()), Decimal(0)) == total


def test_missed_target_has_weakest_link_and_a_priced_suggestion(shop_plan: dict) -> None:  # type: ignore[type-arg]
    a = shop_plan["availability"]
    # LB 99.99 x web 99.99 x api 99.99 x RDS Multi-AZ 99.95 x ElastiCache Multi-AZ 99.99
    assert a["achieved"] == pytest.approx(100 * 0.9999**4 * 0.9995, abs=1e-6)
    assert a["meets_target"] is False
    assert a["weakest"] == "orders-db"
    # No change of zones, Multi-AZ or regions lifts a one-writer RDS database's 99.95%; moving
    # orders-db to Aurora PostgreSQL (a Multi-AZ cluster, 99.99%) is the cheapest that meets.
    assert a["suggestion"]["change"] == "engine:orders-db:aurora-postgresql"
    assert a["suggestion"]["meets_target"] is True
    assert a["suggestion"]["achieved"] == pytest.approx(100 * 0.9999**5, abs=1e-6)
    assert a["suggestion"]["monthly_cost_delta"] > 0


def test_dr_picks_cheapest_meeting_and_costs_are_ordered(shop_plan: dict) -> None:  # type: ignore[type-arg]
    dr = shop_plan["dr"]
    assert dr["strategy"] == "pilot_light"  # RTO 1h, RPO 15m: backup & restore (4h/1h) misses
    costs = [o["monthly_cost"] for o in dr["options"]]
    assert [o["strategy"] for o in dr["options"]] == list(STRATEGY_ORDER)
    assert costs == sorted(costs) and len(set(costs)) == 4


def test_by_purchase_has_every_option(shop_plan: dict) -> None:  # type: ignore[type-arg]
    bp = shop_plan["cost"]["by_purchase"]
    assert set(bp) == {
        "on_demand",
        "spot",
        "reserved_1y",
        "reserved_3y",
        "savings_plan_1y",
        "savings_plan_3y",
    }
    assert bp["on_demand"] == shop_plan["cost"]["monthly_total"]
    assert bp["reserved_3y"] < bp["reserved_1y"] < bp["on_demand"]


def test_decisions_cover_the_required_choices(shop_plan: dict) -> None:  # type: ignore[type-arg]
    ids = [d["id"] for d in shop_plan["decisions"]]
    assert ids == [
        "compute-platform",
        "ha-topology",
        "database-orders-db",
        "dr-strategy",
        "purchase-option",
        "security-baseline",
    ]
    for d in shop_plan["decisions"]:
        assert sum(o["chosen"] for o in d["options"]) == 1, d["id"]


def test_two_region_design_serves_from_both_but_shares_its_database() -> None:
    plan = build_plan(load_design(DESIGNS / "payments.yaml"))
    assert plan.dr.strategy == "active_active"
    assert plan.availability.regions_serving == 2
    assert plan.topology.serving_regions == ("us-east-1", "us-west-2")
    scopes = {c.component: c.scope for c in plan.availability.path}
    assert scopes["ledger-db"] == "global" and scopes["global routing"] == "global"
    assert scopes["payments-api"] == scopes["idempotency"] == "region"
    # One writer: the database's SLA bounds the path however many regions serve.
    db = plan.service("ledger-db").availability
    assert plan.availability.achieved <= db and not plan.availability.meets_target


@pytest.mark.parametrize("case", EXAMPLES)
def test_golden_plan(case: str) -> None:
    text = build_plan(load_design(DESIGNS / f"{case}.yaml")).to_json()
    golden = GOLDEN / case / "plan.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing {golden}; run with UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8"), f"plan differs from {golden}"


def test_deterministic_json() -> None:
    assert build_plan(shop()).to_json() == build_plan(shop()).to_json()


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_same_design_on_another_cloud(cloud: str) -> None:
    plan = build_plan(shop(), cloud=cloud)
    assert plan.cloud == cloud
    assert plan.currency == load_catalog(cloud).currency
    assert plan.regions[0] == {"gcp": "us-east4", "azure": "eastus"}[cloud]
    assert plan.cost.monthly_total > 0
    assert all(i.region in (plan.regions[0], plan.dr_region) for i in plan.cost.line_items)


def test_region_and_purchase_overrides() -> None:
    plan = build_plan(shop(), region="eu-west-2", purchase="reserved_1y")
    assert plan.regions[0] == "eu-west-2" and plan.purchase == "reserved_1y"
    assert any(i.purchase == "reserved_1y" for i in plan.cost.line_items)


def test_region_override_that_is_the_second_region_keeps_two_regions() -> None:
    # --region us-west-2 on a design in us-east-1 + us-west-2 collapsed it to one region
    # silently; on shop (DR to us-west-2) the topology decision's second-region variant
    # collapsed too and the plan ended in an IndexError traceback
    payments = build_plan(load_design(DESIGNS / "payments.yaml"), region="us-west-2")
    assert payments.regions == ("us-west-2", "us-east-1")
    assert payments.topology.serving_regions == ("us-west-2", "us-east-1")
    plan = build_plan(shop(), region="us-west-2")
    assert (plan.regions, plan.dr_region) == (("us-west-2",), "us-east-1")
    [topology] = [d for d in plan.decisions if d.id == "ha-topology"]
    assert "3 zones in each of 2 regions (us-west-2 + us-east-1), active-active" in [
        o.name for o in topology.options
    ]


def test_regions_that_map_to_one_region_on_another_cloud_are_an_error() -> None:
    # northeurope and westeurope are both eu-west-1 on AWS: the design's two regions became
    # one without a word
    text = (
        _shop_text()
        .replace("cloud: aws ", "cloud: azure ")
        .replace("regions: [us-east-1]", "regions: [northeurope, westeurope]")
        .replace("dr_region: us-west-2 ", "")
    )
    assert build_plan(parse_design(text)).regions == ("northeurope", "westeurope")
    with pytest.raises(PlanningError, match=r"map to eu-west-1, eu-west-1 on aws"):
        build_plan(parse_design(text), cloud="aws")


def test_an_engine_not_sold_in_the_dr_region_is_a_missing_price_not_a_traceback() -> None:
    # Aurora DSQL is sold in ap-northeast-1 but not in its DR pair ap-southeast-1: weighing
    # the engine for orders-db ended the plan with "generator raised StopIteration"
    plan = build_plan(shop(), region="ap-northeast-1")
    assert plan.dr_region == "ap-southeast-1" and plan.cost.monthly_total > 0
    text = _shop_text().replace("engine: postgres", "engine: aurora-dsql")
    with pytest.raises(PriceNotFound, match=r"aurora-dsql-.* ap-southeast-1"):
        build_plan(parse_design(text), region="ap-northeast-1")


# --- errors for designs that validate but cannot be planned --------------------------------


def _shop_text() -> str:
    return (DESIGNS / "shop.yaml").read_text()


def test_replica_larger_than_any_allowed_node() -> None:
    text = _shop_text().replace(
        "platform: kubernetes ", "platform: kubernetes\n  node_types: [m5.large] "
    )
    with pytest.raises(
        PlanningError,
        match=r"service 'api': a replica of 1000m CPU and 1024 MiB fits|"
        r"fits no allowed aws node type",
    ):
        build_plan(parse_design(text.replace("replica: {cpu: 1,", "replica: {cpu: 4,")))


def test_engine_missing_from_catalog() -> None:
    text = _shop_text().replace("engine: postgres", "engine: oracle")
    with pytest.raises(
        PlanningError,
        match=r"engine .oracle. is not in the aws catalog \(it has: aurora-dsql, aurora-postgresql, mysql, postgres\)",
    ):
        build_plan(parse_design(text))


def test_zones_beyond_the_mapped_region() -> None:
    text = _shop_text().replace("zones: 3 ", "zones: 5 ")
    build_plan(parse_design(text))  # us-east-1 has 6 zones
    with pytest.raises(PlanningError, match="5 zones requested but gcp us-east4 has 3"):
        build_plan(parse_design(text), cloud="gcp")


# --- properties ----------------------------------------------------------------------------

PROPS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _scaled(design: Design, factor: float) -> Design:
    return with_load(design, factor)


@PROPS
@given(st.sampled_from(EXAMPLES), st.floats(0.05, 3), st.floats(1.0, 4))
def test_more_load_never_fewer_replicas_or_lower_cost(case: str, base: float, more: float) -> None:
    design = load_design(DESIGNS / f"{case}.yaml")
    low, high = build_plan(_scaled(design, base)), build_plan(_scaled(design, base * more))
    for a, b in zip(low.services, high.services, strict=True):
        assert b.replicas >= a.replicas
    assert high.cost.monthly_total >= low.cost.monthly_total


@PROPS
@given(st.sampled_from(EXAMPLES), st.integers(0, 6 * 3600), st.integers(0, 6 * 3600))
def test_stricter_rto_never_picks_a_cheaper_dr_strategy(case: str, rto: int, tighter: int) -> None:
    from datetime import timedelta

    design = load_design(DESIGNS / f"{case}.yaml")
    if design.dr.strategy or len(design.regions) > 1:
        design = design.model_copy(
            update={
                "dr": design.dr.model_copy(update={"strategy": None}),
                "regions": design.regions[:1],
            }
        )

    def with_rto(seconds: int) -> Design:
        return design.model_copy(
            update={
                "targets": design.targets.model_copy(update={"rto": timedelta(seconds=seconds)})
            }
        )

    loose, strict = build_plan(with_rto(rto)), build_plan(with_rto(min(rto, tighter)))
    cost = {o.strategy: o.monthly_cost for o in loose.dr.options}
    assert cost[strict.dr.strategy] >= cost[loose.dr.strategy]


@PROPS
@given(st.sampled_from(EXAMPLES), st.floats(90, 99.999), st.sampled_from([1, 2, 3]))
def test_availability_within_bounds_and_dr_costs_ordered(
    case: str, target: float, zones: int
) -> None:
    design = load_design(DESIGNS / f"{case}.yaml")
    design = design.model_copy(
        update={
            "zones": zones,
            "targets": design.targets.model_copy(update={"availability": target}),
        }
    )
    plan = build_plan(design)
    assert 0 <= plan.availability.achieved <= 100
    assert all(0 < c.availability <= 100 for c in plan.availability.path)
    costs = [o.monthly_cost for o in plan.dr.options]
    assert costs[0] < costs[1] < costs[2] < costs[3]
    assert json.loads(plan.to_json())["design"] == design.name


def test_every_line_item_has_a_price() -> None:
    for case in EXAMPLES:
        for cloud in ("aws", "gcp", "azure"):
            plan = build_plan(load_design(DESIGNS / f"{case}.yaml"), cloud=cloud)
            # Only a catalog row that really is free may price at 0: Azure does not bill
            # traffic between zones, and a product's included first tier (Cloud Logging's
            # 50 GiB a project, Service Bus Standard's 13M operations) is free; a missing
            # price is an error, never a 0.
            zero = {
                i.product
                for i in plan.cost.line_items
                if i.unit_price == 0 and "(first " not in i.component
            }
            assert zero <= ({"transfer-inter-az"} if cloud == "azure" else set()), (
                case,
                cloud,
                zero,
            )
            assert not plan.warnings or all("no price" not in w for w in plan.warnings)


def test_by_purchase_equals_planning_under_that_option_for_serverless_containers() -> None:
    # Fargate is sold as spot and under compute savings plans; storage and RDS are not,
    # so the cost model prices those on demand in both figures.
    design = load_design(DESIGNS / "startup.yaml")
    design = design.model_copy(
        update={"defaults": design.defaults.model_copy(update={"platform": Platform.managed})}
    )
    base = build_plan(design)
    assert any(i.product == "fargate-vcpu" for i in base.cost.line_items)
    for option in ("spot", "savings_plan_1y", "savings_plan_3y"):
        planned = build_plan(design, purchase=option)
        assert base.cost.by_purchase[option] == planned.cost.monthly_total, option
        assert base.cost.by_purchase[option] <= base.cost.monthly_total, option
    # startup's app needs both its replicas to carry the peak (1.2 vCPU at 85%): on spot
    # both stay on demand, so spot saves nothing here.
    spot = build_plan(design, purchase="spot").service("app")
    assert spot.on_demand_floor == spot.replicas == 2
    assert base.cost.by_purchase["savings_plan_3y"] < base.cost.monthly_total
