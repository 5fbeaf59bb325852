"""What runs in each region and what it costs: counts from the plan's `deployments` (the
engine's own numbers), monthly costs summed from its priced line items by resource
(`node-pool/<name>`, `db/<name>`, ...). The only diagram code that reads line items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ...design import Platform
from ...plan import Plan

# Line items whose cost is a service's compute: its share of a node pool, its VMs, containers.
_COMPUTE = ("node-pool/", "vm/", "containers/")


@dataclass(frozen=True)
class Running:
    """Instances running (nodes of a pool, cache nodes): at the peak, the fewest in any hour
    when they autoscale, and their monthly cost."""

    count: int
    monthly_cost: Decimal
    low: int = 0


@dataclass(frozen=True)
class Copies:
    """Cross-region copies of a service billed in a region: GiB per kind of copy and the cost.
    In the region that keeps them, the stored copies; in the primary, the transfer that
    makes them."""

    gib: tuple[tuple[str, float], ...]
    monthly_cost: Decimal


@dataclass(frozen=True)
class Deployed:
    """What runs in one region and its monthly cost, by node pool or service name.

    `compute` is a service's compute here (its share of the node pools, its VMs or
    containers); `replicas` counts the instances of VM and container services;
    `database_replicas` are cross-region replicas kept for DR; `replication_traffic`
    is billed in the region the data leaves.
    """

    region: str
    control_plane: Decimal | None = None
    standby_control_plane: Decimal | None = None
    pools: Mapping[str, Running] = field(default_factory=dict)
    compute: Mapping[str, Decimal] = field(default_factory=dict)
    replicas: Mapping[str, int] = field(default_factory=dict)
    load_balancers: Mapping[str, Decimal] = field(default_factory=dict)
    idle_load_balancers: Mapping[str, Decimal] = field(default_factory=dict)
    databases: Mapping[str, Decimal] = field(default_factory=dict)
    database_replicas: Mapping[str, Decimal] = field(default_factory=dict)
    caches: Mapping[str, Running] = field(default_factory=dict)
    warm_caches: Mapping[str, Decimal] = field(default_factory=dict)
    buckets: Mapping[str, Decimal] = field(default_factory=dict)
    queues: Mapping[str, Decimal] = field(default_factory=dict)
    copies: Mapping[str, Copies] = field(default_factory=dict)
    replication_traffic: Mapping[str, Decimal] = field(default_factory=dict)
    internet: Mapping[str, Decimal] = field(default_factory=dict)
    shared: Mapping[str, Decimal] = field(default_factory=dict)


# What a region shares, by the resource ids the footprint declares, as the diagram names it.
_SHARED = {
    "nat-gateway": "NAT",
    "network": "inter-zone",
    "observability": "logs and metrics",
    "private-endpoint/": "private endpoints",
    "global-routing": "global routing",
}


@dataclass
class _Sums:
    """One region's line items summed by resource id, and compute cost by service."""

    cost: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    components: dict[str, list[tuple[str, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    compute: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def by_kind(self, kind: str) -> dict[str, Decimal]:
        """Cost of every `<kind>/<name>` resource, by name."""
        prefix = f"{kind}/"
        return {r.removeprefix(prefix): c for r, c in self.cost.items() if r.startswith(prefix)}

    def running(
        self, kind: str, counts: Mapping[str, int], lows: Mapping[str, int] | None = None
    ) -> dict[str, Running]:
        """Each `<kind>/<name>` priced here: how many run (the plan's count, and the fewest in
        any hour) and its cost."""
        lows = lows or {}
        return {
            name: Running(counts.get(name, 0), cost, lows.get(name, counts.get(name, 0)))
            for name, cost in self.by_kind(kind).items()
        }

    def shared(self) -> dict[str, Decimal]:
        """The region's shared costs (NAT, inter-zone traffic, logs and metrics, endpoints,
        global routing), by the name the diagram shows."""
        out: dict[str, Decimal] = {}
        for resource, cost in self.cost.items():
            for prefix, name in _SHARED.items():
                if resource == prefix or (prefix.endswith("/") and resource.startswith(prefix)):
                    out[name] = out.get(name, Decimal(0)) + cost
        return out

    def internet(self) -> dict[str, Decimal]:
        """What each entrypoint's responses to the internet cost here (straight out or from a
        CDN's edge)."""
        out = self.by_kind("internet")
        for name, cost in self.by_kind("cdn").items():
            out[name] = out.get(name, Decimal(0)) + cost
        return out


def deployments(plan: Plan) -> dict[str, Deployed]:
    """What runs in each region that has a priced line item, by region."""
    sums: dict[str, _Sums] = defaultdict(_Sums)
    for i in plan.cost.line_items:
        here = sums[i.region]
        here.cost[i.resource] += i.monthly_cost
        here.components[i.resource].append((i.component, i.quantity))
        if i.resource.startswith(_COMPUTE):
            here.compute[i.service] += i.monthly_cost
    return {region: _deployed(plan, region, s) for region, s in sums.items()}


def _deployed(plan: Plan, region: str, sums: _Sums) -> Deployed:
    here = plan.deployments.get(region)
    count = {} if here is None else here.node_pools
    low = {} if here is None else here.min_node_pools
    nodes = {} if here is None else {name: c.nodes for name, c in here.caches.items()}
    # The diagram counts replicas only where each is an instance (VMs, containers); pods are
    # shown as their node pool.
    own = {s.name for s in plan.services if s.platform in (Platform.vm, Platform.managed)}
    replicas = {} if here is None else {n: r for n, r in here.replicas.items() if n in own}
    return Deployed(
        region=region,
        control_plane=sums.cost.get("kubernetes"),
        standby_control_plane=sums.cost.get("dr-kubernetes"),
        pools=sums.running("node-pool", count, low),
        compute=dict(sums.compute),
        replicas=replicas,
        load_balancers=sums.by_kind("load-balancer"),
        idle_load_balancers=sums.by_kind("dr-load-balancer"),
        databases=sums.by_kind("db"),
        database_replicas=sums.by_kind("dr-db"),
        caches=sums.running("cache", nodes),
        warm_caches=sums.by_kind("dr-cache"),
        buckets=sums.by_kind("bucket"),
        queues=sums.by_kind("queue"),
        copies={
            name: Copies(tuple(sums.components[f"dr-backup/{name}"]), cost)
            for name, cost in sums.by_kind("dr-backup").items()
        },
        replication_traffic=sums.by_kind("dr-replication"),
        internet=sums.internet(),
        shared=sums.shared(),
    )
