"""The usage tables: what a design's traffic, storage and telemetry amount to when the design
does not say (data/sizing.yaml `traffic` and `observability`), and how each cloud bills them
(data/clouds.yaml). Typed and read-only; docs/model.md gives the formulas that use them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .network_facts import AddressingFacts, SecurityFacts, addressing_facts, security_facts


@dataclass(frozen=True)
class Traffic:
    """Traffic assumptions (data/sizing.yaml `traffic`)."""

    request_kib: float
    response_kib: float
    requests_per_connection: float
    connection_seconds: float
    calls_kib: Mapping[str, tuple[float, float]]  # kind -> (request, response)
    message_kib: float
    object_kib: float
    write_share: float
    diurnal: tuple[float, ...]
    image_pulls_per_node_per_day: float
    image_gib: float
    dns_queries_per_connection: float
    lcu_new_connections_per_s: float
    lcu_active_connections: float
    lcu_gb_per_hour: float
    lcu_rule_evaluations_per_s: float
    appgw_connections: float
    appgw_mbps: float
    appgw_new_connections_per_s: float


@dataclass(frozen=True)
class ObservabilityDefaults:
    """Logs and metrics when the design does not say (data/sizing.yaml `observability`)."""

    log_bytes_per_request: float
    node_log_mib_per_day: float
    series_per_pod: float
    series_per_node: float
    scrape_interval_s: float


@dataclass(frozen=True)
class RoutingOption:
    """One way to route users between regions: its failover time and what it is priced by."""

    name: str
    summary: str
    failover_s: int
    parts: tuple[str, ...]


@dataclass(frozen=True)
class CloudFacts:
    """How one cloud bills traffic, addresses, endpoints, backups, logs and queues
    (data/clouds.yaml)."""

    inter_zone_charged_sides: int
    nat: str  # per_zone | per_region | regional_per_vm
    nat_vm_cap: int
    public_ips_per_nat: int
    public_ips_per_lb: str  # per_zone or a count
    private_endpoints: Mapping[str, str]  # kind -> free | priced | premium_only
    db_backup_free_fraction: float
    log_free_retention_days: int
    root_volume_gib: int
    load_balancer_capacity: str  # lcu | gb | capacity_units
    queue_operations_per_message: int
    queue_chunk_kib: float
    queue_batching: bool
    queue_fifo_max_messages_per_s: float | None
    queue_standard_credits_per_s: float | None
    queue_credits_per_message: float
    queue_premium_mb_per_s: float | None
    queue_premium_units: tuple[int, ...]
    routing: tuple[RoutingOption, ...]
    addressing: AddressingFacts
    security: SecurityFacts


def traffic_table(raw: Mapping[str, Any]) -> Traffic:
    calls = MappingProxyType(
        {kind: (float(v["request"]), float(v["response"])) for kind, v in raw["calls_kib"].items()}
    )
    scalars = {k: float(v) for k, v in raw.items() if k not in ("calls_kib", "diurnal")}
    return Traffic(calls_kib=calls, diurnal=tuple(float(f) for f in raw["diurnal"]), **scalars)


def observability_table(raw: Mapping[str, Any]) -> ObservabilityDefaults:
    return ObservabilityDefaults(**{k: float(v) for k, v in raw.items()})


def _optional(raw: Mapping[str, Any], key: str) -> float | None:
    return float(raw[key]) if key in raw else None


def cloud_facts(raw: Mapping[str, Any]) -> CloudFacts:
    return CloudFacts(
        inter_zone_charged_sides=int(raw["inter_zone_charged_sides"]),
        nat=str(raw["nat"]),
        nat_vm_cap=int(raw.get("nat_vm_cap", 0)),
        public_ips_per_nat=int(raw["public_ips_per_nat"]),
        public_ips_per_lb=str(raw["public_ips_per_lb"]),
        private_endpoints=MappingProxyType(dict(raw["private_endpoints"])),
        db_backup_free_fraction=float(raw["db_backup_free_fraction"]),
        log_free_retention_days=int(raw["log_free_retention_days"]),
        root_volume_gib=int(raw["root_volume_gib"]),
        load_balancer_capacity=str(raw["load_balancer_capacity"]),
        queue_operations_per_message=int(raw["queue_operations_per_message"]),
        queue_chunk_kib=float(raw["queue_chunk_kib"]),
        queue_batching=bool(raw.get("queue_batching", False)),
        queue_fifo_max_messages_per_s=_optional(raw, "queue_fifo_max_messages_per_s"),
        queue_standard_credits_per_s=_optional(raw, "queue_standard_credits_per_s"),
        queue_credits_per_message=float(raw.get("queue_credits_per_message", 1)),
        queue_premium_mb_per_s=_optional(raw, "queue_premium_mb_per_s"),
        queue_premium_units=tuple(int(u) for u in raw.get("queue_premium_units", ())),
        routing=tuple(
            RoutingOption(
                name=str(o["name"]),
                summary=str(o["summary"]),
                failover_s=int(o["failover_s"]),
                parts=tuple(str(p) for p in o["parts"]),
            )
            for o in raw["routing"]
        ),
        addressing=addressing_facts(raw["addressing"]),
        security=security_facts(raw["security"]),
    )


__all__ = [
    "CloudFacts",
    "ObservabilityDefaults",
    "RoutingOption",
    "Traffic",
    "cloud_facts",
    "observability_table",
    "traffic_table",
]
