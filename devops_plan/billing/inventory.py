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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from .spend import ChargeLine

Kind = Literal[
    "vm", "volume", "snapshot", "nat_gateway", "load_balancer", "log_store", "bucket", "other"
]

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


def tag_key(key: str) -> str:
    """A tag key as compared: lower case, letters and digits only, without the prefix AWS
    puts on user-defined cost allocation tags (`user_` in CUR 2.0's resource_tags map, which
    also turns `/`, `.` and `-` into `_`; `user:` elsewhere). So `owner`, `Owner`,
    `user_owner`, `user:owner` are one key, and so are `cost-center` and `user_cost_center`."""
    lowered = key.lower()
    for prefix in ("user:", "user_"):
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            lowered = lowered[len(prefix) :]
            break
    return re.sub(r"[^a-z0-9]", "", lowered)


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
# A CloudWatch log group, a Log Analytics workspace, a Cloud Logging bucket or log.
_LOG_ID = re.compile(r":log-group:|/workspaces/|logging\.googleapis\.com/")
# An S3 bucket ARN, an Azure storage account, a Cloud Storage bucket.
_BUCKET_ID = re.compile(
    r"^arn:aws:s3:::|/storageaccounts/|storage\.googleapis\.com/|^projects/_/buckets/"
)
_LOG_SERVICES = {"log analytics", "cloud logging", "azure monitor"}
_BUCKET_SERVICES = {"amazon simple storage service", "amazons3", "cloud storage"}
_VOLUME_ID = re.compile(r"(^|[/:])vol-[0-9a-f]|/disks/|:volume/")
_VM_ID = re.compile(
    r"(^|[/:])i-[0-9a-f]{8,}$|/virtualmachines/|compute\.googleapis\.com/.*/instances/"
)
_VM_TYPES = {"instance", "virtual machine", "virtualmachine", "compute instance", "vm"}
_VOLUME_TYPES_FOCUS = {"volume", "disk", "ebs volume", "bootvolume", "managed disk"}


# The kinds in the order they are tested, each with the resource-id shape that proves it
# and a text every id of that shape contains (a quick test before the pattern's search).
ID_SHAPES: tuple[tuple[Kind, re.Pattern[str], tuple[str, ...]], ...] = (
    ("snapshot", _SNAPSHOT_ID, ("snap",)),
    ("nat_gateway", _NAT_ID, ("nat",)),
    ("load_balancer", _LB_ID, ("loadbalancer",)),
    ("log_store", _LOG_ID, ("log-group", "/workspaces/", "logging.")),
    ("bucket", _BUCKET_ID, ("arn:aws:s3", "/storageaccounts/", "storage.", "buckets/")),
    ("volume", _VOLUME_ID, ("vol-", "/disks/", ":volume/")),
    ("vm", _VM_ID, ("i-", "/virtualmachines/", "compute.googleapis.com/")),
)


def _names_logs(service: str, described: frozenset[str], usages: frozenset[str]) -> bool:
    """Log ingestion or retention: a logs service, or CloudWatch lines about logs (CloudWatch
    bills metrics, alarms and dashboards too)."""
    if service in _LOG_SERVICES:
        return service != "azure monitor" or any("log" in d for d in described)
    return "cloudwatch" in service and any("log" in text for text in (*described, *usages))


def _named_kinds(
    rtypes: frozenset[str], service: str, described: frozenset[str], usages: frozenset[str]
) -> tuple[bool, ...]:
    """Per kind of `ID_SHAPES`, whether the lines' types, service, descriptions or usage
    types name it (all lower case)."""
    rtype = " ".join(sorted(rtypes))
    return (
        "snapshot" in rtype or any("snapshotusage" in u for u in usages),
        "nat" in rtype.split()
        or "nat gateway" in rtype
        or any("nat gateway" in d for d in described),
        "load balancer" in rtype or "loadbalancer" in rtype or service == "elastic load balancing",
        _names_logs(service, described, usages),
        service in _BUCKET_SERVICES
        or (service == "storage" and any("blob" in d for d in described)),
        bool(rtypes & _VOLUME_TYPES_FOCUS) or any("volumeusage" in u for u in usages),
        bool(rtypes & _VM_TYPES)
        or any("instance hour" in d for d in described)
        or any("boxusage" in u for u in usages),
    )


def kind_of(lines: Iterable[ChargeLine], features: LineFeatures | None = None) -> Kind:
    """What a resource is, from its id, FOCUS ResourceType, service and charge descriptions.

    Kinds are tested in a fixed order (snapshot, NAT gateway, load balancer, log store,
    bucket, volume, machine); the first one named by the lines or proven by the id's shape wins.
    `features` remembers the texts already classified (one per inventory).
    """
    lines = list(lines)
    named = (features or LineFeatures()).named_kinds(lines)
    rid = lines[0].resource_id.lower()
    for (kind, shape, texts), is_named in zip(ID_SHAPES, named, strict=True):
        if is_named or (any(t in rid for t in texts) and shape.search(rid)):
            return kind
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


@dataclass(frozen=True)
class _UnitKind:
    """What a ConsumedUnit measures, worked out once per distinct unit text."""

    hours: bool
    gb_month: bool
    gb: bool
    lcu: bool


class LineFeatures:
    """Per-line classifications, each computed once per distinct input text: a bill repeats
    the same units, descriptions and tags across thousands of resources. One per inventory."""

    def __init__(self) -> None:
        self._units: dict[str, _UnitKind] = {}
        self._instance: dict[tuple[str, str, str], str] = {}
        self._volume: dict[tuple[str, str, str], str] = {}
        self._tags: dict[str, dict[str, str] | None] = {}
        self._kinds: dict[tuple[object, ...], tuple[bool, ...]] = {}

    def named_kinds(self, lines: list[ChargeLine]) -> tuple[bool, ...]:
        """`_named_kinds` of the lines; a single line is also remembered by its raw texts,
        so a repeated one is found again without lowering them."""
        first = lines[0]
        raw: tuple[object, ...] | None = None
        if len(lines) == 1:
            raw = (first.resource_type, first.service, first.charge_description, first.usage_type)
            if raw in self._kinds:
                return self._kinds[raw]
        lowered = (
            frozenset(ln.resource_type.lower() for ln in lines),
            first.service.lower(),
            frozenset(ln.charge_description.lower() for ln in lines),
            frozenset(ln.usage_type.lower() for ln in lines),
        )
        found = self._kinds.get(lowered)
        if found is None:
            found = self._kinds[lowered] = _named_kinds(*lowered)
        if raw is not None:
            self._kinds[raw] = found
        return found

    def unit(self, line: ChargeLine) -> _UnitKind:
        found = self._units.get(line.consumed_unit)
        if found is None:
            found = _UnitKind(is_hours(line), is_gb_month(line), is_gb(line), is_lcu(line))
            self._units[line.consumed_unit] = found
        return found

    def instance_type(self, line: ChargeLine) -> str:
        return self._by_text(self._instance, line, instance_type_of)

    def volume_type(self, line: ChargeLine) -> str:
        return self._by_text(self._volume, line, volume_type_of)

    @staticmethod
    def _by_text(
        store: dict[tuple[str, str, str], str],
        line: ChargeLine,
        read: Callable[[ChargeLine], str],
    ) -> str:
        """`read(line)`, once per distinct (instance type, usage type, description)."""
        key = (line.instance_type, line.usage_type, line.charge_description)
        found = store.get(key)
        if found is None:
            found = store[key] = read(line)
        return found

    def tags(self, text: str) -> dict[str, str] | None:
        if text not in self._tags:
            self._tags[text] = parse_tags(text)
        return self._tags[text]


def resource_from_line(line: ChargeLine, cloud: str | None, features: LineFeatures) -> Resource:
    """`build_inventory`'s result for a resource billed on one charge line, without the
    grouping work (most volumes, snapshots and gateways have one line)."""
    kind = kind_of((line,), features)
    instance_type = features.instance_type(line) if kind == "vm" else ""
    if kind == "vm" and (
        line.service_category == "Databases" or instance_type.startswith(("db.", "cache."))
    ):
        kind, instance_type = "other", ""
    usage = line.charge_category in ("Usage", "")
    unit = features.unit(line)
    hours = usage and unit.hours
    # `sum` over one line or none: the same values, int 0 included, as the general path.
    quantity = line.consumed_quantity or 0.0
    return Resource(
        provider=line.provider,
        cloud=cloud,
        resource_id=line.resource_id,
        name=line.resource_name,
        region=line.region,
        service=line.service,
        kind=kind,
        instance_type=instance_type,
        volume_type=features.volume_type(line) if kind == "volume" else "",
        tags=features.tags(line.tags),
        billed_cost=_ZERO + line.billed_cost,
        effective_cost=_ZERO + line.effective_cost,
        on_demand_hours=0 + quantity if hours and line.pricing_category == "Standard" else 0,
        committed_hours=0 + quantity if hours and line.pricing_category == "Committed" else 0,
        spot_hours=0 + quantity if hours and line.pricing_category == "Dynamic" else 0,
        gb_months=0 + quantity if usage and unit.gb_month else 0,
        gb_processed=0 + quantity if usage and unit.gb else 0,
        lcu_hours=0 + quantity if usage and unit.lcu else 0,
        list_unit_price=line.list_unit_price,
        first_start=line.first_start or None,
        last_end=line.last_end or None,
        lines=(line,),
    )


def resource_from_lines(
    group: list[ChargeLine], cloud: str | None, features: LineFeatures
) -> Resource:
    """One resource from all its charge lines (same provider and ResourceId, in order)."""
    first = group[0]
    kind = kind_of(group, features)
    if kind == "vm" and any(
        ln.service_category == "Databases"
        or features.instance_type(ln).startswith(("db.", "cache."))
        for ln in group
    ):
        kind = "other"  # managed database and cache nodes are not machines we resize
    usage = [ln for ln in group if ln.charge_category in ("Usage", "")]
    latest = _latest(group)
    hour_lines = [ln for ln in usage if features.unit(ln).hours]
    instance_type = ""
    if kind == "vm":
        typed = [ln for ln in hour_lines if features.instance_type(ln)] or [
            ln for ln in group if features.instance_type(ln)
        ]
        if typed:
            instance_type = features.instance_type(_latest(typed))
    volume_type = ""
    if kind == "volume":
        typed = [ln for ln in group if features.volume_type(ln)]
        if typed:
            volume_type = features.volume_type(_latest(typed))
    main = max(hour_lines or usage or group, key=lambda ln: (ln.billed_cost, ln.charge_description))
    names = sorted({ln.resource_name for ln in group if ln.resource_name})
    regions = sorted({ln.region for ln in group if ln.region})
    starts = [ln.first_start for ln in group if ln.first_start]
    ends = [ln.last_end for ln in group if ln.last_end]
    return Resource(
        provider=first.provider,
        cloud=cloud,
        resource_id=first.resource_id,
        name=names[-1] if names else "",
        region=latest.region or (regions[0] if regions else ""),
        service=latest.service,
        kind=kind,
        instance_type=instance_type,
        volume_type=volume_type,
        tags=features.tags(latest.tags),
        billed_cost=sum((ln.billed_cost for ln in group), _ZERO),
        effective_cost=sum((ln.effective_cost for ln in group), _ZERO),
        on_demand_hours=_sum_quantity(ln for ln in hour_lines if ln.pricing_category == "Standard"),
        committed_hours=_sum_quantity(
            ln for ln in hour_lines if ln.pricing_category == "Committed"
        ),
        spot_hours=_sum_quantity(ln for ln in hour_lines if ln.pricing_category == "Dynamic"),
        gb_months=_sum_quantity(ln for ln in usage if features.unit(ln).gb_month),
        gb_processed=_sum_quantity(ln for ln in usage if features.unit(ln).gb),
        lcu_hours=_sum_quantity(ln for ln in usage if features.unit(ln).lcu),
        list_unit_price=main.list_unit_price,
        first_start=min(starts) if starts else None,
        last_end=max(ends) if ends else None,
        lines=tuple(group),
    )


def build_inventory(lines: Iterable[ChargeLine]) -> tuple[Resource, ...]:
    """Every resource with a ResourceId, grouped from its charge lines, sorted by id."""
    grouped: dict[tuple[str, str], list[ChargeLine]] = {}
    for line in lines:
        if line.resource_id:
            key = (line.provider, line.resource_id)
            group = grouped.get(key)
            if group is None:
                grouped[key] = [line]
            else:
                group.append(line)
    features = LineFeatures()
    clouds: dict[str, str | None] = {}
    resources = []
    for (provider, _), group in sorted(grouped.items(), key=lambda kv: kv[0]):
        if provider not in clouds:
            clouds[provider] = cloud_of(provider)
        if len(group) == 1:
            resources.append(resource_from_line(group[0], clouds[provider], features))
        else:
            resources.append(resource_from_lines(group, clouds[provider], features))
    return tuple(resources)
