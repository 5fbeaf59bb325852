"""Checks across fields that a schema cannot express: unique service names, known and acyclic
dependencies, an entrypoint, regions and zones the cloud has, the traffic settings that
refer to other parts of the design (calls per dependency, a CDN on an entrypoint, node pools
that exist, lifecycle rules in order), and every environment applied and checked the same way
(environments.py)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from ..regions import CLOUDS, regions_of
from .cidrs import first_overlap, region_blocks, valid_block
from .fields import MAX_CPU_MS, MAX_OFFERED_VCPU, MAX_REPLICAS, MAX_RPS
from .locations import Loc
from .vocabulary import VocabularyFor, vocabulary_problems

Add = Callable[..., None]  # add(loc, message, key=False)


def design_problems(
    data: dict[str, Any],
    add: Add,
    first_line: Callable[[Loc], Any],
    vocabulary: VocabularyFor | None = None,
) -> None:
    """Every check beyond the schema, as both design readers (located and fast) run them:
    across fields, and with `vocabulary` the names the design's cloud knows; then each
    environment laid over the design, checked the same way."""
    _checks(data, add, first_line, vocabulary)
    if "environments" in data:
        from .environments import environment_problems  # environments reuse these checks

        environment_problems(
            data, add, lambda applied, located: _checks(applied, located, _no_line, vocabulary)
        )


def _no_line(loc: Loc) -> None:
    return None  # an applied environment has no lines of its own; problems go to the overlay


def _checks(
    data: dict[str, Any],
    add: Add,
    first_line: Callable[[Loc], Any],
    vocabulary: VocabularyFor | None,
) -> None:
    cross_field_problems(data, add, first_line)
    cloud = data.get("cloud", "aws")
    if vocabulary is not None and cloud in CLOUDS:
        vocabulary_problems(data, vocabulary(cloud), add)


def cross_field_problems(data: dict[str, Any], add: Add, first_line: Callable[[Loc], Any]) -> None:
    """Report every problem through `add`; `first_line(loc)` is the line of a node."""
    services = data.get("services")
    services = services if isinstance(services, list) else []
    named = _service_names(services, add, first_line)
    _manifest_name_problems(services, named, add)
    graph = _dependencies(services, named, add)
    cycle = find_cycle(graph)
    if cycle:
        first = named[cycle[0]]
        j = _index_of(services[first].get("depends_on", []), cycle[1])
        add(("services", first, "depends_on", j), "dependency cycle: " + " -> ".join(cycle))
    _entrypoint_problems(services, named, add)
    _region_problems(data, add)
    for i, svc in enumerate(services):
        if isinstance(svc, dict):
            _traffic_problems(i, svc, add)
    _pool_problems(data, services, add)
    _load_problems(services, _utilization(data), add)
    _network_problems(data, add)


def _entrypoint_problems(services: list[Any], named: dict[str, int], add: Add) -> None:
    """An entrypoint written as 1 or "yes" is named where it is (the model would read it as
    true, this check as no entrypoint, and the design was refused for having none)."""
    marks = [
        (i, s["entrypoint"])
        for i, s in enumerate(services)
        if isinstance(s, dict) and "entrypoint" in s
    ]
    wrong = [(i, mark) for i, mark in marks if not isinstance(mark, bool)]
    for i, mark in wrong:
        add(("services", i, "entrypoint"), f"must be true or false (got {mark!r})")
    if named and not wrong and not any(mark is True for _, mark in marks):
        add(("services",), "no service has entrypoint: true; mark the service user traffic enters")


def _traffic_problems(i: int, svc: dict[str, Any], add: Add) -> None:
    """A service's calls name its dependencies; a CDN fronts an entrypoint."""
    raw = svc.get("depends_on")
    deps: list[Any] = raw if isinstance(raw, list) else []
    calls = svc.get("calls")
    if isinstance(calls, dict):
        for name in calls:
            if name not in deps:
                hint = f"; depends_on lists {', '.join(map(str, deps))}" if deps else ""
                add(
                    ("services", i, "calls", name), f"{name!r} is not in depends_on{hint}", key=True
                )
    if svc.get("cdn") is not None and svc.get("entrypoint") is not True:
        add(
            ("services", i, "cdn"), "a CDN fronts an entrypoint; set entrypoint: true or remove cdn"
        )
    _lifecycle_problems(i, svc, add)


def _lifecycle_problems(i: int, svc: dict[str, Any], add: Add) -> None:
    """Lifecycle rules move objects to colder classes in order, before the objects expire."""
    rules = svc.get("lifecycle")
    if not isinstance(rules, list) or not rules:
        return
    retention = svc.get("retention_days")
    if not isinstance(retention, int):
        add(
            ("services", i, "lifecycle"),
            "lifecycle needs retention_days (how long objects are kept)",
        )
        return
    last_day, last_class = 0, 0
    order = {"standard_ia": 1, "archive": 2}
    for j, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("after_days"), int):
            continue
        day, cls = rule["after_days"], order.get(str(rule.get("storage_class")), 0)
        if day <= last_day or cls <= last_class:
            add(
                ("services", i, "lifecycle", j),
                "rules must move objects to a colder class, later each time",
            )
        elif day >= retention:
            add(
                ("services", i, "lifecycle", j, "after_days"),
                f"must be below retention_days {retention}",
            )
        last_day, last_class = day, cls


def _pool_problems(data: dict[str, Any], services: list[Any], add: Add) -> None:
    pools = data.get("node_pools")
    if not isinstance(pools, dict):
        return
    used = {
        s.get("pool", "default")
        for s in services
        if isinstance(s, dict) and s.get("kind") == "stateless"
    }
    for name in pools:
        if name not in used:
            hint = f"; services use {', '.join(sorted(map(str, used)))}" if used else ""
            add(("node_pools", name), f"no stateless service runs in pool {name!r}{hint}", key=True)


def _number(value: Any, most: float) -> float | None:
    """A number the model will accept on its own (the schema reports the others)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 < value <= most else None


def _utilization(data: dict[str, Any]) -> float:
    defaults = data.get("defaults")
    given = defaults.get("target_utilization") if isinstance(defaults, dict) else None
    return _number(given, 1) or 0.6


def _load_problems(services: list[Any], utilization: float, add: Add) -> None:
    """Each stateless service's offered load (peak_rps x cpu_ms) and the replicas it takes
    within what the sizing formulas handle."""
    for i, svc in enumerate(services):
        load = svc.get("load") if isinstance(svc, dict) else None
        if not isinstance(load, dict):
            continue
        rps, cpu_ms = (
            _number(load.get("peak_rps"), MAX_RPS),
            _number(load.get("cpu_ms"), MAX_CPU_MS),
        )
        if rps is None or cpu_ms is None:
            continue
        offered = rps * cpu_ms / 1000
        replica = svc.get("replica")
        vcpu = _number(replica.get("cpu") if isinstance(replica, dict) else 1, 64) or 1
        if offered > MAX_OFFERED_VCPU:
            add(
                ("services", i, "load"),
                f"offered load peak_rps x cpu_ms / 1000 = {offered:,.0f} vCPU; "
                f"at most {MAX_OFFERED_VCPU:,} vCPU per service (split the service)",
            )
        elif offered / (vcpu * utilization) > MAX_REPLICAS:
            add(
                ("services", i, "load"),
                f"needs {offered / (vcpu * utilization):,.0f} replicas of {vcpu:g} vCPU; at most "
                f"{MAX_REPLICAS:,} per service (raise replica.cpu or split the service)",
            )


def _service_names(
    services: list[Any], add: Add, first_line: Callable[[Loc], Any]
) -> dict[str, int]:
    named: dict[str, int] = {}
    for i, svc in enumerate(services):
        if not isinstance(svc, dict) or not isinstance(svc.get("name"), str):
            continue
        name = svc["name"]
        if name in named:
            line = first_line(("services", named[name], "name"))
            first = f" (first at line {line})" if line is not None else ""  # none: environments
            add(("services", i, "name"), f"duplicate service name {name!r}{first}")
        else:
            named[name] = i
    return named


# The files export writes beside a design's per-service manifests in kubernetes/<design>/
# (render/k8s.py, render/environments.py): a stateless service of one of these names would
# overwrite one (a service named `namespace` replaced the Namespace object without a word).
MANIFEST_FILES = frozenset({"namespace", "network-policies", "external-secrets", "kustomization"})
# The Deployments a deploy strategy adds beside a service's own (render/k8s_strategy.py).
STRATEGY_SUFFIXES = {"blue_green": ("-blue", "-green"), "canary": ("-canary",)}


def _manifest_name_problems(services: list[Any], named: dict[str, int], add: Add) -> None:
    """A stateless service's name is its manifest's file name and its Deployment's name: it
    must not be a file export writes anyway, nor a Deployment another service's blue-green
    or canary deploy adds (two Deployments of one name in one namespace)."""
    for i, svc in enumerate(services):
        if not isinstance(svc, dict) or svc.get("kind") != "stateless":
            continue
        name = svc.get("name")
        if name in MANIFEST_FILES:
            add(
                ("services", i, "name"),
                f"{name!r} is a file export writes beside the services' manifests "
                f"(kubernetes/<design>/{name}.yaml); choose another name",
            )
        deploy = svc.get("deploy")
        strategy = deploy.get("strategy") if isinstance(deploy, dict) else None
        for suffix in STRATEGY_SUFFIXES.get(str(strategy), ()):
            other = named.get(f"{name}{suffix}")
            if other is not None and other != i:
                add(
                    ("services", other, "name"),
                    f"'{name}{suffix}' is the Deployment {name}'s {strategy} deploy adds; "
                    "choose another name",
                )


def _dependencies(services: list[Any], named: dict[str, int], add: Add) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    for i, svc in enumerate(services):
        deps = svc.get("depends_on") if isinstance(svc, dict) else None
        if not isinstance(deps, list):
            continue
        name = svc.get("name")
        for j, dep in enumerate(deps):
            if not isinstance(dep, str):
                continue
            if dep == name:
                add(("services", i, "depends_on", j), f"service {name!r} depends on itself")
            elif dep not in named:
                close = difflib.get_close_matches(dep, list(named), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                add(("services", i, "depends_on", j), f"unknown service {dep!r}{hint}")
            elif isinstance(name, str):
                graph.setdefault(name, []).append(dep)
    return graph


def _index_of(items: Any, value: str) -> int:
    return items.index(value) if isinstance(items, list) and value in items else 0


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """The first dependency cycle in name order, as a closed path [a, b, a].

    Iterative depth-first search: a chain of thousands of services must not hit Python's
    recursion limit.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(graph):
        if start in state:
            continue
        path = [start]
        todo = [iter(graph.get(start, []))]
        state[start] = 1
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(graph.get(nxt, [])))
    return None


def _region_problems(data: dict[str, Any], add: Add) -> None:
    cloud = data.get("cloud", "aws")
    if cloud not in CLOUDS:
        return
    regions = data.get("regions")
    checked: list[tuple[Loc, str]] = []
    if isinstance(regions, list):
        seen: set[str] = set()
        for i, r in enumerate(regions):
            if not isinstance(r, str):
                continue
            checked.append((("regions", i), r))
            if r in seen:
                add(("regions", i), f"region {r!r} is listed twice")
            seen.add(r)
    dr_region = data.get("dr_region")
    if isinstance(dr_region, str):
        checked.append((("dr_region",), dr_region))
        if isinstance(regions, list) and regions and dr_region == regions[0]:
            add(("dr_region",), f"dr_region must differ from the primary region {dr_region!r}")
    _known_regions(cloud, checked, data.get("zones", 3), add)


def _known_regions(cloud: str, checked: list[tuple[Loc, str]], zones: Any, add: Add) -> None:
    known = regions_of(cloud)
    for loc, name in checked:
        region = known.get(name)
        if region is None:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            add(loc, f"unknown {cloud} region {name!r}{hint}")
        elif (
            loc[0] == "regions"
            and isinstance(zones, int)
            and not isinstance(zones, bool)
            and zones > region.zones
        ):
            add(("zones",), f"{zones} zones requested but {cloud} {name} has {region.zones}")


def _network_problems(data: dict[str, Any], add: Add) -> None:
    """network.region_cidrs names regions of the design, and no two regions' blocks overlap
    (a block that is not valid is reported by the schema)."""
    network = data.get("network")
    if not isinstance(network, dict):
        return
    regions = [r for r in data.get("regions") or [] if isinstance(r, str)]
    if isinstance(data.get("dr_region"), str):
        regions.append(data["dr_region"])
    own = network.get("region_cidrs")
    own = own if isinstance(own, dict) else {}
    for name in own:
        if name not in regions:
            listed = ", ".join(dict.fromkeys(regions)) or "none"
            add(
                ("network", "region_cidrs", name),
                f"{name!r} is not a region of this design (regions and dr_region: {listed})",
                key=True,
            )
    cidr = network.get("cidr")
    if (cidr is not None and not valid_block(cidr)) or not all(map(valid_block, own.values())):
        return
    try:
        blocks = region_blocks(cidr, own, regions)
    except ValueError as exc:
        add(("network", "cidr"), str(exc))
        return
    pair = first_overlap(blocks)
    if pair is not None:
        a, b = pair
        where = ("network", "region_cidrs", b) if b in own else ("network", "cidr")
        add(
            where,
            f"the blocks of {a} ({blocks[a]}) and {b} ({blocks[b]}) overlap; regions "
            "need blocks of their own to be connected",
        )
