"""One region's drawing while it is assembled, and the boxes every region kind shares: node
pools spread over zones, a database with its standby and replicas, cache nodes, cross-region
copies, the call links between services, and the cost lines that say what each figure
includes."""

from __future__ import annotations

import itertools
import textwrap
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ...plan import Plan, ServiceOut
from ...units import format_money
from ..costs import ResourceCost, includes
from .deployed import Deployed
from .model import Box, Cost, Group, Link, box_id

LINE_CHARS = 32  # a box's lines wrap here, so that no box is wider than a zone needs


def per_month(value: Decimal, currency: str) -> str:
    return f"{format_money(value, currency)}/mo"


def wrap(text: str) -> tuple[str, ...]:
    return tuple(textwrap.wrap(text, LINE_CHARS, break_on_hyphens=False)) or ("",)


def cost_of(cost: ResourceCost) -> Cost:
    """The whole resource's figure, as drawn."""
    return Cost(cost.region, cost.resource, cost.monthly_cost)


def cost_lines(cost: ResourceCost, currency: str, what: str = "") -> tuple[str, ...]:
    """A resource's figure and what it includes, wrapped: "868.92 USD/mo: primary, storage,
    read replicas, replica storage"; transfer is marked with its monthly GB."""
    gb = cost.transfer_gb()
    parts = includes(cost) + (f", {gb:,.0f} GB" if gb else "")
    lead = f"{what} " if what else ""
    return wrap(f"{lead}{per_month(cost.monthly_cost, currency)}: {parts}")


def share_line(cost: ResourceCost, service: str, currency: str) -> tuple[str, Cost]:
    """A service's share of a shared resource (a node pool), and its figure."""
    amount = cost.share(service)
    what = f"pool {cost.name}" if cost.kind == "node-pool" else cost.resource
    text = f"share of {what}: {per_month(amount, currency)}"
    return text, Cost(cost.region, cost.resource, amount, service)


def spread(count: int, zones: int) -> list[int]:
    """`count` things spread evenly over `zones` zones, the remainder in the first zones."""
    zones = max(zones, 1)
    return [count // zones + (1 if i < count % zones else 0) for i in range(zones)]


@dataclass(frozen=True)
class Where:
    """What a region builder reads: the plan, what runs in the region being drawn, and what
    runs in the primary region (cross-region traffic is billed there)."""

    plan: Plan
    here: Deployed
    primary: Deployed

    @property
    def currency(self) -> str:
        return self.plan.currency


@dataclass
class RegionDrawing:
    """A region's drawing while it is being assembled."""

    name: str
    zones: list[str]
    top: list[Box] = field(default_factory=list)
    k8s: list[Box] = field(default_factory=list)
    zonal: dict[str, list[Box]] = field(default_factory=lambda: defaultdict(list))
    pools: dict[str, list[Box]] = field(default_factory=lambda: defaultdict(list))  # by zone
    front: dict[str, str] = field(default_factory=dict)  # service -> the box callers reach
    links: list[Link] = field(default_factory=list)

    def add_top(self, key: str, box: Box) -> None:
        """A box drawn in the region itself, reached by callers of `key`."""
        self.top.append(box)
        self.front[key] = box.id

    def add_service(self, s: ServiceOut, box: Box) -> None:
        """A stateless service: inside the Kubernetes cluster, or in the region itself."""
        (self.k8s if s.platform == "kubernetes" else self.top).append(box)
        self.front[s.name] = box.id

    def add_zonal(self, zone: str, key: str, box: Box) -> None:
        self.zonal[zone].append(box)
        self.front[key] = box.id

    def group(
        self,
        label: str,
        style: str,
        k8s_label: str,
        k8s_style: str,
        subnets: Mapping[tuple[str, str], str] | None = None,
    ) -> Group:
        """The region's cluster: the Kubernetes cluster, then each zone; with `subnets`
        ((zone, tier) -> label), a zone's node pools sit in its private subnet and its data
        in its isolated subnet."""
        inner: list[Group] = []
        if self.k8s:
            inner.append(Group(box_id(self.name, "k8s"), k8s_label, k8s_style, tuple(self.k8s)))
        for z in self.zones:
            pools, data = tuple(self.pools.get(z, ())), tuple(self.zonal.get(z, ()))
            if not (pools or data):
                continue
            if subnets is None:
                inner.append(Group(box_id(self.name, z), z, "zone", (*pools, *data)))
                continue
            tiers = [
                Group(box_id(self.name, z, tier), subnets.get((z, tier), tier), "subnet", boxes)
                for tier, boxes in (("private", pools), ("isolated", data))
                if boxes
            ]
            inner.append(Group(box_id(self.name, z), z, "zone", (), tuple(tiers)))
        return Group(box_id(self.name), label, style, tuple(self.top), tuple(inner))

    def boxes(self) -> list[Box]:
        return [
            *self.top,
            *self.k8s,
            *(b for z in self.pools.values() for b in z),
            *(b for z in self.zonal.values() for b in z),
        ]

    def layout(self, plan: Plan) -> tuple[list[Link], tuple[str, ...]]:
        """Invisible links that put the node pools on one row under the services, in zone
        order, and stack each zone's data in a column under its pool (a zone is one box
        wide, so three zones fit a page); the row of pool boxes."""
        row = tuple(b.id for z in self.zones for b in self.pools.get(z, ())[:1])
        links: list[Link] = []
        in_k8s = {b.id for b in self.k8s}
        stateless = {s.name for s in plan.services if s.kind == "stateless"}
        heads = [self.pools[z][0].id for z in self.zones if self.pools.get(z)]
        for s in plan.services:
            box = self.front.get(s.name)
            if box in in_k8s and not any(d in stateless for d in s.depends_on):
                links += [Link(box, head, "layout") for head in heads]
        for z in self.zones:
            column = [*self.pools.get(z, []), *self.zonal.get(z, [])]
            links += [Link(a.id, b.id, "layout") for a, b in itertools.pairwise(column)]
        return links, row

    def add_lines(self, service: str, lines: tuple[str, ...], costs: tuple[Cost, ...]) -> None:
        """Append lines (and their figures) to the box callers of `service` reach (its
        primary, for a database)."""
        target = self.front[service]
        for boxes in self.zonal.values():
            for i, box in enumerate(boxes):
                if box.id == target:
                    boxes[i] = Box(
                        box.id,
                        box.role,
                        box.title,
                        box.lines,
                        box.dormant,
                        (*box.costs, *costs),
                        (*box.money, *lines),
                    )


def load_balancer(r: RegionDrawing, s: ServiceOut, title: str, cost: ResourceCost, cur: str) -> Box:
    """The load balancer in front of entrypoint `s`, with what it costs here."""
    money = cost_lines(cost, cur)
    return Box(
        box_id(r.name, "lb", s.name),
        "lb",
        title,
        (f"to {s.name}",),
        costs=(cost_of(cost),),
        money=money,
    )


def service_box(
    s: ServiceOut,
    ident: str,
    replicas: int,
    compute: ResourceCost | None,
    cur: str,
    described: tuple[str, ...] = (),
) -> Box:
    """A stateless service: how many replicas of what (or `described`), and what its compute
    costs here (a share of a node pool, or its own VMs or containers)."""
    lines = tuple(described or _replica_lines(s, replicas))
    costs: tuple[Cost, ...] = ()
    money: tuple[str, ...] = ()
    if compute is not None and compute.kind == "node-pool":
        text, cost = share_line(compute, s.name, cur)
        money, costs = (text,), (cost,)
    elif compute is not None:
        money, costs = cost_lines(compute, cur), (cost_of(compute),)
    return Box(ident, stateless_role(s), s.name, lines, costs=costs, money=money)


def _replica_lines(s: ServiceOut, replicas: int) -> list[str]:
    if s.platform == "kubernetes":
        lines = [f"{replicas} pods over {s.zones} zone(s)"]
        if s.cpu_request_m and s.memory_request_mib:
            lines.append(f"{s.cpu_request_m}m CPU, {s.memory_request_mib} MiB each")
        return lines
    if s.platform == "vm":
        return [f"{replicas} x {s.instance_class} over {s.zones} zone(s)"]
    vcpu = (s.cpu_request_m or 1000) / 1000
    return [f"{replicas} containers x {vcpu:g} vCPU"]


def stateless_role(s: ServiceOut) -> str:
    return {"kubernetes": "pod", "vm": "vm", "managed": "containers"}.get(s.platform, "pod")


def add_pools(r: RegionDrawing, plan: Plan, here: Deployed) -> bool:
    """Each node pool running in the region, its nodes spread over the pool's zones; whether
    any runs."""
    drawn = False
    for pool in plan.node_pools:
        running = here.pools.get(pool.name)
        if running is not None:
            drawn = True
            _pool(r, pool.name, pool.instance_type, running.count, pool.zones)
    return drawn


def _pool(r: RegionDrawing, name: str, instance_type: str, nodes: int, pool_zones: int) -> None:
    zones = r.zones[: max(1, min(pool_zones, len(r.zones)))] or [""]
    for zone, n in zip(zones, spread(nodes, len(zones)), strict=True):
        if n:
            r.pools[zone].append(
                Box(
                    box_id(r.name, zone, "pool", name),
                    "node",
                    f"pool {name}",
                    (f"{n} x {instance_type}",),
                )
            )


def add_database(r: RegionDrawing, s: ServiceOut, cost: ResourceCost, cur: str) -> None:
    """The primary in the first zone, its Multi-AZ standby in the second, read replicas
    round the zones after them; the primary carries the cost of them all."""
    zones = r.zones or [""]
    primary = Box(
        box_id(r.name, zones[0], "db", s.name, "primary"),
        "database",
        s.name,
        (f"primary · {s.instance_class}", f"{s.engine or 'database'} · {s.storage_gib:g} GiB"),
        costs=(cost_of(cost),),
        money=cost_lines(cost, cur),
    )
    r.add_zonal(zones[0], s.name, primary)
    if s.multi_az and len(zones) >= 2:
        standby = Box(
            box_id(r.name, zones[1], "db", s.name, "standby"),
            "database",
            s.name,
            ("standby (Multi-AZ)", f"{s.instance_class} · sync replica"),
        )
        r.zonal[zones[1]].append(standby)
        r.links.append(Link(primary.id, standby.id, "sync", "sync"))
    first = 2 if s.multi_az and len(zones) >= 3 else (1 if len(zones) >= 2 else 0)
    for i in range(s.read_replicas):
        zone = zones[(first + i) % len(zones)]
        replica = Box(
            box_id(r.name, zone, "db", s.name, f"replica-{i + 1}"),
            "database",
            s.name,
            (f"read replica {i + 1}", f"{s.instance_class} · async"),
        )
        r.zonal[zone].append(replica)
        r.links.append(Link(primary.id, replica.id, "async", "async"))


def add_cache(r: RegionDrawing, s: ServiceOut, nodes: int, cost: ResourceCost, cur: str) -> None:
    """Cache nodes round the zones: the first is the primary (with the cost of all the
    nodes), the others its replicas."""
    zones = r.zones or [""]
    nodes = max(nodes, 1)
    first = ""
    for i in range(nodes):
        zone = zones[i % len(zones)]
        ident = box_id(r.name, zone, "cache", s.name, str(i + 1))
        if i == 0:
            extra = " (Multi-AZ)" if s.multi_az and nodes == 1 else ""
            lines = (f"primary · {s.instance_class}{extra}", f"{nodes} node(s)")
            money = cost_lines(cost, cur)
            box = Box(ident, "cache", s.name, lines, costs=(cost_of(cost),), money=money)
            first = box.id
            r.add_zonal(zone, s.name, box)
        else:
            r.zonal[zone].append(Box(ident, "cache", s.name, (f"replica · {s.instance_class}",)))
            r.links.append(Link(first, ident, "async", "async"))


def add_copies(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    """Cross-region copies kept in this region: snapshots of a database, a bucket's replica;
    with the transfer that copies them, billed in the primary region."""
    kept = at.here.cost("dr-backup", s.name)
    if kept is None:
        return
    lines = tuple(w for p in kept.parts for w in wrap(f"{p.component}: {p.quantity:,.0f} GiB"))
    money = list(cost_lines(kept, at.currency))
    costs = [cost_of(kept)]
    traffic = at.primary.cost("dr-backup", s.name)
    if traffic is not None and traffic is not kept:
        money += cost_lines(traffic, at.currency, "copy traffic")
        costs.append(cost_of(traffic))
    box = Box(
        box_id(r.name, "backup", s.name),
        "backup" if s.kind == "database" else "bucket",
        f"{s.name} copy",
        lines,
        costs=tuple(costs),
        money=tuple(money),
    )
    r.add_top(f"backup/{s.name}", box)


def calls(plan: Plan, r: RegionDrawing, style: str) -> list[Link]:
    """A link for each depends_on between services drawn in the region."""
    out = []
    for s in plan.services:
        tail = r.front.get(s.name)
        if tail is None:
            continue
        for dep in s.depends_on:
            head = r.front.get(dep)
            if head is not None:
                out.append(Link(tail, head, style))
    return out
