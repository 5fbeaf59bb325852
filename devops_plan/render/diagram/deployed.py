"""What runs in each region and what it costs: counts from the plan's `deployments` (the
engine's own numbers), monthly costs from `render.costs` (the priced line items summed by
region and resource, the same sums the report's cost table shows). The only diagram code
that reads costs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ...design import Platform
from ...plan import Plan
from ..costs import ResourceCost, resource_costs

# Resources whose cost is a service's compute: its share of a node pool, its VMs, containers.
COMPUTE_KINDS = ("node-pool", "vm", "containers")


@dataclass(frozen=True)
class Running:
    """Instances running all month (nodes of a pool, cache nodes) and what they cost."""

    count: int
    cost: ResourceCost

    @property
    def monthly_cost(self) -> Decimal:
        return self.cost.monthly_cost


@dataclass(frozen=True)
class Deployed:
    """What runs in one region and what each of its resources costs there.

    `resources` are the region's priced resources by id (`db/orders-db`, `nat-gateway`);
    `pools` and `caches` add the plan's counts; `replicas` counts the instances of VM and
    container services.
    """

    region: str
    resources: Mapping[str, ResourceCost] = field(default_factory=dict)
    pools: Mapping[str, Running] = field(default_factory=dict)
    caches: Mapping[str, Running] = field(default_factory=dict)
    replicas: Mapping[str, int] = field(default_factory=dict)

    def cost(self, kind: str, name: str = "") -> ResourceCost | None:
        """The resource `<kind>/<name>` (or `<kind>` alone) priced here, if any."""
        return self.resources.get(f"{kind}/{name}" if name else kind)

    def named(self, kind: str) -> dict[str, ResourceCost]:
        """Every `<kind>/<name>` resource priced here, by name."""
        return {c.name: c for c in self.resources.values() if c.kind == kind and c.name}

    def compute(self, service: str) -> ResourceCost | None:
        """The resource that carries the service's compute here (a node pool it shares, its
        VMs or containers)."""
        return next(
            (
                c
                for c in self.resources.values()
                if c.kind in COMPUTE_KINDS and any(name == service for name, _ in c.shares)
            ),
            None,
        )


def deployments(plan: Plan) -> dict[str, Deployed]:
    """What runs in each region that has a priced resource, by region."""
    by_region: dict[str, dict[str, ResourceCost]] = defaultdict(dict)
    for cost in resource_costs(plan):
        by_region[cost.region][cost.resource] = cost
    return {region: _deployed(plan, region, found) for region, found in by_region.items()}


def _deployed(plan: Plan, region: str, resources: dict[str, ResourceCost]) -> Deployed:
    here = plan.deployments.get(region)
    count = {} if here is None else here.node_pools
    nodes = {} if here is None else {name: c.nodes for name, c in here.caches.items()}
    # The diagram counts replicas only where each is an instance (VMs, containers); pods are
    # shown as their node pool.
    own = {s.name for s in plan.services if s.platform in (Platform.vm, Platform.managed)}
    replicas = {} if here is None else {n: r for n, r in here.replicas.items() if n in own}
    found = Deployed(region, resources)
    return Deployed(
        region=region,
        resources=resources,
        pools={n: Running(count.get(n, 0), c) for n, c in found.named("node-pool").items()},
        caches={n: Running(nodes.get(n, 0), c) for n, c in found.named("cache").items()},
        replicas=replicas,
    )
