"""Variants that keep their base's sizing: a design that changes only databases and caches
(what the decisions weigh one database at a time) is planned from its base pass's flows,
stateless services and node pools, and must come out exactly as a full pass over it."""

from __future__ import annotations

import pytest

from devops_plan import Planner, load_design
from devops_plan.design import CacheService, DatabaseService, Design
from devops_plan.engine.alternatives import alternatives
from devops_plan.engine.context import PlanOptions
from devops_plan.engine.core import Core, stores_only_change
from devops_plan.engine.variants import with_load, with_service

from .conftest import DESIGNS


def _store_variants(design: Design, core: Core) -> list[Design]:
    """Every database's other engines and its Multi-AZ flipped; every cache's Multi-AZ."""
    out = []
    for s in design.services:
        if isinstance(s, DatabaseService):
            out += [with_service(design, s.name, engine=e) for e in alternatives(core, s.name)]
        if isinstance(s, DatabaseService | CacheService):
            flipped = not next(p for p in core.services if p.name == s.name).multi_az
            out.append(with_service(design, s.name, multi_az=flipped))
    return out


@pytest.mark.parametrize(
    ("case", "cloud"),
    [
        ("shop", "aws"),
        ("shop", "gcp"),
        ("payments", "aws"),
        ("payments", "azure"),
        ("startup", None),
    ],
)
def test_a_stores_variant_planned_from_its_base_equals_a_full_pass(
    case: str, cloud: str | None
) -> None:
    design = load_design(DESIGNS / f"{case}.yaml")
    options = PlanOptions(cloud=cloud, allow_missing_prices=True)
    planner = Planner()
    base = planner.core(design, options)
    variants = _store_variants(design, base)
    assert variants
    for variant in variants:
        assert stores_only_change(design, variant)
        kept = planner.variant(variant, options, base=base)
        full = Planner().variant(variant, options)
        assert (kept is None) == (full is None)
        if kept is None or full is None:
            continue
        assert kept == full
        assert kept.monthly_total == full.monthly_total
        assert kept.warnings == full.warnings


def test_what_is_not_a_stores_only_change() -> None:
    design = load_design(DESIGNS / "shop.yaml")
    db = next(s for s in design.services if isinstance(s, DatabaseService))
    stateless = next(
        s for s in design.services if not isinstance(s, DatabaseService | CacheService)
    )
    bigger_calls = db.call.model_copy(update={"response_kib": 64.0})
    assert stores_only_change(design, with_service(design, db.name, engine="aurora-postgresql"))
    assert not stores_only_change(design, design.model_copy(update={"zones": 2}))
    assert not stores_only_change(design, with_load(design, 2.0))
    assert not stores_only_change(design, with_service(design, stateless.name, entrypoint=False))
    assert not stores_only_change(design, with_service(design, db.name, call=bigger_calls))
