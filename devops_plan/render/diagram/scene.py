"""Building the scene from a plan: the serving regions and the DR region as drawn by
`regions`, the users, the links across regions and the title. Pure: no Graphviz."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...plan import Plan
from ...units import format_duration, format_money
from .deployed import Deployed, deployments
from .drawing import RegionDrawing, Where, per_month
from .model import Box, Group, Link, Scene, box_id
from .regions import dr_region, serving_region

_K8S_NAMES = {"aws": "EKS", "gcp": "GKE", "azure": "AKS"}


@dataclass(frozen=True)
class _Drawn:
    """A region's drawing and how its group is labelled and styled."""

    region: RegionDrawing
    label: str
    style: str
    k8s_label: str
    k8s_style: str


def build_scene(plan: Plan) -> Scene:
    """What the diagram shows, derived from the plan's topology, services and line items."""
    fleet = deployments(plan)
    primary = fleet.get(plan.topology.primary_region, Deployed(plan.topology.primary_region))
    users = Box("users", "users", "users")
    drawn = _regions(plan, fleet, primary)
    links = [
        Link(users.id, box_id(d.region.name, "lb", s.name), "call")
        for d in drawn
        if d.style == "region"
        for s in plan.services
        if s.entrypoint
        and s.kind == "stateless"
        and box_id(d.region.name, "lb", s.name) in d.region.front.values()
    ]
    groups: list[Group] = []
    rows: list[tuple[str, ...]] = []
    for d in drawn:
        subnets = subnet_labels(plan, d.region.name, d.region.zones)
        groups.append(d.region.group(d.label, d.style, d.k8s_label, d.k8s_style, subnets))
        steer, row = d.region.layout(plan)
        links += d.region.links + steer
        if row:
            rows.append(row)
    links += _cross_region_links(plan, {d.region.name: d.region.front for d in drawn})
    return Scene(
        plan.design,
        plan.cloud,
        _title(plan),
        (users,),
        tuple(groups),
        tuple(_dedupe(links)),
        tuple(rows),
    )


def _regions(plan: Plan, fleet: dict[str, Deployed], primary: Deployed) -> list[_Drawn]:
    """The serving regions (the primary first), then the DR region unless it also serves."""
    top = plan.topology
    drawn = []
    for idx, region in enumerate(top.serving_regions):
        here = fleet.get(region, Deployed(region))
        r = serving_region(plan, Where(plan, here, primary), primary=idx == 0)
        label = f"{region} · primary region" if idx == 0 else f"{region} · serving (active-active)"
        label += _shared_label(plan, here)
        drawn.append(_Drawn(r, label, "region", _k8s_label(plan, here, standby=False), "k8s"))
    if top.dr_region not in top.serving_regions:
        here = fleet.get(top.dr_region, Deployed(top.dr_region))
        r = dr_region(plan, Where(plan, here, primary))
        d = plan.dr
        label = (
            f"{top.dr_region} · DR region: {_words(d.strategy)} "
            f"(RTO {format_duration(d.rto)}, RPO {format_duration(d.rpo)})"
        ) + _shared_label(plan, here)
        k8s = _k8s_label(plan, here, standby=True)
        drawn.append(_Drawn(r, label, "dr", k8s, "k8s-dormant"))
    return drawn


def _words(strategy: str) -> str:
    return strategy.replace("_", " ")


def _title(plan: Plan) -> tuple[str, ...]:
    a, dr = plan.availability, plan.dr
    return (
        f"{plan.design}: {plan.description}" if plan.description else plan.design,
        f"{plan.cloud} {' + '.join(plan.regions)} · {plan.zones} zone(s) · {plan.purchase} · "
        f"prices as of {plan.catalog_as_of}",
        f"{format_money(plan.cost.monthly_total, plan.currency)} a month · availability "
        f"{a.achieved:g}% (target {a.target:g}%) · DR {_words(dr.strategy)} "
        f"(RTO {format_duration(dr.rto)}, RPO {format_duration(dr.rpo)})",
    )


def _dedupe(links: Iterable[Link]) -> list[Link]:
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        if (link.tail, link.head) not in seen:
            seen.add((link.tail, link.head))
            out.append(link)
    return out


def _k8s_label(plan: Plan, here: Deployed, *, standby: bool) -> str:
    """The Kubernetes cluster's label: its control plane and node pools with their costs."""
    parts = [f"Kubernetes ({_K8S_NAMES.get(plan.cloud, 'Kubernetes')})"]
    if standby and here.standby_control_plane is not None:
        parts.append(
            f"control plane (standby) {per_month(here.standby_control_plane, plan.currency)}"
        )
    elif here.control_plane is not None:
        parts.append(f"control plane {per_month(here.control_plane, plan.currency)}")
    else:
        parts.append("not provisioned")
    for p in plan.node_pools:
        running = here.pools.get(p.name)
        if running is not None:
            count = (
                f"{running.low}-{running.count}" if running.low != running.count else running.count
            )
            parts.append(
                f"pool {p.name}: {count} x {p.instance_type} "
                f"{per_month(running.monthly_cost, plan.currency)}"
            )
    return " · ".join(parts)


def _shared_label(plan: Plan, here: Deployed) -> str:
    """The region's shared costs, appended to its label (NAT, inter-zone traffic, logs and
    metrics, private endpoints, global routing)."""
    return "".join(
        f" · {name} {per_month(cost, plan.currency)}" for name, cost in sorted(here.shared.items())
    )


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


def subnet_labels(plan: Plan, region: str, zones: Iterable[str]) -> dict[tuple[str, str], str]:
    """(zone, tier) -> "private 10.0.0.0/21" for the region's subnets (a regional subnet
    labels every zone, marked regional); the prefix alone when the block is too small."""
    vpc = next((v for v in plan.network.vpcs if v.region == region), None)
    out: dict[tuple[str, str], str] = {}
    if vpc is None:
        return out
    for s in vpc.subnets:
        where = f"{s.cidr}" if s.cidr else f"/{s.prefix} (block too small)"
        if s.zone == "regional":
            for z in zones:
                out[(z, s.tier)] = f"{s.tier} subnet {where} (regional)"
        else:
            out[(s.zone, s.tier)] = f"{s.tier} subnet {where}"
    return out
