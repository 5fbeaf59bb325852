"""The resources seen in the bill: charge lines grouped per resource, with what kind of thing
each one is (machine, volume, snapshot, NAT gateway, load balancer), its instance or volume
type, its tags and the usage quantities the recommendation rules need.

Kinds are recognised from FOCUS's ResourceType, the shape of resource ids across AWS,
Azure and Google Cloud, and the charge description, since no single column is reliable
across providers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from .spend import ChargeLine

Kind = Literal["vm", "volume", "snapshot", "nat_gateway", "load_balancer", "other"]

_ZERO = Decimal(0)

# FOCUS ProviderName -> the catalog's cloud id.
_CLOUDS = {
    "aws": "aws",
    "amazon web services": "aws",
    "amazon": "aws",
    "microsoft": "azure",
    "azure": "azure",
    "microsoft azure": "azure",
    "google cloud": "gcp",
    "google cloud platform": "gcp",
    "google": "gcp",
    "gcp": "gcp",
}

_HOUR_UNITS = {"hours", "hour", "hrs", "hr", "1 hour", "instance-hours"}
_GB_UNITS = {"gb", "gigabyte", "gigabytes", "1 gb"}

_AWS_TYPE = re.compile(
    r"\b((?:db\.|cache\.)?[a-z][a-z0-9-]*\d[a-z0-9-]*\."
    r"(?:nano|micro|small|medium|(?:\d*x)?large|metal(?:-\d+xl)?))\b"
)
_AZURE_TYPE = re.compile(r"\b(Standard_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)\b")
_GCP_TYPE = re.compile(
    r"\b([a-z]\d[a-z]?-(?:standard|highmem|highcpu|micro|small|medium)(?:-\d+)?)\b"
)
_VOLUME_TYPES = ("gp2", "gp3", "io1", "io2", "st1", "sc1")


def cloud_of(provider: str) -> str | None:
    """The catalog cloud (aws, azure, gcp) of a FOCUS ProviderName, or None."""
    return _CLOUDS.get(provider.strip().lower())


def parse_tags(text: str) -> dict[str, str] | None:
    """A Tags cell as a dict ({} when empty); None when it is not a JSON object."""
    if not text or text.strip().upper() == "NULL":
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


# Resource-id shapes per kind across AWS (ids and ARNs), Azure and Google Cloud paths.
_SNAPSHOT_ID = re.compile(r"(^|[/:])snap-[0-9a-f]|/snapshots/")
_NAT_ID = re.compile(r"(^|[/:])nat-[0-9a-f]|natgateway|/natgateways/")
_LB_ID = re.compile(r"loadbalancer/|/loadbalancers/")
_VOLUME_ID = re.compile(r"(^|[/:])vol-[0-9a-f]|/disks/|:volume/")
_VM_ID = re.compile(
    r"(^|[/:])i-[0-9a-f]{8,}$|/virtualmachines/|compute\.googleapis\.com/.*/instances/"
)
_VM_TYPES = {"instance", "virtual machine", "virtualmachine", "compute instance", "vm"}
_VOLUME_TYPES_FOCUS = {"volume", "disk", "ebs volume", "bootvolume", "managed disk"}


def kind_of(lines: Iterable[ChargeLine]) -> Kind:
    """What a resource is, from its id, FOCUS ResourceType, service and charge descriptions."""
    lines = list(lines)
    first = lines[0]
    rid = first.resource_id.lower()
    rtypes = {ln.resource_type.lower() for ln in lines}
    rtype = " ".join(sorted(rtypes))
    service = first.service.lower()
    described = " ".join({ln.charge_description.lower() for ln in lines})
    usage = " ".join({ln.usage_type.lower() for ln in lines})
    if "snapshot" in rtype or _SNAPSHOT_ID.search(rid) or "snapshotusage" in usage:
        return "snapshot"
    if (
        "nat" in rtype.split()
        or "nat gateway" in rtype
        or _NAT_ID.search(rid)
        or "nat gateway" in described
    ):
        return "nat_gateway"
    if (
        "load balancer" in rtype
        or "loadbalancer" in rtype
        or _LB_ID.search(rid)
        or service == "elastic load balancing"
    ):
        return "load_balancer"
    if rtypes & _VOLUME_TYPES_FOCUS or _VOLUME_ID.search(rid) or "volumeusage" in usage:
        return "volume"
    if (
        rtypes & _VM_TYPES
        or _VM_ID.search(rid)
        or "instance hour" in described
        or "boxusage" in usage
    ):
        return "vm"
    return "other"


def instance_type_of(line: ChargeLine) -> str:
    """The instance type a charge line bills, from its own column or its description."""
    if line.instance_type:
        return line.instance_type
    for text in (line.usage_type, line.charge_description):
        for pattern in (_AWS_TYPE, _AZURE_TYPE, _GCP_TYPE):
            found = pattern.search(text)
            if found:
                return found.group(1)
    return ""


def volume_type_of(line: ChargeLine) -> str:
    """gp2, gp3, io1, io2, st1 or sc1 when the line names one, else ''."""
    text = f"{line.usage_type} {line.charge_description} {line.instance_type}".lower()
    for vt in _VOLUME_TYPES:
        if re.search(rf"\b{vt}\b|\.{vt}\b", text):
            return vt
    return ""


def _unit(line: ChargeLine) -> str:
    return line.consumed_unit.strip().lower()


def is_hours(line: ChargeLine) -> bool:
    return _unit(line) in _HOUR_UNITS


def is_gb_month(line: ChargeLine) -> bool:
    unit = _unit(line).replace(" ", "")
    return unit.startswith("gb") and ("mo" in unit or "/month" in unit)


def is_gb(line: ChargeLine) -> bool:
    return _unit(line) in _GB_UNITS


def is_lcu(line: ChargeLine) -> bool:
    return "lcu" in _unit(line)


@dataclass(frozen=True)
class Resource:
    """One billed resource with everything the recommendation rules look at."""

    provider: str
    cloud: str | None
    resource_id: str
    name: str
    region: str
    service: str
    kind: Kind
    instance_type: str  # latest instance type of a machine, else ''
    volume_type: str  # latest volume type of a volume, else ''
    tags: Mapping[str, str] | None  # None when the Tags cell is not JSON
    billed_cost: Decimal
    effective_cost: Decimal
    on_demand_hours: float  # instance-hours priced on demand
    committed_hours: float
    spot_hours: float
    gb_months: float
    gb_processed: float
    lcu_hours: float
    list_unit_price: Decimal | None  # observed list price of the main usage line
    first_start: datetime | None
    last_end: datetime | None
    lines: tuple[ChargeLine, ...]

    @property
    def label(self) -> str:
        return self.name or self.resource_id


def _latest(lines: list[ChargeLine]) -> ChargeLine:
    """The line billed last (ties: the most costly, then the description) - deterministic."""
    return max(
        lines,
        key=lambda ln: (ln.last_end or datetime.min, ln.billed_cost, ln.charge_description),
    )


def _sum_quantity(lines: Iterable[ChargeLine]) -> float:
    return sum(ln.consumed_quantity or 0.0 for ln in lines)


def build_inventory(lines: Iterable[ChargeLine]) -> tuple[Resource, ...]:
    """Every resource with a ResourceId, grouped from its charge lines, sorted by id."""
    grouped: dict[tuple[str, str], list[ChargeLine]] = {}
    for line in lines:
        if line.resource_id:
            grouped.setdefault((line.provider, line.resource_id), []).append(line)
    resources = []
    for (provider, rid), group in sorted(grouped.items()):
        kind = kind_of(group)
        if kind == "vm" and any(
            ln.service_category == "Databases" or instance_type_of(ln).startswith(("db.", "cache."))
            for ln in group
        ):
            kind = "other"  # managed database and cache nodes are not machines we resize
        usage = [ln for ln in group if ln.charge_category in ("Usage", "")]
        latest = _latest(group)
        hour_lines = [ln for ln in usage if is_hours(ln)]
        instance_type = ""
        if kind == "vm":
            typed = [ln for ln in hour_lines if instance_type_of(ln)] or [
                ln for ln in group if instance_type_of(ln)
            ]
            if typed:
                instance_type = instance_type_of(_latest(typed))
        volume_type = ""
        if kind == "volume":
            typed = [ln for ln in group if volume_type_of(ln)]
            if typed:
                volume_type = volume_type_of(_latest(typed))
        main = max(
            hour_lines or usage or group, key=lambda ln: (ln.billed_cost, ln.charge_description)
        )
        names = sorted({ln.resource_name for ln in group if ln.resource_name})
        regions = sorted({ln.region for ln in group if ln.region})
        starts = [ln.first_start for ln in group if ln.first_start]
        ends = [ln.last_end for ln in group if ln.last_end]
        resources.append(
            Resource(
                provider=provider,
                cloud=cloud_of(provider),
                resource_id=rid,
                name=names[-1] if names else "",
                region=latest.region or (regions[0] if regions else ""),
                service=latest.service,
                kind=kind,
                instance_type=instance_type,
                volume_type=volume_type,
                tags=parse_tags(latest.tags),
                billed_cost=sum((ln.billed_cost for ln in group), _ZERO),
                effective_cost=sum((ln.effective_cost for ln in group), _ZERO),
                on_demand_hours=_sum_quantity(
                    ln for ln in hour_lines if ln.pricing_category == "Standard"
                ),
                committed_hours=_sum_quantity(
                    ln for ln in hour_lines if ln.pricing_category == "Committed"
                ),
                spot_hours=_sum_quantity(
                    ln for ln in hour_lines if ln.pricing_category == "Dynamic"
                ),
                gb_months=_sum_quantity(ln for ln in usage if is_gb_month(ln)),
                gb_processed=_sum_quantity(ln for ln in usage if is_gb(ln)),
                lcu_hours=_sum_quantity(ln for ln in usage if is_lcu(ln)),
                list_unit_price=main.list_unit_price,
                first_start=min(starts) if starts else None,
                last_end=max(ends) if ends else None,
                lines=tuple(group),
            )
        )
    return tuple(resources)
