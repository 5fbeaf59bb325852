"""Node pools: which instance type, and how many nodes, hold the planned pods at the lowest cost.

Pure given a Context; a `PoolPlanner` (owned by a Planner) remembers node shapes, lower bounds
and packings, which are pure too, so variants of a design (decisions, suggestions, the
explorer's sweep) reuse them.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..catalog import Price
from ..design import Kind, Platform
from ..errors import PlanningError
from .context import HOURS, QUANTITY, Context
from .formulas import (
    NodeShape,
    PodGroup,
    node_shape,
    nodes_lower_bound,
    pack_first_fit_decreasing,
    pod_totals,
)
from .services import ServicePlan, allowed_type, purchase_parts

_CENT = Decimal("0.01")
CANDIDATES = 5  # the cheapest instance types a pool reports (the decision's options)


@dataclass(frozen=True)
class PoolCandidate:
    instance_type: str
    nodes: int
    monthly_cost: Decimal


@dataclass(frozen=True)
class NodePoolPlan:
    name: str
    instance_type: str
    nodes: int
    zones: int
    max_pods: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int
    cpu_utilization: float
    memory_utilization: float
    purchase: str
    services: tuple[str, ...]
    shares: tuple[tuple[str, Decimal], ...]  # service -> share of the pool's cost
    candidates: tuple[PoolCandidate, ...] = field(default=())
    # Nodes in each hour of the day as the services autoscale (the peak count every hour
    # when they do not); the cluster autoscaler's min and max are its extremes.
    hourly_nodes: tuple[int, ...] = field(default=())

    @property
    def min_nodes(self) -> int:
        return min(self.hourly_nodes, default=self.nodes)


def node_shapes(ctx: Context, purchase: str) -> list[tuple[Price, NodeShape]]:
    """Every allowed instance type sold as `purchase`, with what a node of it offers pods."""
    rules = ctx.sizing.allocatable[ctx.cloud]
    allow = ctx.design.defaults.node_types
    out = []
    for price in ctx.catalog.products(ctx.primary, category="compute", purchase=purchase):
        if not allowed_type(price, allow, min_vcpu=2) or not price.vcpu or not price.memory_gib:
            continue
        try:
            shape = node_shape(price.product, price.vcpu, price.memory_gib, rules)
        except KeyError:
            continue
        if shape.allocatable_cpu_m > 0 and shape.allocatable_memory_mib > 0 and shape.pod_slots > 0:
            out.append((price, shape))
    return out


def shares(pods: Sequence[PodGroup]) -> tuple[tuple[str, Decimal], ...]:
    """Each service's share of a shared pool: the mean of its CPU and memory shares."""
    cpu = sum(g.cpu_m * g.pods for g in pods) or 1
    mem = sum(g.memory_mib * g.pods for g in pods) or 1
    raw = [
        (g.service, (Decimal(g.cpu_m * g.pods) / cpu + Decimal(g.memory_mib * g.pods) / mem) / 2)
        for g in pods
    ]
    out = [(name, share.quantize(QUANTITY)) for name, share in raw]
    # Give the rounding remainder to the largest share so the shares sum to exactly 1.
    gap = Decimal(1) - sum(s for _, s in out)
    top = max(range(len(out)), key=lambda i: out[i][1])
    out[top] = (out[top][0], out[top][1] + gap)
    return tuple(out)


class _Packings:
    """One set of pods: its lower bound and first-fit-decreasing packing per node shape."""

    def __init__(self, pods: tuple[PodGroup, ...]) -> None:
        self.pods = pods
        self.bounds: dict[NodeShape, int] = {}
        self.packed: dict[NodeShape, int | None] = {}
        self._shares: tuple[tuple[str, Decimal], ...] | None = None
        self.totals = pod_totals(pods)

    def shares(self) -> tuple[tuple[str, Decimal], ...]:
        if self._shares is None:
            self._shares = shares(self.pods)
        return self._shares

    def bound(self, shape: NodeShape) -> int:
        found = self.bounds.get(shape)
        if found is None:
            found = self.bounds[shape] = nodes_lower_bound(self.pods, shape, self.totals)
        return found

    def pack(self, shape: NodeShape) -> int | None:
        if shape not in self.packed:
            self.packed[shape] = pack_first_fit_decreasing(self.pods, shape)
        return self.packed[shape]


class PoolPlanner:
    """Plans node pools, remembering shapes, bounds and packings between calls.

    The memo keys carry everything the values depend on (catalog, cloud, region, purchase
    option, allowed types, pods), so one planner can serve many variants of a design.
    """

    MAX_ENTRIES = 20_000  # memory stays bounded in a long notebook session

    def __init__(self) -> None:
        self.shapes: dict[tuple[Any, ...], list[tuple[Price, NodeShape]]] = {}
        # Per pods, then per node shape: a tuple of hundreds of pod groups is hashed once per
        # pool, not once per shape looked up.
        self.packings: dict[tuple[PodGroup, ...], _Packings] = {}
        self.hourly: dict[tuple[Any, ...], tuple[int, ...]] = {}
        self.hours: dict[tuple[Any, ...], tuple[tuple[int, ...], tuple[_Packings, ...]]] = {}

    def clear(self) -> None:
        self.shapes.clear()
        self.packings.clear()
        self.hourly.clear()
        self.hours.clear()

    def plan_pools(self, ctx: Context, services: Sequence[ServicePlan]) -> list[NodePoolPlan]:
        """One pool per (pool name, purchase option); the instance type with the lowest cost."""
        if len(self.packings) > self.MAX_ENTRIES:
            self.clear()
        groups: dict[tuple[str, str], list[ServicePlan]] = {}
        for s in services:
            if s.platform == Platform.kubernetes and s.kind == Kind.stateless and s.pool:
                for part in purchase_parts(s):
                    groups.setdefault((part.pool or s.pool, part.purchase), []).append(part)
        names = [p for p, _ in groups]
        return [
            self.plan_pool(
                ctx,
                pool if names.count(pool) == 1 else f"{pool}-{purchase.replace('_', '-')}",
                purchase,
                members,
            )
            for (pool, purchase), members in sorted(groups.items())
        ]

    def _shapes(self, ctx: Context, purchase: str) -> list[tuple[Price, NodeShape]]:
        # The catalog itself, not its id: a key holding it can never match a later catalog.
        key = (ctx.catalog, ctx.cloud, ctx.primary, purchase, ctx.design.defaults.node_types)
        found = self.shapes.get(key)
        if found is None:
            found = self.shapes[key] = node_shapes(ctx, purchase)
        return found

    def _cheapest(
        self, pods: tuple[PodGroup, ...], z: int, candidates: Sequence[tuple[Price, NodeShape]]
    ) -> list[tuple[Decimal, int, Price, NodeShape]]:
        """Packed pools for the types that can be among the CANDIDATES cheapest: the cheapest
        lower bounds are packed first, and the search stops once no type left can beat the
        last of them. Hourly cost, nodes, price, shape; cheapest first."""
        memo = self._packings(pods)
        bounded = sorted(
            (
                (memo.bound(shape) * z * price.unit_price, price, shape)
                for price, shape in candidates
            ),
            key=lambda t: (t[0], t[1].product),
        )
        results: list[tuple[Decimal, int, Price, NodeShape]] = []
        costs: list[Decimal] = []
        for bound, price, shape in bounded:
            if len(costs) >= CANDIDATES and bound > costs[CANDIDATES - 1]:
                break
            per_zone = memo.pack(shape)
            if per_zone is None:
                continue
            results.append((per_zone * z * price.unit_price, per_zone * z, price, shape))
            insort(costs, results[-1][0])
        # On equal cost prefer more, smaller nodes: losing one costs less capacity.
        results.sort(key=lambda r: (r[0], -r[1], r[2].product))
        return results

    def plan_pool(
        self, ctx: Context, name: str, purchase: str, members: Sequence[ServicePlan]
    ) -> NodePoolPlan:
        z = ctx.zones
        pods = tuple(
            PodGroup(s.name, s.cpu_request_m or 0, s.memory_request_mib or 0, s.replicas // z)
            for s in members
        )
        candidates = self._shapes(ctx, purchase)
        if not candidates:
            raise PlanningError(
                f"node pool {name!r}: no allowed {ctx.cloud} instance type in {ctx.primary} "
                f"is sold as {purchase} (defaults.node_types: {ctx.design.defaults.node_types})"
            )
        results = self._cheapest(pods, z, candidates)
        if not results:
            biggest = max(members, key=lambda s: (s.cpu_request_m or 0, s.memory_request_mib or 0))
            raise PlanningError(
                f"service {biggest.name!r}: a replica of {biggest.cpu_request_m}m CPU and "
                f"{biggest.memory_request_mib} MiB fits no allowed {ctx.cloud} node type in "
                f"{ctx.primary}; lower replica.cpu/memory_mib or allow larger node_types"
            )
        _, nodes, price, shape = results[0]
        hourly = self._hourly_nodes(members, z, shape, nodes)
        cpu_req = sum(g.cpu_m * g.pods for g in pods) * z
        mem_req = sum(g.memory_mib * g.pods for g in pods) * z
        return NodePoolPlan(
            name=name,
            instance_type=price.product,
            nodes=nodes,
            zones=z,
            max_pods=shape.max_pods,
            allocatable_cpu_m=shape.allocatable_cpu_m,
            allocatable_memory_mib=shape.allocatable_memory_mib,
            cpu_utilization=round(cpu_req / (nodes * shape.allocatable_cpu_m), 4),
            memory_utilization=round(mem_req / (nodes * shape.allocatable_memory_mib), 4),
            purchase=purchase,
            services=tuple(s.name for s in members),
            shares=self._packings(pods).shares(),
            candidates=tuple(
                PoolCandidate(r[2].product, r[1], (r[0] * HOURS).quantize(_CENT))
                for r in results[:CANDIDATES]
            ),
            hourly_nodes=hourly,
        )

    def alternatives(
        self, ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
    ) -> dict[tuple[str, str], NodePoolPlan]:
        """Each pool on each of its candidate types (the decision's options), with the nodes
        it would run hour by hour on that type."""
        out = {}
        for pool in pools:
            members = [s for s in services if s.name in pool.services]
            shapes = {price.product: shape for price, shape in self._shapes(ctx, pool.purchase)}
            for cand in pool.candidates:
                shape = shapes.get(cand.instance_type)
                if shape is None:
                    continue
                hourly = self._hourly_nodes(members, ctx.zones, shape, cand.nodes)
                out[(pool.name, cand.instance_type)] = replace(
                    pool, instance_type=cand.instance_type, nodes=cand.nodes, hourly_nodes=hourly
                )
        return out

    def _hourly_nodes(
        self, members: Sequence[ServicePlan], z: int, shape: NodeShape, peak: int
    ) -> tuple[int, ...]:
        """Nodes hour by hour: each hour's pods (a zone's share of each service's replicas,
        rounded up) packed on the pool's type; hours with the same pods are packed once."""
        if not all(s.hourly_replicas for s in members):
            return ()
        pods = tuple(
            (s.name, s.cpu_request_m or 0, s.memory_request_mib or 0, s.hourly_replicas)
            for s in members
        )
        key = (pods, z, shape, peak)
        found = self.hourly.get(key)
        if found is None:
            index, packings = self._hours(pods, z)
            nodes = []
            for memo in packings:
                per_zone = memo.pack(shape)
                nodes.append(peak if per_zone is None else min(peak, per_zone * z))
            found = self.hourly[key] = tuple(nodes[i] for i in index)
        return found

    def _hours(
        self, members: tuple[tuple[str, int, int, tuple[int, ...]], ...], z: int
    ) -> tuple[tuple[int, ...], tuple[_Packings, ...]]:
        """The different pods the day's hours run (each with its packings) and which of them
        each hour runs: the same for every instance type a pool is tried on."""
        found = self.hours.get((members, z))
        if found is None:
            index: list[int] = []
            distinct: dict[tuple[PodGroup, ...], int] = {}
            for hour in range(len(members[0][3])):
                pods = tuple(
                    PodGroup(name, cpu, memory, -(-hourly[hour] // z))
                    for name, cpu, memory, hourly in members
                )
                index.append(distinct.setdefault(pods, len(distinct)))
            packings = tuple(self._packings(pods) for pods in distinct)
            found = self.hours[(members, z)] = (tuple(index), packings)
        return found

    def _packings(self, pods: tuple[PodGroup, ...]) -> _Packings:
        memo = self.packings.get(pods)
        if memo is None:
            memo = self.packings[pods] = _Packings(pods)
        return memo


__all__ = ["NodePoolPlan", "PoolCandidate", "PoolPlanner", "node_shapes", "shares"]
