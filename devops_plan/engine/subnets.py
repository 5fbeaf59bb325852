"""The network plan: each region's VPC/VNet block and its subnets per zone and tier (public:
load balancers and NAT; private: nodes, VM replicas, pods where the CNI gives them VPC
addresses, endpoints; isolated: data stores), sized from the plan with headroom for a zone
failure and a rolling deploy, packed into the block, with the smallest block that fits when the
given one does not. Every region is sized for the whole plan: a DR region must hold it after
a failover."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

from ..design import Kind, Platform
from ..design.cidrs import region_blocks
from ..network_facts import AddressingFacts
from ..plan import NetworkOut, SubnetOut, VpcOut, zone_names
from .context import Context
from .pools import NodePoolPlan
from .services import ServicePlan

BITS = 32
REPLACEMENT = 2  # a data store's address and one for its replacement (maintenance, failover)


@dataclass(frozen=True)
class Need:
    """Addresses one subnet must hold, and why (before the cloud's reserved addresses)."""

    tier: str
    zone: str
    addresses: int
    basis: str
    min_prefix: int  # the largest prefix (smallest subnet) this tier may have


def per_zone(count: int, zones: int, surge: float) -> int:
    """Instances one zone must hold: its share after the loss of another zone (the survivors
    take the lost zone's share), then `surge` more for a rolling deploy."""
    failover = math.ceil(count / (zones - 1)) if zones > 1 else count
    return math.ceil(failover * (1 + surge))


def prefix_for(addresses: int, reserved: int, min_prefix: int) -> int:
    """The prefix of the smallest block with `addresses` usable after `reserved`, no smaller
    than `min_prefix` allows."""
    size = max(1, addresses + reserved)
    return min(min_prefix, BITS - math.ceil(math.log2(size)))


def private_need(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan], zones: int
) -> tuple[int, str]:
    """A zone's private addresses: nodes (and their pods' addresses under a VPC CNI), VM
    replicas, interface endpoints and the control plane's interfaces."""
    a, surge = ctx.facts.addressing, ctx.design.network.surge
    total, parts = 0, []
    for p in pools:
        nodes = per_zone(p.nodes, zones, surge)
        each = 1 + (p.max_pods if a.pods == "vpc" else 0)
        total += nodes * each
        parts.append(f"{p.name} {nodes} nodes x {each}")
    for s in services:
        if s.kind == Kind.stateless and s.platform == Platform.vm:
            vms = per_zone(s.replicas, zones, surge)
            total += vms
            parts.append(f"{s.name} {vms} VMs")
    endpoints = priced_endpoints(ctx, services)
    if endpoints:
        total += endpoints
        parts.append(f"{endpoints} endpoints")
    if pools and a.control_plane_addresses_per_zone:
        total += a.control_plane_addresses_per_zone
        parts.append(f"control plane {a.control_plane_addresses_per_zone}")
    return total, ", ".join(parts)


def priced_endpoints(ctx: Context, services: Sequence[ServicePlan]) -> int:
    """Interface endpoints to managed services (one address each per zone)."""
    if ctx.design.network.private_endpoints == "never":
        return 0
    kinds = {s.kind.value for s in services}
    return sum(
        1 for k, how in ctx.facts.private_endpoints.items() if how == "priced" and k in kinds
    )


def data_need(services: Sequence[ServicePlan], zones: int) -> tuple[int, str]:
    """A zone's isolated addresses: each database and cache instance spread over the zones,
    with room for its replacement."""
    total, parts = 0, []
    for s in services:
        if s.kind == Kind.database:
            count = 1 + int(bool(s.multi_az)) + s.read_replicas
        elif s.kind == Kind.cache:
            count = max(1, s.cache_nodes)
        else:
            continue
        here = math.ceil(count / zones) * REPLACEMENT
        total += here
        parts.append(f"{s.name} {here}")
    return total, ", ".join(parts)


def needs(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan], region: str
) -> list[Need]:
    """Every subnet one region needs, tier by tier, zone by zone (or one regional subnet per
    tier where the cloud's subnets span the zones)."""
    a, zones = ctx.facts.addressing, ctx.zones
    names = zone_names(ctx.cloud, region, zones) if a.zonal else ("regional",)
    scale = 1 if a.zonal else zones
    entry = sum(1 for s in services if s.entrypoint and s.kind == Kind.stateless)
    private, private_basis = private_need(ctx, services, pools, zones)
    data, data_basis = data_need(services, zones)
    public = entry * a.lb_addresses_per_zone + (a.nat_addresses_per_zone if private else 0)
    lb_min = a.lb_subnet_min_prefix if entry and a.lb_subnet_min_prefix else a.public_min_prefix
    out: list[Need] = []
    for zone in names:
        if public or (entry and a.lb_subnet_min_prefix):
            basis = f"{entry} load balancer(s) x {a.lb_addresses_per_zone}, NAT {a.nat_addresses_per_zone}"
            out.append(Need("public", zone, public * scale, basis, lb_min))
        if private:
            out.append(Need("private", zone, private * scale, private_basis, a.smallest_prefix))
        if data:
            out.append(Need("isolated", zone, data * scale, data_basis, a.isolated_min_prefix))
    return out + secondary_ranges(ctx, pools, a)


def secondary_ranges(ctx: Context, pools: Sequence[NodePoolPlan], a: AddressingFacts) -> list[Need]:
    """GKE's alias ranges: a block per node for its pods, and one for Services."""
    if a.pods != "alias" or not pools:
        return []
    surge = ctx.design.network.surge
    nodes = sum(per_zone(p.nodes, ctx.zones, surge) for p in pools) * ctx.zones
    per_node = 2 ** (BITS - a.pod_range_prefix_per_node)
    return [
        Need("pods", "regional", nodes * per_node, f"{nodes} nodes x /{a.pod_range_prefix_per_node}",
             BITS),
        Need("services", "regional", 2 ** (BITS - a.service_range_prefix),
             f"Services range /{a.service_range_prefix}", a.service_range_prefix),
    ]  # fmt: skip


def pack(block: IPv4Network, needs: Sequence[Need], reserved: int) -> VpcOut:
    """Subnets placed largest first from the block's start (each aligned to its size, since
    every size is a power of two and larger ones come first)."""
    prefixes = [
        prefix_for(n.addresses, 0 if n.tier in ("pods", "services") else reserved, n.min_prefix)
        for n in needs
    ]
    total = sum(2 ** (BITS - p) for p in prefixes)
    needed_prefix = BITS - math.ceil(math.log2(total)) if total else BITS
    fits = total <= block.num_addresses
    order = sorted(range(len(needs)), key=lambda i: (prefixes[i], i))
    cidrs: dict[int, str] = {}
    start = int(block.network_address)
    for i in order if fits else ():
        cidrs[i] = str(IPv4Network((start, prefixes[i])))
        start += 2 ** (BITS - prefixes[i])
    subnets = tuple(
        SubnetOut(
            tier=n.tier,
            zone=n.zone,
            cidr=cidrs[i] if fits else None,
            prefix=prefixes[i],
            usable=2 ** (BITS - prefixes[i]) - (0 if n.tier in ("pods", "services") else reserved),
            needed=n.addresses,
            basis=n.basis,
        )
        for i, n in enumerate(needs)
    )
    return VpcOut(region="", cidr=str(block), source="", needed_prefix=needed_prefix, fits=fits,
                  subnets=subnets)  # fmt: skip


def network_plan(
    ctx: Context,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    regions: Sequence[str],
    talk: bool,
) -> tuple[NetworkOut, list[str]]:
    """The network plan of every region, and a warning (with the fix) for each block too
    small to hold its subnets."""
    net, a = ctx.design.network, ctx.facts.addressing
    blocks = region_blocks(net.cidr, net.region_cidrs, regions)
    vpcs, warnings = [], []
    for region, block in blocks.items():
        source = "network.region_cidrs" if region in net.region_cidrs else (
            "network.cidr" if net.cidr else "default")  # fmt: skip
        vpc = pack(block, needs(ctx, services, pools, region), a.reserved_per_subnet)
        vpc = vpc.model_copy(update={"region": region, "source": source})
        vpcs.append(vpc)
        if not vpc.fits:
            warnings.append(too_small(vpc, block, regions.index(region)))
    chosen = net.cross_region
    if chosen != "auto" and chosen not in a.cross_region:
        warnings.append(
            f"network: cross_region {chosen} does not exist on {ctx.cloud}; its regions connect "
            f"with {a.cross_region[0].replace('_', ' ')}"
        )
    out = NetworkOut(
        pods=pod_addressing(a),
        headroom=f"each zone holds its share after another zone fails, plus {net.surge:.0%} "
        "for a rolling deploy; data stores keep an address for their replacement",
        cross_region=connection(ctx, regions) if talk else "none: the regions do not talk",
        vpcs=tuple(vpcs),
    )
    return out, warnings


def too_small(vpc: VpcOut, block: IPv4Network, position: int) -> str:
    """The warning for a block too small, with the smallest block that fits at its address
    (for a region shifted from network.cidr, the network.cidr to set)."""
    need = 2 ** (BITS - vpc.needed_prefix)
    fix = IPv4Network((int(block.network_address), vpc.needed_prefix), strict=False)
    field = vpc.source if vpc.source != "default" else "network.cidr"
    if field == "network.cidr" and position:
        base = IPv4Network((int(block.network_address) - position * block.num_addresses,
                            block.prefixlen))  # fmt: skip
        fix = IPv4Network((int(base.network_address), vpc.needed_prefix), strict=False)
    where = f"{field}[{vpc.region}]" if field == "network.region_cidrs" else field
    return (
        f"network: {vpc.region}'s block {block} holds {block.num_addresses:,} addresses but its "
        f"{len(vpc.subnets)} subnets need {need:,}; the smallest block that fits is "
        f"/{vpc.needed_prefix}: set {where} to {fix}"
    )


def pod_addressing(a: AddressingFacts) -> str:
    return {
        "vpc": "VPC CNI: every node holds a VPC address for each pod slot (max pods)",
        "alias": f"VPC-native alias ranges: a /{a.pod_range_prefix_per_node} per node for pods "
        f"and a /{a.service_range_prefix} for Services, secondary ranges of the private subnet",
        "overlay": f"CNI overlay: pods take a /{a.pod_range_prefix_per_node} per node from a "
        "private overlay range outside the VNet; nodes take VNet addresses",
    }[a.pods]


def connection(ctx: Context, regions: Sequence[str]) -> str:
    """How the regions are connected (priced in footprint/security.py)."""
    pair = " <-> ".join(regions)
    match cross_region_kind(ctx):
        case "transit_gateway":
            return f"Transit Gateway in each region, peered ({pair})"
        case "global_vpc":
            return f"one global VPC spans {pair}: no peering, inter-region egress only"
        case "global_peering":
            return f"global VNet peering ({pair}), charged per GB each way"
        case _:
            return f"VPC peering ({pair}): no hourly charge, data at inter-region rates"


def cross_region_kind(ctx: Context) -> str:
    """peering, transit_gateway (AWS only), global_vpc (GCP) or global_peering (Azure)."""
    options = ctx.facts.addressing.cross_region
    chosen = ctx.design.network.cross_region
    if chosen != "auto" and chosen in options:
        return chosen
    return options[0]
