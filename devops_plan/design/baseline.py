"""The design's `network:` and `security:` sections: address blocks (validated as private IPv4
blocks), rolling-deploy headroom, how regions connect, and the security baseline's switches and
volumes. Frozen and closed like every design model; every number bounded."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .base import Model


def _cidr(value: Any) -> str:
    """A private IPv4 block written as address/prefix, /8 to /28, host bits zero."""
    if not isinstance(value, str):
        raise ValueError("must be an IPv4 block such as 10.0.0.0/16")
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"must be an IPv4 block such as 10.0.0.0/16 ({exc})") from None
    if net.version != IPV4 or not MIN_CIDR_PREFIX <= net.prefixlen <= MAX_CIDR_PREFIX:
        raise ValueError(
            f"must be an IPv4 block from /{MIN_CIDR_PREFIX} to /{MAX_CIDR_PREFIX} (got {value})"
        )
    if not net.is_private:
        raise ValueError(f"must be a private range (RFC 1918 or 100.64.0.0/10), got {value}")
    return str(net)


IPV4 = 4
MIN_CIDR_PREFIX, MAX_CIDR_PREFIX = 8, 28
Cidr = Annotated[
    str,
    BeforeValidator(_cidr),
    Field(
        description="private IPv4 block, /8 to /28",
        json_schema_extra={"pattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"},
    ),
]


class Network(Model):
    topology_aware_routing: bool = Field(
        default=False, description="keep service-to-service calls in their zone"
    )
    private_endpoints: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="private endpoints to managed services: where cheaper than NAT (auto)",
    )
    cidr: Cidr | None = Field(
        default=None,
        description="the first region's VPC/VNet block (default 10.0.0.0/16); each further "
        "region takes the next block of the same size",
    )
    region_cidrs: dict[str, Cidr] = Field(
        default_factory=dict,
        max_length=5,
        description="a region's own block, overriding cidr (the regions and the DR region)",
    )
    surge: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="extra nodes a rolling deploy may add, as a share (Kubernetes maxSurge 25%)",
    )
    cross_region: Literal["auto", "peering", "transit_gateway"] = Field(
        default="auto",
        description="how regions that talk are connected: the cloud's peering (auto) or AWS "
        "Transit Gateway",
    )


class Security(Model):
    """The security baseline: every part on by default, each priced."""

    encryption_at_rest: bool = Field(default=True, description="customer managed keys")
    encryption_in_transit: bool = Field(default=True, description="TLS to every data store")
    secrets: bool = Field(default=True, description="credentials in the secrets manager")
    waf: bool = Field(default=True, description="a web application firewall on entrypoints")
    waf_managed_rule_groups: int = Field(
        default=3, ge=0, le=20, description="managed rule groups per web ACL"
    )
    waf_rules: int = Field(default=2, ge=0, le=100, description="custom rules per web ACL")
    flow_logs: bool = Field(default=True, description="VPC/VNet flow logs")
    flow_log_retention_days: int = Field(default=30, ge=1, le=3650)
    audit_log_retention_days: int = Field(default=365, ge=1, le=3650)
    audit_events_per_day: int = Field(
        default=100_000, ge=0, le=1_000_000_000, description="control-plane API events a day"
    )
    secret_reads_per_pod_per_day: float = Field(
        default=24, ge=0, le=86_400, description="secret reads per pod a day (hourly refresh)"
    )


__all__ = ["MAX_CIDR_PREFIX", "MIN_CIDR_PREFIX", "Cidr", "Network", "Security"]
