"""The sweep's group tables against the planner's own functions, group by group: every
node-pool and services group of a small space priced from scratch (a fresh planner, the
candidate's own context, every component declared under its own purchase option, no group
shared), so each shortcut of exploration/tables.py (a shape's components declared once, its
components other than node lines priced once, node-family contexts and the services group
shared between purchase options) is held to the full computation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from devops_plan.catalog import load_catalog
from devops_plan.design import Kind, load_design
from devops_plan.engine import Planner
from devops_plan.engine.autoscale import size_and_schedule
from devops_plan.engine.core import primary_components
from devops_plan.engine.cost import price_cents
from devops_plan.engine.footprint import dr_components
from devops_plan.errors import DevopsPlanError
from devops_plan.exploration import Candidate, candidate_design, design_space
from devops_plan.exploration.space import SINGLE, Space
from devops_plan.exploration.tables import TableBuilder

from .conftest import DESIGNS

DATA = (Kind.database, Kind.cache)


def _from_scratch(design, space: Space, z, m, p, family):  # type: ignore[no-untyped-def]
    """(pool group cents, services group cents) per strategy, or None where it cannot plan."""
    planner = Planner()
    catalog = load_catalog(design.cloud.value)
    first = Candidate(*(axis[0] for axis in space.axes()))
    c = dataclasses.replace(
        first, zones=z, dr_strategy=SINGLE, purchase=p, node_family=family, load_multiplier=m
    )
    ctx = planner.context(candidate_design(design, c))
    services, _ = size_and_schedule(ctx, planner.memo.sizer)
    try:
        pools = planner.memo.pools.plan_pools(ctx, services)
    except DevopsPlanError:  # the sweep marks the group unplannable (-1)
        return None
    users = [s for s in services if s.kind not in DATA]
    out = []
    for s in space.dr_strategy:
        pool = price_cents(primary_components(ctx, s, services, pools, part="pools"), catalog)
        pool += price_cents(dr_components(ctx, s, services, pools, part="pools"), catalog)
        rest = price_cents(primary_components(ctx, s, users, [], part="services"), catalog)
        rest += price_cents(dr_components(ctx, s, users, [], part="services"), catalog)
        out.append((pool, rest))
    return out


@pytest.mark.parametrize(
    ("name", "zones", "loads"),
    [("shop", (2, 3), (0.5, 1.7)), ("storefront", (3,), (1.0,)), ("payments", (3,), (1.0,))],
)
def test_every_group_equals_the_planners_functions_from_scratch(name, zones, loads):
    """storefront deploys blue-green and canary (surge lines bought as their pools, on demand
    under a commitment); payments serves from two regions; every purchase option and family."""
    design = load_design(DESIGNS / f"{name}.yaml")
    catalog = load_catalog(design.cloud.value)
    space = design_space(design, zones=zones, load_multipliers=loads, catalog=catalog)
    tables = TableBuilder(design, space, catalog).build()
    checked = 0
    for zi, z in enumerate(space.zones):
        for li, m in enumerate(space.load_multiplier):
            for pi, p in enumerate(space.purchase):
                for fi, family in enumerate(space.node_family):
                    expected = _from_scratch(design, space, z, m, p, family)
                    got = tables.pool[zi, li, fi, pi]
                    if expected is None:
                        assert (got == -1).all()
                        continue
                    assert list(got) == [pool for pool, _ in expected], (z, m, p, family)
                    rest = [r for _, r in expected]
                    assert list(tables.compute[zi, li, pi]) == rest, (z, m, p)
                    checked += 1
    assert checked >= len(space.purchase) * len(space.zones)
    assert np.all(tables.pool[tables.pool >= 0] > 0)
