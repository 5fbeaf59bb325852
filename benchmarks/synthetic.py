"""A generated design of N services, for benchmarks: a tree of stateless services over
databases, caches, queues and buckets, with loads spread over two orders of magnitude."""

from __future__ import annotations

import random
from typing import Any

from devops_plan.design import Design


def synthetic_design(n_services: int, seed: int = 7, zones: int = 3) -> Design:
    return Design.model_validate(synthetic_data(n_services, seed, zones))


def synthetic_yaml(n_services: int, seed: int = 7, zones: int = 3) -> str:
    """The same design as a design file (block-style YAML, as people write them)."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(synthetic_data(n_services, seed, zones), buf)
    return buf.getvalue()


def synthetic_data(n_services: int, seed: int = 7, zones: int = 3) -> dict[str, Any]:
    """The generated design as the data of a design file."""
    rng = random.Random(seed)
    services: list[dict[str, object]] = []
    n_data = max(2, n_services // 5)
    n_stateless = n_services - n_data
    data_names = []
    for i in range(n_data):
        kind = ("database", "cache", "object_storage", "queue")[i % 4]
        name = f"{kind.replace('_', '-')}-{i}"
        data_names.append(name)
        svc: dict[str, object] = {"name": name, "kind": kind}
        if kind == "database":
            svc.update(
                engine="postgres",
                size={
                    "vcpu": rng.choice([2, 4, 8]),
                    "memory_gib": rng.choice([8, 16, 32]),
                    "storage_gib": rng.choice([100, 500, 1000]),
                },
            )
        elif kind == "cache":
            svc.update(engine="redis", size={"memory_gib": rng.choice([3, 6, 12])})
        elif kind == "object_storage":
            svc.update(
                size={"storage_gib": rng.choice([100, 1000, 5000])},
                transfer={"egress_gib_month": 500},
            )
        else:
            svc.update(messages_million_month=rng.choice([10, 100]))
        services.append(svc)
    stateless: list[dict[str, Any]] = []
    for i in range(n_stateless):
        name = f"svc-{i}"
        deps: list[str] = []
        if i > 0:
            deps.append(f"svc-{rng.randrange(0, i)}")  # a tree: no cycles
        deps.append(rng.choice(data_names))
        stateless.append(
            {
                "name": name,
                "kind": "stateless",
                "entrypoint": i == 0,
                "load": {
                    "peak_rps": rng.choice([20, 100, 400, 1500]),
                    "cpu_ms": rng.choice([5, 10, 20, 40]),
                    "memory_mib": rng.choice([256, 512, 1024]),
                },
                "depends_on": [],
                "_deps": deps,
            }
        )
    # Invert the tree so callers depend on callees (svc-0 is the entrypoint at the root).
    by_name = {s["name"]: s for s in stateless}
    for s in stateless:
        for dep in s.pop("_deps"):
            if dep in by_name:
                by_name[dep]["depends_on"].append(s["name"])
            else:
                s["depends_on"].append(dep)
    return {
        "name": f"synthetic-{n_services}",
        "cloud": "aws",
        "regions": ["us-east-1"],
        "zones": zones,
        "targets": {"availability": 99.9, "rto": "1h", "rpo": "15m", "latency_p95_ms": 300},
        "budget": {"monthly": 500000},
        "services": stateless + services,
    }


def chain_yaml(n_services: int) -> str:
    """A chain of `n_services` as a design file: svc-0 (the entrypoint) calls svc-1, which
    calls svc-2, ..., the last stateless service calls one database. The longest user path a
    design of that size can have: what a diagram's layout and a runbook's chains find hardest."""
    import io

    from ruamel.yaml import YAML

    services: list[dict[str, Any]] = []
    for i in range(n_services - 1):
        nxt = f"svc-{i + 1}" if i < n_services - 2 else "db"
        svc: dict[str, Any] = {
            "name": f"svc-{i}",
            "kind": "stateless",
            "load": {"peak_rps": 50, "cpu_ms": 10, "memory_mib": 256},
            "depends_on": [nxt],
        }
        if i == 0:
            svc["entrypoint"] = True
        services.append(svc)
    db = {"vcpu": 2, "memory_gib": 8, "storage_gib": 100}
    services.append({"name": "db", "kind": "database", "engine": "postgres", "size": db})
    data = {
        "name": f"chain-{n_services}",
        "cloud": "aws",
        "regions": ["us-east-1"],
        "zones": 3,
        "targets": {"availability": 99.9, "rto": "1h", "rpo": "15m", "latency_p95_ms": 300},
        "budget": {"monthly": 500000},
        "services": services,
    }
    yaml = YAML()
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
