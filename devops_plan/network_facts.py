"""How each cloud addresses a network and bills a security baseline (data/clouds.yaml
`addressing` and `security`): reserved addresses per subnet, whether subnets are zonal, where
pods take their addresses, and which security meters exist. Typed and read-only; docs/model.md
(Network, Security) gives the formulas that use them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AddressingFacts:
    """Addresses a cloud keeps, and what takes addresses, in each subnet."""

    reserved_per_subnet: int
    subnet_scope: str  # zonal | regional
    smallest_prefix: int  # the smallest subnet the cloud allows (/28 on AWS)
    largest_prefix: int  # the largest (/16 on AWS)
    pods: str  # vpc | alias | overlay
    pod_range_prefix_per_node: int
    service_range_prefix: int
    lb_addresses_per_zone: int
    lb_subnet_min_prefix: int
    nat_addresses_per_zone: int
    control_plane_addresses_per_zone: int
    public_min_prefix: int
    isolated_min_prefix: int
    cross_region: tuple[str, ...]

    @property
    def zonal(self) -> bool:
        return self.subnet_scope == "zonal"


@dataclass(frozen=True)
class SecurityFacts:
    """Which security meters a cloud has and the sizes the volumes are estimated from."""

    kms_key_month: bool  # a monthly fee per customer managed key
    secret_month: bool  # a monthly fee per secret
    waf: str  # acl (web ACL, rules, requests) | gateway_sku (a WAF tier of the gateway)
    flow_log_record_bytes: float
    audit_event_kib: float
    audit_free_days: int
    audit_store: str  # object_storage | logs
    flow_log_store: str  # logs (the cloud's log service) | object_storage (a storage account)


def addressing_facts(raw: Mapping[str, Any]) -> AddressingFacts:
    return AddressingFacts(
        reserved_per_subnet=int(raw["reserved_per_subnet"]),
        subnet_scope=str(raw["subnet_scope"]),
        smallest_prefix=int(raw["smallest_prefix"]),
        largest_prefix=int(raw["largest_prefix"]),
        pods=str(raw["pods"]),
        pod_range_prefix_per_node=int(raw.get("pod_range_prefix_per_node", 24)),
        service_range_prefix=int(raw.get("service_range_prefix", 0)),
        lb_addresses_per_zone=int(raw["lb_addresses_per_zone"]),
        lb_subnet_min_prefix=int(raw.get("lb_subnet_min_prefix", 0)),
        nat_addresses_per_zone=int(raw["nat_addresses_per_zone"]),
        control_plane_addresses_per_zone=int(raw["control_plane_addresses_per_zone"]),
        public_min_prefix=int(raw["public_min_prefix"]),
        isolated_min_prefix=int(raw["isolated_min_prefix"]),
        cross_region=tuple(str(c) for c in raw["cross_region"]),
    )


def security_facts(raw: Mapping[str, Any]) -> SecurityFacts:
    return SecurityFacts(
        kms_key_month=bool(raw["kms_key_month"]),
        secret_month=bool(raw["secret_month"]),
        waf=str(raw["waf"]),
        flow_log_record_bytes=float(raw["flow_log_record_bytes"]),
        audit_event_kib=float(raw["audit_event_kib"]),
        audit_free_days=int(raw["audit_free_days"]),
        audit_store=str(raw["audit_store"]),
        flow_log_store=str(raw["flow_log_store"]),
    )


__all__ = ["AddressingFacts", "SecurityFacts", "addressing_facts", "security_facts"]
