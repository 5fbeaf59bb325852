"""Sizing formulas: offered load to replicas (utilisation, zone loss, Erlang C latency) and
pods to nodes (allocatable resources, first-fit-decreasing packing).

Pure functions; every formula is written out in docs/model.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from pydantic import Field

from ..design.fields import MAX_OFFERED_VCPU, MAX_REPLICAS
from ..errors import PlanningError
from ..frozen import Frozen
from .queueing import p95_response_ms, service_p95_ms

# --- replicas ------------------------------------------------------------------------------


def _servers(replicas: int, vcpu_per_replica: float) -> int:
    # A replica of k vCPU serves k requests at once; fractional CPUs round down (conservative).
    return max(1, math.floor(replicas * vcpu_per_replica + 1e-9))


P95 = Callable[[int, float, float, float], float]  # (servers, peak rps, cpu ms, cv) -> p95 ms


def latency_replicas(
    peak_rps: float,
    cpu_ms: float,
    vcpu_per_replica: float,
    target_ms: float,
    cv: float = 1.0,
    p95: P95 = p95_response_ms,
) -> int | None:
    """Smallest n whose p95 response time is within target; None if none can be.

    The p95 never drops below the service time's own p95: ln(20) x cpu_ms (~3x) when service
    times are exponential (cv = 1), less when they vary less. `p95`: p95_response_ms, or a
    memo of it.
    """
    if target_ms <= service_p95_ms(cpu_ms, cv):
        return None
    offered = peak_rps * cpu_ms / 1000

    def ok(n: int) -> bool:
        return p95(_servers(n, vcpu_per_replica), peak_rps, cpu_ms, cv) <= target_ms

    lo = max(1, math.floor(offered / vcpu_per_replica))
    hi = lo
    while not ok(hi):
        hi *= 2
        if hi > 10_000_000:
            return None
    if ok(lo):
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


class ReplicaSizing(Frozen):
    """Replicas for one stateless service and which rule set the number (the plan shows
    it as each service's `sizing`; the count itself is the service's `replicas`)."""

    offered_load_vcpu: float
    vcpu_per_replica: float
    n_util: int
    n_zone: int | None
    n_latency: int | None
    n_minimum: int
    replicas: int = Field(exclude=True)
    binding: str  # utilisation | zone_loss | latency | minimum
    p95_ms: float  # modelled p95 response time at the chosen replica count
    latency_reachable: bool = Field(exclude=True)


def size_replicas(
    *,
    peak_rps: float,
    cpu_ms: float,
    vcpu_per_replica: float,
    zones: int,
    availability_target: float,
    latency_target_ms: float | None,
    target_utilization: float = 0.6,
    zone_failure_utilization: float = 0.85,
    cpu_ms_cv: float = 1.0,
    p95: P95 = p95_response_ms,
) -> ReplicaSizing:
    """replicas = max(1, 2 if target >= 99.9, z, n_util, n_zone, n_latency), rounded up to k*z.
    `p95`: p95_response_ms, or a memo of it (the Erlang C searches are the costly part)."""
    offered = peak_rps * cpu_ms / 1000
    if not offered <= MAX_OFFERED_VCPU:  # also NaN: Erlang C loops once per server
        raise PlanningError(
            f"offered load of {offered:g} vCPU is above the {MAX_OFFERED_VCPU:,} vCPU per "
            "service the sizing model handles"
        )
    k = vcpu_per_replica
    n_util = math.ceil(offered / (k * target_utilization) - 1e-9)
    if n_util > MAX_REPLICAS:
        raise PlanningError(
            f"{n_util:,} replicas of {k:g} vCPU are above the {MAX_REPLICAS:,} per service "
            "the sizing model handles"
        )
    n_zone = (
        math.ceil(offered / (k * zone_failure_utilization) * zones / (zones - 1) - 1e-9)
        if zones >= 2
        else None
    )
    n_latency = (
        latency_replicas(peak_rps, cpu_ms, k, latency_target_ms, cpu_ms_cv, p95)
        if latency_target_ms
        else None
    )
    n_minimum = max(1, 2 if availability_target >= 99.9 else 1, zones)
    candidates = {
        "minimum": n_minimum,
        "utilisation": n_util,
        "zone_loss": n_zone or 0,
        "latency": n_latency or 0,
    }
    raw = max(candidates.values())
    binding = max(candidates, key=lambda name: (candidates[name], name == "latency"))
    replicas = math.ceil(raw / zones) * zones
    return ReplicaSizing(
        offered_load_vcpu=round(offered, 6),
        vcpu_per_replica=k,
        n_util=n_util,
        n_zone=n_zone,
        n_latency=n_latency,
        n_minimum=n_minimum,
        replicas=replicas,
        binding=binding,
        p95_ms=round(p95(_servers(replicas, k), peak_rps, cpu_ms, cpu_ms_cv), 3),
        latency_reachable=not (latency_target_ms and n_latency is None),
    )


def on_demand_floor(
    offered_load_vcpu: float, vcpu_per_replica: float, zones: int, zone_failure_utilization: float
) -> int:
    """Replicas that stay on demand when a service runs on spot: enough to carry the peak load
    at the zone-failure utilisation with every spot replica reclaimed, in whole zones. Spot
    capacity has no SLA and can be reclaimed at two minutes' notice, so it counts only above
    this floor (the EC2 Auto Scaling OnDemandBaseCapacity pattern; docs/model.md)."""
    needed = math.ceil(offered_load_vcpu / (vcpu_per_replica * zone_failure_utilization) - 1e-9)
    return max(zones, math.ceil(max(1, needed) / zones) * zones)


class ReplicaSizer:
    """`size_replicas` remembered by its inputs: a planner's variants (decisions, the
    explorer's sweep) size the same services many times, and the Erlang C search is the
    costly part. Each p95 it evaluates is remembered too: a service sized again in another
    number of zones searches the same replica counts. Owned by a Planner, never
    module-global."""

    MAX_ENTRIES = 16_384  # bounded, for a long notebook session

    def __init__(self) -> None:
        self.memo: dict[tuple[Any, ...], ReplicaSizing] = {}
        self.p95s: dict[tuple[int, float, float, float], float] = {}

    def __call__(self, **inputs: Any) -> ReplicaSizing:
        key = tuple(sorted(inputs.items()))
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= self.MAX_ENTRIES:
                self.memo.clear()
            found = self.memo[key] = size_replicas(**inputs, p95=self.p95)
        return found

    def p95(self, servers: int, peak_rps: float, cpu_ms: float, cv: float) -> float:
        """p95_response_ms, remembered."""
        key = (servers, peak_rps, cpu_ms, cv)
        found = self.p95s.get(key)
        if found is None:
            if len(self.p95s) >= self.MAX_ENTRIES * 8:
                self.p95s.clear()
            found = self.p95s[key] = p95_response_ms(servers, peak_rps, cpu_ms, cv)
        return found


# --- nodes ---------------------------------------------------------------------------------


class NodeShape(NamedTuple):
    """What one node offers pods after the Kubernetes reservations (a tuple: packings are
    remembered per shape, and the sweep looks them up a hundred thousand times)."""

    instance_type: str
    vcpu: float
    memory_mib: int
    max_pods: int
    pod_slots: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int


def kube_reserved_cpu_m(vcpu: float) -> float:
    """6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above 4."""
    cores = vcpu
    reserved = 60 * min(cores, 1)
    reserved += 10 * max(0.0, min(cores, 2) - 1)
    reserved += 5 * max(0.0, min(cores, 4) - 2)
    reserved += 2.5 * max(0.0, cores - 4)
    return reserved


def _gke_reserved_memory_mib(memory_mib: float) -> float:
    gib = memory_mib / 1024
    if gib < 1:
        return 255
    ladder = ((4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (math.inf, 0.02))
    left, reserved = gib, 0.0
    for span, share in ladder:
        used = min(left, span)
        reserved += used * share
        left -= used
        if left <= 0:
            break
    return reserved * 1024


def eks_max_pods(instance_type: str, rules: Mapping[str, Any]) -> int:
    override = rules.get("eni_overrides", {}).get(instance_type)
    size = instance_type.split(".", 1)[1] if "." in instance_type else ""
    enis, ips = override or rules["eni_by_size"].get(size, (0, 0))
    if not enis:
        raise KeyError(f"no ENI limits for {instance_type}")
    return int(enis) * (int(ips) - 1) + 2


def node_shape(
    instance_type: str, vcpu: float, memory_gib: float, rules: Mapping[str, Any]
) -> NodeShape:
    """Allocatable CPU, memory and pod slots of one node under the cloud's rules."""
    memory_mib = round(memory_gib * 1024)
    rule = rules["memory_rule"]
    reserved_mem: float
    if rule == "eks":
        max_pods = eks_max_pods(instance_type, rules)
        reserved_mem = 255 + 11 * max_pods
    elif rule == "gke":
        max_pods = int(rules["max_pods"])
        reserved_mem = _gke_reserved_memory_mib(memory_mib)
    elif rule == "aks":
        max_pods = int(rules["max_pods"])
        reserved_mem = 20 * max_pods + 50
    else:  # pragma: no cover - the shipped table has only these three
        raise ValueError(f"unknown memory rule {rule!r}")
    alloc_mem = math.floor(memory_mib - reserved_mem - int(rules["eviction_mib"]))
    alloc_cpu = math.floor(vcpu * 1000 - kube_reserved_cpu_m(vcpu))
    return NodeShape(
        instance_type=instance_type,
        vcpu=vcpu,
        memory_mib=memory_mib,
        max_pods=max_pods,
        pod_slots=max(0, max_pods - int(rules["daemonset_pods"])),
        allocatable_cpu_m=alloc_cpu,
        allocatable_memory_mib=alloc_mem,
    )


class PodGroup(NamedTuple):
    """`pods` identical pods of one service to place in one zone. A tuple: pools are
    remembered by their pods (hundreds of groups, every hour of the day), which tuples hash
    and compare at C speed."""

    service: str
    cpu_m: int
    memory_mib: int
    pods: int


def pods_fit(group: PodGroup, shape: NodeShape) -> bool:
    return (
        group.cpu_m <= shape.allocatable_cpu_m
        and group.memory_mib <= shape.allocatable_memory_mib
        and shape.pod_slots >= 1
    )


def pack_first_fit_decreasing(groups: Sequence[PodGroup], shape: NodeShape) -> int | None:
    """Nodes needed to hold the pods, first-fit-decreasing; None if a pod fits no node.

    Identical pods are placed in runs: under first fit a run fills the first bin that
    has room until it is full, then the next, so each bin is visited once per group. A bin
    that cannot take any pod still to come (no slot, or less CPU or memory than the smallest
    remaining pod) is dropped from the scan: first fit would pass it over anyway.
    """
    order = sorted(
        (g for g in groups if g.pods > 0),
        key=lambda g: (
            -max(g.cpu_m / shape.allocatable_cpu_m, g.memory_mib / shape.allocatable_memory_mib),
            g.service,
        ),
    )
    if any(not pods_fit(g, shape) for g in order):
        return None
    least_cpu, least_mem = _suffix_minima(order)
    cpu: list[int] = []
    mem: list[int] = []
    slots: list[int] = []
    open_bins: list[int] = []
    for k, g in enumerate(order):
        left = _fill_open(g, g.pods, open_bins, cpu, mem, slots)
        start = len(cpu)
        _open_new(g, left, shape, cpu, mem, slots)
        open_bins = [
            i
            for i in [*open_bins, *range(start, len(cpu))]
            if slots[i] > 0 and cpu[i] >= least_cpu[k + 1] and mem[i] >= least_mem[k + 1]
        ]
    return len(cpu)


def _suffix_minima(order: Sequence[PodGroup]) -> tuple[list[float], list[float]]:
    """The least CPU and memory of any pod from position k on (infinity past the end)."""
    least_cpu = [math.inf] * (len(order) + 1)
    least_mem = [math.inf] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        least_cpu[k] = min(least_cpu[k + 1], order[k].cpu_m)
        least_mem[k] = min(least_mem[k + 1], order[k].memory_mib)
    return least_cpu, least_mem


def _fill_open(
    g: PodGroup, left: int, open_bins: list[int], cpu: list[int], mem: list[int], slots: list[int]
) -> int:
    """Place pods of `g` into the open bins in order; how many are left."""
    for i in open_bins:
        fit = min(slots[i], cpu[i] // g.cpu_m if g.cpu_m else left, mem[i] // g.memory_mib)
        if fit <= 0:
            continue
        put = min(fit, left)
        cpu[i] -= put * g.cpu_m
        mem[i] -= put * g.memory_mib
        slots[i] -= put
        left -= put
        if left == 0:
            break
    return left


def _open_new(
    g: PodGroup, left: int, shape: NodeShape, cpu: list[int], mem: list[int], slots: list[int]
) -> None:
    """New bins for the pods of `g` left over: full ones, then one with the rest."""
    if not left:
        return
    per_node = min(
        shape.pod_slots,
        shape.allocatable_cpu_m // g.cpu_m if g.cpu_m else shape.pod_slots,
        shape.allocatable_memory_mib // g.memory_mib,
    )
    full, rest = divmod(left, per_node)
    cpu += [shape.allocatable_cpu_m - per_node * g.cpu_m] * full
    mem += [shape.allocatable_memory_mib - per_node * g.memory_mib] * full
    slots += [shape.pod_slots - per_node] * full
    if rest:
        cpu.append(shape.allocatable_cpu_m - rest * g.cpu_m)
        mem.append(shape.allocatable_memory_mib - rest * g.memory_mib)
        slots.append(shape.pod_slots - rest)


def pod_totals(groups: Sequence[PodGroup]) -> tuple[int, int, int]:
    """CPU (m), memory (MiB) and pods of the groups together."""
    cpu = sum(g.cpu_m * g.pods for g in groups)
    mem = sum(g.memory_mib * g.pods for g in groups)
    return cpu, mem, sum(g.pods for g in groups)


def nodes_lower_bound(
    groups: Sequence[PodGroup], shape: NodeShape, totals: tuple[int, int, int] | None = None
) -> int:
    """No packing can use fewer nodes than this (each resource on its own). `totals`:
    `pod_totals(groups)`, when the caller bounds the same pods on many shapes."""
    cpu, mem, pods = pod_totals(groups) if totals is None else totals
    return max(
        math.ceil(cpu / shape.allocatable_cpu_m) if shape.allocatable_cpu_m > 0 else 0,
        math.ceil(mem / shape.allocatable_memory_mib) if shape.allocatable_memory_mib > 0 else 0,
        math.ceil(pods / shape.pod_slots) if shape.pod_slots > 0 else 0,
    )
