"""One region's drawing while it is assembled, and the boxes every region kind shares: node
pools spread over zones, a database with its standby and replicas, cache nodes, cross-region
copies and the call links between services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ...plan import Plan, ServiceOut
from ...units import format_money
from .deployed import Copies, Deployed
from .model import Box, Group, Link, box_id


def per_month(value: Decimal, currency: str) -> str:
    return f"{format_money(value, currency)}/mo"


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

    def layout(self, plan: Plan) -> tuple[list[Link], tuple[str, ...]]:
        """Invisible links that put the node pools on one row under the services, in zone
        order, and each zone's data under its pool; the row of pool boxes."""
        row = tuple(b.id for z in self.zones for b in self.pools.get(z, ()))
        links: list[Link] = []
        if not row:
            return links, row
        in_k8s = {b.id for b in self.k8s}
        stateless = {s.name for s in plan.services if s.kind == "stateless"}
        heads = [self.pools[z][0].id for z in self.zones if self.pools.get(z)]
        # Replication arcs between the data boxes need the room a spacer rank gives them.
        gap = "spacer" if any(link.style in ("sync", "async") for link in self.links) else "layout"
        for s in plan.services:
            box = self.front.get(s.name)
            if box in in_k8s and not any(d in stateless for d in s.depends_on):
                links += [Link(box, head, "layout") for head in heads]
        for z in self.zones:
            pools = self.pools.get(z, [])
            if pools:
                links += [Link(pools[-1].id, b.id, gap) for b in self.zonal.get(z, [])]
        return links, row

    def add_line(self, service: str, line: str) -> None:
        """Append a line to the box callers of `service` reach (its primary, for a database)."""
        target = self.front[service]
        for boxes in self.zonal.values():
            for i, box in enumerate(boxes):
                if box.id == target:
                    boxes[i] = Box(box.id, box.role, box.title, (*box.lines, line), box.dormant)


def load_balancer(
    r: RegionDrawing,
    s: ServiceOut,
    title: str,
    cost: Decimal,
    cur: str,
    *,
    internet: Decimal | None = None,
) -> Box:
    """The load balancer in front of entrypoint `s`, with what it costs here, and what its
    responses to the internet cost."""
    lines = [f"to {s.name}", per_month(cost, cur)]
    if internet:
        lines.append(f"to the internet {per_month(internet, cur)}")
    return Box(box_id(r.name, "lb", s.name), "lb", title, tuple(lines))


def service_lines(s: ServiceOut, replicas: int, cost: Decimal | None, cur: str) -> tuple[str, ...]:
    lines: list[str] = []
    if s.platform == "kubernetes":
        lines.append(f"{replicas} pods over {s.zones} zone(s)")
        if s.cpu_request_m and s.memory_request_mib:
            lines.append(f"{s.cpu_request_m}m CPU, {s.memory_request_mib} MiB each")
    elif s.platform == "vm":
        lines.append(f"{replicas} x {s.instance_class} over {s.zones} zone(s)")
    else:
        vcpu = (s.cpu_request_m or 1000) / 1000
        lines.append(f"{replicas} containers x {vcpu:g} vCPU")
    if cost is not None:
        lines.append(per_month(cost, cur))
    return tuple(lines)


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


def add_database(r: RegionDrawing, s: ServiceOut, cost: Decimal, cur: str) -> None:
    """The primary in the first zone, its Multi-AZ standby in the second, read replicas
    round the zones after them."""
    zones = r.zones or [""]
    primary = Box(
        box_id(r.name, zones[0], "db", s.name, "primary"),
        "database",
        s.name,
        (
            f"primary · {s.instance_class}",
            f"{s.engine or 'database'} · {s.storage_gib:g} GiB",
            f"{per_month(cost, cur)} (all instances)",
        ),
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
        r.links.append(Link(primary.id, standby.id, "sync"))
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
        r.links.append(Link(primary.id, replica.id, "async"))


def add_cache(r: RegionDrawing, s: ServiceOut, nodes: int, cost: Decimal, cur: str) -> None:
    """Cache nodes round the zones: the first is the primary, the others its replicas."""
    zones = r.zones or [""]
    nodes = max(nodes, 1)
    first = ""
    for i in range(nodes):
        zone = zones[i % len(zones)]
        if i == 0:
            extra = " (Multi-AZ)" if s.multi_az and nodes == 1 else ""
            lines: tuple[str, ...] = (
                f"primary · {s.instance_class}{extra}",
                f"{nodes} node(s) · {per_month(cost, cur)}",
            )
        else:
            lines = (f"replica · {s.instance_class}",)
        box = Box(box_id(r.name, zone, "cache", s.name, str(i + 1)), "cache", s.name, lines)
        if not first:
            first = box.id
            r.add_zonal(zone, s.name, box)
        else:
            r.zonal[zone].append(box)
            r.links.append(Link(first, box.id, "async"))


def add_copies(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    """Cross-region copies kept in this region: snapshots of a database, a bucket's replica;
    with the transfer that copies them, billed in the primary region."""
    kept: Copies | None = at.here.copies.get(s.name)
    if kept is None:
        return
    lines = [f"{c}: {q:,.0f} GiB" for c, q in kept.gib]
    lines.append(per_month(kept.monthly_cost, at.currency))
    traffic = at.primary.copies.get(s.name)
    if traffic is not None:
        lines.append(f"copy traffic {per_month(traffic.monthly_cost, at.currency)}")
    box = Box(
        box_id(r.name, "backup", s.name),
        "backup" if s.kind == "database" else "bucket",
        f"{s.name} copy",
        tuple(lines),
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
