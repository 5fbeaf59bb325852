"""Design-space exploration: the vectorised figures against the planner's own, the frontier
against brute force, the sweep's edges, the CLI and the chart."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from devops_plan import build_plan
from devops_plan.cli import app
from devops_plan.design import DatabaseService, StatelessService, load_design
from devops_plan.errors import PlanningError
from devops_plan.exploration import (
    DIMENSIONS,
    Candidate,
    candidate_design,
    candidate_of,
    design_space,
    explore,
    frontier,
    pareto_mask,
)

from .conftest import DESIGNS


@pytest.fixture(scope="module")
def shop():
    return load_design(DESIGNS / "shop.yaml")


@pytest.fixture(scope="module")
def shop_df(shop):
    space = design_space(shop, load_multipliers=(0.5, 1.0, 2.5))
    return explore(shop, space)


def _brute_force(cost, availability, rto):
    n = len(cost)
    out = np.ones(n, dtype=bool)
    for i in range(n):
        for j in range(n):
            no_worse = (
                cost[j] <= cost[i] and availability[j] >= availability[i] and rto[j] <= rto[i]
            )
            better = cost[j] < cost[i] or availability[j] > availability[i] or rto[j] < rto[i]
            if no_worse and better:
                out[i] = False
                break
    return out


# --- the frontier ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_pareto_mask_matches_brute_force_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    # Few distinct values, so ties and exact duplicates are common.
    cost = rng.integers(0, 12, n)
    availability = rng.choice([99.0, 99.5, 99.9, 99.95, 99.99], n)
    rto = rng.choice([60, 300, 1800, 14400], n)
    assert (pareto_mask(cost, availability, rto) == _brute_force(cost, availability, rto)).all()


def test_pareto_mask_simple_cases():
    assert pareto_mask([], [], []).tolist() == []
    # b is cheaper and better: a is dominated; c is dearer but more available: kept.
    assert pareto_mask([10, 5, 20], [99.9, 99.95, 99.99], [60, 60, 60]).tolist() == [
        False,
        True,
        True,
    ]
    # Identical points do not dominate each other.
    assert pareto_mask([5, 5], [99.9, 99.9], [60, 60]).tolist() == [True, True]
    # Better RTO alone keeps a dearer point.
    assert pareto_mask([5, 6], [99.9, 99.9], [1800, 60]).tolist() == [True, True]


def test_frontier_of_a_small_sweep_is_correct_by_brute_force(shop):
    space = design_space(
        shop, zones=(1, 3), purchases=("on_demand", "spot"), node_families=(None, "m6i")
    )
    df = explore(shop, space)
    assert len(df) == space.size == 2 * 4 * 2 * 3 * 2 * 2 * 2
    expected = _brute_force(
        df["monthly_cost_cents"].to_numpy(), df["availability"].to_numpy(), df["rto"].to_numpy()
    )
    assert df["on_frontier"].to_numpy().tolist() == expected.tolist()
    assert 0 < df["on_frontier"].sum() < len(df)


# --- the fast path is honest: the planner's own figures ------------------------------------


def _check_rows(design, df, rows):
    for index in rows:
        row = df.loc[index]
        plan = build_plan(candidate_design(design, candidate_of(row)))
        assert plan.cost.monthly_total == Decimal(int(row["monthly_cost_cents"])) / 100, index
        assert plan.availability.achieved == row["availability"], index
        assert plan.dr.strategy == row["dr_strategy"]
        assert (plan.dr.rto, plan.dr.rpo) == (row["rto"], row["rpo"])
        assert plan.zones == row["zones"]
        assert len(plan.topology.serving_regions) == row["regions"]
        meets = plan.availability.meets_target and plan.dr.meets_target
        assert meets == row["meets_target"], index


# storefront: blue-green and canary deploys, whose surge is priced with each pool group
# (on demand under a commitment, on spot with a spot pool).
@pytest.mark.parametrize("name", ["shop", "payments", "startup", "storefront"])
def test_sampled_candidates_equal_the_planners_figures(name):
    design = load_design(DESIGNS / f"{name}.yaml")
    df = explore(design, design_space(design, load_multipliers=(0.5, 1.0, 1.7)))
    rng = random.Random(f"explore-{name}")
    rows = rng.sample(list(df.index), 12)
    # Always include frontier points and each strategy.
    rows += list(df[df["on_frontier"]].index[:3])
    rows += [df[df["dr_strategy"] == s].index[-1] for s in df["dr_strategy"].cat.categories]
    # And each purchase option (a commitment covers the baseline only, spot has its floor).
    rows += [df[df["purchase"] == p].index[-1] for p in df["purchase"].unique()]
    _check_rows(design, df, rows)


def test_current_design_is_marked_with_the_plans_figures(shop, shop_df):
    current = shop_df[shop_df["current"]]
    assert len(current) == 1
    row = current.iloc[0]
    plan = build_plan(shop)
    assert Decimal(int(row["monthly_cost_cents"])) / 100 == plan.cost.monthly_total
    assert row["availability"] == plan.availability.achieved
    assert row["dr_strategy"] == plan.dr.strategy
    assert row["zones"] == shop.zones and row["load_multiplier"] == 1.0
    assert row["node_family"] == "default"


def test_current_design_bought_under_a_savings_plan_is_marked() -> None:
    # payments buys compute under savings_plan_1y; its database and cache are never sold so
    # and are priced on demand. No row was marked current (the sweep's data purchase looked
    # for savings_plan_1y), so over-budget advice could not say what the design as written is
    design = load_design(DESIGNS / "payments.yaml")
    df = explore(design)
    current = df[df["current"]]
    assert len(current) == 1
    row = current.iloc[0]
    plan = build_plan(design)
    assert Decimal(int(row["monthly_cost_cents"])) / 100 == plan.cost.monthly_total
    assert (row["purchase"], row["data_purchase"]) == ("savings_plan_1y", "on_demand")
    assert row["availability"] == plan.availability.achieved


def test_load_multiplier_scales_the_compute(shop_df):
    same = shop_df[
        (shop_df["zones"] == 3)
        & (shop_df["dr_strategy"] == "pilot_light")
        & (shop_df["purchase"] == "on_demand")
        & (shop_df["data_purchase"] == "on_demand")
        & (shop_df["node_family"] == "default")
        & (shop_df["db_multi_az"])
        & (shop_df["cache_multi_az"])
    ].set_index("load_multiplier")
    assert (
        same.loc[0.5, "monthly_cost"]
        < same.loc[1.0, "monthly_cost"]
        < same.loc[2.5, "monthly_cost"]
    )


def _pool_cases(design, zones, loads, purchases):
    space = design_space(design, zones=zones, load_multipliers=loads, purchases=purchases)
    for z in space.zones:
        for m in space.load_multiplier:
            for p in space.purchase:
                for family in space.node_family:
                    c = Candidate(
                        z, "backup_restore", p, space.data_purchase[0], family, None, None, m
                    )
                    yield candidate_design(design, c)


@pytest.mark.parametrize("name", ["shop", "payments", "synthetic", "big-replicas"])
def test_shared_pool_planner_equals_a_fresh_one(name):
    """A pool planner reused across a whole sweep (its memo shared by every variant)
    returns exactly what a fresh planner returns for each variant alone."""
    from benchmarks.synthetic import synthetic_design
    from devops_plan.engine import Planner
    from devops_plan.engine.pools import PoolPlanner
    from devops_plan.engine.services import size_services

    def plan_pools(ctx, services):  # type: ignore[no-untyped-def]
        return PoolPlanner().plan_pools(ctx, services)

    if name == "synthetic":
        design = synthetic_design(30, seed=3)
        cases = _pool_cases(design, (2, 3), (1.0,), ("on_demand", "spot", "reserved_3y"))
    elif name == "big-replicas":
        # 20 vCPU replicas fit no c5 node: both refuse with the same message.
        design = _big_api(load_design(DESIGNS / "shop.yaml"))
        cases = _pool_cases(design, (3,), (1.0,), ("on_demand",))
    else:
        design = load_design(DESIGNS / f"{name}.yaml")
        cases = _pool_cases(design, None, (0.5, 1.0, 3.0), None)
    mirror = PoolPlanner()
    compared = refused = 0
    for variant in cases:
        planner = Planner()
        ctx = planner.context(variant)
        services, _ = size_services(ctx, planner.memo.sizer)
        try:
            expected = plan_pools(ctx, services)
        except PlanningError as exc:
            with pytest.raises(PlanningError) as got:
                mirror.plan_pools(ctx, services)
            assert str(got.value) == str(exc)
            refused += 1
            continue
        assert mirror.plan_pools(ctx, services) == expected
        compared += 1
    assert compared >= 10
    assert refused > 0 if name == "big-replicas" else refused == 0


def _big_api(design):
    return design.model_copy(
        update={
            "services": tuple(
                s.model_copy(update={"replica": s.replica.model_copy(update={"cpu": 20})})
                if s.name == "api"
                else s
                for s in design.services
            )
        }
    )


# --- the sweep's edges ----------------------------------------------------------------------


def test_default_space_follows_the_design(shop):
    space = design_space(shop)
    assert space.zones == (1, 2, 3)
    assert space.dr_strategy == ("backup_restore", "pilot_light", "warm_standby", "active_active")
    assert len(space.purchase) == 6
    # Databases and caches are not sold as spot or under compute savings plans.
    assert space.data_purchase == ("on_demand", "reserved_1y", "reserved_3y")
    assert space.node_family[0] is None and "m6i" in space.node_family
    assert space.db_multi_az == (False, True) and space.cache_multi_az == (False, True)
    assert space.load_multiplier == (1.0,)
    assert space.size == 3 * 4 * 6 * 3 * len(space.node_family) * 2 * 2


def test_dimensions_the_design_lacks_collapse():
    startup = load_design(DESIGNS / "startup.yaml")
    space = design_space(startup)
    assert space.cache_multi_az == (None,)
    df = explore(startup, space)
    assert df["cache_multi_az"].isna().all()
    assert df["db_multi_az"].notna().all()


def test_regions_follow_the_strategy(shop_df):
    assert set(shop_df[shop_df["dr_strategy"] == "active_active"]["regions"]) == {2}
    assert set(shop_df[shop_df["dr_strategy"] != "active_active"]["regions"]) == {1}


def test_unplannable_candidates_are_left_out_and_explained(shop):
    # us-west-2 (the second region) has 4 zones: 5 zones fail only for active-active.
    space = design_space(shop, zones=(5,), purchases=("on_demand",), node_families=(None,))
    df = explore(shop, space)
    assert set(df["dr_strategy"]) == {"backup_restore", "pilot_light", "warm_standby"}
    assert df.attrs["unplannable"] == space.size - len(df) == space.size // 4
    assert any("us-west-2 has 4" in r for r in df.attrs["unplannable_reasons"])


def test_a_family_too_small_for_a_replica_is_unplannable(shop):
    big = _big_api(shop)
    space = design_space(big, zones=(3,), purchases=("on_demand",), node_families=(None, "c5"))
    df = explore(big, space)
    assert set(df["node_family"]) == {"default"}
    assert any("fits no allowed" in r for r in df.attrs["unplannable_reasons"])


def test_bad_sweep_values_are_user_errors(shop):
    with pytest.raises(PlanningError, match="unknown DR strategy 'hot_spare'"):
        design_space(shop, dr_strategies=("hot_spare",))
    with pytest.raises(PlanningError, match="unknown purchase option 'cheap'"):
        design_space(shop, purchases=("cheap",))
    with pytest.raises(PlanningError, match="load multipliers must be positive"):
        design_space(shop, load_multipliers=(0,))
    for huge in (1e12, float("inf"), float("nan")):
        with pytest.raises(PlanningError, match="must be positive and at most 1000"):
            design_space(shop, load_multipliers=(huge,))
    with pytest.raises(PlanningError, match="zones must be 1 to 6"):
        design_space(shop, zones=(1000,))
    with pytest.raises(PlanningError, match="listed twice"):
        design_space(shop, dr_strategies=("pilot_light", "pilot_light"))


def test_candidate_design_and_back(shop, shop_df):
    for index in (0, 123, len(shop_df) - 1):
        row = shop_df.iloc[index]
        c = candidate_of(row)
        assert isinstance(c, Candidate)
        for name, value in zip(DIMENSIONS, c.values(), strict=True):
            expected = row[name]
            if name == "node_family" and expected == "default":
                expected = None
            assert value == expected, name
        variant = candidate_design(shop, c)
        assert variant.zones == c.zones
        assert variant.dr.strategy == c.dr_strategy
        assert variant.defaults.purchase == c.purchase
        assert len(variant.regions) == c.regions
        db = variant.service("orders-db")
        assert isinstance(db, DatabaseService)
        assert db.multi_az == c.db_multi_az
        assert db.purchase == c.data_purchase
        web = variant.service("web")
        assert isinstance(web, StatelessService)
        assert web.load.peak_rps == 1500 * c.load_multiplier


def test_explore_is_deterministic(shop):
    space = design_space(shop, zones=(2, 3), node_families=(None, "m6i", "c7g"))
    a, b = explore(shop, space), explore(shop, space)
    pd.testing.assert_frame_equal(a, b)
    assert a.to_csv() == b.to_csv()
    assert a.attrs == b.attrs


def test_frontier_view_orders_meeting_candidates_first(shop_df):
    view = frontier(shop_df)
    assert view["on_frontier"].all()
    meets = view["meets_target"].tolist()
    assert meets == sorted(meets, reverse=True)
    first = view[view["meets_target"]]["monthly_cost_cents"].tolist()
    assert first == sorted(first)
    assert not view.duplicated(["monthly_cost_cents", "availability", "rto", "rpo"]).any()
    assert len(frontier(shop_df, top=3)) == 3


# --- CLI and chart --------------------------------------------------------------------------


runner = CliRunner()


def test_cli_prints_the_frontier_and_writes_csv(tmp_path):
    out = tmp_path / "shop.csv"
    result = runner.invoke(
        app, ["explore", str(DESIGNS / "shop.yaml"), "--top", "5", "--csv", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "on the Pareto frontier" in result.output
    assert "Current design" in result.output
    first = out.read_bytes()
    assert first.startswith(b"candidate,zones,regions,dr_strategy")
    runner.invoke(app, ["explore", str(DESIGNS / "shop.yaml"), "--csv", str(out)])
    assert out.read_bytes() == first
    assert len(pd.read_csv(out)) == design_space(load_design(DESIGNS / "shop.yaml")).size


def test_cli_json(tmp_path):
    result = runner.invoke(app, ["explore", str(DESIGNS / "startup.yaml"), "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["design"] == "startup"
    assert len(data["frontier"]) == 3
    assert data["current"]["current"] is True
    assert {"monthly_cost", "availability", "rto", "rpo", "meets_target"} <= set(
        data["frontier"][0]
    )


def test_cli_bad_input_exits_2(tmp_path):
    result = runner.invoke(app, ["explore", str(DESIGNS / "shop.yaml"), "--load", "0,1"])
    assert result.exit_code == 2
    assert "load multipliers must be positive" in result.output
    result = runner.invoke(app, ["explore", str(DESIGNS / "shop.yaml"), "--load", "x"])
    assert result.exit_code == 2
    missing = runner.invoke(app, ["explore", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output


def test_pareto_figure(shop, shop_df):
    from matplotlib.figure import Figure

    from devops_plan.render.pareto import STRATEGY_COLOURS, pareto_figure

    fig = pareto_figure(shop_df, current=build_plan(shop))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert any(label.startswith("current design (99.91%") for label in labels)
    assert any(label.startswith("frontier, active active") for label in labels)
    assert any(label.startswith("target 99.95%") for label in labels)
    # One scatter for the others, one per strategy on the frontier, one for the current design.
    strategies = set(shop_df[shop_df["on_frontier"]]["dr_strategy"])
    assert len(ax.collections) == 1 + len(strategies) + 1
    assert set(strategies) <= set(STRATEGY_COLOURS)
    # Without `current`, the row explore marked is used.
    fig2 = pareto_figure(shop_df)
    legend2 = fig2.axes[0].get_legend()
    assert legend2 is not None
    assert any("current design" in t.get_text() for t in legend2.get_texts())
    with pytest.raises(ValueError):
        pareto_figure(shop_df.iloc[0:0])


def test_a_data_setting_the_catalog_lacks_leaves_the_rest_plannable(shop):
    # Azure sells a 40 GiB Redis only in the zone-redundant Premium tier (Standard stops at
    # 26 GiB): the single-AZ cache candidates cannot be planned, and must not take the
    # compute down with them.
    from devops_plan.design import CacheService, CacheSize, Cloud

    services = tuple(
        s.model_copy(update={"size": CacheSize(memory_gib=40)})
        if isinstance(s, CacheService)
        else s
        for s in shop.services
    )
    azure = shop.model_copy(
        update={
            "cloud": Cloud.azure,
            "regions": ("eastus",),
            "dr_region": None,
            "services": services,
        }
    )
    df = explore(azure, design_space(azure, zones=(2, 3), purchases=("on_demand", "spot")))
    assert set(df["cache_multi_az"]) == {True}
    assert df.attrs["unplannable"] == len(df)
    assert any("redis cache node" in r for r in df.attrs["unplannable_reasons"])
    assert df["current"].sum() == 1
    _check_rows(azure, df, list(df.index[::97][:8]) + list(df[df["current"]].index))


def test_one_zone_spot_and_two_regions_no_longer_buy_99_95_on_gcp():
    # The candidate: 1 zone, 2 regions active-active, spot, database not Multi-AZ.
    # Each region: Cloud Load Balancing 99.99 x web and api on one zone (single instance
    # 99.9 each) x Memorystore Basic (no SLA, counted 99.9); both regions share the routing
    # (Cloud DNS 100) and the one-writer zonal Cloud SQL (no SLA, 99.9). (The assets bucket
    # is not on the user path.)
    from devops_plan.design import Cloud

    shop = load_design(DESIGNS / "shop.yaml")
    gcp = shop.model_copy(
        update={"cloud": Cloud.gcp, "regions": ("us-central1",), "dr_region": None}
    )
    space = design_space(gcp, zones=(1,), purchases=("on_demand", "spot"))
    df = explore(gcp, space)
    pick = df[
        (df["dr_strategy"] == "active_active")
        & (df["db_multi_az"] == False)  # noqa: E712
        & (df["cache_multi_az"] == False)  # noqa: E712
        & (df["node_family"] == "default")
    ]
    region = 0.9999 * 0.999 * 0.999 * 0.999
    expected = (1 - (1 - region) ** 2) * 1.0 * 0.999 * 100
    for purchase in ("on_demand", "spot"):
        row = pick[pick["purchase"] == purchase].iloc[0]
        assert row["availability"] == pytest.approx(expected, abs=1e-6)
        assert not row["meets_availability"]  # 99.8999% < 99.95%
    # Spot keeps an on-demand floor that carries the peak, so it claims the same availability
    # as on demand (the documented model), and still costs less.
    spot = pick[pick["purchase"] == "spot"].iloc[0]
    on_demand = pick[pick["purchase"] == "on_demand"].iloc[0]
    assert spot["monthly_cost_cents"] < on_demand["monthly_cost_cents"]
    _check_rows(gcp, df, [spot.name, on_demand.name])
