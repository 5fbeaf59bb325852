"""Evaluating every candidate: the four group tables broadcast over the grid, the Pareto
frontier of cost against availability and RTO, and the DataFrame `explore` returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..catalog import Catalog, catalog_path, load_catalog
from ..design import Design, Kind
from ..engine.collector import collector_paused
from ..engine.planner import Planner
from ..engine.recovery import Recovery
from ..engine.variants import serving_regions
from ..errors import DevopsPlanError
from .space import (
    DEFAULT_FAMILY,
    DIMENSIONS,
    Candidate,
    Space,
    check_space,
    default_data_purchases,
    design_space,
)
from .tables import TableBuilder, Tables


def _grid(t: Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cents, availability, meets-availability and plannable over the whole grid, flattened:
    the node-pool group, the rest of the stateless services' group and the data group.

    Grid axes: zones, strategy, purchase, data purchase, family, db, cache, load.
    """
    pool = np.transpose(t.pool, (0, 4, 3, 2, 1))[:, :, :, None, :, None, None, :]
    compute = np.transpose(t.compute, (0, 3, 2, 1))[:, :, :, None, None, None, None, :]
    data = np.transpose(t.data, (0, 4, 3, 1, 2))[:, :, None, :, None, :, :, None]
    avail = np.transpose(t.availability, (0, 4, 2, 3, 1))[:, :, None, None, None, :, :, :]
    meets = np.transpose(t.meets_availability, (0, 4, 2, 3, 1))[:, :, None, None, None, :, :, :]
    topo = t.topology[:, :, None, None, None, None, None, None]
    cents = pool + compute + data
    plannable = (pool >= 0) & (compute >= 0) & (data >= 0) & topo & ~np.isnan(avail)
    shape = np.broadcast_shapes(cents.shape, avail.shape, plannable.shape)
    return (
        np.broadcast_to(cents, shape).ravel(),
        np.broadcast_to(avail, shape).ravel(),
        np.broadcast_to(meets, shape).ravel(),
        np.broadcast_to(plannable, shape).ravel(),
    )


def pareto_mask(cost: Any, availability: Any, rto: Any) -> np.ndarray:
    """True for each point no other point beats: cost no higher, availability no lower, RTO no
    longer, and strictly better in one. Identical points are all kept. O(n log n + k n) for k
    distinct RTO values (four strategies give four).
    """
    c = np.asarray(cost)
    a = np.asarray(availability, dtype=float)
    r = np.asarray(rto)
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=bool)
    # Every point that dominates p sorts before p in (cost up, availability down, RTO up).
    order = np.lexsort((r, -a, c))
    cs, as_, rs = c[order], a[order], r[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (cs[1:] != cs[:-1]) | (as_[1:] != as_[:-1]) | (rs[1:] != rs[:-1])
    group = np.cumsum(new) - 1
    ua, ur = as_[new], rs[new]
    dominated = np.zeros(len(ua), dtype=bool)
    for level in np.unique(ur):
        # Best availability among earlier points with an RTO no longer than this level.
        vals = np.where(ur <= level, ua, -np.inf)
        best_before = np.empty_like(vals)
        best_before[0] = -np.inf
        np.maximum.accumulate(vals[:-1], out=best_before[1:])
        at = ur == level
        dominated[at] |= best_before[at] >= ua[at]
    out = np.empty(n, dtype=bool)
    out[order] = ~dominated[group]
    return out


def _current(design: Design, space: Space, catalog: Catalog) -> Candidate | None:
    """The candidate that is the design as written, when the sweep can express it."""
    if len(design.regions) > 2:
        return None
    try:
        core = Planner(catalog).core(design)
    except DevopsPlanError:
        return None
    stores = [s for s in core.services if s.kind in (Kind.database, Kind.cache)]
    # A purchase option no database or cache is sold under (a savings plan, spot) is priced
    # on demand (docs/pricing.md, "Purchase fallback"): that is the candidate it plans as.
    sold = default_data_purchases(design, catalog)
    data_purchase = {s.purchase if s.purchase in sold else "on_demand" for s in stores}
    db = {bool(s.multi_az) for s in stores if s.kind == Kind.database}
    cache = {bool(s.multi_az) for s in stores if s.kind == Kind.cache}
    if len(data_purchase) > 1 or len(db) > 1 or len(cache) > 1:
        return None
    return Candidate(
        zones=design.zones,
        dr_strategy=core.dr.strategy,
        purchase=core.ctx.purchase,
        data_purchase=data_purchase.pop() if data_purchase else None,
        node_family=None,
        db_multi_az=db.pop() if db else None,
        cache_multi_az=cache.pop() if cache else None,
        load_multiplier=1.0,
    )


def _index_of(space: Space, c: Candidate) -> int | None:
    axes = space.axes()
    values = c.values()
    if not all(v in axis for v, axis in zip(values, axes, strict=True)):
        return None
    idx = tuple(axis.index(v) for v, axis in zip(values, axes, strict=True))
    return int(np.ravel_multi_index(idx, space.shape))


def _flags(values: tuple[bool | None, ...], codes: np.ndarray) -> pd.arrays.BooleanArray:
    data = np.array([bool(v) for v in values], dtype=bool)[codes]
    mask = np.array([v is None for v in values], dtype=bool)[codes]
    return pd.arrays.BooleanArray(data, mask)


def _labels(values: tuple[str | None, ...], codes: np.ndarray, none: str | None) -> Any:
    """A categorical column; `None` values become `none`, or missing when `none` is None."""
    named = [v if v is not None else none for v in values]
    categories = [v for v in named if v is not None]
    remap = np.array([categories.index(v) if v is not None else -1 for v in named], dtype=np.int64)
    return pd.Categorical.from_codes(remap[codes], dtype=pd.CategoricalDtype(categories))


def explore(
    design: Design, space: Space | None = None, *, catalog: Catalog | None = None
) -> pd.DataFrame:
    """Every candidate of `space` (default: `design_space(design)`) with its monthly cost,
    availability, RTO and RPO, whether it meets the targets, and whether it is on the Pareto
    frontier of cost against availability and RTO.

    One row per candidate the planner can plan, in grid order (the index is the candidate's
    number in the grid); the others (a family whose nodes cannot hold a replica, a region with
    too few zones) are left out and counted in `df.attrs["unplannable"]` with their reasons.
    `monthly_cost_cents` is exact; `monthly_cost` is the same in currency units, for charts.
    """
    cloud = design.cloud.value
    catalog = catalog or load_catalog(cloud, catalog_path(cloud))
    space = space or design_space(design, catalog=catalog)
    check_space(design, space)
    with collector_paused():
        builder = TableBuilder(design, space, catalog)
        tables = builder.build()
        recovered, unplannable = builder.recoveries, builder.unplannable
        # Its memos are freed now, by reference counting, not walked by the collector next.
        del builder
    cents, availability, meets_availability, plannable = _grid(tables)
    rows = np.flatnonzero(plannable)
    codes = np.unravel_index(rows, space.shape)
    here = _current(design, space, catalog)
    flat = _index_of(space, here) if here is not None else None
    columns = _dimension_columns(space, codes)
    columns |= _figure_columns(
        design, space, recovered, (codes[1], cents[rows], availability[rows])
    )
    columns["meets_availability"] = meets_availability[rows]
    columns["meets_target"] &= columns["meets_availability"]
    columns["current"] = rows == flat if flat is not None else np.zeros(len(rows), dtype=bool)
    df = pd.DataFrame(columns, index=pd.Index(rows, name="candidate"))
    df = df[list(COLUMNS)]
    budget = design.budget.monthly if design.budget else None
    df.attrs.update(
        {
            "design": design.name,
            "currency": catalog.currency,
            "availability_target": design.targets.availability,
            "rto_target": int(design.targets.rto.total_seconds()),
            "rpo_target": int(design.targets.rpo.total_seconds()),
            "budget": None if budget is None else float(budget),
            "candidates": space.size,
            "unplannable": space.size - len(rows),
            "unplannable_reasons": sorted(unplannable),
        }
    )
    return df


# The DataFrame's columns: the candidate (with the regions its strategy serves from), then
# its figures and verdicts.
COLUMNS = (
    DIMENSIONS[0],
    "regions",
    *DIMENSIONS[1:],
    "monthly_cost",
    "monthly_cost_cents",
    "availability",
    "rto",
    "rpo",
    "meets_availability",
    "meets_target",
    "within_budget",
    "on_frontier",
    "current",
)


def _dimension_columns(space: Space, codes: tuple[np.ndarray, ...]) -> dict[str, Any]:
    """The columns that say which candidate a row is, from its grid coordinates."""
    zi, si, pi, qi, fi, di, ci, li = codes
    return {
        "zones": np.asarray(space.zones, dtype=np.int64)[zi],
        "regions": np.array([serving_regions(s) for s in space.dr_strategy])[si],
        "dr_strategy": _labels(space.dr_strategy, si, None),
        "purchase": _labels(space.purchase, pi, None),
        "data_purchase": _labels(space.data_purchase, qi, None),
        "node_family": _labels(space.node_family, fi, DEFAULT_FAMILY),
        "db_multi_az": _flags(space.db_multi_az, di),
        "cache_multi_az": _flags(space.cache_multi_az, ci),
        "load_multiplier": np.asarray(space.load_multiplier, dtype=float)[li],
    }


def _figure_columns(
    design: Design,
    space: Space,
    recovered: Mapping[str, Recovery],
    columns: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict[str, Any]:
    """Cost, availability, RTO/RPO and the verdicts: targets (RTO/RPO part), budget, frontier."""
    si, cost, avail = columns
    rto = np.array([recovered[s].rto_s for s in space.dr_strategy], dtype=np.int64)[si]
    rpo = np.array([recovered[s].rpo_s for s in space.dr_strategy], dtype=np.int64)[si]
    rto_t = int(design.targets.rto.total_seconds())
    rpo_t = int(design.targets.rpo.total_seconds())
    budget = design.budget.monthly if design.budget else None
    within = (
        pd.array([pd.NA] * len(cost), dtype="boolean")
        if budget is None
        else pd.arrays.BooleanArray(cost <= int(budget * 100), np.zeros(len(cost), dtype=bool))
    )
    return {
        "monthly_cost": cost / 100,
        "monthly_cost_cents": cost,
        "availability": avail,
        "rto": rto,
        "rpo": rpo,
        "meets_target": (rto <= rto_t) & (rpo <= rpo_t),
        "within_budget": within,
        "on_frontier": pareto_mask(cost, avail, rto),
    }


def frontier(df: pd.DataFrame, *, top: int | None = None, distinct: bool = True) -> pd.DataFrame:
    """The frontier's rows, those meeting the targets first, each part cheapest first.

    With `distinct`, candidates with the same cost, availability, RTO and RPO as an earlier
    one in grid order (e.g. the design's own node types and the family they resolve to) are
    left out.
    """
    rows = df[df["on_frontier"]]
    if distinct:
        rows = rows[~rows.duplicated(["monthly_cost_cents", "availability", "rto", "rpo"])]
    ordered = rows.sort_values(
        ["meets_target", "monthly_cost_cents", "availability", "rto"],
        ascending=[False, True, False, True],
        kind="stable",
    )
    return ordered if top is None else ordered.head(top)
