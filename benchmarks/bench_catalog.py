"""Benchmark: load each shipped price catalog cold, then 10,000 lookups.

    .venv/bin/python -m benchmarks.bench_catalog

Prints the cold load time (CSV parse, validation, indexing) per cloud, the time of
10,000 `Catalog.price` lookups (a seeded mix of exact keys and keys that need the
engine/deployment resolution, first call and repeated), and of pricing 10,000 cost
components with `cost.price_components`. Best of REPEATS runs each.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from devops_plan.catalog import CLOUDS, clear_cache, load_catalog
from devops_plan.engine.cost import CostComponent, price_components

LOOKUPS = 10_000
REPEATS = 5


def best(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """(best, median) wall time in seconds over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def bench_cloud(cloud: str) -> str:
    def cold_load() -> object:
        clear_cache()
        return load_catalog(cloud)

    load_best, load_median = best(cold_load)
    catalog = load_catalog(cloud)
    rng = random.Random(42)
    rows = [rng.choice(catalog.rows) for _ in range(LOOKUPS)]
    # Half the keys as stored; half leave the deployment out, as the planner and the
    # CLI do, which goes through the resolution path (memoised after the first call).
    keys = [
        (p.product, p.region, p.purchase, p.engine, p.deployment if i % 2 else "")
        for i, p in enumerate(rows)
    ]

    def lookups() -> object:
        price = catalog.price
        return [price(a, b, c, engine=e, deployment=d) for a, b, c, e, d in keys]

    clear_cache()
    fresh = load_catalog(cloud)
    start = time.perf_counter()
    first = [fresh.price(a, b, c, engine=e, deployment=d) for a, b, c, e, d in keys]
    first_time = time.perf_counter() - start
    assert len(first) == LOOKUPS
    look_best, look_median = best(lookups)
    components = [
        CostComponent(
            service="svc",
            resource="r",
            component="c",
            product=p.product,
            region=p.region,
            purchase=p.purchase,
            quantity=Decimal(rng.randint(1, 500)),
            per="month" if p.unit == "GB-month" else "hour",
            engine=p.engine,
            deployment=p.deployment,
        )
        for p in rows
    ]
    cost_best, cost_median = best(lambda: price_components(components, catalog))
    return (
        f"{cloud:5} rows={len(catalog):6,}  cold load {load_best * 1000:7.1f} ms "
        f"(median {load_median * 1000:.1f})  |  {LOOKUPS:,} price() first pass "
        f"{first_time * 1000:6.1f} ms, repeated {look_best * 1000:6.1f} ms "
        f"({look_best / LOOKUPS * 1e6:.2f} us each, median {look_median * 1000:.1f} ms)  |  "
        f"{LOOKUPS:,} components priced {cost_best * 1000:6.1f} ms "
        f"(median {cost_median * 1000:.1f})"
    )


def main() -> None:
    print(f"price catalog benchmark: {LOOKUPS:,} lookups, best/median of {REPEATS} runs")
    for cloud in CLOUDS:
        print(bench_cloud(cloud))


if __name__ == "__main__":
    main()
