"""The diagram's regions, each drawn from what runs there: a serving region (the primary, or
the second region of an active-active plan), and the DR region as the chosen strategy leaves
it, with what sleeps until a failover drawn dormant."""

from __future__ import annotations

from collections.abc import Callable

from ...plan import Plan, ServiceOut
from .drawing import (
    RegionDrawing,
    Where,
    add_cache,
    add_copies,
    add_database,
    add_pools,
    calls,
    cost_lines,
    cost_of,
    load_balancer,
    service_box,
    stateless_role,
)
from .model import Box, Link, box_id

# --- a region that serves users --------------------------------------------------------------


def serving_region(plan: Plan, at: Where, *, primary: bool) -> RegionDrawing:
    """The drawing of a serving region; `primary` is the region the plan is sized for."""
    region = at.here.region
    r = RegionDrawing(region, list(plan.topology.zone_names.get(region, ())))
    for s in plan.services:
        add = _SERVING.get(s.kind)
        if add is not None:
            add(r, s, at, primary)
    if not primary:
        for s in plan.services:
            add_copies(r, s, at)
    add_pools(r, plan, at.here)
    r.links += calls(plan, r, "call")
    return r


def _serving_stateless(r: RegionDrawing, s: ServiceOut, at: Where, primary: bool) -> None:
    lb = at.here.cost("load-balancer", s.name)
    if s.entrypoint and lb is not None:
        box = load_balancer(r, s, "load balancer", lb, at.currency)
        r.add_top(f"lb/{s.name}", box)
        r.links.append(Link(box.id, box_id(r.name, "svc", s.name), "call"))
    replicas = s.replicas if primary else (at.here.replicas.get(s.name) or s.replicas)
    ident = box_id(r.name, "svc", s.name)
    r.add_service(s, service_box(s, ident, replicas, at.here.compute(s.name), at.currency))


def _serving_database(r: RegionDrawing, s: ServiceOut, at: Where, primary: bool) -> None:
    cost = at.here.cost("db", s.name)
    if cost is None:
        return
    add_database(r, s, cost, at.currency)
    traffic = at.primary.cost("dr-replication", s.name)
    if not primary and traffic is not None:
        lines = cost_lines(traffic, at.currency, "replication traffic")
        r.add_lines(s.name, lines, (cost_of(traffic),))


def _serving_cache(r: RegionDrawing, s: ServiceOut, at: Where, primary: bool) -> None:
    running = at.here.caches.get(s.name)
    if running is not None:
        add_cache(r, s, running.count, running.cost, at.currency)


def _serving_bucket(r: RegionDrawing, s: ServiceOut, at: Where, primary: bool) -> None:
    cost = at.here.cost("bucket", s.name)
    if cost is not None:
        lines = (f"{s.instance_class} · {s.storage_gib:g} GiB",)
        money = cost_lines(cost, at.currency)
        ident = box_id(r.name, "bucket", s.name)
        box = Box(ident, "bucket", s.name, lines, costs=(cost_of(cost),), money=money)
        r.add_top(s.name, box)


def _serving_queue(r: RegionDrawing, s: ServiceOut, at: Where, primary: bool) -> None:
    cost = at.here.cost("queue", s.name)
    if cost is not None:
        money = cost_lines(cost, at.currency)
        ident = box_id(r.name, "queue", s.name)
        box = Box(ident, "queue", s.name, ("queue",), costs=(cost_of(cost),), money=money)
        r.add_top(s.name, box)


_SERVING: dict[str, Callable[[RegionDrawing, ServiceOut, Where, bool], None]] = {
    "stateless": _serving_stateless,
    "database": _serving_database,
    "cache": _serving_cache,
    "object_storage": _serving_bucket,
    "queue": _serving_queue,
}


# --- the DR region -----------------------------------------------------------------------


def dr_region(plan: Plan, at: Where) -> RegionDrawing:
    """The drawing of the DR region (`at.here`)."""
    region = at.here.region
    r = RegionDrawing(region, list(plan.topology.zone_names.get(region, ())))
    for s in plan.services:
        add = _DR.get(s.kind)
        if add is not None:
            add(r, s, at)
        add_copies(r, s, at)
    if not add_pools(r, plan, at.here) and plan.node_pools and r.k8s:
        for pool in plan.node_pools:
            r.k8s.append(
                Box(
                    box_id(region, "pool", pool.name),
                    "node",
                    f"pool {pool.name}",
                    (f"0 x {pool.instance_type}", "scaled up on failover"),
                    dormant=True,
                )
            )
    r.links += calls(plan, r, "dormant")
    return r


def _dormant(ident: str, role: str, title: str, line: str) -> Box:
    return Box(ident, role, title, (line,), dormant=True)


def _zone0(r: RegionDrawing) -> str:
    return r.zones[0] if r.zones else ""


def _dr_stateless(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    lb = at.here.cost("dr-load-balancer", s.name)
    if s.entrypoint and lb is not None:
        box = load_balancer(r, s, "load balancer (idle)", lb, at.currency)
        r.add_top(f"lb/{s.name}", box)
        r.links.append(Link(box.id, box_id(r.name, "svc", s.name), "dormant"))
    ident = box_id(r.name, "svc", s.name)
    running = at.here.compute(s.name)
    if running is None:
        r.add_service(s, _dormant(ident, stateless_role(s), s.name, "dormant: started on failover"))
        return
    warm = ("scaled down (warm)",) if s.platform == "kubernetes" else ()
    replicas = at.here.replicas.get(s.name) or 0
    r.add_service(s, service_box(s, ident, replicas, running, at.currency, warm))


def _dr_database(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    zone = _zone0(r)
    cost = at.here.cost("dr-db", s.name)
    if cost is None:
        ident = box_id(r.name, zone, "db", s.name, "restore")
        r.add_zonal(
            zone, s.name, _dormant(ident, "database", s.name, "dormant: restored from backup")
        )
        return
    lines = (f"cross-region replica · {s.instance_class}", "async, promoted on failover")
    money = list(cost_lines(cost, at.currency))
    costs = [cost_of(cost)]
    traffic = at.primary.cost("dr-replication", s.name)
    if traffic is not None:
        money += cost_lines(traffic, at.currency, "replication traffic")
        costs.append(cost_of(traffic))
    box = Box(
        box_id(r.name, zone, "db", s.name, "replica"),
        "database",
        s.name,
        lines,
        costs=tuple(costs),
        money=tuple(money),
    )
    r.add_zonal(zone, s.name, box)


def _dr_cache(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    zone = _zone0(r)
    ident = box_id(r.name, zone, "cache", s.name, "1")
    cost = at.here.cost("dr-cache", s.name)
    if cost is None:
        box = _dormant(ident, "cache", s.name, "dormant: created on failover")
    else:
        lines = (f"warm · {s.instance_class} x 1",)
        money = cost_lines(cost, at.currency)
        box = Box(ident, "cache", s.name, lines, costs=(cost_of(cost),), money=money)
    r.add_zonal(zone, s.name, box)


def _dr_queue(r: RegionDrawing, s: ServiceOut, at: Where) -> None:
    ident = box_id(r.name, "queue", s.name)
    r.add_top(s.name, _dormant(ident, "queue", s.name, "dormant: created on failover"))


_DR: dict[str, Callable[[RegionDrawing, ServiceOut, Where], None]] = {
    "stateless": _dr_stateless,
    "database": _dr_database,
    "cache": _dr_cache,
    "queue": _dr_queue,
}
