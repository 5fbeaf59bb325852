"""The security baseline worked out by hand on each cloud that has each meter (the formulas in
docs/model.md, Security): keys and their requests, a secret per dependency credential and its
reads, a web application firewall on the entrypoint, flow logs and the audit trail with their
retention, the connection between regions that talk; and the rule matrix as the one source of
the NetworkPolicies and the security-group rules."""

from __future__ import annotations

from fractions import Fraction

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan
from devops_plan.design import load_design, parse_design
from devops_plan.paths import data_path
from devops_plan.plan import Plan
from devops_plan.render.k8s import artefacts, manifests
from devops_plan.render.policies import allowed_edges, allowed_egress, lb_blocks
from devops_plan.render.tfvars import tfvars

from .conftest import DESIGNS
from .test_footprint import BASE, DAYS, GIB, REQUESTS, check, items, one, plan_of, price

RULES = {"aws": "waf-rule", "gcp": "cloud-armor-rule"}
ACL = {"aws": "waf-web-acl", "gcp": "cloud-armor-policy"}
WAF_REQUESTS = {"aws": "waf-requests", "gcp": "cloud-armor-requests"}


@pytest.fixture(scope="module", params=["aws", "gcp", "azure"])
def base(request: pytest.FixtureRequest) -> tuple[str, Plan]:
    return request.param, plan_of(BASE, request.param)


def replicas(plan: Plan) -> int:
    return plan.service("api").replicas  # a flat profile: the same count every hour


def test_waf_on_the_entrypoint(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    if cloud == "azure":
        # The WAF_v2 tier over Standard_v2: its hours, and its capacity units, the same
        # number the gateway itself is billed (the largest of connections, Mbps, new/s).
        check(one(plan, resource="waf/api", component="hours"), Fraction(730),
              price(cloud, "appgw-waf-v2-fixed"))  # fmt: skip
        gateway = one(plan, resource="load-balancer/api", product="appgw-v2-cu")
        check(one(plan, resource="waf/api", component="capacity"),
              Fraction(str(gateway.quantity)), price(cloud, "appgw-waf-v2-cu"))  # fmt: skip
        return
    check(one(plan, resource="waf/api", component="web ACL"), Fraction(1), price(cloud, ACL[cloud]))
    # 3 managed rule groups + 2 custom rules (security: defaults), a month each.
    check(one(plan, resource="waf/api", component="rules"), Fraction(5), price(cloud, RULES[cloud]))
    check(one(plan, resource="waf/api", component="requests"), Fraction(REQUESTS, 10**6),
          price(cloud, WAF_REQUESTS[cloud]))  # fmt: skip


KEY = {"aws": "kms-key", "gcp": "cloud-kms-key"}
KEY_OPS = {"aws": "kms-requests", "gcp": "cloud-kms-ops", "azure": "key-vault-operations"}
SECRET = {"aws": "secrets-manager-secret", "gcp": "secret-manager-version"}
SECRET_OPS = {
    "aws": "secrets-manager-api",
    "gcp": "secret-manager-access",
    "azure": "key-vault-operations",
}


def test_keys_and_secrets(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # Two credentials (api -> db, api -> cache), each read 24 times a day by each api pod.
    reads = Fraction(2 * replicas(plan) * 24) * DAYS / 10**6
    if cloud in SECRET:
        check(one(plan, resource="secrets", component="secrets ("), Fraction(2),
              price(cloud, SECRET[cloud]))  # fmt: skip
    else:  # Key Vault has no fee per secret
        assert not items(plan, resource="secrets", component="secrets (")
    check(one(plan, resource="secrets", component="reads"), reads, price(cloud, SECRET_OPS[cloud]))
    # A key per data store (db, cache) and the cluster's: 3; requests: each store refreshes
    # its data key 24 times a day, and every secret read decrypts once.
    if cloud in KEY:
        check(one(plan, resource="kms", component="keys"), Fraction(3), price(cloud, KEY[cloud]))
    else:  # Key Vault Standard software keys: no monthly fee
        assert not items(plan, resource="kms", component="keys")
    requests = Fraction(2 * 24) * DAYS / 10**6 + reads
    check(one(plan, resource="kms", component="requests"), requests, price(cloud, KEY_OPS[cloud]))


FLOW = {"aws": "vpc-flow-logs", "gcp": "vpc-flow-logs", "azure": "vnet-flow-logs"}
KEPT = {"aws": "cloudwatch-logs-storage", "azure": "blob-hot"}


def test_flow_logs_and_their_retention(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    # Connections: the entrypoint's requests and the api's calls to db and cache (one each
    # per request), 10 requests to a connection; a 120-byte record at each end.
    connections = Fraction(3 * REQUESTS, 10)
    gib = connections * 2 * 120 / GIB
    check(one(plan, resource="flow-logs", component="delivered"), gib, price(cloud, FLOW[cloud]))
    kept = items(plan, resource="flow-log-storage", component="kept")
    if cloud == "gcp":  # Cloud Logging keeps 30 days at no charge; the default retention is 30
        assert not kept
        return
    # AWS: CloudWatch Logs from the first day; Azure: a storage account. 30 days' worth.
    assert len(kept) == 1
    assert kept[0].quantity == pytest.approx(float(gib / DAYS * 30), abs=1e-6)
    assert kept[0].unit_price == float(price(cloud, kept[0].product))


def test_audit_trail_beyond_what_the_cloud_keeps(base: tuple[str, Plan]) -> None:
    cloud, plan = base
    found = items(plan, resource="audit-trail")
    if cloud == "gcp":  # Admin Activity audit logs: free, kept 400 days (more than 365)
        assert not found
        return
    # 100,000 events a day x 1.5 KiB, kept 365 - 90 free days.
    gib = Fraction(100_000 * 3, 2) / 1024**2 * (365 - 90)
    assert len(found) == 1
    check(found[0], gib, price(cloud, found[0].product))


TALK = BASE.replace("rto: 1d, rpo: 1d}}", "rto: 1d, rpo: 1d}}\ndr: {{strategy: warm_standby}}")


def test_transit_gateway_between_regions_that_talk() -> None:
    plan = plan_of(TALK + "network: {{cross_region: transit_gateway}}\n", "aws")
    attachments = items(plan, resource="transit-gateway", component="attachments")
    assert sorted(i.region for i in attachments) == sorted([plan.topology.primary_region,
                                                           plan.dr.dr_region])  # fmt: skip
    for item in attachments:  # a VPC and a peering attachment on each side, every hour
        assert item.quantity == 2 * 730
        assert item.unit_price == 0.05
    # Data processed: the GB the plan sends between the regions (its inter-region items).
    inter = sum(i.quantity for i in plan.cost.line_items if i.product == "transfer-inter-region")
    assert inter > 0
    data = one(plan, resource="transit-gateway", component="data")
    assert data.quantity == pytest.approx(inter, abs=1e-5)
    assert data.unit_price == 0.02
    assert "Transit Gateway" in plan.network.cross_region


def test_global_vnet_peering_both_ways_on_azure() -> None:
    plan = plan_of(TALK, "azure")
    inter = sum(i.quantity for i in plan.cost.line_items if i.product == "transfer-inter-region")
    out, into = (one(plan, resource="vnet-peering", component=w) for w in ("out", "in"))
    assert out.quantity == into.quantity == pytest.approx(inter, abs=1e-5)
    assert out.unit_price == into.unit_price == 0.035
    assert out.source and out.category == "network"


def test_nothing_between_regions_under_backup_and_restore(base: tuple[str, Plan]) -> None:
    _, plan = base
    assert not items(plan, resource="transit-gateway") and not items(plan, resource="vnet-peering")


def test_every_security_line_item_names_its_source(base: tuple[str, Plan]) -> None:
    _, plan = base
    found = [i for i in plan.cost.line_items if i.category == "security"]
    assert found and all(i.source for i in found)


def test_turning_the_baseline_off_removes_its_cost() -> None:
    off = (
        BASE
        + "security: {{encryption_at_rest: false, secrets: false, waf: false, flow_logs: false}}\n"
    )
    plan = plan_of(off, "aws")
    kinds = {i.resource for i in plan.cost.line_items if i.category == "security"}
    assert not kinds
    # The audit trail stays (kept as object storage, the category its bill shows).
    assert {i.category for i in plan.cost.line_items if i.resource == "audit-trail"} == {
        "object_storage"
    }


# -- the rule matrix: one source for NetworkPolicies and security-group rules ----------------


def shop() -> tuple[Plan, object]:
    design = parse_design(data_path("designs", "shop.yaml").read_text())
    return build_plan(design), design


def test_the_matrix_has_exactly_the_edges_of_depends_on() -> None:
    plan, design = shop()
    edges = {(s.name, d) for s in design.services for d in s.depends_on}  # type: ignore[attr-defined]
    rules = plan.security.rules
    service_rules = {
        (r.source, r.destination) for r in rules if r.source not in ("internet", "load-balancer")
    }
    assert service_rules == edges
    assert len([r for r in rules if r.source not in ("internet", "load-balancer")]) == len(edges)
    entry = {s.name for s in design.services if s.entrypoint}  # type: ignore[attr-defined]
    assert {r.destination for r in rules if r.source == "load-balancer"} == entry
    ports = {(r.source, r.destination): r.port for r in rules}
    assert ports[("api", "orders-db")] == 5432 and ports[("api", "sessions")] == 6379


def test_network_policies_let_in_exactly_the_matrix() -> None:
    plan, design = shop()
    policies = manifests(plan, design)["network-policies.yaml"]  # type: ignore[arg-type]
    assert policies[0]["metadata"]["name"] == "default-deny-ingress"
    assert policies[0]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    inside = {s.name for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"}
    expected = {
        (r.source, r.destination, r.port) for r in plan.security.rules if r.destination in inside
    }
    assert allowed_edges(policies, set(lb_blocks(plan))) == expected
    # The written file parses back to the same policies.
    text = artefacts(plan, design)["kubernetes/shop/network-policies.yaml"]  # type: ignore[arg-type]
    written = [d for d in YAML(typ="safe").load_all(text)]
    assert allowed_edges(written, set(lb_blocks(plan))) == expected
    assert allowed_egress(written) == allowed_egress(policies)


def expected_egress(plan: Plan) -> set[tuple[str, str, str, int]]:
    """What each in-cluster caller may send, worked out from the matrix and the network plan:
    pods by name, managed databases and caches in every isolated subnet, a priced private
    endpoint in the private subnets, other managed APIs outside the VPCs, and every pod to
    kube-dns (UDP and TCP 53); callers of managed APIs to the node's credentials endpoint."""
    inside = {s.name for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"}
    kinds = {s.name: s.kind for s in plan.services}
    isolated = [s.cidr for v in plan.network.vpcs for s in v.subnets if s.tier == "isolated"]
    private = [s.cidr for v in plan.network.vpcs for s in v.subnets if s.tier == "private"]
    outside = "0.0.0.0/0" + "".join(f" except {v.cidr}" for v in plan.network.vpcs)
    endpoints = {i.resource for i in plan.cost.line_items}
    out = {("*", "kube-dns", "UDP", 53), ("*", "kube-dns", "TCP", 53)}
    for r in plan.security.rules:
        if r.source not in inside:
            continue
        kind = kinds[r.destination]
        if r.destination in inside:
            peers: list[str | None] = [r.destination]
        elif kind in ("database", "cache"):
            peers = isolated
        elif f"private-endpoint/{kind}" in endpoints:
            peers = private
        else:
            peers = [outside]
        if kind in ("queue", "object_storage") and plan.cloud in ("aws", "gcp"):
            ip = {"aws": "169.254.170.23/32", "gcp": "169.254.169.254/32"}[plan.cloud]
            out.add((r.source, ip, "TCP", 80))
        if None in peers:
            peers = ["*"]  # a block the network plan could not carve: by port alone
        out |= {(r.source, str(p), r.protocol, r.port) for p in peers}
    return out


def test_network_policies_let_out_exactly_the_matrix() -> None:
    plan, design = shop()
    policies = manifests(plan, design)["network-policies.yaml"]  # type: ignore[arg-type]
    names = [p["metadata"]["name"] for p in policies]
    deny = policies[names.index("default-deny-egress")]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Egress"]}
    got = allowed_egress(policies)
    assert got == expected_egress(plan)
    # By hand for shop: web reaches api's pods; api reaches the database and the cache in
    # the isolated subnets of both regions (the DR region's cluster runs the same manifests).
    isolated = {s.cidr for v in plan.network.vpcs for s in v.subnets if s.tier == "isolated"}
    assert len(isolated) == 6
    assert {e for e in got if e[0] == "web"} == {("web", "api", "TCP", 8080)}
    assert {e for e in got if e[0] == "api"} == {
        ("api", c, "TCP", p) for c in isolated for p in (5432, 6379)
    }


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_egress_to_managed_apis_follows_the_network_plan(cloud: str) -> None:
    # ingest: a queue (an SQS interface endpoint is priced on AWS) and object storage (free
    # gateway endpoint, Private Google Access, service endpoint: outside the VPC).
    design = load_design(DESIGNS / "ingest.yaml")
    plan = build_plan(design, cloud=cloud)
    got = allowed_egress(manifests(plan, design)["network-policies.yaml"])  # type: ignore[arg-type]
    assert got == expected_egress(plan)
    outside = ("0.0.0.0/0 except 10.0.0.0/16 except 10.1.0.0/16", "TCP", 443)
    assert ("writer", *outside) in got
    via_endpoint = cloud == "aws"
    assert (("collector", *outside) in got) is not via_endpoint


def test_egress_by_port_alone_where_the_network_has_no_block() -> None:
    # A /24 cannot hold shop's subnets: the isolated blocks are unknown, so the database and
    # the cache are reached by port alone (and the plan warns with the fix).
    text = (DESIGNS / "shop.yaml").read_text(encoding="utf-8")
    design = parse_design(text + "network: {cidr: 10.0.0.0/24}\n", "shop.yaml")
    plan = build_plan(design)
    got = allowed_egress(manifests(plan, design)["network-policies.yaml"])  # type: ignore[arg-type]
    assert got == expected_egress(plan)
    assert {e for e in got if e[0] == "api"} == {
        ("api", "*", "TCP", 5432),
        ("api", "*", "TCP", 6379),
    }


def test_security_group_rules_in_the_tfvars_are_the_matrix() -> None:
    plan, design = shop()
    rules = tfvars(plan, design)["security_rules"]  # type: ignore[arg-type]
    assert [(r["source"], r["destination"], r["from_port"], r["protocol"]) for r in rules] == [
        (r.source, r.destination, r.port, r.protocol.lower()) for r in plan.security.rules
    ]


def test_each_credential_is_a_secret_its_caller_reads() -> None:
    plan, _ = shop()
    data = {d.service: d for d in plan.security.data}
    assert data["orders-db"].secret == "shop/orders-db/api"
    assert data["orders-db"].readers == ("api",)
    assert data["assets"].secret is None  # reached with the workload's identity, not a password
    assert all(d.at_rest.startswith("customer managed key") for d in data.values())
