"""Benchmark: planning a generated 200-service design in-process (target < 0.5 s).

Two figures: a cold plan (a design never planned before in this process, so the sizing
and packing caches are empty) and a replan of the same design (what the explorer does
when a control moves back and forth). The catalog is loaded once, as in a notebook.

Run: python -m benchmarks.bench_plan
"""

from __future__ import annotations

import statistics
import time

from devops_plan.catalog import load_catalog
from devops_plan.engine.formulas import p95_response_ms, size_replicas
from devops_plan.engine.pools import DEFAULT_PLANNER
from devops_plan.engine.services import _CLASS_CACHE
from devops_plan.plan import build_plan

from .synthetic import synthetic_design


def _clear() -> None:
    size_replicas.cache_clear()
    p95_response_ms.cache_clear()
    DEFAULT_PLANNER.clear()
    _CLASS_CACHE.clear()


def main(n_services: int = 200, repeats: int = 7) -> dict[str, float]:
    catalog = load_catalog("aws")
    cold = []
    for seed in range(repeats):
        design = synthetic_design(n_services, seed=seed)
        _clear()
        start = time.perf_counter()
        plan = build_plan(design, catalog=catalog)
        cold.append(time.perf_counter() - start)
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        build_plan(design, catalog=catalog)
        warm.append(time.perf_counter() - start)
    figures = {
        "cold_median_s": statistics.median(cold),
        "cold_max_s": max(cold),
        "replan_median_s": statistics.median(warm),
    }
    print(
        f"plan {n_services} services (in-process, catalog loaded once): "
        f"cold median {figures['cold_median_s']:.3f} s (max {figures['cold_max_s']:.3f} s), "
        f"replan median {figures['replan_median_s']:.3f} s, over {repeats} runs; last plan: "
        f"{sum(s.replicas for s in plan.services)} replicas, {len(plan.node_pools)} pool(s), "
        f"{len(plan.cost.line_items)} line items, {len(plan.decisions)} decisions"
    )
    return figures


if __name__ == "__main__":
    main()
