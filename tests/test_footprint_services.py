"""Queues, buckets, private endpoints, CDNs and global routing, worked out by hand on each cloud
(docs/model.md has the formulas); the helpers are test_footprint's."""

from __future__ import annotations

from fractions import Fraction

import pytest

from devops_plan.plan import Plan

from .test_footprint import HOURS, KIB_PER_GIB, REGION, SECONDS, check, items, one, plan_of, price

# An entrypoint at a flat `rps` sending every request to a queue and a bucket; the bucket keeps
# 1,000 GiB for 90 days, moving objects to infrequent access at 30 days and archive at 60.
QUEUES = """
name: t
cloud: {cloud}
regions: [{region}]
zones: 3
targets: {{availability: 99.0, rto: 1d, rpo: 1d}}
services:
  - name: api
    kind: stateless
    entrypoint: true
    load: {{peak_rps: RPS, cpu_ms: 5, response_kib: 1, profile: flat}}
    depends_on: [events, blobs]
  - name: events
    kind: queue
  - name: blobs
    kind: object_storage
    size: {{storage_gib: 1000}}
    retention_days: 90
    lifecycle: [{{after_days: 30, storage_class: standard_ia}}, {{after_days: 60, storage_class: archive}}]
"""


def queue_plan(cloud: str, rps: int) -> Plan:
    return plan_of(QUEUES.replace("RPS", str(rps)), cloud)


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_queue_operations_in_the_products_tiers(cloud: str) -> None:
    plan = queue_plan(cloud, 100)
    messages = Fraction(100 * SECONDS, 10**6)  # 262.8 million a month (one call a request)
    if cloud == "aws":  # send, receive, delete: 788.4 million requests, all in the first tier
        check(one(plan, resource="queue/events"), messages * 3, price(cloud, "sqs-requests"))
    elif cloud == "gcp":  # throughput of 1 KB messages, published and delivered
        check(one(plan, resource="queue/events"), messages, price(cloud, "pubsub-messages"))
    else:  # Standard: the namespace, then 13M included, 87M at 0.80, the rest at 0.50
        check(
            one(plan, component="namespace"),
            Fraction(HOURS),
            price(cloud, "service-bus-standard-base"),
        )
        tiers = items(plan, product="service-bus-standard-ops")
        ops = messages * 3
        parts = [(Fraction(13), 0), (Fraction(87), 1), (ops - 100, 2)]
        for item, (quantity, tier) in zip(tiers, parts, strict=True):
            check(item, quantity, price(cloud, "service-bus-standard-ops", tier=tier))


def test_service_bus_premium_when_standard_cannot_carry_the_peak() -> None:
    plan = queue_plan("azure", 1000)
    # Standard: 1,000 credits a second, 2 a message (send, receive): at most 500 messages/s.
    # The peak is 1,000/s of 1 KiB = 1.024 MB/s: one Premium unit (about 4 MB/s) carries it.
    check(
        one(plan, resource="queue/events"),
        Fraction(HOURS),
        price("azure", "service-bus-premium-mu"),
    )
    assert not items(plan, product="service-bus-standard-ops")
    assert any(
        w.startswith("events: Service Bus Standard throttles a namespace at 1,000 credits")
        and "Premium with 1 messaging unit" in w
        for w in plan.warnings
    )
    # 6,000 messages/s of 1 KiB is 6.1 MB/s: two units.
    heavy = queue_plan("azure", 6000)
    assert one(heavy, resource="queue/events").component == "Premium messaging units x 2"


def test_calls_to_managed_services_nat_or_a_private_endpoint() -> None:
    # Queue calls carry the message each way: 2 KiB a call.
    for rps, how in ((100, "nat"), (1000, "endpoint")):
        plan = queue_plan("aws", rps)
        gib = Fraction(rps * SECONDS * 2, KIB_PER_GIB)
        # NAT: gib x 0.045; an SQS interface endpoint: 3 zones x 730 h x 0.01 + gib x 0.01.
        nat = gib * Fraction(price("aws", "nat-gateway-gb"))
        endpoint = 3 * HOURS * Fraction(price("aws", "vpc-endpoint")) + gib * Fraction(
            price("aws", "vpc-endpoint-gb")
        )
        assert (endpoint < nat) == (how == "endpoint")
        if how == "nat":
            check(one(plan, component="calls to events"), gib, price("aws", "nat-gateway-gb"))
        else:
            check(
                one(plan, product="vpc-endpoint"), Fraction(3 * HOURS), price("aws", "vpc-endpoint")
            )
            check(one(plan, product="vpc-endpoint-gb"), gib, price("aws", "vpc-endpoint-gb"))
        # S3 is reached through the free gateway endpoint: its calls never go through NAT.
        assert not items(plan, component="calls to blobs")
    never = plan_of(
        QUEUES.replace("RPS", "1000") + "network: {{private_endpoints: never}}\n", "aws"
    )
    assert not items(never, product="vpc-endpoint") and items(never, component="calls to events")


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_object_storage_by_lifecycle_class_with_requests_and_transitions(cloud: str) -> None:
    plan = queue_plan(cloud, 100)
    names = {
        "aws": ("s3-standard", "s3-standard-ia", "s3-glacier-ir", "s3-standard-put", "s3-standard-get",
                "s3-transition-standard-ia", "s3-transition-glacier-ir"),
        "gcp": ("gcs-standard", "gcs-nearline", "gcs-coldline", "gcs-standard-class-a",
                "gcs-standard-class-b", "gcs-nearline-class-a", "gcs-coldline-class-a"),
        "azure": ("blob-hot", "blob-cool", "blob-cold", "blob-hot-write", "blob-hot-read",
                  "blob-cool-write", "blob-cold-write"),
    }[cloud]  # fmt: skip
    hot, cool, cold, write, read, to_cool, to_cold = names
    # Objects live 90 days, 30 in each class: a third of the 1,000 GiB each.
    for product in (hot, cool, cold):
        check(
            one(plan, product=product, resource="bucket/blobs"),
            Fraction("333.333333"),
            price(cloud, product),
        )
    # 262.8M calls a month: 10% write (PUT), 90% read (GET).
    calls = Fraction(100 * SECONDS, 10**6)
    check(one(plan, product=write), calls / 10, price(cloud, write))
    check(one(plan, product=read), calls * 9 / 10, price(cloud, read))
    # Objects written a month, each moved once per rule: 1,000 GiB / 256 KiB / 90 days x
    # 30.4167 days = 1.384296 million.
    written = Fraction(1000 * KIB_PER_GIB, 256) / 90 * Fraction(730, 24) / 10**6
    check(one(plan, component="transitions to standard_ia"), written, price(cloud, to_cool))
    check(one(plan, component="transitions to archive"), written, price(cloud, to_cold))


# -- CDN ------------------------------------------------------------------------------------

EDGE = """
name: t
cloud: {cloud}
regions: [{region}]
zones: 3
targets: {{availability: 99.0, rto: RTO, rpo: 1d}}
dr: {{strategy: STRATEGY}}
services:
  - name: api
    kind: stateless
    entrypoint: true
    load: {{peak_rps: 10, cpu_ms: 100, response_kib: 1024, profile: flat}}
"""
ORIGIN_GIB = Fraction(10 * SECONDS * 1024, KIB_PER_GIB)  # 25,664.0625


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_cdn_moves_the_responses_to_the_edges_rates(cloud: str) -> None:
    text = EDGE.replace("profile: flat}}", "profile: flat}}\n    cdn: {{cache_hit_ratio: 0.5}}")
    plan = plan_of(text.replace("RTO", "1d").replace("STRATEGY", "backup_restore"), cloud)
    assert not items(plan, resource="internet/api")
    # Half the edge's requests are cache hits: the edge serves twice the origin's responses.
    edge = ORIGIN_GIB * 2
    requests = Fraction(10 * SECONDS * 2, 10**6)
    product = {"aws": "cloudfront-out", "gcp": "cloud-cdn-egress", "azure": "front-door-egress"}[
        cloud
    ]
    bounds = {"aws": (10240, 51200, 153600), "gcp": (10240, 153600), "azure": ()}[cloud]
    starts, done = (0, *bounds), Fraction(0)
    found = items(plan, product=product)
    for n, item in enumerate(found):
        end = bounds[n] if n < len(bounds) else edge
        part = min(edge, end) - starts[n]
        check(item, Fraction(part), price(cloud, product, tier=n))
        done += part
    assert done == edge
    req = {
        "aws": "cloudfront-requests",
        "gcp": "cloud-cdn-lookups",
        "azure": "front-door-requests",
    }[cloud]
    check(one(plan, product=req), requests, price(cloud, req))
    if cloud == "gcp":  # cache fill: what the origin serves (the misses)
        check(one(plan, product="cloud-cdn-fill"), ORIGIN_GIB, price(cloud, "cloud-cdn-fill"))
    if cloud == "azure":  # the Front Door profile's base fee
        check(
            one(plan, resource="cdn/api", product="front-door-base"),
            Fraction(1),
            price(cloud, "front-door-base"),
        )


# -- global routing -------------------------------------------------------------------------


def routed(cloud: str, strategy: str, rto: str) -> Plan:
    return plan_of(EDGE.replace("RTO", rto).replace("STRATEGY", strategy), cloud)


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_dns_failover_when_it_is_within_the_rto(cloud: str) -> None:
    plan = routed(cloud, "pilot_light", "1h")
    # Health checks for the primary and the standby; queries: 26.28M requests / 10 a
    # connection x 0.1 reaching the provider = 0.2628 million.
    queries = Fraction(10 * SECONDS, 10 * 10 * 10**6)
    if cloud == "aws":
        check(one(plan, product="route53-zone"), Fraction(1), price(cloud, "route53-zone"))
        check(
            one(plan, product="route53-health-check"),
            Fraction(2),
            price(cloud, "route53-health-check"),
        )
        check(one(plan, product="route53-queries"), queries, price(cloud, "route53-queries"))
    else:
        check(
            one(plan, product="traffic-manager-health"),
            Fraction(2),
            price(cloud, "traffic-manager-health"),
        )
        check(
            one(plan, product="traffic-manager-queries"),
            queries,
            price(cloud, "traffic-manager-queries"),
        )
    assert all(i.category == "routing" for i in items(plan, resource="global-routing"))


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_an_anycast_front_when_dns_cannot_fail_over_in_time(cloud: str) -> None:
    # RTO 30 s: DNS failover takes 150 s (3 missed 30 s checks and a 60 s TTL).
    plan = routed(cloud, "active_active", "30s")
    found = items(plan, resource="global-routing")
    if cloud == "aws":  # Global Accelerator: its hours and the premium on every byte out
        check(
            one(plan, product="global-accelerator"),
            Fraction(HOURS),
            price(cloud, "global-accelerator"),
        )
        check(
            one(plan, product="global-accelerator-gb"),
            ORIGIN_GIB,
            price(cloud, "global-accelerator-gb"),
        )
    elif cloud == "azure":  # Front Door: its profile and the requests
        assert [i.product for i in found] == ["front-door-base", "front-door-requests"]
        check(found[1], Fraction(10 * SECONDS, 10**6), price(cloud, "front-door-requests"))
    else:  # one global load balancer: no product beyond the forwarding rule
        assert found == []
    # Each serving region takes half the traffic: its own egress and load balancer capacity.
    regions = {i.region for i in items(plan, component="responses to the internet")}
    assert len(regions) == 2
    total = sum(
        Fraction(str(i.quantity)) for i in items(plan, component="responses to the internet")
    )
    assert total == ORIGIN_GIB
    assert REGION[cloud] in regions
