"""Benchmark: planning a generated 200-service design in-process (target: under 0.5 s).

Two figures: a cold plan (a fresh Planner and a freshly loaded catalog, so the sizing,
packing and catalog-query memos are empty; loading is not timed) and a replan of the same
design with the same Planner (what the explorer does when a control moves back and forth).
Each is timed on the wall clock and in CPU time (`time.process_time`): on a machine shared
with other jobs the wall clock also counts the time spent waiting for a core, so the CPU
time is the figure the target is checked on; both are printed with the load average. A plan
pauses the garbage collector (engine/collector.py); the young collection it leaves for
later is run and timed inside each measurement, so nothing is left out.

Run: python -m benchmarks.bench_plan [--repeats N]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections.abc import Callable
from functools import partial

from devops_plan import Planner
from devops_plan.catalog import clear_cache, load_catalog

from .synthetic import synthetic_design

TARGET_S = 0.5
N_SERVICES = 200


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `work()` and the young collection it leaves behind."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    gc.collect(1)
    return time.perf_counter() - wall, time.process_time() - cpu


def verdict(seconds: float, target: float) -> str:
    return "met" if seconds < target else f"MISSED by {seconds - target:.3f} s"


def main(n_services: int = N_SERVICES, repeats: int = 7) -> dict[str, float]:
    load = os.getloadavg()[0]
    Planner(load_catalog("aws")).plan(synthetic_design(n_services, seed=repeats))  # warm-up
    cold: list[tuple[float, float]] = []
    for seed in range(repeats):
        design = synthetic_design(n_services, seed=seed)
        clear_cache()
        planner = Planner(load_catalog("aws"))
        cold.append(timed(partial(planner.plan, design)))
    plan = planner.plan(design)
    warm = [timed(partial(planner.plan, design)) for _ in range(repeats)]
    figures = {
        "cold_median_s": statistics.median(w for w, _ in cold),
        "cold_max_s": max(w for w, _ in cold),
        "cold_cpu_median_s": statistics.median(c for _, c in cold),
        "replan_median_s": statistics.median(w for w, _ in warm),
        "replan_cpu_median_s": statistics.median(c for _, c in warm),
        "load_average": load,
    }
    print(
        f"plan {n_services} services (in-process; cold: fresh Planner and catalog), medians of "
        f"{repeats}, load average {load:.1f} at the start: cold {figures['cold_median_s']:.3f} s "
        f"wall (max {figures['cold_max_s']:.3f} s), {figures['cold_cpu_median_s']:.3f} s CPU; "
        f"replan {figures['replan_median_s']:.3f} s wall, "
        f"{figures['replan_cpu_median_s']:.3f} s CPU; last plan: "
        f"{sum(s.replicas for s in plan.services)} replicas, {len(plan.node_pools)} pool(s), "
        f"{len(plan.cost.line_items)} line items, {len(plan.decisions)} decisions"
    )
    cpu, wall = figures["cold_cpu_median_s"], figures["cold_median_s"]
    print(
        f"target: plan of {n_services} services in-process < {TARGET_S:g} s: "
        f"CPU time {cpu:.3f} s {verdict(cpu, TARGET_S)}; "
        f"wall clock {wall:.3f} s {verdict(wall, TARGET_S)} (load average {load:.1f})"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    main(repeats=parser.parse_args().repeats)
