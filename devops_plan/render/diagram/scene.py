"""Building the scene from a plan: the serving regions and the DR region as drawn by
`regions`, the users and the global routing in front of the regions, the links across
regions (labelled with their mode, the DR strategy and the monthly GB they move), every
priced resource not drawn elsewhere, and the title. Pure: no Graphviz."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ...plan import Plan
from ...units import format_duration, format_money
from ..costs import ResourceCost
from .deployed import Deployed, deployments
from .drawing import RegionDrawing, Where, cost_lines, cost_of, per_month
from .model import UNRANKED, Box, Cost, Group, Link, Scene, box_id
from .regions import dr_region, serving_region

_K8S_NAMES = {"aws": "EKS", "gcp": "GKE", "azure": "AKS"}
_ROUTING = {
    "aws": "Route 53",
    "gcp": "Cloud DNS + global load balancer",
    "azure": "Traffic Manager / Front Door",
}
# Regions side by side while they need at most this many columns of boxes; else stacked, so
# that a plan with three zones in two regions still fits a page's width.
SIDE_BY_SIDE_COLUMNS = 3
ROUTING = "routing"
# Edge labels make Graphviz's layout many times slower on large drawings (a 100-service plan:
# 0.9 s without, 5-8 s with 30 labels). Above this many boxes the links go unlabelled and the
# boxes at their ends say the same (sync replica, async replica promoted on failover, the
# replication and copy traffic with its GB); the title explains the line styles.
MAX_BOXES_WITH_EDGE_LABELS = 80
LEGEND = (
    "lines: solid = calls · dashed blue = replication (sync within a zone pair, async "
    "otherwise) · dotted gold = backup copies · dashed grey = dormant, on failover"
)


@dataclass
class _Drawn:
    """A region's drawing, how its group and its Kubernetes cluster are labelled and styled,
    and the money on those labels."""

    region: RegionDrawing
    label: str
    style: str
    k8s_label: str
    k8s_style: str
    costs: tuple[Cost, ...] = ()
    k8s_costs: tuple[Cost, ...] = ()
    money: tuple[str, ...] = ()
    k8s_money: tuple[str, ...] = ()
    subnets: Mapping[tuple[str, str], str] | None = None

    def group(self) -> Group:
        g = self.region.group(self.label, self.style, self.k8s_label, self.k8s_style, self.subnets)
        inner = tuple(
            replace(x, costs=self.k8s_costs, money=self.k8s_money)
            if x.style.startswith("k8s")
            else x
            for x in g.groups
        )
        return replace(g, groups=inner, costs=self.costs, money=self.money)


def build_scene(plan: Plan) -> Scene:
    """What the diagram shows, derived from the plan's topology, services and costs."""
    fleet = deployments(plan)
    primary = fleet.get(plan.topology.primary_region, Deployed(plan.topology.primary_region))
    drawn = _regions(plan, fleet, primary)
    cross = _cross_region_links(plan, fleet, {d.region.name: d.region.front for d in drawn})
    shared = _add_unclaimed(plan, fleet, drawn)
    top, entry = _entry(plan, drawn)
    groups: list[Group] = []
    rows: list[tuple[str, ...]] = []
    links = [*entry, *cross]
    for d in drawn:
        groups.append(_with_shared(d.group(), shared.get(d.region.name, ()), plan.currency))
        steer, row = d.region.layout(plan)
        links += d.region.links + steer
        rows += [r for r in (tuple(b.id for b in d.region.top), row) if len(r) > 1]
    boxes = len(top) + sum(len(d.region.boxes()) for d in drawn)
    links += _stacking(drawn, large=boxes > MAX_BOXES_WITH_EDGE_LABELS)
    # Users and the routing above the first region: invisible links to its top row.
    links += [Link(top[-1].id, b.id, "layout") for b in drawn[0].region.top] if drawn else []
    title = _title(plan)
    if boxes > MAX_BOXES_WITH_EDGE_LABELS:
        links = [replace(link, label="") for link in links]
        title = (*title, LEGEND)
    return Scene(
        plan.design,
        plan.cloud,
        title,
        tuple(top),
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
        role = "primary region" if idx == 0 else "serving (active-active)"
        drawn.append(_drawn(plan, r, here, f"{region} · {role}", "region", standby=False))
    if top.dr_region not in top.serving_regions:
        here = fleet.get(top.dr_region, Deployed(top.dr_region))
        r = dr_region(plan, Where(plan, here, primary))
        d = plan.dr
        label = (
            f"{top.dr_region} · DR region: {_words(d.strategy)} "
            f"(RTO {format_duration(d.rto)}, RPO {format_duration(d.rpo)})"
        )
        drawn.append(_drawn(plan, r, here, label, "dr", standby=True))
    return drawn


def _drawn(
    plan: Plan, r: RegionDrawing, here: Deployed, label: str, style: str, *, standby: bool
) -> _Drawn:
    """A region's drawing with its labels: the region's own (its cross-zone traffic) and its
    Kubernetes cluster's (control plane and node pools)."""
    costs: tuple[Cost, ...] = ()
    money: tuple[str, ...] = ()
    network = here.cost("network")
    if network is not None:
        money, costs = (_traffic(network, plan.currency),), (cost_of(network),)
    k8s, k8s_money, k8s_costs = _k8s_label(plan, here, standby=standby)
    k8s_style = "k8s-dormant" if standby else "k8s"
    subnets = subnet_labels(plan, r.name, r.zones)
    return _Drawn(r, label, style, k8s, k8s_style, costs, k8s_costs, money, k8s_money, subnets)


def _traffic(network: ResourceCost, currency: str) -> str:
    """The region's own network cost, cross-zone traffic above all, with its monthly GB."""
    gb = network.transfer_gb()
    volume = f"{gb:,.0f} GB/mo, " if gb else ""
    what = ", ".join(dict.fromkeys(p.component for p in network.parts))
    return f"{what}: {volume}{per_month(network.monthly_cost, currency)}"


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
    """Each link once; an invisible layout link and a drawn one may join the same boxes."""
    seen: set[tuple[str, str, bool]] = set()
    out = []
    for link in links:
        key = (link.tail, link.head, link.style in ("layout", "spacer", "stack"))
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _k8s_label(
    plan: Plan, here: Deployed, *, standby: bool
) -> tuple[str, tuple[str, ...], tuple[Cost, ...]]:
    """The Kubernetes cluster's label, and its money: the control plane and node pools with
    their costs."""
    cur = plan.currency
    label = f"Kubernetes ({_K8S_NAMES.get(plan.cloud, 'Kubernetes')})"
    money: list[str] = []
    costs: list[Cost] = []
    control = here.cost("dr-kubernetes" if standby else "kubernetes")
    if control is not None:
        what = "control plane (standby)" if standby else "control plane"
        money.append(f"{what}: {per_month(control.monthly_cost, cur)}")
        costs.append(cost_of(control))
    else:
        label += " · not provisioned"
    for p in plan.node_pools:
        running = here.pools.get(p.name)
        if running is not None:
            money.append(
                f"pool {p.name}: {running.count} x {p.instance_type} nodes, "
                f"{per_month(running.monthly_cost, cur)}"
            )
            costs.append(cost_of(running.cost))
    return label, tuple(money), tuple(costs)


# --- in front of the regions --------------------------------------------------------------


def _entry(plan: Plan, drawn: list[_Drawn]) -> tuple[list[Box], list[Link]]:
    """Users, and the global routing in front of the regions when more than one region has a
    load balancer (latency routing for serving regions, failover routing to a standby)."""
    users = Box("users", "users", "users")
    serving = [lb for d in drawn if d.style == "region" for lb in _balancers(plan, d)]
    standby = [lb for d in drawn if d.style == "dr" for lb in _balancers(plan, d)]
    if len(serving) + len(standby) < 2:
        return [users], [Link(users.id, lb, "call") for lb in serving]
    how = "latency routing, health checks" if len(serving) > 1 else "failover routing"
    lines = (how, "no per-request cost in the plan")
    routing = Box(ROUTING, "dns", f"global routing · {_ROUTING.get(plan.cloud, 'DNS')}", lines)
    first = {b.id for b in drawn[0].region.top}
    links = [Link(users.id, routing.id, "call")]
    links += [Link(routing.id, lb, "call" if lb in first else "route") for lb in serving]
    links += [Link(routing.id, lb, "route-dormant", "on failover") for lb in standby]
    return [users, routing], links


def _balancers(plan: Plan, d: _Drawn) -> list[str]:
    return [
        d.region.front[f"lb/{s.name}"]
        for s in plan.services
        if s.entrypoint and f"lb/{s.name}" in d.region.front
    ]


# --- between the regions ------------------------------------------------------------------


def _cross_region_links(
    plan: Plan, fleet: dict[str, Deployed], fronts: dict[str, dict[str, str]]
) -> list[Link]:
    """Replication and backup copies from the primary region, labelled with their mode, the
    DR strategy and the monthly GB the cost model prices for them."""
    primary_name = plan.topology.primary_region
    primary = fleet.get(primary_name, Deployed(primary_name))
    strategy = _words(plan.dr.strategy)
    out: list[Link] = []
    src = fronts.get(primary_name, {})
    for region, front in fronts.items():
        if region == primary_name:
            continue
        for s in plan.services:
            tail = src.get(s.name)
            if tail is None:
                continue
            head = front.get(s.name)
            if s.kind == "database" and head is not None and not head.endswith("__restore"):
                traffic = primary.cost("dr-replication", s.name)
                out.append(Link(tail, head, "async", _label("async", strategy, traffic)))
            backup = front.get(f"backup/{s.name}")
            if backup is not None:
                traffic = primary.cost("dr-backup", s.name)
                out.append(Link(tail, backup, "copy", _label("copies", strategy, traffic)))
    return out


def _label(mode: str, strategy: str, traffic: ResourceCost | None) -> str:
    gb = traffic.transfer_gb() if traffic is not None else 0.0
    return f"{mode} · {strategy}" + (f"\n{gb:,.0f} GB/mo" if gb else "")


def _stacking(drawn: list[_Drawn], large: bool = False) -> list[Link]:
    """Invisible links that stack the regions top to bottom when side by side they would be
    wider than a page (SIDE_BY_SIDE_COLUMNS). In a `large` drawing only the boxes that
    nothing in their region already holds below a stacked one get a link of their own."""
    if len(drawn) < 2 or sum(_columns(d.region) for d in drawn) <= SIDE_BY_SIDE_COLUMNS:
        return []
    links = []
    for upper, lower in itertools.pairwise(drawn):
        # Every box of the region above pulls the one below equally: it centres under it.
        heads = [b.id for b in lower.region.top] or [b.id for b in lower.region.boxes()[:1]]
        links += [Link(b, h, "layout") for b in _bottom(upper.region) for h in heads]
        # Whatever is not under the lower region's top row (a cluster without a load
        # balancer in front) still goes below the upper region.
        anchor = _bottom(upper.region)[0]
        rest = [b.id for b in lower.region.boxes() if b.id not in heads]
        if large:
            rest = _unheld(lower.region, heads, rest)
        links += [Link(anchor, b, "stack") for b in rest]
    return links


def _unheld(r: RegionDrawing, heads: list[str], rest: list[str]) -> list[str]:
    """Of `rest`, the boxes that need a stack link: those no ranking link of the region enters,
    and any that such links do not reach from them or the heads. The others are already below.

    Why: a stack link from the region above to a box deep in a long chain of calls spans
    every rank between them, and Graphviz lays out and routes each rank it spans; on a chain
    of 500 services those links made the layout quadratic (40 s of the SVG's 40 s)."""
    inside = {b.id for b in r.boxes()}
    below: dict[str, list[str]] = {}
    entered: set[str] = set()
    for link in r.links:
        if link.tail in inside and link.head in inside and link.style not in UNRANKED:
            below.setdefault(link.tail, []).append(link.head)
            entered.add(link.head)
    sources = [b for b in rest if b not in entered]
    reached = set(heads) | set(sources)
    queue = list(reached)
    while queue:
        for nxt in below.get(queue.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    return [b for b in rest if b in sources or b not in reached]


def _zone_columns(r: RegionDrawing) -> list[list[Box]]:
    columns = [[*r.pools.get(z, []), *r.zonal.get(z, [])] for z in r.zones]
    return [c for c in columns if c]


def _columns(r: RegionDrawing) -> int:
    zones = sum(1 for z in r.zones if r.pools.get(z) or r.zonal.get(z))
    return max(zones, len(r.top), 1)


def _bottom(r: RegionDrawing) -> list[str]:
    """The last box of each zone's column (else every box): the region's lowest row."""
    found = [c[-1].id for c in _zone_columns(r)]
    return found or [b.id for b in r.boxes()]


# --- whatever else is priced ----------------------------------------------------------------


def _add_unclaimed(
    plan: Plan, fleet: dict[str, Deployed], drawn: list[_Drawn]
) -> dict[str, tuple[ResourceCost, ...]]:
    """A box for each priced resource no other box or label shows (NAT gateways, and any
    resource a later cost model adds), so that every line item is on the diagram once; when
    a region has several (the traffic model's NAT, inter-zone traffic, logs and metrics,
    internet egress, global routing, endpoints), they are returned to go on the region's
    own label instead, so the region stays as wide as its zones."""
    found: dict[str, tuple[ResourceCost, ...]] = {}
    claimed = {
        (c.region, c.resource)
        for d in drawn
        for c in (*d.costs, *d.k8s_costs, *(c for b in d.region.boxes() for c in b.costs))
    }
    # A node pool is claimed by its cluster's label; the services' shares only split it.
    for d in drawn:
        here = fleet.get(d.region.name)
        if here is None:
            continue
        rest = [c for c in here.resources.values() if (c.region, c.resource) not in claimed]
        if len(rest) > 1:
            found[d.region.name] = tuple(rest)
        else:
            d.region.top += [_resource_box(d.region, c, plan.currency) for c in rest]
    return found


def _with_shared(group: Group, costs: Sequence[ResourceCost], currency: str) -> Group:
    """A region's group with its shared costs as lines of its label."""
    if not costs:
        return group
    money = tuple(
        line
        for c in costs
        for line in (c.resource.replace("-", " ").replace("/", " "), *cost_lines(c, currency))
    )
    return replace(
        group,
        costs=(*group.costs, *(cost_of(c) for c in costs)),
        money=(*group.money, *money),
    )


def _resource_box(r: RegionDrawing, cost: ResourceCost, currency: str) -> Box:
    role = "nat" if cost.kind == "nat-gateway" else "network"
    title = cost.resource.replace("-", " ").replace("/", " ")
    money = cost_lines(cost, currency)
    return Box(
        box_id(r.name, "resource", *cost.resource.split("/")),
        role,
        title,
        costs=(cost_of(cost),),
        money=money,
    )


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
