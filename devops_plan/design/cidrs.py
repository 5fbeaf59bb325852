"""Which address block each region's VPC/VNet takes: `network.region_cidrs` where a region
names its own, else the `network.cidr` block shifted by the region's position (the first region
takes the block itself, the next one the block after it, ...). One rule for the design checks,
which report overlaps where they are written, and the network plan."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Network

# The block the AWS VPC console proposes for a new VPC (and terraform-aws-modules/vpc's
# examples use): 65,536 addresses, room for every tier of a large cluster in three zones.
DEFAULT_CIDR = "10.0.0.0/16"


def region_blocks(
    cidr: str | None, region_cidrs: Mapping[str, str], regions: Sequence[str]
) -> dict[str, IPv4Network]:
    """Each region's block, in the order given; ValueError when a shifted block leaves the
    private ranges."""
    base = IPv4Network(cidr or DEFAULT_CIDR)
    out: dict[str, IPv4Network] = {}
    for i, region in enumerate(dict.fromkeys(regions)):
        if region in region_cidrs:
            out[region] = IPv4Network(region_cidrs[region])
            continue
        start = int(base.network_address) + i * base.num_addresses
        if start + base.num_addresses > 2**32:
            raise ValueError(f"{base} shifted {i} blocks for {region} runs past 255.255.255.255")
        block = IPv4Network((start, base.prefixlen))
        if not block.is_private:
            raise ValueError(
                f"{base} shifted {i} blocks for {region} is {block}, outside the private ranges; "
                f"give {region} its own block in network.region_cidrs"
            )
        out[region] = block
    return out


def first_overlap(blocks: Mapping[str, IPv4Network]) -> tuple[str, str] | None:
    """The first pair of regions whose blocks overlap, in the order given."""
    names = list(blocks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if blocks[a].overlaps(blocks[b]):
                return a, b
    return None


def valid_block(value: object) -> bool:
    try:
        return isinstance(value, str) and ipaddress.ip_network(value, strict=True).version == 4
    except ValueError:
        return False


__all__ = ["DEFAULT_CIDR", "first_overlap", "region_blocks", "valid_block"]
