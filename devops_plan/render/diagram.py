"""Architecture diagrams of a plan: regions, zones, load balancers, node pools, services,
databases and the DR region as the chosen strategy leaves it, drawn with the `diagrams`
package and rendered by Graphviz to DOT, SVG and PNG.

This is the only module that imports `diagrams`. Two of its habits are undone here so that
the outputs can live in a git repo: node ids are derived from names (it draws random UUIDs),
and icons are embedded in the SVG as `data:` URIs (it links them by absolute paths into the
local site-packages). The same plan gives byte-identical DOT, SVG and PNG.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import ExternalError
from ..plan import Plan, ServiceOut
from ..units import HOURS_PER_MONTH, format_duration, format_money

# --- the scene: what to draw, as plain frozen data (pure, no Graphviz) ---------------------


@dataclass(frozen=True)
class Box:
    """One drawn component: an icon (by role), a bold title and a few lines of numbers."""

    id: str
    role: str
    title: str
    lines: tuple[str, ...] = ()
    dormant: bool = False


@dataclass(frozen=True)
class Group:
    """A cluster: a region, a zone or a Kubernetes cluster."""

    id: str
    label: str
    style: str  # region | dr | zone | k8s | k8s-dormant
    boxes: tuple[Box, ...] = ()
    groups: tuple[Group, ...] = ()

    def walk(self) -> Iterator[Box]:
        yield from self.boxes
        for g in self.groups:
            yield from g.walk()


@dataclass(frozen=True)
class Link:
    """An edge: a call (depends_on), a replication or copy, a dormant call path, or an
    invisible one that only steers the layout."""

    tail: str
    head: str
    style: str  # call | sync | async | copy | dormant | layout | spacer
    label: str = ""


@dataclass(frozen=True)
class Scene:
    """Everything the diagram shows: top-level boxes, region groups, links, and rows of
    boxes to keep on one rank in the given left-to-right order (the zones, in order)."""

    name: str
    cloud: str
    title: tuple[str, ...]
    boxes: tuple[Box, ...]
    groups: tuple[Group, ...]
    links: tuple[Link, ...]
    rows: tuple[tuple[str, ...], ...] = ()

    def all_boxes(self) -> Iterator[Box]:
        yield from self.boxes
        for g in self.groups:
            yield from g.walk()


def _money(value: Decimal, currency: str) -> str:
    return f"{format_money(value, currency)}/mo"


def _words(strategy: str) -> str:
    return strategy.replace("_", " ")


def _id(*parts: str) -> str:
    # Design names, regions and zones are [a-z0-9-]; "__" cannot occur inside them.
    return "__".join(parts)


def _spread(count: int, zones: int) -> list[int]:
    """`count` things spread evenly over `zones` zones, the remainder in the first zones."""
    zones = max(zones, 1)
    return [count // zones + (1 if i < count % zones else 0) for i in range(zones)]


@dataclass
class _Region:
    """A region's drawing while it is being assembled."""

    name: str
    zones: list[str]
    top: list[Box] = field(default_factory=list)
    k8s: list[Box] = field(default_factory=list)
    zonal: dict[str, list[Box]] = field(default_factory=lambda: defaultdict(list))
    pools: dict[str, list[Box]] = field(default_factory=lambda: defaultdict(list))  # by zone
    front: dict[str, str] = field(default_factory=dict)  # service -> the box callers reach
    links: list[Link] = field(default_factory=list)

    def group(self, label: str, style: str, k8s_label: str, k8s_style: str) -> Group:
        inner: list[Group] = []
        if self.k8s:
            inner.append(Group(_id(self.name, "k8s"), k8s_label, k8s_style, tuple(self.k8s)))
        for z in self.zones:
            boxes = (*self.pools.get(z, ()), *self.zonal.get(z, ()))
            if boxes:
                inner.append(Group(_id(self.name, z), z, "zone", boxes))
        return Group(_id(self.name), label, style, tuple(self.top), tuple(inner))

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


class _Items:
    """The plan's priced line items, summed by (region, resource) and (region, service)."""

    def __init__(self, plan: Plan):
        self.cost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.hours: dict[tuple[str, str], float] = defaultdict(float)
        self.components: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
        self.service_compute: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for i in plan.cost.line_items:
            key = (i.region, i.resource)
            self.cost[key] += i.monthly_cost
            self.components[key].append((i.component, i.quantity))
            if i.unit == "hour":
                self.hours[key] += i.quantity
            if i.resource.startswith(("node-pool/", "vm/", "containers/")):
                self.service_compute[(i.region, i.service)] += i.monthly_cost

    def has(self, region: str, resource: str) -> bool:
        return (region, resource) in self.cost

    def count(self, region: str, resource: str) -> int:
        """Instances running all month: instance-hours over the 730-hour month."""
        return round(self.hours[(region, resource)] / HOURS_PER_MONTH)


def build_scene(plan: Plan) -> Scene:
    """What the diagram shows, derived from the plan's topology, services and line items."""
    items = _Items(plan)
    top = plan.topology
    serving = list(top.serving_regions)
    groups: list[Group] = []
    links: list[Link] = []
    rows: list[tuple[str, ...]] = []
    fronts: dict[str, dict[str, str]] = {}
    users = Box("users", "users", "users")
    built: list[tuple[_Region, str, str, str, str]] = []
    for idx, region in enumerate(serving):
        r = _serving_region(plan, region, items, primary=idx == 0)
        label = f"{region} · primary region" if idx == 0 else f"{region} · serving (active-active)"
        built.append((r, label, "region", _k8s_label(plan, region, items, standby=False), "k8s"))
        for s in plan.services:
            if (
                s.entrypoint
                and s.kind == "stateless"
                and _id(region, "lb", s.name) in r.front.values()
            ):
                links.append(Link(users.id, _id(region, "lb", s.name), "call"))
    if top.dr_region not in serving:
        r = _dr_region(plan, top.dr_region, items)
        d = plan.dr
        label = (
            f"{top.dr_region} · DR region: {_words(d.strategy)} "
            f"(RTO {format_duration(d.rto)}, RPO {format_duration(d.rpo)})"
        )
        built.append(
            (r, label, "dr", _k8s_label(plan, top.dr_region, items, standby=True), "k8s-dormant")
        )
    for r, label, style, k8s_label, k8s_style in built:
        groups.append(r.group(label, style, k8s_label, k8s_style))
        fronts[r.name] = r.front
        steer, row = r.layout(plan)
        links += r.links + steer
        if row:
            rows.append(row)
    links += _cross_region_links(plan, fronts)
    a = plan.availability
    cur = plan.currency
    title = (
        f"{plan.design}: {plan.description}" if plan.description else plan.design,
        f"{plan.cloud} {' + '.join(plan.regions)} · {plan.zones} zone(s) · {plan.purchase} · "
        f"prices as of {plan.catalog_as_of}",
        f"{plan.cost.monthly_total:,.2f} {cur} a month · availability {a.achieved:g}% "
        f"(target {a.target:g}%) · DR {_words(plan.dr.strategy)} "
        f"(RTO {format_duration(plan.dr.rto)}, RPO {format_duration(plan.dr.rpo)})",
    )
    return Scene(
        plan.design, plan.cloud, title, (users,), tuple(groups), tuple(_dedupe(links)), tuple(rows)
    )


def _dedupe(links: Iterable[Link]) -> list[Link]:
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        if (link.tail, link.head) not in seen:
            seen.add((link.tail, link.head))
            out.append(link)
    return out


def _k8s_label(plan: Plan, region: str, items: _Items, *, standby: bool) -> str:
    name = {"aws": "EKS", "gcp": "GKE", "azure": "AKS"}.get(plan.cloud, "Kubernetes")
    resource = "dr-kubernetes" if standby and items.has(region, "dr-kubernetes") else "kubernetes"
    parts = [f"Kubernetes ({name})"]
    if items.has(region, resource):
        state = " (standby)" if resource == "dr-kubernetes" else ""
        parts.append(
            f"control plane{state} {_money(items.cost[(region, resource)], plan.currency)}"
        )
    else:
        parts.append("not provisioned")
    for p in plan.node_pools:
        key = (region, f"node-pool/{p.name}")
        if key in items.cost:
            parts.append(
                f"pool {p.name}: {items.count(*key)} x {p.instance_type} "
                f"{_money(items.cost[key], plan.currency)}"
            )
    return " · ".join(parts)


def _service_lines(s: ServiceOut, replicas: int, cost: Decimal | None, cur: str) -> tuple[str, ...]:
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
        lines.append(_money(cost, cur))
    return tuple(lines)


def _stateless_role(s: ServiceOut) -> str:
    return {"kubernetes": "pod", "vm": "vm", "managed": "containers"}.get(s.platform, "pod")


def _serving_region(plan: Plan, region: str, items: _Items, *, primary: bool) -> _Region:
    cur = plan.currency
    r = _Region(region, list(plan.topology.zone_names.get(region, [])))
    for s in plan.services:
        if s.kind == "stateless":
            lb = f"load-balancer/{s.name}"
            if s.entrypoint and items.has(region, lb):
                box = Box(
                    _id(region, "lb", s.name),
                    "lb",
                    "load balancer",
                    (f"to {s.name}", _money(items.cost[(region, lb)], cur)),
                )
                r.top.append(box)
                r.front[f"lb/{s.name}"] = box.id
                r.links.append(Link(box.id, _id(region, "svc", s.name), "call"))
            replicas = s.replicas if primary else (_replicas_in(s, region, items) or s.replicas)
            box = Box(
                _id(region, "svc", s.name),
                _stateless_role(s),
                s.name,
                _service_lines(s, replicas, items.service_compute.get((region, s.name)), cur),
            )
            (r.k8s if s.platform == "kubernetes" else r.top).append(box)
            r.front[s.name] = box.id
        elif s.kind == "database" and items.has(region, f"db/{s.name}"):
            _database(r, s, items.cost[(region, f"db/{s.name}")], cur)
            traffic = items.cost.get((plan.topology.primary_region, f"dr-replication/{s.name}"))
            if not primary and traffic is not None:
                _add_line(r, s.name, f"replication traffic {_money(traffic, cur)}")
        elif s.kind == "cache" and items.has(region, f"cache/{s.name}"):
            resource = f"cache/{s.name}"
            _cache(r, s, items.count(region, resource), items.cost[(region, resource)], cur)
        elif s.kind == "object_storage" and items.has(region, f"bucket/{s.name}"):
            box = Box(
                _id(region, "bucket", s.name),
                "bucket",
                s.name,
                (
                    f"{s.instance_class} · {s.storage_gib:g} GiB",
                    _money(items.cost[(region, f"bucket/{s.name}")], cur),
                ),
            )
            r.top.append(box)
            r.front[s.name] = box.id
        elif s.kind == "queue" and items.has(region, f"queue/{s.name}"):
            box = Box(
                _id(region, "queue", s.name),
                "queue",
                s.name,
                ("queue", _money(items.cost[(region, f"queue/{s.name}")], cur)),
            )
            r.top.append(box)
            r.front[s.name] = box.id
    if not primary:
        for s in plan.services:
            _backup(r, s, items, plan.topology.primary_region, cur)
    for pool in plan.node_pools:
        resource = f"node-pool/{pool.name}"
        if items.has(region, resource):
            _pool(r, pool.name, pool.instance_type, items.count(region, resource), pool.zones)
    r.links += _calls(plan, r, "call")
    return r


def _add_line(r: _Region, service: str, line: str) -> None:
    """Append a line to the box callers of `service` reach (its primary, for a database)."""
    target = r.front[service]
    for boxes in r.zonal.values():
        for i, box in enumerate(boxes):
            if box.id == target:
                boxes[i] = Box(box.id, box.role, box.title, (*box.lines, line), box.dormant)


def _replicas_in(s: ServiceOut, region: str, items: _Items) -> int | None:
    """Replicas of a VM or container service running in a non-primary region, from its hours."""
    if s.platform == "vm" and items.has(region, f"vm/{s.name}"):
        return items.count(region, f"vm/{s.name}")
    if s.platform == "managed" and items.has(region, f"containers/{s.name}"):
        comps = items.components[(region, f"containers/{s.name}")]
        vcpu = (s.cpu_request_m or 1000) / 1000
        # The first component is the vCPU-hours one: replicas x vCPU x 730.
        return round(comps[0][1] / HOURS_PER_MONTH / vcpu)
    return None


def _pool(r: _Region, name: str, instance_type: str, nodes: int, pool_zones: int) -> None:
    zones = r.zones[: max(1, min(pool_zones, len(r.zones)))] or [""]
    for zone, n in zip(zones, _spread(nodes, len(zones)), strict=True):
        if n:
            r.pools[zone].append(
                Box(
                    _id(r.name, zone, "pool", name),
                    "node",
                    f"pool {name}",
                    (f"{n} x {instance_type}",),
                )
            )


def _database(r: _Region, s: ServiceOut, cost: Decimal, cur: str) -> None:
    zones = r.zones or [""]
    primary = Box(
        _id(r.name, zones[0], "db", s.name, "primary"),
        "database",
        s.name,
        (
            f"primary · {s.instance_class}",
            f"{s.engine or 'database'} · {s.storage_gib:g} GiB",
            f"{_money(cost, cur)} (all instances)",
        ),
    )
    r.zonal[zones[0]].append(primary)
    r.front[s.name] = primary.id
    if s.multi_az and len(zones) >= 2:
        standby = Box(
            _id(r.name, zones[1], "db", s.name, "standby"),
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
            _id(r.name, zone, "db", s.name, f"replica-{i + 1}"),
            "database",
            s.name,
            (f"read replica {i + 1}", f"{s.instance_class} · async"),
        )
        r.zonal[zone].append(replica)
        r.links.append(Link(primary.id, replica.id, "async"))


def _cache(r: _Region, s: ServiceOut, nodes: int, cost: Decimal, cur: str) -> None:
    zones = r.zones or [""]
    nodes = max(nodes, 1)
    first = ""
    for i in range(nodes):
        zone = zones[i % len(zones)]
        if i == 0:
            extra = " (Multi-AZ)" if s.multi_az and nodes == 1 else ""
            lines: tuple[str, ...] = (
                f"primary · {s.instance_class}{extra}",
                f"{nodes} node(s) · {_money(cost, cur)}",
            )
        else:
            lines = (f"replica · {s.instance_class}",)
        box = Box(_id(r.name, zone, "cache", s.name, str(i + 1)), "cache", s.name, lines)
        r.zonal[zone].append(box)
        if not first:
            first = box.id
            r.front[s.name] = box.id
        else:
            r.links.append(Link(first, box.id, "async"))


def _calls(plan: Plan, r: _Region, style: str) -> list[Link]:
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


def _backup(r: _Region, s: ServiceOut, items: _Items, primary: str, cur: str) -> None:
    """Cross-region copies kept in this region: snapshots of a database, a bucket's replica;
    with the transfer that copies them, billed in the primary region."""
    resource = f"dr-backup/{s.name}"
    if not items.has(r.name, resource):
        return
    lines = [f"{c}: {q:,.0f} GiB" for c, q in items.components[(r.name, resource)]]
    lines.append(_money(items.cost[(r.name, resource)], cur))
    traffic = items.cost.get((primary, resource))
    if traffic is not None:
        lines.append(f"copy traffic {_money(traffic, cur)}")
    box = Box(
        _id(r.name, "backup", s.name),
        "backup" if s.kind == "database" else "bucket",
        f"{s.name} copy",
        tuple(lines),
    )
    r.top.append(box)
    r.front[f"backup/{s.name}"] = box.id


def _dr_region(plan: Plan, region: str, items: _Items) -> _Region:
    """The DR region as the chosen strategy leaves it: what runs, what is copied, what sleeps."""
    cur = plan.currency
    r = _Region(region, list(plan.topology.zone_names.get(region, [])))
    zone0 = r.zones[0] if r.zones else ""
    for s in plan.services:
        if s.kind == "stateless":
            lb = f"dr-load-balancer/{s.name}"
            if s.entrypoint and items.has(region, lb):
                box = Box(
                    _id(region, "lb", s.name),
                    "lb",
                    "load balancer (idle)",
                    (f"to {s.name}", _money(items.cost[(region, lb)], cur)),
                )
                r.top.append(box)
                r.links.append(Link(box.id, _id(region, "svc", s.name), "dormant"))
            running = items.service_compute.get((region, s.name))
            if running is not None:
                lines = _service_lines(s, _replicas_in(s, region, items) or 0, running, cur)
                if s.platform == "kubernetes":
                    lines = ("scaled down (warm)", lines[-1])
                box = Box(_id(region, "svc", s.name), _stateless_role(s), s.name, lines)
            else:
                box = Box(
                    _id(region, "svc", s.name),
                    _stateless_role(s),
                    s.name,
                    ("dormant: started on failover",),
                    dormant=True,
                )
            (r.k8s if s.platform == "kubernetes" else r.top).append(box)
            r.front[s.name] = box.id
        elif s.kind == "database":
            if items.has(region, f"dr-db/{s.name}"):
                replica = [
                    f"cross-region replica · {s.instance_class}",
                    "async, promoted on failover",
                    _money(items.cost[(region, f"dr-db/{s.name}")], cur),
                ]
                traffic = items.cost.get((plan.topology.primary_region, f"dr-replication/{s.name}"))
                if traffic is not None:
                    replica.append(f"replication traffic {_money(traffic, cur)}")
                box = Box(
                    _id(region, zone0, "db", s.name, "replica"), "database", s.name, tuple(replica)
                )
            else:
                box = Box(
                    _id(region, zone0, "db", s.name, "restore"),
                    "database",
                    s.name,
                    ("dormant: restored from backup",),
                    dormant=True,
                )
            r.zonal[zone0].append(box)
            r.front[s.name] = box.id
        elif s.kind == "cache":
            if items.has(region, f"dr-cache/{s.name}"):
                box = Box(
                    _id(region, zone0, "cache", s.name, "1"),
                    "cache",
                    s.name,
                    (
                        f"warm · {s.instance_class} x 1",
                        _money(items.cost[(region, f"dr-cache/{s.name}")], cur),
                    ),
                )
            else:
                box = Box(
                    _id(region, zone0, "cache", s.name, "1"),
                    "cache",
                    s.name,
                    ("dormant: created on failover",),
                    dormant=True,
                )
            r.zonal[zone0].append(box)
            r.front[s.name] = box.id
        elif s.kind == "queue":
            box = Box(
                _id(region, "queue", s.name),
                "queue",
                s.name,
                ("dormant: created on failover",),
                dormant=True,
            )
            r.top.append(box)
            r.front[s.name] = box.id
        _backup(r, s, items, plan.topology.primary_region, cur)
    has_pools = False
    for pool in plan.node_pools:
        resource = f"node-pool/{pool.name}"
        if items.has(region, resource):
            has_pools = True
            _pool(r, pool.name, pool.instance_type, items.count(region, resource), pool.zones)
    if plan.node_pools and not has_pools and r.k8s:
        for pool in plan.node_pools:
            r.k8s.append(
                Box(
                    _id(region, "pool", pool.name),
                    "node",
                    f"pool {pool.name}",
                    (f"0 x {pool.instance_type}", "scaled up on failover"),
                    dormant=True,
                )
            )
    r.links += _calls(plan, r, "dormant")
    return r


def _cross_region_links(plan: Plan, fronts: dict[str, dict[str, str]]) -> list[Link]:
    """Replication and backup copies from the primary region (their numbers are on the boxes:
    edge labels between zones and regions collide in the layout)."""
    primary = plan.topology.primary_region
    out: list[Link] = []
    src = fronts.get(primary, {})
    for region, front in fronts.items():
        if region == primary:
            continue
        for s in plan.services:
            tail = src.get(s.name)
            if tail is None:
                continue
            head = front.get(s.name)
            if s.kind == "database" and head is not None and not head.endswith("__restore"):
                out.append(Link(tail, head, "async"))
            backup = front.get(f"backup/{s.name}")
            if backup is not None:
                out.append(Link(tail, backup, "copy"))
    return out


# --- drawing with `diagrams` (the adapter) -------------------------------------------------

ICON_PT = 44  # the icon's drawn size, in points
_ICON_PX = 96  # the embedded icon's pixel size: about 2x the drawn size, sharp on HiDPI screens

# Icons by cloud and role: (module under diagrams, class). Kubernetes icons for pods and nodes.
_ICONS: dict[str, dict[str, tuple[str, str]]] = {
    "aws": {
        "lb": ("aws.network", "ELB"),
        "vm": ("aws.compute", "EC2AutoScaling"),
        "containers": ("aws.compute", "Fargate"),
        "database": ("aws.database", "RDS"),
        "cache": ("aws.database", "ElastiCache"),
        "bucket": ("aws.storage", "S3"),
        "backup": ("aws.storage", "Backup"),
        "queue": ("aws.integration", "SQS"),
        "k8s": ("aws.compute", "EKS"),
    },
    "gcp": {
        "lb": ("gcp.network", "LoadBalancing"),
        "vm": ("gcp.compute", "ComputeEngine"),
        "containers": ("gcp.compute", "Run"),
        "database": ("gcp.database", "SQL"),
        "cache": ("gcp.database", "Memorystore"),
        "bucket": ("gcp.storage", "GCS"),
        "backup": ("gcp.storage", "PersistentDisk"),
        "queue": ("gcp.analytics", "PubSub"),
        "k8s": ("gcp.compute", "GKE"),
    },
    "azure": {
        "lb": ("azure.network", "LoadBalancers"),
        "vm": ("azure.compute", "VMScaleSet"),
        "containers": ("azure.compute", "ContainerInstances"),
        "database": ("azure.database", "SQLDatabases"),
        "cache": ("azure.database", "CacheForRedis"),
        "bucket": ("azure.storage", "BlobStorage"),
        "backup": ("azure.storage", "RecoveryServicesVaults"),
        "queue": ("azure.integration", "ServiceBus"),
        "k8s": ("azure.compute", "AKS"),
    },
    "any": {
        "users": ("onprem.client", "Users"),
        "pod": ("k8s.compute", "Pod"),
        "node": ("k8s.infra", "Node"),
    },
}
_AZURE_DB = {"postgres": "DatabaseForPostgresqlServers", "mysql": "DatabaseForMysqlServers"}

_CLUSTER_STYLE: dict[str, dict[str, str]] = {
    "region": {"bgcolor": "#EEF6FC", "pencolor": "#7FA7C9", "style": "rounded"},
    "dr": {"bgcolor": "#FDF7E3", "pencolor": "#C9A227", "style": "rounded,dashed"},
    "zone": {"bgcolor": "#FFFFFF", "pencolor": "#AEB6BE", "style": "rounded"},
    "k8s": {"bgcolor": "#EBF3E7", "pencolor": "#7DAA6A", "style": "rounded"},
    "k8s-dormant": {"bgcolor": "#F4F4F4", "pencolor": "#AEB6BE", "style": "rounded,dashed"},
}
_EDGE_STYLE: dict[str, dict[str, str]] = {
    "call": {"color": "#5B6770"},
    "sync": {"color": "#2E6FD0", "style": "dashed"},
    "async": {"color": "#2E6FD0", "style": "dashed"},
    "copy": {"color": "#B8860B", "style": "dotted"},
    "dormant": {"color": "#B0B7BE", "style": "dashed"},
    "layout": {"style": "invis"},
    # An empty rank between a zone's node pool and its data: room for the replication arcs
    # between data boxes, which Graphviz bends upwards, clear of the pool's label.
    "spacer": {"style": "invis", "minlen": "2"},
}
# Replication and copies do not push boxes down a rank: they run sideways, between zones
# and regions, so they may join boxes on one row.
_UNCONSTRAINED = ("sync", "async", "copy")


def icon_source(cloud: str, role: str, engine: str | None = None) -> str:
    """The icon's path relative to the icon root (`resources/aws/...png`), from `diagrams`."""
    if cloud == "azure" and role == "database" and engine in _AZURE_DB:
        module, name = "azure.database", _AZURE_DB[engine]
    else:
        module, name = (
            _ICONS.get(cloud, {}).get(role) or _ICONS["any"].get(role) or _ICONS["any"]["node"]
        )
    cls = getattr(import_module(f"diagrams.{module}"), name)
    return f"{cls._icon_dir}/{cls._icon}"


@cache
def icon_root() -> Path:
    """The folder `diagrams` resolves its icon paths against (site-packages)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


def _label(box: Box, src: str) -> str:
    grey = "#8A939B" if box.dormant else "#2D3436"
    border = ' BORDER="1" COLOR="#B0B7BE" STYLE="dashed"' if box.dormant else ' BORDER="0"'
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PT}" HEIGHT="{ICON_PT}"><IMG SRC="{html.escape(src)}" SCALE="TRUE"/></TD></TR>',
        f'<TR><TD><FONT POINT-SIZE="13" COLOR="{grey}"><B>{html.escape(box.title)}</B></FONT></TD></TR>',
    ]
    rows += [
        f'<TR><TD><FONT POINT-SIZE="11" COLOR="{grey}">{html.escape(line)}</FONT></TD></TR>'
        for line in box.lines
    ]
    return (
        f'<<TABLE{border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'
    )


def _html_lines(lines: Sequence[str], size: int, bold_first: bool = False) -> str:
    out = []
    for i, line in enumerate(lines):
        text = html.escape(line)
        if bold_first and i == 0:
            text = f"<B>{text}</B>"
        out.append(f'<FONT POINT-SIZE="{size if i or not bold_first else size + 3}">{text}</FONT>')
    return "<" + "<BR/>".join(out) + ">"


@contextmanager
def _drawing(diagram: Any) -> Iterator[Any]:
    """Enter a `diagrams` context without its exit, which renders into the working folder."""
    import diagrams

    diagrams.setdiagram(diagram)
    try:
        yield diagram
    finally:
        diagrams.setdiagram(None)


def _engine_of(plan: Plan | None, box: Box) -> str | None:
    if plan is None or box.role != "database":
        return None
    for s in plan.services:
        if s.name == box.title:
            return s.engine
    return None


def to_dot(scene: Scene, plan: Plan | None = None) -> str:
    """The DOT source of a scene, built with `diagrams`; icon paths are relative."""
    import diagrams

    d = diagrams.Diagram(
        name=scene.name,
        filename=scene.name,
        direction="TB",
        curvestyle="curved",
        outformat="png",
        show=False,
        graph_attr={
            "label": _html_lines(scene.title, 12, bold_first=True),
            "labelloc": "t",
            "labeljust": "l",
            "pad": "0.4",
            "splines": "spline",
            "nodesep": "0.35",
            "ranksep": "0.9",
            "newrank": "true",
            "fontname": "Sans-Serif",
            "id": _svg_id(scene.name),
        },
        node_attr={"shape": "plain", "fixedsize": "false", "fontname": "Sans-Serif"},
        edge_attr={
            "color": "#5B6770",
            "arrowsize": "0.7",
            "fontname": "Sans-Serif",
            "fontsize": "10",
        },
    )
    with _drawing(d):
        nodes: dict[str, Any] = {}

        def add(box: Box) -> None:
            src = icon_source(scene.cloud, box.role, _engine_of(plan, box))
            nodes[box.id] = diagrams.Node(_label(box, src), nodeid=box.id, id=_svg_id(box.id))

        def group(g: Group) -> None:
            style = _CLUSTER_STYLE[g.style]
            c = diagrams.Cluster(
                g.label,
                graph_attr={
                    **style,
                    "label": _html_lines(
                        [g.label], 12 if g.style in ("region", "dr") else 11, bold_first=False
                    ),
                    "fontname": "Sans-Serif",
                    "margin": "12",
                    "id": _svg_id("cluster__" + g.id),
                },
            )
            c.dot.name = "cluster_" + g.id  # diagrams names clusters by label; ids come from names
            with c:
                for b in g.boxes:
                    add(b)
                for inner in g.groups:
                    group(inner)

        for b in scene.boxes:
            add(b)
        for g in scene.groups:
            group(g)
        for link in scene.links:
            attrs = dict(_EDGE_STYLE[link.style])
            if link.label:
                attrs["label"] = _html_lines(link.label.split("\n"), 10)
                attrs["fontcolor"] = attrs["color"]
            if link.style in _UNCONSTRAINED:
                # minlen=0 rather than constraint=false, which Graphviz 2.43 fails on
                # ("trouble in init_rank") when the edge crosses clusters.
                attrs.update(minlen="0", weight="0")
            edge = diagrams.Edge(
                forward=True, id=_svg_id(f"edge__{link.tail}__{link.head}"), **attrs
            )
            nodes[link.tail] >> edge >> nodes[link.head]
        # Rows (the node pools, zone by zone): one rank, kept in zone order by invisible edges.
        for row in scene.rows:
            chain = " -> ".join(_quote(i) for i in row)
            d.dot.body.append(
                f"\t{{{chain} [style=invis minlen=0 weight=0]}}\n" if len(row) > 1 else ""
            )
        source: str = d.dot.source
    return source


def _quote(name: str) -> str:
    # Box ids are built from slugs and "__" (see _id): nothing inside needs escaping.
    return f'"{name}"'


def _svg_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)


# --- rendering with Graphviz and embedding the icons --------------------------------------


def _dot(source: str, *args: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise ExternalError(
            "Graphviz 'dot' is not installed; install it (apt-get install graphviz, brew install graphviz)"
        )
    # Graphviz refuses to load image files when SERVER_NAME is set (it assumes it runs
    # as a CGI script); Voilà and other web front ends set it in the kernel's environment.
    env = {k: v for k, v in os.environ.items() if k != "SERVER_NAME"}
    proc = subprocess.run(
        [exe, f"-Gimagepath={icon_root()}", *args],
        input=source.encode("utf-8"),
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
    )
    problems = [
        line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()
    ]
    if proc.returncode != 0 or any("image" in p.lower() for p in problems):
        raise ExternalError(
            f"Graphviz dot failed: {problems[0] if problems else f'exit {proc.returncode}'}"
        )
    return proc.stdout


@cache
def _icon_data(src: str) -> str:
    """An icon as a small PNG `data:` URI, downscaled so the SVG stays small."""
    from PIL import Image

    with Image.open(icon_root() / src) as original:
        img = original.convert("RGBA")
    img.thumbnail((_ICON_PX, _ICON_PX), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


_IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([^"]+)" height="([^"]+)" ([^>]*?)x="([^"]+)" y="([^"]+)"/>'
)


def embed_icons(svg: str) -> str:
    """Replace each icon's file reference with one shared `data:` URI per icon (SVG <defs>/<use>)."""
    defs: dict[tuple[str, str, str], str] = {}

    def use(m: re.Match[str]) -> str:
        src, w, h, _aspect, x, y = m.groups()
        key = (src, w, h)
        if key not in defs:
            defs[key] = f"icon-{len(defs) + 1}"
        return f'<use xlink:href="#{defs[key]}" x="{x}" y="{y}"/>'

    body = _IMAGE.sub(use, svg)
    if "<image " in body:
        raise ExternalError(
            "an icon in the Graphviz SVG was not recognised, so it could not be embedded"
        )
    images = []
    for (src, w, h), ident in defs.items():
        if src.startswith("data:"):
            raise ExternalError("unexpected data URI in Graphviz output")
        images.append(
            f'<image id="{ident}" width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
            f'xlink:href="{_icon_data(src)}"/>'
        )
    block = "<defs>\n" + "\n".join(images) + "\n</defs>\n"
    # Graphviz opens the drawing with <g id="graph0" ...>; the icons go just before it.
    at = body.find("<g id=")
    if at < 0:
        raise ExternalError("Graphviz SVG has no drawing group")
    body = body[:at] + block + body[at:]
    # Graphviz writes the source's file name in a comment; the source came from stdin.
    return re.sub(r"<!-- Title: [^>]*-->\n", "", body)


@dataclass(frozen=True)
class Diagram:
    """A rendered diagram: DOT source, self-contained SVG and PNG; displays inline in Jupyter."""

    name: str
    dot: str
    svg: str
    png: bytes

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_png_(self) -> bytes:
        return self.png

    def files(self) -> dict[str, str | bytes]:
        """The three outputs by file name: `<design>.dot`, `.svg`, `.png`."""
        return {
            f"{self.name}.dot": self.dot,
            f"{self.name}.svg": self.svg,
            f"{self.name}.png": self.png,
        }


PNG_DPI = 110
# A PNG larger than this (inches at PNG_DPI, about 8000 px) is scaled down to fit; the SVG
# is the one to zoom into. Rasterising a 100-service plan at full size takes Cairo seconds.
PNG_MAX_INCHES = 72


def render_diagram(plan: Plan) -> Diagram:
    """Draw a plan: DOT from `diagrams`, then SVG (icons embedded) and PNG from Graphviz."""
    scene = build_scene(plan)
    source = to_dot(scene, plan)
    svg = embed_icons(_dot(source, "-Tsvg").decode("utf-8"))
    png = _dot(source, "-Tpng", f"-Gdpi={PNG_DPI}", f"-Gsize={PNG_MAX_INCHES},{PNG_MAX_INCHES}")
    return Diagram(plan.design, source, svg, png)


__all__ = [
    "Box",
    "Diagram",
    "Group",
    "Link",
    "Scene",
    "build_scene",
    "embed_icons",
    "icon_source",
    "render_diagram",
    "to_dot",
]
