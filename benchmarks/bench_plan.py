"""Benchmark: planning a generated 200-service design in-process (target < 0.5 s).

Two figures: a cold plan (a fresh Planner and a freshly loaded catalog, so the sizing,
packing and catalog-query memos are empty; loading is not timed) and a replan of the same
design with the same Planner (what the explorer does when a control moves back and forth).

Run: python -m benchmarks.bench_plan
"""

from __future__ import annotations

import statistics
import time

from devops_plan import Planner
from devops_plan.catalog import clear_cache, load_catalog

from .synthetic import synthetic_design


def main(n_services: int = 200, repeats: int = 7) -> dict[str, float]:
    cold = []
    for seed in range(repeats):
        design = synthetic_design(n_services, seed=seed)
        clear_cache()
        planner = Planner(load_catalog("aws"))
        start = time.perf_counter()
        plan = planner.plan(design)
        cold.append(time.perf_counter() - start)
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        planner.plan(design)
        warm.append(time.perf_counter() - start)
    figures = {
        "cold_median_s": statistics.median(cold),
        "cold_max_s": max(cold),
        "replan_median_s": statistics.median(warm),
    }
    print(
        f"plan {n_services} services (in-process; cold: fresh Planner and catalog): "
        f"cold median {figures['cold_median_s']:.3f} s (max {figures['cold_max_s']:.3f} s), "
        f"replan median {figures['replan_median_s']:.3f} s, over {repeats} runs; last plan: "
        f"{sum(s.replicas for s in plan.services)} replicas, {len(plan.node_pools)} pool(s), "
        f"{len(plan.cost.line_items)} line items, {len(plan.decisions)} decisions"
    )
    return figures


if __name__ == "__main__":
    main()
