"""The footprint's new cost components, worked out by hand on each cloud that has them: each
test states the formula (docs/model.md), computes the quantity from the design and the
tables in data/, prices it with the catalog's row, rounds half up to the cent, and checks the
plan's line item gives exactly that."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from devops_plan import build_plan
from devops_plan.catalog import load_catalog
from devops_plan.design import parse_design
from devops_plan.plan import LineItemOut, Plan

HOURS = 730
SECONDS = HOURS * 3600
DAYS = Fraction(730, 24)
GIB = 1024**3
KIB_PER_GIB = 1024 * 1024
REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}

# One entrypoint at a flat 10 rps returning 1 MiB, calling a database and a cache; three
# zones; a one-day RTO (backup & restore: no global routing).
BASE = """
name: t
cloud: {cloud}
regions: [{region}]
zones: 3
targets: {{availability: 99.0, rto: 1d, rpo: 1d}}
services:
  - name: api
    kind: stateless
    entrypoint: true
    load: {{peak_rps: 10, cpu_ms: 100, response_kib: 1024, profile: flat}}
    depends_on: [db, cache]
  - name: db
    kind: database
    size: {{vcpu: 2, memory_gib: 8, storage_gib: 100}}
  - name: cache
    kind: cache
    size: {{memory_gib: 1}}
"""
REQUESTS = 10 * SECONDS  # a month of flat 10 rps: 26,280,000


def plan_of(text: str, cloud: str, **kwargs: Any) -> Plan:
    return build_plan(parse_design(text.format(cloud=cloud, region=REGION[cloud])), **kwargs)


@pytest.fixture(scope="module", params=["aws", "gcp", "azure"])
def base(request: pytest.FixtureRequest) -> tuple[str, Plan]:
    return request.param, plan_of(BASE, request.param)


def price(cloud: str, product: str, *, tier: int = 0, engine: str = "") -> Decimal:
    catalog = load_catalog(cloud)
    return catalog.tiers(catalog.price(product, REGION[cloud], engine=engine))[tier].unit_price


def cents(amount: Fraction) -> Decimal:
    """Rounded to the cent, half up."""
    return Decimal(math.floor(amount * 100 + Fraction(1, 2))).scaleb(-2)


def six(x: Fraction) -> Fraction:
    """A quantity as the cost model keeps it: six decimal places (Decimal's quantize)."""
    return Fraction(Decimal(repr(float(x))).quantize(Decimal("0.000001")))


def items(
    plan: Plan, *, resource: str = "", product: str = "", component: str = ""
) -> list[LineItemOut]:
    return [
        i
        for i in plan.cost.line_items
        if (not resource or i.resource == resource)
        and (not product or i.product == product)
        and component in i.component
    ]


def one(plan: Plan, **kwargs: str) -> LineItemOut:
    found = items(plan, **kwargs)
    assert len(found) == 1, (kwargs, [(i.resource, i.component) for i in found])
    return found[0]


def check(item: LineItemOut, quantity: Fraction, unit_price: Decimal) -> None:
    """The line item is `quantity` (to the precision the model keeps) at `unit_price`, and
    costs their product rounded half up."""
    assert item.unit_price == float(unit_price)
    assert item.quantity == pytest.approx(float(quantity), abs=1e-6)
    exact = Fraction(Decimal(str(item.quantity))) * Fraction(unit_price)
    assert Decimal(str(item.monthly_cost)) == cents(exact)


# -- internet egress: tiered ----------------------------------------------------------------


EGRESS = {  # (product, tier boundaries in GB a month, the test's expected per-tier quantities)
    "aws": ("transfer-out", (10240, 51200, 153600)),
    "gcp": ("egress-internet", (1024, 10240)),
    "azure": ("egress-internet", (10240, 51200, 153600)),
}


def test_internet_egress_walks_the_clouds_tiers(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # GiB a month = requests x response KiB x internet share (1 for an entrypoint) / 2^20:
    # 26,280,000 x 1,024 / 1,048,576 = 25,664.0625.
    gib = Fraction(REQUESTS * 1024, KIB_PER_GIB)
    assert gib == Fraction("25664.0625")
    product, bounds = EGRESS[cloud]
    starts = (0, *bounds)
    expected = []
    for n, start in enumerate(starts):
        end = bounds[n] if n < len(bounds) else None
        part = min(gib, end or gib) - start
        if part > 0:
            expected.append((part, price(cloud, product, tier=n)))
    found = items(plan, resource="internet/api")
    assert len(found) == len(expected) == (2 if cloud != "gcp" else 3)
    for item, (quantity, unit) in zip(found, expected, strict=True):
        check(item, Fraction(quantity), unit)


# -- load balancer capacity from the service's own bytes ------------------------------------


def test_load_balancer_capacity_from_request_and_response_sizes(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    rps = Fraction(10)  # flat: the mean is the peak
    new = rps / 10  # 10 requests a connection
    active = new * 60  # held 60 s
    gb_per_hour = rps * (1 + 1024) * 1024 * 3600 / Fraction(10**9)  # request 1 KiB + response
    item = one(
        plan, resource="load-balancer/api", component="capacity" if cloud != "gcp" else "data"
    )
    if cloud == "aws":  # LCU: the largest of new/25, active/3,000, GB an hour/1
        lcu = max(new / 25, active / 3000, gb_per_hour)
        assert lcu == gb_per_hour
        check(item, lcu * HOURS, price(cloud, "alb-lcu"))
    elif cloud == "azure":  # capacity unit: 2,500 connections, 2.22 Mbps, 50 new/s
        mbps = gb_per_hour * 8000 / 3600
        cu = max(active / 2500, mbps / Fraction("2.22"), new / 50)
        check(item, six(cu) * HOURS, price(cloud, "appgw-v2-cu"))  # hourly, to six places
    else:  # GB processed, both ways
        check(item, gb_per_hour * HOURS, price(cloud, "lb-data-processed"))


def test_public_ipv4_per_nat_gateway_and_load_balancer(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    ip = {"aws": "public-ipv4", "gcp": "external-ip", "azure": "public-ip"}[cloud]
    # AWS: an Elastic IP per NAT gateway (one per zone) and one address per zone of an ALB;
    # GCP: the regional Cloud NAT's address (a forwarding rule's is in its price); Azure: one
    # per NAT gateway and one on the Application Gateway.
    nat, lb = {"aws": (3, 3), "gcp": (1, 0), "azure": (1, 1)}[cloud]
    check(one(plan, resource="nat-gateway", product=ip), Fraction(nat * HOURS), price(cloud, ip))
    lbs = items(plan, resource="load-balancer/api", product=ip)
    assert [i.quantity for i in lbs] == ([lb * HOURS] if lb else [])


# -- calls crossing zones -------------------------------------------------------------------


def test_inter_zone_traffic_follows_the_call_graph(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # api calls db and cache once a request: (1 + 4) KiB and (0.5 + 2) KiB a call
    # (data/sizing.yaml calls_kib), (z - 1)/z = 2/3 of them cross zones; AWS bills both sides.
    gib = Fraction(REQUESTS) * (5 + Fraction(5, 2)) / KIB_PER_GIB * Fraction(2, 3)
    sides = 2 if cloud == "aws" else 1
    product = {"aws": "transfer-inter-az", "gcp": "egress-inter-zone", "azure": "transfer-inter-az"}
    check(one(plan, resource="network"), gib * sides, price(cloud, product[cloud]))


def test_topology_aware_routing_keeps_stateless_calls_in_their_zone() -> None:
    text = (
        BASE.replace("depends_on: [db, cache]", "depends_on: [back]")
        + """
  - name: back
    kind: stateless
    load: {{peak_rps: 10, cpu_ms: 10, profile: flat}}
    depends_on: [db, cache]
network: {{topology_aware_routing: true}}
"""
    )
    plan = plan_of(text, "aws")
    # api -> back stays in the zone; back -> db and cache still cross (2/3), both sides billed.
    gib = Fraction(REQUESTS) * (5 + Fraction(5, 2)) / KIB_PER_GIB * Fraction(2, 3) * 2
    check(one(plan, resource="network"), gib, price("aws", "transfer-inter-az"))


# -- NAT ------------------------------------------------------------------------------------


def test_nat_gateways_per_zone_or_gcp_cloud_nat_per_vm(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    nodes = plan.node_pools[0].nodes
    assert nodes == 3 and plan.node_pools[0].hourly_nodes == (3,) * 24
    if cloud == "gcp":
        # Regional: 0.0014 per VM-hour below 32 VMs (3 nodes all day).
        check(one(plan, product="cloud-nat-vm"), Fraction(3 * HOURS), price(cloud, "cloud-nat-vm"))
        assert not items(plan, product="cloud-nat")
    else:
        # AWS: one per zone (3 zones); Azure: one per region, as a subnet takes one gateway.
        gateways = {"aws": 3, "azure": 1}[cloud]
        check(one(plan, product="nat-gateway"), Fraction(gateways * HOURS),
              price(cloud, "nat-gateway"))  # fmt: skip
    # Image pulls: each node pulls one 0.5 GiB image a day: 3 x 730/24 x 0.5 = 45.625 GiB.
    gb = {"aws": "nat-gateway-gb", "gcp": "cloud-nat-gb", "azure": "nat-gateway-gb"}[cloud]
    check(one(plan, component="image pulls"), 3 * DAYS * Fraction(1, 2), price(cloud, gb))


def test_gcp_cloud_nat_is_capped_at_the_gateway_price_from_32_vms() -> None:
    text = BASE.replace("peak_rps: 10, cpu_ms: 100", "peak_rps: 400, cpu_ms: 100")
    text += "defaults: {{node_types: [e2-highcpu-2]}}\n"  # one 1-vCPU pod a node
    plan = plan_of(text, "gcp")
    nodes = plan.node_pools[0].nodes
    assert nodes >= 32  # every hour (flat load)
    check(one(plan, product="cloud-nat"), Fraction(HOURS), price("gcp", "cloud-nat"))
    assert not items(plan, product="cloud-nat-vm")


# -- storage --------------------------------------------------------------------------------


def test_root_volumes_per_node(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # EKS 20 GiB gp3, GKE 100 GiB pd-balanced, AKS 128 GiB Premium SSD (data/clouds.yaml).
    gib, product = {
        "aws": (20, "ebs-gp3"),
        "gcp": (100, "pd-balanced"),
        "azure": (128, "premium-ssd"),
    }[cloud]
    check(one(plan, component="root volumes"), Fraction(3 * gib), price(cloud, product))
    assert plan.node_pools[0].root_volume_gib == gib
    bigger = plan_of(BASE + "node_pools: {{default: {{root_volume_gib: 50}}}}\n", cloud)
    check(one(bigger, component="root volumes"), Fraction(3 * 50), price(cloud, product))


def test_database_backups_beyond_the_free_allowance(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # Kept: a full copy and 6 daily changes (5%), plus 7 days of transaction logs for
    # point-in-time recovery: 100 x (1 + 0.05 x 6) + 100 x 0.05 x 7 = 165 GiB; AWS and Azure
    # do not bill up to the provisioned 100 GiB, Cloud SQL bills it all.
    kept = 100 * (1 + Fraction(5, 100) * 6) + 100 * Fraction(5, 100) * 7
    free = 0 if cloud == "gcp" else 100
    product = {"aws": "rds-backup", "gcp": "cloudsql-backup", "azure": "flexible-server-backup"}
    unit = price(cloud, product[cloud], engine="postgres" if cloud == "azure" else "")
    check(one(plan, component="backup storage"), kept - free, unit)


# -- observability --------------------------------------------------------------------------


def test_logs_and_metrics(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # Logs: 500 bytes a request and 100 MiB a node a day; kept 30 days (CloudWatch stores
    # from day 0; Cloud Logging keeps 30 days and Log Analytics 31 at no charge).
    logs = Fraction(REQUESTS * 500, GIB) + 3 * 100 * DAYS / 1024
    ingest = {
        "aws": "cloudwatch-logs-ingest",
        "gcp": "cloud-logging-ingest",
        "azure": "log-analytics-ingest",
    }
    found = items(plan, component="logs ingested")
    if cloud == "gcp":  # the first 50 GiB a project are free: all of these 21 GiB
        assert logs < 50 and [i.unit_price for i in found] == [0.0]
        check(found[0], logs, Decimal(0))
    else:
        check(found[0], logs, price(cloud, ingest[cloud]))
    stored = items(plan, component="logs stored")
    if cloud == "aws":
        check(stored[0], logs / DAYS * 30, price(cloud, "cloudwatch-logs-storage"))
    else:
        assert stored == []
    # Metrics: 100 series a pod (3) and 500 a node (3), a sample every 30 s, a month.
    samples = Fraction(3 * 100 + 3 * 500) * SECONDS / 30 / 10**6
    assert samples == Fraction("157.68")
    product = {"aws": "amp-samples", "gcp": "gmp-samples", "azure": "monitor-prometheus-samples"}
    check(one(plan, component="metric samples"), samples, price(cloud, product[cloud]))


def test_log_retention_beyond_the_free_days_is_stored(base: tuple[str, Plan]) -> None:
    cloud, _plan = base
    kept = plan_of(BASE + "observability: {{log_retention_days: 90}}\n", cloud)
    logs = Fraction(REQUESTS * 500, GIB) + 3 * 100 * DAYS / 1024
    free = {"aws": 0, "gcp": 30, "azure": 31}[cloud]
    product = {
        "aws": "cloudwatch-logs-storage",
        "gcp": "cloud-logging-retention",
        "azure": "log-analytics-retention",
    }
    check(
        one(kept, component="logs stored"), logs / DAYS * (90 - free), price(cloud, product[cloud])
    )
