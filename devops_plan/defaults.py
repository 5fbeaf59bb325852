"""The shipped default tables: SLA figures, DR strategies, sizing rules and decision texts.

Each loader reads one file under data/ and returns read-only, typed data (mappings cannot be
changed by a caller). They are remembered per process because the files ship with the
package and never change while it runs; the pure core takes them as arguments (through a
planning Context) so tests can substitute their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from ruamel.yaml import YAML

from .errors import PlanningError
from .paths import data_path
from .units import parse_duration
from .usage import (
    CloudFacts,
    ObservabilityDefaults,
    Traffic,
    cloud_facts,
    observability_table,
    traffic_table,
)


def _load(*parts: str) -> Any:
    return YAML(typ="safe").load(data_path(*parts).read_text(encoding="utf-8"))


def frozen(value: Any) -> Any:
    """`value` with every mapping read-only and every list a tuple, all the way down."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value


@dataclass(frozen=True)
class SLAEntry:
    """One published SLA: the exact product, tier and deployment it covers, its monthly
    figure (percent), and where and when it was read (data/sla/<cloud>.yaml)."""

    id: str
    role: str
    availability: float
    product: str
    url: str
    read: str
    products: tuple[re.Pattern[str], ...] = ()
    families: tuple[re.Pattern[str], ...] = ()
    deployment: str = ""
    engines: tuple[str, ...] = ()
    published: bool = True
    note: str = ""

    @property
    def source(self) -> str:
        """How the plan cites it: product, figure, URL and date read (and why, if unpublished)."""
        basis = f"{self.product}: {self.availability:g}%"
        if not self.published:
            basis += f" (no published SLA: {self.note})"
        return f"{basis} ({self.url}, read {self.read})"

    def covers(
        self, role: str, product: str, family: str, deployment: str, engine: str = ""
    ) -> bool:
        if role != self.role or (self.deployment and deployment != self.deployment):
            return False
        if self.engines and engine not in self.engines:
            return False
        if self.products and not any(p.fullmatch(product) for p in self.products):
            return False
        return not self.families or any(f.fullmatch(family) for f in self.families)


@dataclass(frozen=True)
class SLATable:
    """A cloud's SLA entries; `find` names the one entry that covers a priced product."""

    cloud: str
    reviewed: str
    entries: tuple[SLAEntry, ...]
    # The entries of each role, in table order (derived from `entries`; a plan looks an
    # entry up for every service it sizes).
    by_role: Mapping[str, tuple[SLAEntry, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        roles: dict[str, list[SLAEntry]] = {}
        for e in self.entries:
            roles.setdefault(e.role, []).append(e)
        index = MappingProxyType({role: tuple(found) for role, found in roles.items()})
        object.__setattr__(self, "by_role", index)

    def find(
        self,
        role: str,
        product: str = "",
        family: str = "",
        deployment: str = "",
        engine: str = "",
    ) -> SLAEntry:
        found = [
            e
            for e in self.by_role.get(role, ())
            if e.covers(role, product, family, deployment, engine)
        ]
        if len(found) != 1:
            what = f"{role} {product or family or ''} {deployment}".strip()
            many = f"{len(found)} entries ({', '.join(e.id for e in found)})" if found else "none"
            raise PlanningError(
                f"SLA table for {self.cloud}: {what}: expected one entry, found {many}"
            )
        return found[0]

    def only(self, role: str) -> SLAEntry:
        """The one entry of a role the planner does not price per product (yet)."""
        found = self.by_role.get(role, ())
        if len(found) != 1:
            raise PlanningError(f"SLA table for {self.cloud}: {role}: expected one entry")
        return found[0]


def _sla_entry(row: Mapping[str, Any]) -> SLAEntry:
    return SLAEntry(
        id=str(row["id"]),
        role=str(row["role"]),
        availability=float(row["availability"]),
        product=str(row["product"]),
        url=str(row["url"]),
        read=str(row["read"]),
        products=tuple(re.compile(p) for p in row.get("products", ())),
        families=tuple(re.compile(f) for f in row.get("families", ())),
        deployment=str(row.get("deployment", "")),
        engines=tuple(str(e) for e in row.get("engines", ())),
        published=bool(row.get("published", True)),
        note=str(row.get("note", "")),
    )


@cache
def sla_table(cloud: str) -> SLATable:
    """The published SLA figures the availability model uses for `cloud` (data/sla)."""
    path = data_path("sla", f"{cloud}.yaml")
    if not path.exists():
        raise PlanningError(f"no SLA table for cloud {cloud!r} ({path})")
    raw = _load("sla", f"{cloud}.yaml")
    entries = tuple(_sla_entry(row) for row in raw["entries"])
    return SLATable(cloud=cloud, reviewed=str(raw["reviewed"]), entries=entries)


@dataclass(frozen=True)
class Fact:
    """One number the planner uses, with where it comes from (durations in seconds)."""

    value: float
    source: str


def _fact(row: Any) -> Fact:
    value = row["value"]
    if isinstance(value, bool):
        return Fact(float(value), str(row["source"]))
    if isinstance(value, str):
        return Fact(float(parse_duration(value)), str(row["source"]))
    return Fact(float(value), str(row["source"]))


@dataclass(frozen=True)
class DRTable:
    """The DR strategies (cheapest first), the timings their RTO is built from, and the
    assumptions their prices use (data/dr.yaml)."""

    strategies: tuple[str, ...]
    summaries: Mapping[str, str]
    timings: Mapping[str, Fact]
    daily_change_fraction: float
    days_per_month: int
    source: str

    def timing(self, name: str) -> int:
        return int(self.timings[name].value)


@cache
def dr_table() -> DRTable:
    """The DR strategies, timings and pricing assumptions (data/dr.yaml)."""
    raw = _load("dr.yaml")
    a = raw["assumptions"]
    return DRTable(
        strategies=tuple(raw["strategies"]),
        summaries=MappingProxyType({k: str(v["summary"]) for k, v in raw["strategies"].items()}),
        timings=MappingProxyType({k: _fact(v) for k, v in raw["timings"].items()}),
        daily_change_fraction=float(a["daily_change_fraction"]),
        days_per_month=int(a["days_per_month"]),
        source=str(raw["source"]),
    )


@dataclass(frozen=True)
class EngineFacts:
    """What a managed database engine can do for DR (data/engines.yaml)."""

    engine: str
    name: str
    replication_lag: Fact
    promotion: Fact
    pitr: Fact
    snapshot_interval: Fact
    cross_region_backups: Fact
    restore_fixed: Fact
    restore_rate_gib_per_hour: Fact
    multi_region_writes: bool
    pricing: str = "instance"  # instance | dsql | spanner | cosmos
    alternative_for: tuple[str, ...] = ()
    storage_product: str = ""  # a storage product of its own (else the db_storage role)
    automatic_failover: bool = False  # the provider fails over without a person deciding
    workload: Mapping[str, Fact] = field(default_factory=lambda: MappingProxyType({}))


@cache
def engines_table(cloud: str) -> Mapping[str, EngineFacts]:
    """The DR facts of each database engine on `cloud`."""
    raw = _load("engines.yaml").get(cloud, {})
    out = {}
    for engine, row in raw.items():
        merged = {**raw[row["same_as"]], **row} if "same_as" in row else row
        out[engine] = EngineFacts(
            engine=engine,
            name=str(merged["name"]),
            multi_region_writes=bool(merged.get("multi_region_writes", False)),
            pricing=str(merged.get("pricing", "instance")),
            alternative_for=tuple(merged.get("alternative_for", ())),
            storage_product=str(merged.get("storage_product", "")),
            automatic_failover=bool(merged.get("automatic_failover", False)),
            workload=MappingProxyType({k: _fact(v) for k, v in merged.get("workload", {}).items()}),
            **{
                k: _fact(merged[k])
                for k in (
                    "replication_lag",
                    "promotion",
                    "pitr",
                    "snapshot_interval",
                    "cross_region_backups",
                    "restore_fixed",
                    "restore_rate_gib_per_hour",
                )
            },
        )
    return MappingProxyType(out)


@dataclass(frozen=True)
class SizingRules:
    """Node allocatable rules per cloud, traffic and observability assumptions, how each
    cloud bills usage, and VM overhead."""

    allocatable: Mapping[str, Mapping[str, Any]]
    traffic: Traffic
    vm_os_overhead_mib: int
    observability: ObservabilityDefaults
    clouds: Mapping[str, CloudFacts]
    ports: Mapping[str, int]


@cache
def sizing_rules() -> SizingRules:
    """The shipped sizing rules (data/sizing.yaml) and cloud usage facts (data/clouds.yaml)."""
    raw = _load("sizing.yaml")
    clouds = _load("clouds.yaml")
    return SizingRules(
        allocatable=frozen(raw["allocatable"]),
        traffic=traffic_table(raw["traffic"]),
        vm_os_overhead_mib=int(raw["vm"]["os_overhead_mib"]),
        observability=observability_table(raw["observability"]),
        clouds=MappingProxyType({name: cloud_facts(c) for name, c in clouds.items()}),
        ports=MappingProxyType({str(k): int(v) for k, v in raw["ports"].items()}),
    )


@cache
def decision_texts() -> Mapping[str, Any]:
    """Pros and cons for each kind of option (data/decisions.yaml)."""
    texts: Mapping[str, Any] = frozen(_load("decisions.yaml"))
    return texts


@dataclass(frozen=True)
class FamilyGroup:
    """One class and architecture: each cloud's families in it, the preferred one first."""

    klass: str
    arch: str
    families: Mapping[str, tuple[str, ...]]
    notes: Mapping[str, str]


@cache
def family_groups() -> tuple[FamilyGroup, ...]:
    """Instance families by class and architecture on each cloud (data/families.yaml)."""
    raw = _load("families.yaml")
    groups = []
    for klass, by_arch in raw["classes"].items():
        for arch, row in by_arch.items():
            notes = dict(row.get("note", {}))
            families = {c: tuple(v) for c, v in row.items() if c != "note"}
            groups.append(FamilyGroup(klass, arch, families, notes))
    return tuple(groups)
