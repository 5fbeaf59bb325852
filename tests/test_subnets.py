"""The network plan worked out by hand: shop's subnets per zone and tier hold its nodes and their
pods' addresses with the stated headroom; a /24 is too small and the warning gives the smallest
block that fits; regions' blocks never overlap; GKE's alias ranges and AKS's overlay."""

from __future__ import annotations

import math
from ipaddress import IPv4Network

import pytest

from devops_plan import build_plan
from devops_plan.design import parse_design
from devops_plan.errors import DesignError
from devops_plan.paths import data_path
from devops_plan.plan import Plan

SHOP = data_path("designs", "shop.yaml").read_text()


def shop(extra: str = "", cloud: str = "") -> Plan:
    text = SHOP + extra
    if cloud:
        return build_plan(parse_design(text), cloud=cloud)
    return build_plan(parse_design(text))


def by_hand_zone_nodes(nodes: int, zones: int, surge: float = 0.25) -> int:
    """A zone holds its share after another zone fails, then 25% more for a rolling deploy."""
    return math.ceil(math.ceil(nodes / (zones - 1)) * (1 + surge))


def test_shop_private_subnets_hold_nodes_and_pods_with_headroom() -> None:
    plan = shop()
    assert plan.zones == 3
    # VPC CNI: each node holds an address for itself and one per pod slot (max pods); EKS
    # keeps 16 addresses for its interfaces; AWS reserves 5 per subnet.
    need = sum(by_hand_zone_nodes(p.nodes, 3) * (1 + p.max_pods) for p in plan.node_pools) + 16
    for vpc in plan.network.vpcs:
        private = [s for s in vpc.subnets if s.tier == "private"]
        assert [s.zone for s in private] == list(plan.topology.zone_names[vpc.region])
        for s in private:
            assert s.needed == need
            size = 2 ** math.ceil(math.log2(need + 5))
            assert s.prefix == 32 - int(math.log2(size))
            assert s.usable == size - 5 >= need
            assert IPv4Network(s.cidr).subnet_of(IPv4Network(vpc.cidr))  # type: ignore[arg-type]


def test_shop_public_and_isolated_tiers() -> None:
    plan = shop()
    vpc = plan.network.vpcs[0]
    public = [s for s in vpc.subnets if s.tier == "public"]
    # One ALB: 8 free addresses in each zone, and the zone's NAT gateway: 9; ALB subnets are
    # at least a /27 (27 usable).
    assert [(s.needed, s.prefix, s.usable) for s in public] == [(9, 27, 27)] * 3
    isolated = [s for s in vpc.subnets if s.tier == "isolated"]
    # orders-db: primary, standby (Multi-AZ) and one read replica over 3 zones: 1 each, and
    # one for its replacement = 2; sessions likewise 2: 4, in the smallest subnet (/28).
    db = plan.service("orders-db")
    assert db.multi_az and db.read_replicas == 1
    assert [(s.needed, s.prefix) for s in isolated] == [(4, 28)] * 3


def test_subnets_do_not_overlap_and_regions_take_the_next_block() -> None:
    plan = shop()
    blocks = [IPv4Network(v.cidr) for v in plan.network.vpcs]
    assert [str(b) for b in blocks] == ["10.0.0.0/16", "10.1.0.0/16"]
    for vpc in plan.network.vpcs:
        nets = [IPv4Network(s.cidr) for s in vpc.subnets if s.cidr]
        for i, a in enumerate(nets):
            assert not any(a.overlaps(b) for b in nets[i + 1 :])


def test_a_slash_24_is_too_small_and_the_warning_gives_the_fix() -> None:
    plan = shop("network: {cidr: 10.0.0.0/24}\n")
    vpc = plan.network.vpcs[0]
    assert not vpc.fits and all(s.cidr is None for s in vpc.subnets)
    total = sum(2 ** (32 - s.prefix) for s in vpc.subnets)
    needed = 32 - math.ceil(math.log2(total))
    assert vpc.needed_prefix == needed < 24
    warning = next(w for w in plan.warnings if w.startswith("network: us-east-1"))
    assert f"the smallest block that fits is /{needed}" in warning
    assert f"set network.cidr to 10.0.0.0/{needed}" in warning
    # The fix fits.
    fixed = shop(f"network: {{cidr: 10.0.0.0/{needed}}}\n")
    assert all(v.fits for v in fixed.network.vpcs)
    assert not any(w.startswith("network:") for w in fixed.warnings)


def test_gke_alias_ranges_and_regional_subnets() -> None:
    plan = shop(cloud="gcp")
    vpc = plan.network.vpcs[0]
    assert {s.zone for s in vpc.subnets} == {"regional"}
    pods = next(s for s in vpc.subnets if s.tier == "pods")
    nodes = sum(by_hand_zone_nodes(p.nodes, 3) for p in plan.node_pools) * 3
    assert pods.needed == nodes * 256  # a /24 per node
    services = next(s for s in vpc.subnets if s.tier == "services")
    assert services.prefix == 20
    private = next(s for s in vpc.subnets if s.tier == "private")
    assert private.needed == nodes  # nodes only: pods are in the alias range


def test_aks_overlay_keeps_pods_out_of_the_vnet() -> None:
    plan = shop(cloud="azure")
    vpc = plan.network.vpcs[0]
    assert not any(s.tier == "pods" for s in vpc.subnets)
    private = next(s for s in vpc.subnets if s.tier == "private")
    nodes = sum(by_hand_zone_nodes(p.nodes, 3) for p in plan.node_pools) * 3
    assert private.needed == nodes
    assert "overlay" in plan.network.pods


@pytest.mark.parametrize(
    ("network", "message"),
    [
        ("{region_cidrs: {us-west-2: 10.0.128.0/17}}", "overlap"),
        ("{cidr: 10.0.0.1/16}", "host bits"),
        ("{cidr: 8.8.0.0/16}", "private range"),
        ("{region_cidrs: {eu-west-1: 10.9.0.0/16}}", "not a region of this design"),
    ],
)
def test_bad_blocks_are_located_errors(network: str, message: str) -> None:
    with pytest.raises(DesignError) as raised:
        parse_design(SHOP + f"network: {network}\n", "shop.yaml")
    assert message in str(raised.value)
    assert "shop.yaml:" in str(raised.value) and "network" in str(raised.value)


def test_a_transit_gateway_asked_for_on_gcp_is_a_warning() -> None:
    plan = shop("network: {cross_region: transit_gateway}\n", cloud="gcp")
    assert any("cross_region transit_gateway does not exist on gcp" in w for w in plan.warnings)
    assert "global VPC" in plan.network.cross_region
