"""The example designs' headline numbers, worked out by hand (issue 12).

Each test derives one headline of `data/designs/<name>.yaml` from the formulas in
`docs/model.md`, the shipped tables in `data/` (SLAs, DR strategies, region pairs, node
allocatable rules, traffic assumptions) and the rows of the price catalog
(`data/pricing/aws.csv`), then checks that the plan gives exactly that. Only the public
API and the plan's JSON are used, so the package can be reorganised underneath.

Money is exact: every quantity is a `Fraction`, every line item is quantity x unit price
rounded to the cent half up, and a total is the sum of its rounded line items.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan, load_design

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

HOURS = 730  # hours in a month
SECONDS = HOURS * 3600  # seconds in a month

# Design defaults the examples leave unset (docs/design-file.md, "defaults" and "dr").
UTILISATION = Fraction(6, 10)  # defaults.target_utilization
ZONE_FAILURE_UTILISATION = Fraction(85, 100)  # defaults.zone_failure_utilization
BACKUP_RETENTION_DAYS = 7  # a database's backup.retention_days

Plan = dict[str, Any]


# --- the plans under test ------------------------------------------------------------------


@cache
def _plan_json(name: str) -> str:
    return json.dumps(build_plan(load_design(DATA / "designs" / f"{name}.yaml")).to_dict())


def plan(name: str) -> Plan:
    """The plan of an example design, as JSON (a fresh copy each call)."""
    data: Plan = json.loads(_plan_json(name))
    return data


def services(p: Plan) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in p["services"]}


# --- shipped tables ------------------------------------------------------------------------


@cache
def table(name: str) -> Any:
    return YAML(typ="safe").load((DATA / name).read_text(encoding="utf-8"))


TRAFFIC = table("sizing.yaml")["traffic"]
OBSERVABILITY = table("sizing.yaml")["observability"]
EKS = table("sizing.yaml")["allocatable"]["aws"]
AWS = table("clouds.yaml")["aws"]  # how AWS bills traffic, NAT, addresses, backups
# The default load profile (load.profile: diurnal): 24 hourly factors of peak_rps.
DIURNAL = [Fraction(str(f)) for f in TRAFFIC["diurnal"]]
MEAN = sum(DIURNAL, Fraction(0)) / 24  # 0.6508...: requests a month are peak x MEAN x seconds
MONTH_DAYS = Fraction(HOURS, 24)  # a 730-hour month is 30.4167 days
KIB_PER_GIB = 1024 * 1024
DR_ASSUMPTIONS = table("dr.yaml")["assumptions"]
DAILY_CHANGE = Fraction(str(DR_ASSUMPTIONS["daily_change_fraction"]))  # 0.05
DAYS = int(DR_ASSUMPTIONS["days_per_month"])  # 30
# Per GB stored: snapshot copies kept (1 + 0.05 x (7 - 1) = 1.3) and GB copied across
# regions a month (0.05 x 30 = 1.5).
BACKUP_COPIES = 1 + DAILY_CHANGE * (BACKUP_RETENTION_DAYS - 1)
CHANGES_A_MONTH = DAILY_CHANGE * DAYS


def sla(entry: str) -> Fraction:
    """A published monthly SLA from data/sla/aws.yaml by its id, as a fraction (99.99 ->
    0.9999)."""
    (row,) = [e for e in table("sla/aws.yaml")["entries"] if e["id"] == entry]
    return Fraction(str(row["availability"])) / 100


def duration_s(text: str) -> int:
    """'30s', '15m', '4h', '1d' -> seconds."""
    return int(text[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[text[-1]]


def dr_strategies(database_gib: float) -> list[tuple[str, int, int]]:
    """(strategy, RTO s, RPO s), cheapest first, for a design with one RDS database of
    `database_gib`, a bucket and stateless compute (docs/model.md, "DR")."""
    t = {k: v["value"] for k, v in table("dr.yaml")["timings"].items()}
    rds = {
        k: v["value"]
        for k, v in table("engines.yaml")["aws"]["postgres"].items()
        if k != "name" and isinstance(v, dict)
    }
    detect = duration_s(t["health_check_interval"]) * t["health_check_failures"]  # 90 s
    decide, dns = duration_s(t["decision"]), duration_s(t["dns_ttl"])  # 300 s, 60 s
    bucket = duration_s(t["object_replication"])  # 15 min: the bucket bounds every RPO
    restore = (
        duration_s(rds["restore_fixed"]) + database_gib / rds["restore_rate_gib_per_hour"] * 3600
    )
    slowest_restore = max(duration_s(t["provision_region"]), int(restore))
    promote = duration_s(rds["promotion"])  # 10 min: longer than any scale-up
    rpo_backup = max(duration_s(rds["pitr"]), bucket)  # point-in-time logs copied across
    rpo_replica = max(duration_s(rds["replication_lag"]), bucket)
    failover = detect + decide + promote + dns
    return [
        ("backup_restore", detect + decide + slowest_restore + dns, rpo_backup),
        ("pilot_light", failover, rpo_replica),
        ("warm_standby", failover, rpo_replica),
        ("active_active", failover, rpo_replica),  # RDS has one writer: promote it
    ]


# --- the price catalog ---------------------------------------------------------------------


@cache
def catalog() -> tuple[dict[str, str], ...]:
    with (DATA / "pricing" / "aws.csv").open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def catalog_row(
    product: str,
    region: str,
    purchase: str = "on_demand",
    *,
    engine: str = "",
    deployment: str = "",
) -> dict[str, str]:
    """The one catalog row for a product. A product never sold as `purchase` (RDS,
    ElastiCache, storage and transfer have no savings plan) is priced on demand
    (docs/pricing.md, "purchase fallback"). Rows with an empty engine or deployment
    match any."""
    if not any(r["product"] == product and r["purchase"] == purchase for r in catalog()):
        purchase = "on_demand"
    rows = [
        r
        for r in catalog()
        if (r["product"], r["region"], r["purchase"]) == (product, region, purchase)
        and r["engine"] in ("", engine)
        and r["deployment"] in ("", deployment)
    ]
    assert len(rows) == 1, (product, region, purchase, engine, deployment, rows)
    return rows[0]


def price(
    product: str,
    region: str,
    purchase: str = "on_demand",
    *,
    engine: str = "",
    deployment: str = "",
) -> Decimal:
    row = catalog_row(product, region, purchase, engine=engine, deployment=deployment)
    return Decimal(row["unit_price"])


def half_up(amount: Fraction) -> Decimal:
    """Round to the cent, half up (6.325 -> 6.33)."""
    return Decimal(math.floor(amount * 100 + Fraction(1, 2))).scaleb(-2)


@dataclass(frozen=True)
class Line:
    """One hand-priced line item: monthly quantity x the catalog's unit price."""

    product: str
    region: str
    quantity: Fraction  # for the month: instance-hours, GB-month, GB, LCU-hours
    unit_price: Decimal
    dr: bool = False
    routing: bool = False  # global routing: part of the DR option's cost, not of the region

    @property
    def monthly(self) -> Decimal:
        return half_up(self.quantity * Fraction(self.unit_price))


def item(
    product: str,
    region: str,
    quantity: Fraction | int,
    purchase: str = "on_demand",
    *,
    dr: bool = False,
    routing: bool = False,
    engine: str = "",
    deployment: str = "",
) -> Line:
    """A line item priced from the catalog row (product, region, purchase[, engine, deployment])."""
    unit_price = price(product, region, purchase, engine=engine, deployment=deployment)
    return Line(product, region, Fraction(quantity), unit_price, dr, routing)


def hand_bill(lines: list[Line]) -> list[tuple[Any, ...]]:
    """(product, region, quantity, unit price, monthly cost, is DR) per line, sorted."""
    return sorted(
        (x.product, x.region, float(x.quantity), float(x.unit_price), x.monthly, x.dr)
        for x in lines
    )


def plan_bill(p: Plan) -> list[tuple[Any, ...]]:
    """The plan's line items in the same form as `hand_bill`."""
    return sorted(
        (
            i["product"],
            i["region"],
            i["quantity"],
            i["unit_price"],
            Decimal(str(i["monthly_cost"])),
            i["category"] == "dr",
        )
        for i in p["cost"]["line_items"]
    )


def total(lines: list[Line]) -> Decimal:
    return sum((x.monthly for x in lines), Decimal(0))


def money(value: float) -> Decimal:
    return Decimal(str(value))


# --- latency: M/M/c (docs/model.md, "Latency (Erlang C)") ----------------------------------


def erlang_c(c: int, a: float) -> float:
    """P(wait) with c servers and offered load a, through the Erlang B recursion."""
    if a >= c:
        return 1.0
    b = 1.0
    for j in range(1, c + 1):
        b = a * b / (j + a * b)
    return c * b / (c - a * (1 - b))


def p95_ms(c: int, rps: float, cpu_ms: float) -> float:
    """p95 response time: bisection on P(T > t) = 0.05."""
    lam, mu = rps / 1000, 1 / cpu_ms  # per millisecond
    if lam >= c * mu:
        return math.inf
    wait = erlang_c(c, lam / mu)
    alpha = c * mu - lam

    def tail(t: float) -> float:
        if abs(alpha - mu) < 1e-12:
            queued = (1 + mu * t) * math.exp(-mu * t)
        else:
            queued = (mu * math.exp(-alpha * t) - alpha * math.exp(-mu * t)) / (mu - alpha)
        return (1 - wait) * math.exp(-mu * t) + wait * queued

    lo, hi = 0.0, cpu_ms
    while tail(hi) > 0.05:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if tail(mid) > 0.05 else (lo, mid)
    return hi


def latency_replicas(rps: float, cpu_ms: float, k: float, target_ms: float) -> int:
    """The smallest n whose c = floor(n x k) parallel requests meet the p95 target."""
    n = 1
    while p95_ms(math.floor(n * k), rps, cpu_ms) > target_ms:
        n += 1
    return n


def binding_rules(rules: Mapping[str, int | None]) -> set[str]:
    """The rules that set the replica count (several when they tie)."""
    top = max(v for v in rules.values() if v is not None)
    return {name for name, v in rules.items() if v == top}


def assert_sizing(s: dict[str, Any], rules: Mapping[str, int | None], replicas: int) -> None:
    got = s["sizing"]
    assert got["n_util"] == rules["utilisation"]
    assert got["n_zone"] == rules["zone_loss"]
    assert got["n_latency"] == rules["latency"]
    assert got["n_minimum"] == rules["minimum"]
    assert got["binding"] in binding_rules(rules)
    assert s["replicas"] == replicas


# --- node pools (docs/model.md, "Node pools") ----------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What one EKS node of an instance type offers pods."""

    product: str
    max_pods: int
    slots: int
    cpu_m: int
    memory_mib: int


def eks_shape(row: dict[str, str]) -> Shape:
    vcpu = Fraction(row["vcpu"])
    memory = round(Fraction(row["memory_gib"]) * 1024)
    size = row["product"].split(".", 1)[1]
    enis, ips = EKS["eni_overrides"].get(row["product"]) or EKS["eni_by_size"][size]
    max_pods = enis * (ips - 1) + 2
    # 6% of core 1, 1% of core 2, 0.5% of cores 3-4, 0.25% above 4 (in millicores)
    one, two, four, none = Fraction(1), Fraction(2), Fraction(4), Fraction(0)
    reserved = (
        60 * min(vcpu, one)
        + 10 * max(none, min(vcpu, two) - 1)
        + 5 * max(none, min(vcpu, four) - 2)
        + Fraction(5, 2) * max(none, vcpu - 4)
    )
    return Shape(
        product=row["product"],
        max_pods=max_pods,
        slots=max_pods - EKS["daemonset_pods"],
        cpu_m=math.floor(vcpu * 1000 - reserved),
        memory_mib=memory - (255 + 11 * max_pods) - EKS["eviction_mib"],
    )


def first_fit_decreasing(pods: list[tuple[int, int]], shape: Shape) -> int | None:
    """Nodes for one zone's pods (cpu_m, memory_mib), placed one by one; None if one fits nowhere."""
    pods = sorted(pods, key=lambda p: -max(p[0] / shape.cpu_m, p[1] / shape.memory_mib))
    free: list[list[int]] = []  # per node: cpu, memory, pod slots left
    for cpu, mem in pods:
        if cpu > shape.cpu_m or mem > shape.memory_mib:
            return None
        node = next((n for n in free if n[0] >= cpu and n[1] >= mem and n[2] >= 1), None)
        if node is None:
            node = [shape.cpu_m, shape.memory_mib, shape.slots]
            free.append(node)
        node[0] -= cpu
        node[1] -= mem
        node[2] -= 1
    return len(free)


def pool_ranking(
    pods: list[tuple[int, int]], zones: int, region: str, purchase: str
) -> list[tuple[Decimal, str, int]]:
    """(hourly cost, type, nodes) for every allowed type: current generation, not burstable
    (AWS t-families), >= 2 vCPU. Cheapest first; on a tie, more (smaller) nodes first."""
    out = []
    for row in catalog():
        if (row["category"], row["region"], row["purchase"]) != ("compute", region, purchase):
            continue
        if row["generation"] != "current" or row["family"].startswith("t"):
            continue
        if Fraction(row["vcpu"]) < 2:
            continue
        per_zone = first_fit_decreasing(pods, eks_shape(row))
        if per_zone is not None:
            nodes = per_zone * zones
            out.append((nodes * Decimal(row["unit_price"]), row["product"], nodes))
    return sorted(out, key=lambda t: (t[0], -t[2], t[1]))


def pool_shares(requests: dict[str, tuple[int, int]]) -> dict[str, Fraction]:
    """Each service's share of a pool: the mean of its share of requested CPU and memory,
    to six places, the remainder to the largest share (shares sum to exactly 1)."""
    cpu = sum(c for c, _ in requests.values())
    mem = sum(m for _, m in requests.values())
    shares = {
        s: round((Fraction(c, cpu) + Fraction(m, mem)) / 2, 6) for s, (c, m) in requests.items()
    }
    top = max(shares, key=lambda s: shares[s])
    shares[top] += 1 - sum(shares.values())
    return shares


def cheapest_class(region: str, category: str, prefix: str, engine: str, **least: float) -> str:
    """The cheapest non-burstable database or cache class with at least `least` vCPU/memory."""
    found = []
    for row in catalog():
        if (row["category"], row["region"], row["purchase"]) != (category, region, "on_demand"):
            continue
        if row["engine"] != engine or row["deployment"] not in ("", "single_az"):
            continue
        if row["family"].startswith(prefix + "t"):  # db.t3, db.t4g, cache.t4g: burstable
            continue
        if all(Fraction(row[k] or 0) >= Fraction(str(v)) for k, v in least.items()):
            found.append((Decimal(row["unit_price"]), row["product"]))
    return min(found)[1]


# --- traffic, autoscaling and the shared line items (docs/model.md, "Traffic") -------------


def q6(x: Fraction) -> Fraction:
    """A component's quantity as declared: to six places, half to even."""
    return Fraction(round(x * 10**6), 10**6)


def hourly(
    product: str, region: str, per_hour: Fraction | int, purchase: str = "on_demand", **kw: Any
) -> Line:
    """A line consumed every hour (instances, LCUs): its hourly quantity to six places x 730."""
    return item(product, region, q6(Fraction(per_hour)) * HOURS, purchase, **kw)


def monthly(product: str, region: str, quantity: Fraction | int, **kw: Any) -> Line:
    """A line already counted for the month (GB, GB-month, millions of requests)."""
    return item(product, region, q6(Fraction(quantity)), **kw)


def requests_a_month(peak_rps: int, share: Fraction = Fraction(1)) -> Fraction:
    """Requests a month over the diurnal profile: peak x its mean x seconds in a month."""
    return peak_rps * MEAN * SECONDS * share


def internet_gib(peak_rps: int, share: Fraction = Fraction(1)) -> Fraction:
    """An entrypoint's responses (16 KiB by default) leaving to the internet, GiB a month."""
    return requests_a_month(peak_rps, share) * TRAFFIC["response_kib"] / KIB_PER_GIB


def lcu_per_hour(peak_rps: int, share: Fraction = Fraction(1)) -> Fraction:
    """ALB LCUs an hour over the profile: the largest of new connections/s / 25, active
    connections (each open 60 s) / 3,000 and GB processed an hour (requests and responses,
    1 + 16 KiB) / 1 (data/sizing.yaml, traffic)."""
    rps = peak_rps * MEAN * share
    new = rps / TRAFFIC["requests_per_connection"]
    active = new * TRAFFIC["connection_seconds"]
    kib = TRAFFIC["request_kib"] + TRAFFIC["response_kib"]
    gb = rps * kib * 1024 * 3600 / Fraction(10**9)
    lcu: Fraction = max(
        new / TRAFFIC["lcu_new_connections_per_s"],
        active / TRAFFIC["lcu_active_connections"],
        gb / TRAFFIC["lcu_gb_per_hour"],
    )
    return lcu


def call_gib(peak_rps: int, callee: str, share: Fraction = Fraction(1)) -> Fraction:
    """GiB a month both ways on one call per request to a callee of kind `callee`: a
    stateless service answers 1 KiB in, 16 KiB out; a database 1 and 4; a cache 0.5 and 2."""
    if callee == "stateless":
        kib = Fraction(TRAFFIC["request_kib"]) + Fraction(TRAFFIC["response_kib"])
    else:
        sizes = TRAFFIC["calls_kib"][callee]
        kib = Fraction(str(sizes["request"])) + Fraction(str(sizes["response"]))
    return requests_a_month(peak_rps, share) * kib / KIB_PER_GIB


def inter_zone_gb(
    calls: list[tuple[int, str]], zones: int, share: Fraction = Fraction(1)
) -> Fraction:
    """GB billed for calls crossing zones: (z - 1)/z of every call lands in another zone,
    billed out and in on AWS (clouds.yaml, inter_zone_charged_sides: 2)."""
    gib = sum((call_gib(rps, callee, share) for rps, callee in calls), Fraction(0))
    return gib * Fraction(zones - 1, zones) * AWS["inter_zone_charged_sides"]


def hpa_hours(cpu_ms: int, peak_rps: int, k: int, replicas: int, floor: int) -> list[int]:
    """Replicas hour by hour by the exported HPA's rule: its target utilisation is that of
    the planned replicas at the peak (floored to a whole percent); each hour asks for
    ceil(f x A / (k x target)), between the floor and the planned count."""
    a = Fraction(peak_rps * cpu_ms, 1000)
    target = Fraction(math.floor(100 * a / (k * replicas)), 100)
    return [max(floor, min(replicas, math.ceil(f * a / (k * target)))) for f in DIURNAL]


def nodes_by_hour(
    shape: Shape, zones: int, peak: int, services: list[tuple[list[int], int, int]]
) -> list[int]:
    """Each hour's nodes: a zone's share of each service's replicas (rounded up) packed first
    fit decreasing, times the zones (never above the peak's nodes). services: (replicas by
    hour, cpu_m, memory_mib)."""
    out = []
    for h in range(24):
        pods = [(cpu, mem) for hours, cpu, mem in services for _ in range(-(-hours[h] // zones))]
        per_zone = first_fit_decreasing(pods, shape)
        assert per_zone is not None
        out.append(min(peak, per_zone * zones))
    return out


def log_gb(requests: Fraction, nodes: Fraction) -> Fraction:
    """Logs a month: a 500-byte line per request served, and 100 MiB a day per node."""
    per_request = Fraction(OBSERVABILITY["log_bytes_per_request"])
    per_node = Fraction(OBSERVABILITY["node_log_mib_per_day"])
    return requests * per_request / 1024**3 + nodes * per_node * MONTH_DAYS / 1024


def metric_samples_million(pods: Fraction, nodes: Fraction) -> Fraction:
    """Samples a month: 100 series a pod, 500 a node, scraped every 30 s."""
    o = OBSERVABILITY
    series = pods * o["series_per_pod"] + nodes * o["series_per_node"]
    return series * SECONDS / o["scrape_interval_s"] / 10**6


def tiers(product: str, region: str) -> list[tuple[Fraction, Fraction | None, Decimal]]:
    """A tiered product's ladder: (from, to, unit price) in its unit a month."""
    rows = [
        r
        for r in catalog()
        if (r["product"], r["region"], r["purchase"]) == (product, region, "on_demand")
    ]
    ladder = [
        (Fraction(r["tier_start"]), Fraction(r["tier_end"]) if r["tier_end"] else None, r)
        for r in rows
    ]
    return [(a, b, Decimal(r["unit_price"])) for a, b, r in sorted(ladder, key=lambda t: t[0])]


class Meter:
    """Usage of each tiered product in a region so far this month, walked tier by tier
    (the products of one pricing pass share a meter)."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, str], Fraction] = {}

    def lines(self, product: str, region: str, quantity: Fraction | int, **kw: Any) -> list[Line]:
        q = q6(Fraction(quantity))
        used = self.used.get((product, region), Fraction(0))
        self.used[(product, region)] = used + q
        out = []
        for low, high, unit_price in tiers(product, region):
            top = used + q if high is None else min(high, used + q)
            if top > max(low, used):
                out.append(Line(product, region, top - max(low, used), unit_price, **kw))
        return out


def routing_lines(region: str, requests: Fraction, endpoints: int) -> list[Line]:
    """Route 53 failover (data/clouds.yaml: fails over in 150 s, the cheapest within the
    RTO): a hosted zone, a health check per endpoint users can be sent to, and a DNS query
    for every 10 new connections (10 requests a connection)."""
    queries = (
        requests
        / TRAFFIC["requests_per_connection"]
        * Fraction(str(TRAFFIC["dns_queries_per_connection"]))
    )
    return [
        monthly("route53-zone", region, 1, routing=True),
        monthly("route53-health-check", region, endpoints, routing=True),
        *Meter().lines("route53-queries", region, queries / 10**6, routing=True),
    ]


# ===========================================================================================
# startup: one zone in eu-west-1, on demand, a 98.5% target, RTO and RPO of a day
# ===========================================================================================


def test_startup_replicas() -> None:
    app = services(plan("startup"))["app"]
    # app: 40 rps x 30 ms -> A = 1.2 busy vCPU; k = 1 vCPU per replica; z = 1.
    a = Fraction(40 * 30, 1000)
    rules = {
        "utilisation": math.ceil(a / (1 * UTILISATION)),  # ceil(1.2 / 0.6) = 2
        "zone_loss": None,  # one zone: no zone to lose
        # One replica: a = 1.2 > c = 1, the queue never empties; two serve p95 ~ 133 ms.
        "latency": latency_replicas(40, 30, 1, 500),
        "minimum": max(1, 1, 1),  # target 98.5 < 99.9, z = 1
    }
    assert rules == {"utilisation": 2, "zone_loss": None, "latency": 2, "minimum": 1}
    replicas = math.ceil(max(v or 0 for v in rules.values()) / 1) * 1  # a multiple of z = 1
    assert replicas == 2
    assert_sizing(app, rules, replicas)
    assert app["sizing"]["p95_ms"] == pytest.approx(p95_ms(2, 40, 30), abs=1e-3)
    assert app["cpu_request_m"] == 1000 and app["memory_request_mib"] == 512  # k; load.memory_mib


def test_startup_node_pool() -> None:
    (pool,) = plan("startup")["node_pools"]
    # One zone holds both app pods (1000m, 512 MiB each).
    pods = [(1000, 512)] * 2
    # c6g.large: 2 vCPU, 4 GiB; 3 ENIs x 10 IPs -> 3 x 9 + 2 = 29 pods; CPU 2000 - 70 =
    # 1930m; memory 4096 - (255 + 11 x 29) - 100 = 3422 MiB. Two 1000m pods need 2000m >
    # 1930m, so one pod a node: 2 nodes. A c6g.xlarge (3920m) holds both on one node for
    # exactly the same price (its hourly rate is twice the large's): on a tie the smaller
    # type wins. Every other allowed type costs more.
    shape = eks_shape(catalog_row("c6g.large", "eu-west-1"))
    assert (shape.max_pods, shape.cpu_m, shape.memory_mib) == (29, 1930, 3422)
    assert first_fit_decreasing(pods, shape) == 2
    ranking = pool_ranking(pods, 1, "eu-west-1", "on_demand")
    assert [(t, n) for _, t, n in ranking[:2]] == [("c6g.large", 2), ("c6g.xlarge", 1)]
    assert ranking[0][0] == ranking[1][0]  # the tie
    hourly, best, nodes = ranking[0]
    assert (pool["instance_type"], pool["nodes"], pool["zones"]) == (best, nodes, 1)
    assert (pool["max_pods"], pool["allocatable_cpu_m"], pool["allocatable_memory_mib"]) == (
        29,
        1930,
        3422,
    )
    assert pool["cpu_utilization"] == round(2000 / (2 * 1930), 4)  # 0.5181
    assert pool["memory_utilization"] == round(1024 / (2 * 3422), 4)  # 0.1496
    # The pool is chosen and sized at the peak; candidates are compared at that count.
    assert pool["candidates"][0] == {
        "instance_type": best,
        "nodes": nodes,
        "monthly_cost": float(half_up(Fraction(hourly) * HOURS)),  # 112.13
    }
    # It runs what each hour's pods need: one node for the 9 hours app runs 1 replica.
    assert (pool["min_nodes"], pool["hourly_nodes"]) == (1, startup_nodes())
    assert startup_nodes() == [1] * 9 + [2] * 15
    # Its cost: the nodes hour by hour (1.625 on average) and their root volumes.
    # (The deploy surge is a line item of its own, not the pool's standing cost.)
    lines = [x for x in startup_bill() if x.product in (best, "ebs-gp3") and x != startup_surge()]
    assert money(pool["monthly_cost"]) == total(lines)  # 91.10 + 2.86


def startup_app_hours() -> list[int]:
    # A = 1.2 busy vCPU on 2 replicas: the HPA targets 60%, so an hour at factor f asks for
    # ceil(2f) replicas, never fewer than the floor of 1 (n_minimum, one zone).
    return hpa_hours(30, 40, 1, 2, 1)


def startup_nodes() -> list[int]:
    shape = eks_shape(catalog_row("c6g.large", "eu-west-1"))
    return nodes_by_hour(shape, 1, 2, [(startup_app_hours(), 1000, 512)])


def test_startup_autoscaling() -> None:
    app = services(plan("startup"))["app"]
    hours = startup_app_hours()
    assert hours == [1] * 9 + [2] * 15  # factors <= 0.5 from midnight to 09:00: 1 replica
    assert (app["min_replicas"], app["hourly_replicas"]) == (1, hours)


def test_startup_data_classes() -> None:
    svc = services(plan("startup"))
    # db: >= 2 vCPU and >= 4 GiB of postgres; single-AZ (z = 1 and target < 99.9).
    db = cheapest_class("eu-west-1", "database", "db.", "postgres", vcpu=2, memory_gib=4)
    assert db == "db.m6g.large"
    assert (svc["db"]["instance_class"], svc["db"]["multi_az"]) == (db, False)
    assert svc["uploads"]["instance_class"] == "s3-standard"


def test_startup_availability() -> None:
    a = plan("startup")["availability"]
    # The user path is app's load balancer, app and its dependency db (uploads is not on it).
    # app runs 2 replicas in one zone: a single failure domain, the single-instance figure.
    # db is single-AZ.
    lb, app, db = sla("alb"), sla("ec2-single"), sla("rds-single-az")
    achieved = lb * app * db  # 0.9999 x 0.995 x 0.995 = 98.9926%
    assert [(c["component"], Fraction(str(c["availability"])) / 100) for c in a["path"]] == [
        ("load-balancer (app)", lb),
        ("app", app),
        ("db", db),
    ]
    assert a["achieved"] == pytest.approx(float(achieved * 100), abs=1e-6)
    assert a["regions_serving"] == 1
    assert a["meets_target"] is (achieved * 100 >= Fraction("98.5"))
    assert a["downtime_budget_min"] == pytest.approx(float((1 - Fraction("0.985")) * 43_800))
    assert a["weakest"] in {"app", "db"}  # they tie at 99.5


def test_startup_dr() -> None:
    dr = plan("startup")["dr"]
    # Targets RTO 1d, RPO 1d: backup & restore (provisioning the region, 30 min, outlasts
    # restoring 50 GiB) is the cheapest that meets both.
    rto, rpo = duration_s("1d"), duration_s("1d")
    table_ = dr_strategies(50)
    meets = {s: t <= rto and p <= rpo for s, t, p in table_}
    chosen = next(s for s, ok in meets.items() if ok)
    assert chosen == "backup_restore"
    assert (dr["strategy"], dr["forced"], dr["meets_target"]) == (chosen, False, True)
    assert (dr["rto"], dr["rpo"]) == next((t, q) for s, t, q in table_ if s == chosen)
    assert (dr["rto"], dr["rpo"]) == (90 + 300 + 1800 + 60, 900)
    assert dr["dr_region"] == table("regions.yaml")["aws"]["eu-west-1"]["dr_pair"]  # eu-central-1
    assert {o["strategy"]: o["meets_target"] for o in dr["options"]} == meets
    costs = [o["monthly_cost"] for o in dr["options"]]
    assert costs == sorted(costs)
    # The chosen strategy's cost is the DR line items of the bill below (9.70 USD).
    option = next(o for o in dr["options"] if o["strategy"] == chosen)
    assert money(option["monthly_cost"]) == total([x for x in startup_bill() if x.dr])


def backup_gb(storage_gib: int) -> Fraction:
    """RDS backup storage beyond the free 100% of the provisioned storage: a full copy and 6
    days of changes (1.3 x), and with point-in-time recovery 7 days of logs (0.35 x)."""
    kept = storage_gib * BACKUP_COPIES + storage_gib * DAILY_CHANGE * BACKUP_RETENTION_DAYS
    return kept - storage_gib * AWS["db_backup_free_fraction"]


def objects_million(gib: int) -> Fraction:
    """Objects of 256 KiB (the default object size) in `gib`, in millions."""
    return Fraction(gib * KIB_PER_GIB, TRAFFIC["object_kib"]) / 10**6


def cluster_lines(
    r: str, nodes: Fraction, pods: Fraction, requests: Fraction, *, dr: bool = False
) -> list[Line]:
    """What every region running a cluster pays whatever its services: root volumes (20 GiB
    a node, the EKS default), each node's daily image pull through NAT (0.5 GiB), logs
    (ingested, kept 30 days) and metric samples, the control plane, and a NAT gateway with
    its public address in each zone (zones from the node count's region: `nat_zones`)."""
    pulls = nodes * MONTH_DAYS * TRAFFIC["image_pulls_per_node_per_day"]
    logs = log_gb(requests, nodes)
    return [
        monthly("ebs-gp3", r, nodes * AWS["root_volume_gib"], dr=dr),
        monthly("nat-gateway-gb", r, pulls * Fraction(str(TRAFFIC["image_gib"])), dr=dr),
        monthly("cloudwatch-logs-ingest", r, logs, dr=dr),
        monthly("cloudwatch-logs-storage", r, logs / MONTH_DAYS * 30, dr=dr),
        *Meter().lines("amp-samples", r, metric_samples_million(pods, nodes), dr=dr),
        hourly("eks-cluster", r, 1, dr=dr),
    ]


# Security baseline (docs/model.md, "Security"; data/clouds.yaml `security`; the design's
# security: defaults): a key per data store and the cluster's, a secret per credential, a WAF
# on the entrypoint, flow logs and the audit trail.
SECURITY = table("clouds.yaml")["aws"]["security"]
KEY_REFRESHES_A_DAY = 24  # each store asks KMS for a data key about hourly
SECRET_READS_A_DAY = 24  # security.secret_reads_per_pod_per_day
WAF_RULES = 3 + 2  # managed rule groups + custom rules (security: defaults)
FLOW_RECORD_BYTES = SECURITY["flow_log_record_bytes"]  # 120, one at each end of a connection
AUDIT_GIB_A_DAY = Fraction(100_000) * Fraction(str(SECURITY["audit_event_kib"])) / 1024**2


@dataclass(frozen=True)
class Guarded:
    """What a region's security baseline is sized from: its data stores, its credentials
    (each caller's share of the pods: its peak replicas over all stateless replicas), its
    average pods, and the requests reaching the entrypoint and crossing calls here."""

    stores: int
    credentials: tuple[Fraction, ...]
    pods: Fraction
    entry_requests: Fraction
    call_requests: Fraction


def security_lines(r: str, g: Guarded, *, dr: bool = False) -> list[Line]:
    reads = sum((g.pods * c for c in g.credentials), Fraction(0)) * SECRET_READS_A_DAY
    reads_million = reads * MONTH_DAYS / 10**6
    refreshes = g.stores * KEY_REFRESHES_A_DAY * MONTH_DAYS / 10**6
    flow_gib = (g.entry_requests + g.call_requests) / TRAFFIC["requests_per_connection"]
    flow_gib = flow_gib * 2 * FLOW_RECORD_BYTES / 1024**3
    return [
        monthly("kms-key", r, g.stores + 1, dr=dr),
        monthly("kms-requests", r, refreshes + q6(reads_million), dr=dr),
        monthly("secrets-manager-secret", r, len(g.credentials), dr=dr),
        monthly("secrets-manager-api", r, reads_million, dr=dr),
        *Meter().lines("vpc-flow-logs", r, flow_gib, dr=dr),
        monthly("cloudwatch-logs-storage", r, q6(flow_gib) / MONTH_DAYS * 30, dr=dr),
        # CloudTrail keeps 90 days of management events; the trail's files in S3 for 365.
        monthly("s3-standard", r, AUDIT_GIB_A_DAY * (365 - SECURITY["audit_free_days"]), dr=dr),
        monthly("waf-web-acl", r, 1, dr=dr),
        monthly("waf-rule", r, WAF_RULES, dr=dr),
        monthly("waf-requests", r, g.entry_requests / 10**6, dr=dr),
    ]


def nat_lines(r: str, zones: int, *, dr: bool = False) -> list[Line]:
    return [hourly("nat-gateway", r, zones, dr=dr), hourly("public-ipv4", r, zones, dr=dr)]


def startup_surge() -> Line:
    # Deploy surge: one zone, so a rolling deploy starts one new pod first (maxSurge 1):
    # 1 node x 1 deploy a day x 730/24 days x 0.25 h = 7.604167 node-hours.
    return item("c6g.large", "eu-west-1", Fraction(7604167, 1_000_000))


def startup_bill() -> list[Line]:
    r, r2 = "eu-west-1", "eu-central-1"  # the region and its DR pair
    nodes = Fraction(sum(startup_nodes()), 24)  # 1.625 c6g.large on average
    pods = Fraction(sum(startup_app_hours()), 24)
    egress = Meter()
    return [
        hourly("c6g.large", r, nodes),  # app's share 1
        startup_surge(),
        *cluster_lines(r, nodes, pods, requests_a_month(40)),
        *nat_lines(r, 1),  # one zone
        # 40 rps at peak, 0.65 of it on average: 1043.94 GiB of 16 KiB responses a month.
        *egress.lines("transfer-out", r, internet_gib(40)),
        item("db.m6g.large", r, HOURS, engine="postgres", deployment="single_az"),
        item("rds-gp3", r, 50, deployment="single_az"),  # 50 x 0.1265 = 6.325 -> 6.33
        monthly("rds-backup", r, backup_gb(50)),  # 82.5 - 50 = 32.5 GB
        item("s3-standard", r, 100),
        monthly("s3-standard-get", r, objects_million(50)),  # the 50 GiB served, as GETs
        *egress.lines("transfer-out", r, 50),  # on the same meter, still in the first tier
        item("alb", r, HOURS),  # one entrypoint
        hourly("public-ipv4", r, 1),  # an internet-facing ALB holds an address per zone
        hourly("alb-lcu", r, lcu_per_hour(40)),  # GB processed binds: 1.6315 LCU
        # Keys for db and uploads (and the cluster); app's credential for db; app's requests
        # and its one call to db a request.
        *security_lines(
            r, Guarded(2, (Fraction(1),), pods, requests_a_month(40), requests_a_month(40))
        ),
        # One zone: nothing crosses zones, so there is no inter-zone traffic.
        # DR, backup & restore: snapshot copies, 50 x 1.3 = 65 GB, daily changes 50 x 1.5 =
        # 75 GB copied across (billed at the source); uploads replicated to infrequent
        # access, its changes 100 x 1.5 = 150 GB. Nothing routes users until a restore.
        item("ebs-snapshot", r2, 50 * BACKUP_COPIES, dr=True),
        item("transfer-inter-region", r, 50 * CHANGES_A_MONTH, dr=True),
        item("s3-standard-ia", r2, 100, dr=True),
        item("transfer-inter-region", r, 100 * CHANGES_A_MONTH, dr=True),
    ]


def test_startup_monthly_total() -> None:
    p = plan("startup")
    lines = startup_bill()
    assert plan_bill(p) == hand_bill(lines)
    assert money(p["cost"]["monthly_total"]) == total(lines)  # 574.69 USD
    assert p["cost"]["within_budget"] is (total(lines) <= 800)


# ===========================================================================================
# payments: us-east-1 and us-west-2 active-active, 3 zones, 99.99%, savings plan 1y
# ===========================================================================================


def test_payments_replicas() -> None:
    svc = services(plan("payments"))
    z, target_ms = 3, 200
    minimum = max(1, 2, z)  # target 99.99 >= 99.9 -> 2; one per zone -> 3
    # gateway: 3000 rps x 8 ms -> A = 24; k = 1.
    a = Fraction(3000 * 8, 1000)
    n_zone = math.ceil(a / (1 * ZONE_FAILURE_UTILISATION) * z / (z - 1))  # ceil(42.35) = 43
    gateway = {
        "utilisation": math.ceil(a / (1 * UTILISATION)),  # ceil(24 / 0.6) = 40
        "zone_loss": n_zone,
        "latency": latency_replicas(3000, 8, 1, target_ms),  # c = 25 > a = 24 meets 200 ms
        "minimum": minimum,
    }
    assert gateway == {"utilisation": 40, "zone_loss": 43, "latency": 25, "minimum": 3}
    assert_sizing(svc["gateway"], gateway, math.ceil(43 / z) * z)  # 43 -> 45
    # payments-api: 3000 rps x 25 ms -> A = 75; k = 2 vCPU per replica.
    a = Fraction(3000 * 25, 1000)
    n_zone = math.ceil(a / (2 * ZONE_FAILURE_UTILISATION) * z / (z - 1))  # ceil(66.18) = 67
    api = {
        "utilisation": math.ceil(a / (2 * UTILISATION)),  # ceil(75 / 1.2) = 63
        "zone_loss": n_zone,
        "latency": latency_replicas(3000, 25, 2, target_ms),  # 38 replicas: c = 76 > a = 75
        "minimum": minimum,
    }
    assert api == {"utilisation": 63, "zone_loss": 67, "latency": 38, "minimum": 3}
    assert_sizing(svc["payments-api"], api, math.ceil(67 / z) * z)  # 67 -> 69
    # At the chosen counts the queue is short: p95 ~ ln(20) x cpu_ms.
    assert svc["gateway"]["sizing"]["p95_ms"] == pytest.approx(p95_ms(45, 3000, 8), abs=1e-3)
    assert svc["payments-api"]["sizing"]["p95_ms"] == pytest.approx(p95_ms(138, 3000, 25), abs=1e-3)
    assert (svc["payments-api"]["cpu_request_m"], svc["payments-api"]["memory_request_mib"]) == (
        2000,
        2048,
    )


def test_payments_node_pool() -> None:
    (pool,) = plan("payments")["node_pools"]
    # Per zone: 45 / 3 = 15 gateway pods (1000m, 512 MiB), 69 / 3 = 23 api pods (2000m,
    # 2048 MiB): 61,000m and 54,784 MiB.
    pods = [(2000, 2048)] * 23 + [(1000, 512)] * 15
    # c6g.8xlarge: 32 vCPU, 64 GiB; 8 ENIs x 30 IPs -> 234 pods; CPU 32000 - (60 + 10 + 5 +
    # 5 + 28 x 2.5) = 31850m; memory 65536 - (255 + 11 x 234) - 100 = 62607 MiB.
    # FFD, api pods first: node 1 takes 15 (30,000m), node 2 the other 8 (16,000m); then
    # the gateway pods: 1 fills node 1 (850m left), 14 go to node 2 (1,850m left).
    # 2 nodes a zone, 6 in all. The same family in 2xlarge packs 9 a zone (27, dearer: 3
    # api + 1 gateway pod per 7910m node) and 4xlarge 5 a zone (15).
    shape = eks_shape(catalog_row("c6g.8xlarge", "us-east-1", "savings_plan_1y"))
    assert (shape.max_pods, shape.cpu_m, shape.memory_mib) == (234, 31850, 62607)
    assert first_fit_decreasing(pods, shape) == 2
    ranking = pool_ranking(pods, 3, "us-east-1", "savings_plan_1y")
    hourly, best, nodes = ranking[0]
    assert (best, nodes) == ("c6g.8xlarge", 6)
    assert ranking[1][0] > hourly  # no tie: the next best (c7g.8xlarge x 6) is dearer
    assert (pool["instance_type"], pool["nodes"], pool["zones"], pool["purchase"]) == (
        best,
        nodes,
        3,
        "savings_plan_1y",
    )
    assert (pool["max_pods"], pool["allocatable_cpu_m"], pool["allocatable_memory_mib"]) == (
        234,
        31850,
        62607,
    )
    cpu, mem = 3 * (23 * 2000 + 15 * 1000), 3 * (23 * 2048 + 15 * 512)
    assert pool["cpu_utilization"] == round(cpu / (6 * 31850), 4)  # 0.9576
    assert pool["memory_utilization"] == round(mem / (6 * 62607), 4)  # 0.4375
    # Candidates are compared at the peak, all month: 6 x 730 x 0.79424 = 3478.77.
    assert pool["candidates"][0] == {
        "instance_type": best,
        "nodes": nodes,
        "monthly_cost": float(half_up(Fraction(hourly) * HOURS)),
    }
    # The pool runs each hour's pods: 3 nodes from 01:00 to 08:00, 6 otherwise.
    assert (pool["min_nodes"], pool["hourly_nodes"]) == (3, payments_nodes())
    assert payments_nodes() == [6] + [3] * 7 + [6] * 16
    assert (services(plan("payments"))["gateway"]["hourly_replicas"]) == payments_hours()["gateway"]
    # Its cost: the savings plan on the 3 always-on nodes, on demand above, root volumes.
    pool_lines = [
        x for x in payments_bill() if x.product in (best, "ebs-gp3") and x.region == "us-east-1"
    ]
    assert money(pool["monthly_cost"]) == total(pool_lines)  # 3,435.35


def test_payments_data_classes() -> None:
    svc = services(plan("payments"))
    # ledger-db: >= 8 vCPU and >= 64 GiB of postgres; Multi-AZ (z = 3 >= 2, target >= 99.9).
    db = cheapest_class("us-east-1", "database", "db.", "postgres", vcpu=8, memory_gib=64)
    assert db == "db.r6g.2xlarge"
    assert (svc["ledger-db"]["instance_class"], svc["ledger-db"]["multi_az"]) == (db, True)
    assert svc["ledger-db"]["read_replicas"] == 2
    # idempotency: >= 12 GiB of redis (cache.r6g.large has 13.07); Multi-AZ: max(2, z) nodes.
    cache_class = cheapest_class("us-east-1", "cache", "cache.", "redis", memory_gib=12)
    assert cache_class == "cache.r6g.large"
    assert (svc["idempotency"]["instance_class"], svc["idempotency"]["multi_az"]) == (
        cache_class,
        True,
    )
    assert svc["idempotency"]["cache_nodes"] == max(2, 3)


def test_payments_availability() -> None:
    a = plan("payments")["availability"]
    # Two regions serve, so Route 53 failover routing comes first (shared by both). Each
    # region runs its own ALB, gateway, payments-api (3 zones, many replicas: the multi-zone
    # compute figure) and idempotency cache (Multi-AZ); ledger-db has one writer (RDS
    # replicates to the other region asynchronously), so both regions share it.
    path = [
        ("global routing", sla("route53"), "global"),
        ("load-balancer (gateway)", sla("alb"), "region"),
        ("gateway", sla("ec2-multi-az"), "region"),
        ("payments-api", sla("ec2-multi-az"), "region"),
        ("ledger-db", sla("rds-multi-az"), "global"),
        ("idempotency", sla("elasticache-multi-az"), "region"),
    ]
    got = [(c["component"], Fraction(str(c["availability"])) / 100, c["scope"]) for c in a["path"]]
    assert got == path
    region = math.prod(v for _, v, scope in path if scope == "region")  # 0.9999^4
    # Regions in parallel, 1 - (1 - R)^2; the shared parts in series with them.
    shared = math.prod(v for _, v, scope in path if scope == "global")  # 1 x 0.9995
    achieved = (1 - (1 - region) ** 2) * shared  # 99.949984%
    assert a["regions_serving"] == 2
    assert a["achieved"] == pytest.approx(float(achieved * 100), abs=1e-6)
    assert achieved * 100 < Fraction("99.99")
    assert a["meets_target"] is False
    assert a["downtime_budget_min"] == pytest.approx(float((1 - Fraction("0.9999")) * 43_800))
    assert a["weakest"] == "ledger-db"


def test_payments_dr() -> None:
    p = plan("payments")
    dr = p["dr"]
    # Targets RTO 5m, RPO 1m. Two regions in `regions` (and dr.strategy) force active-active,
    # but RDS has one writer: the other region must promote its replica (10 min after
    # detection and a decision), and the receipts bucket replicates within 15 min. No
    # strategy meets the targets with this engine and bucket; the plan says so.
    rto, rpo = duration_s("5m"), duration_s("1m")
    table_ = dr_strategies(2000)
    meets = {s: t <= rto and q <= rpo for s, t, q in table_}
    assert not any(meets.values())
    assert (dr["strategy"], dr["forced"], dr["meets_target"]) == ("active_active", True, False)
    assert (dr["rto"], dr["rpo"]) == next((t, q) for s, t, q in table_ if s == dr["strategy"])
    assert (dr["rto"], dr["rpo"]) == (1050, 900)
    assert dr["dr_region"] == p["regions"][1] == "us-west-2"  # the second serving region
    assert {o["strategy"]: o["meets_target"] for o in dr["options"]} == meets
    costs = [o["monthly_cost"] for o in dr["options"]]
    assert costs == sorted(costs)
    # Active-active's cost is the DR line items of the bill below and the global routing
    # that sends users to either region (15,821.51 USD).
    option = next(o for o in dr["options"] if o["strategy"] == "active_active")
    assert money(option["monthly_cost"]) == total([x for x in payments_bill() if x.dr or x.routing])
    # The warnings say what binds each missed target: the database's RPO is seconds, so a
    # reader told "RPO 15m" (even of Aurora DSQL, which writes in both regions) must see that
    # the bucket sets it, and that the replica's promotion is the longest step of the RTO.
    bound = "RPO 15m exceeds the 1m target (set by receipts: object storage cross-region "
    assert dr["rpo_basis"] == "15m: receipts: object storage cross-region replication bound"
    assert (
        "DR: forced active_active misses the targets: RTO 17m30s exceeds the 5m target "
        "(longest step: promote ledger-db's cross-region replica, 10m); " + bound
    ) in " ".join(p["warnings"])
    assert f"the closest, Amazon Aurora DSQL, still misses: {bound}" in " ".join(p["warnings"])


def payments_hours() -> dict[str, list[int]]:
    # Each region is sized to carry all 3000 rps when the other fails; the HPA targets the
    # planned replicas' utilisation at that peak (gateway 24 / 45 -> 53%, payments-api
    # 75 / (2 x 69) -> 54%), floored at one replica a zone (3).
    return {"gateway": hpa_hours(8, 3000, 1, 45, 3), "payments-api": hpa_hours(25, 3000, 2, 69, 3)}


def payments_nodes() -> list[int]:
    shape = eks_shape(catalog_row("c6g.8xlarge", "us-east-1", "savings_plan_1y"))
    h = payments_hours()
    return nodes_by_hour(shape, 3, 6, [(h["payments-api"], 2000, 2048), (h["gateway"], 1000, 512)])


def payments_region(r: str, *, dr: bool) -> list[Line]:
    """What one serving region runs: a full copy in each, serving half the requests (the
    bucket, its reads and egress are billed once, in the first region)."""
    sp, half = "savings_plan_1y", Fraction(1, 2)
    # The pool's cost is split by share: mean of CPU and memory shares (0.193044, 0.806956).
    shares = pool_shares({"gateway": (45 * 1000, 45 * 512), "payments-api": (69 * 2000, 69 * 2048)})
    nodes = Fraction(sum(payments_nodes()), 24)  # 5.125 on average, never fewer than 3
    always_on = min(payments_nodes())
    hours = payments_hours()
    pods = Fraction(sum(sum(h) for h in hours.values()), 24)
    # Both services serve the region's half of the 3000 rps (one call per request).
    served = 2 * requests_a_month(3000, half)
    # Inter-zone: gateway -> payments-api (1 + 16 KiB), payments-api -> ledger-db (1 + 4)
    # and -> idempotency (0.5 + 2), 2/3 crossing, billed out and in.
    calls = [(3000, "stateless"), (3000, "database"), (3000, "cache")]
    egress = Meter()
    return [
        # The savings plan covers the always-on nodes; the hours above them are on demand.
        *(
            line
            for s in ("gateway", "payments-api")
            for line in (
                hourly("c6g.8xlarge", r, always_on * shares[s], sp, dr=dr),
                hourly("c6g.8xlarge", r, (nodes - always_on) * shares[s], dr=dr),
            )
        ),
        *cluster_lines(r, nodes, pods, served, dr=dr),
        *nat_lines(r, 3, dr=dr),
        *egress.lines("transfer-out", r, internet_gib(3000, half), dr=dr),
        # RDS and ElastiCache are not sold under savings plans: on demand.
        item("db.r6g.2xlarge", r, HOURS, sp, dr=dr, engine="postgres", deployment="multi_az"),
        item("rds-gp3", r, 2000, dr=dr, deployment="multi_az"),
        item("db.r6g.2xlarge", r, 2 * HOURS, sp, dr=dr, engine="postgres", deployment="single_az"),
        item("rds-gp3", r, 2 * 2000, dr=dr, deployment="single_az"),
        monthly("rds-backup", r, backup_gb(2000), dr=dr),  # 3300 - 2000 = 1300 GB
        item("cache.r6g.large", r, 3 * HOURS, sp, dr=dr, engine="redis"),
        *(
            []
            if dr
            else [
                item("s3-standard", r, 5000),
                monthly("s3-standard-get", r, objects_million(1000)),
                *egress.lines("transfer-out", r, 1000),  # after the gateway's, on one meter
            ]
        ),
        item("alb", r, HOURS, dr=dr),
        hourly("public-ipv4", r, 3, dr=dr),
        hourly("alb-lcu", r, lcu_per_hour(3000, half), dr=dr),
        monthly("transfer-inter-az", r, inter_zone_gb(calls, 3, half), dr=dr),
        # Keys for ledger-db, idempotency and receipts; payments-api's two credentials (69 of
        # the 45 + 69 replicas); gateway's half of the requests and three calls a request.
        *security_lines(
            r,
            Guarded(
                3,
                (Fraction(69, 114),) * 2,
                pods,
                requests_a_month(3000, half),
                3 * requests_a_month(3000, half),
            ),
            dr=dr,
        ),
    ]


def payments_bill() -> list[Line]:
    r, r2 = "us-east-1", "us-west-2"
    return [
        *payments_region(r, dr=False),
        # DR: the backups (snapshot copies 2000 x 1.3 = 2600 GB, changes 2000 x 1.5 =
        # 3000 GB; receipts in infrequent access, changes 5000 x 1.5 = 7500 GB) ...
        item("ebs-snapshot", r2, 2000 * BACKUP_COPIES, dr=True),
        item("transfer-inter-region", r, 2000 * CHANGES_A_MONTH, dr=True),
        item("s3-standard-ia", r2, 5000, dr=True),
        item("transfer-inter-region", r, 5000 * CHANGES_A_MONTH, dr=True),
        # ... the second region, and the database's live replication traffic.
        *payments_region(r2, dr=True),
        item("transfer-inter-region", r, 2000 * CHANGES_A_MONTH, dr=True),
        # Two regions serve: Route 53 failover in front of both, every user's requests.
        *routing_lines(r, requests_a_month(3000), 2),
    ]


def test_payments_monthly_total() -> None:
    p = plan("payments")
    lines = payments_bill()
    assert plan_bill(p) == hand_bill(lines)
    assert money(p["cost"]["monthly_total"]) == total(lines)  # 31,360.14 USD
    assert p["cost"]["within_budget"] is (total(lines) <= 40_000)


# ===========================================================================================
# shop: the pool and the total (its replicas, availability and DR are in test_plan.py)
# ===========================================================================================


def test_shop_node_pool() -> None:
    (pool,) = plan("shop")["node_pools"]
    # Per zone: 54 / 3 = 18 web pods (1000m, 512 MiB), 120 / 3 = 40 api pods (1000m, 1024 MiB).
    pods = [(1000, 1024)] * 40 + [(1000, 512)] * 18
    # c6g.4xlarge: 16 vCPU, 32 GiB; 234 pods; CPU 16000 - 110 = 15890m; memory 32768 -
    # (255 + 11 x 234) - 100 = 29839 MiB: 15 pods a node by CPU. 58 pods -> 4 nodes a zone
    # (15 + 15 + 10 api + 5 web, 13 web). c6g.8xlarge (31850m, 31 pods) needs 2 a zone at
    # twice the rate: the same cost, and on a tie the smaller type (more nodes) wins.
    shape = eks_shape(catalog_row("c6g.4xlarge", "us-east-1"))
    assert (shape.max_pods, shape.cpu_m, shape.memory_mib) == (234, 15890, 29839)
    assert first_fit_decreasing(pods, shape) == 4
    ranking = pool_ranking(pods, 3, "us-east-1", "on_demand")
    assert [(t, n) for _, t, n in ranking[:2]] == [("c6g.4xlarge", 12), ("c6g.8xlarge", 6)]
    assert ranking[0][0] == ranking[1][0]
    assert (pool["instance_type"], pool["nodes"]) == ("c6g.4xlarge", 12)
    assert pool["cpu_utilization"] == round(3 * 58_000 / (12 * 15890), 4)  # 0.9125
    assert pool["memory_utilization"] == round(3 * (40 * 1024 + 18 * 512) / (12 * 29839), 4)


def shop_hours() -> dict[str, list[int]]:
    # web: A = 30 on 54 replicas -> the HPA targets 55%; api: A = 67.5 on 120 -> 56%; the
    # floor is 3 (two replicas from 99.9%, one a zone, in whole zones).
    return {"web": hpa_hours(20, 1500, 1, 54, 3), "api": hpa_hours(45, 1500, 1, 120, 3)}


def shop_nodes() -> list[int]:
    shape = eks_shape(catalog_row("c6g.4xlarge", "us-east-1"))
    h = shop_hours()
    return nodes_by_hour(shape, 3, 12, [(h["api"], 1000, 1024), (h["web"], 1000, 512)])


def test_shop_autoscaling() -> None:
    p = plan("shop")
    svc = services(p)
    for name, hours in shop_hours().items():
        assert (svc[name]["min_replicas"], svc[name]["hourly_replicas"]) == (3, hours)
    assert shop_hours()["web"][:2] == [27, 22]  # midnight at 0.48 of peak: ceil(26.2) = 27
    (pool,) = p["node_pools"]
    assert (pool["min_nodes"], pool["hourly_nodes"]) == (6, shop_nodes())
    assert sum(shop_nodes()) == 9 * 24  # 9 nodes on average, 6 at night, 12 at the peak
    # The pool's cost: its nodes hour by hour and their root volumes.
    lines = [x for x in shop_bill() if x.product in ("c6g.4xlarge", "ebs-gp3")]
    assert money(pool["monthly_cost"]) == total(lines)  # 882.83 + 2691.25 + 14.40


def shop_bill() -> list[Line]:
    r, r2 = "us-east-1", "us-west-2"
    shares = pool_shares({"web": (54 * 1000, 54 * 512), "api": (120 * 1000, 120 * 1024)})
    nodes = Fraction(sum(shop_nodes()), 24)  # 9
    pods = Fraction(sum(sum(h) for h in shop_hours().values()), 24)
    # Inter-zone: web -> api (1 + 16 KiB), api -> orders-db (1 + 4) and -> sessions
    # (0.5 + 2) at 1500 rps peak, 2/3 crossing, out and in: 79,926.6 GB.
    calls = [(1500, "stateless"), (1500, "database"), (1500, "cache")]
    egress = Meter()
    return [
        hourly("c6g.4xlarge", r, nodes * shares["web"]),
        hourly("c6g.4xlarge", r, nodes * shares["api"]),
        # web and api each serve every request: logs of 2 x 1500 rps over the profile.
        *cluster_lines(r, nodes, pods, 2 * requests_a_month(1500)),
        *nat_lines(r, 3),
        # web's responses, 39,147.7 GB a month: the first 10 TB tier and part of the next.
        *egress.lines("transfer-out", r, internet_gib(1500)),
        # orders-db: db.m6g.xlarge (>= 4 vCPU, 16 GiB) Multi-AZ + one single-AZ read replica
        item("db.m6g.xlarge", r, HOURS, engine="postgres", deployment="multi_az"),
        item("rds-gp3", r, 500, deployment="multi_az"),
        item("db.m6g.xlarge", r, HOURS, engine="postgres", deployment="single_az"),
        item("rds-gp3", r, 500, deployment="single_az"),
        monthly("rds-backup", r, backup_gb(500)),  # 825 - 500 = 325 GB
        item("cache.m6g.large", r, 3 * HOURS, engine="redis"),  # sessions: >= 6 GiB, 3 nodes
        item("s3-standard", r, 2000),
        monthly("s3-standard-get", r, objects_million(5000)),  # 20.48 million GETs
        *egress.lines("transfer-out", r, 5000),  # the assets' egress, after web's
        item("alb", r, HOURS),
        hourly("public-ipv4", r, 3),
        hourly("alb-lcu", r, lcu_per_hour(1500)),  # GB processed binds: 61.18 LCU
        monthly("transfer-inter-az", r, inter_zone_gb(calls, 3)),
        # Keys for orders-db, sessions and assets; api's two credentials (120 of the 54 + 120
        # replicas); web's requests and three calls a request.
        *security_lines(
            r,
            Guarded(
                3,
                (Fraction(120, 174),) * 2,
                pods,
                requests_a_month(1500),
                3 * requests_a_month(1500),
            ),
        ),
        # DR, pilot light (RTO 1h, RPO 15m) in us-west-2: the backups ...
        item("ebs-snapshot", r2, 500 * BACKUP_COPIES, dr=True),
        item("transfer-inter-region", r, 500 * CHANGES_A_MONTH, dr=True),
        item("s3-standard-ia", r2, 2000, dr=True),
        item("transfer-inter-region", r, 2000 * CHANGES_A_MONTH, dr=True),
        # ... a live single-AZ replica of the database, its storage and replication ...
        item("db.m6g.xlarge", r2, HOURS, dr=True, engine="postgres", deployment="single_az"),
        item("rds-gp3", r2, 500, dr=True, deployment="single_az"),
        item("transfer-inter-region", r, 500 * CHANGES_A_MONTH, dr=True),
        # ... and the always-on core: a control plane and an idle load balancer with its
        # addresses, ...
        item("eks-cluster", r2, HOURS, dr=True),
        item("alb", r2, HOURS, dr=True),
        hourly("public-ipv4", r2, 3, dr=True),
        monthly("waf-web-acl", r2, 1, dr=True),  # the idle balancer keeps its web ACL
        monthly("waf-rule", r2, WAF_RULES, dr=True),
        # ... and DNS failover to send users there (RTO 1h: DNS's 150 s is enough).
        *routing_lines(r, requests_a_month(1500), 2),
    ]


def test_shop_monthly_total() -> None:
    p = plan("shop")
    lines = shop_bill()
    assert plan_bill(p) == hand_bill(lines)
    assert money(p["cost"]["monthly_total"]) == total(lines)  # 13,687.57 USD
    pilot = next(o for o in p["dr"]["options"] if o["strategy"] == "pilot_light")
    assert money(pilot["monthly_cost"]) == total([x for x in lines if x.dr or x.routing])  # 559.28
