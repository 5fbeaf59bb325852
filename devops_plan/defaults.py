"""The shipped default tables: SLA figures, DR strategies, sizing rules and decision texts.

Each loader reads one file under data/ and returns read-only, typed data (mappings cannot be
changed by a caller). They are remembered per process because the files ship with the
package and never change while it runs; the pure core takes them as arguments (through a
planning Context) so tests can substitute their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from ruamel.yaml import YAML

from .errors import PlanningError
from .paths import data_path
from .units import parse_duration


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
    availability: float
    source: str


@cache
def sla_table(cloud: str) -> Mapping[str, SLAEntry]:
    """The published SLA figures the availability model uses for `cloud` (data/sla)."""
    path = data_path("sla", f"{cloud}.yaml")
    if not path.exists():
        raise PlanningError(f"no SLA table for cloud {cloud!r} ({path})")
    raw = _load("sla", f"{cloud}.yaml")
    return MappingProxyType(
        {
            name: SLAEntry(float(row["availability"]), str(row["source"]))
            for name, row in raw["components"].items()
        }
    )


@dataclass(frozen=True)
class StrategyFacts:
    name: str
    rto_s: int
    rpo_s: int
    summary: str


@dataclass(frozen=True)
class DRTable:
    strategies: tuple[StrategyFacts, ...]  # cheapest first
    daily_change_fraction: float
    days_per_month: int
    source: str

    def facts(self, name: str) -> StrategyFacts:
        for s in self.strategies:
            if s.name == name:
                return s
        raise KeyError(name)


@cache
def dr_table() -> DRTable:
    """The DR strategies with their typical RTO and RPO (data/dr.yaml)."""
    raw = _load("dr.yaml")
    strategies = tuple(
        StrategyFacts(name, parse_duration(row["rto"]), parse_duration(row["rpo"]), row["summary"])
        for name, row in raw["strategies"].items()
    )
    a = raw["assumptions"]
    return DRTable(
        strategies, float(a["daily_change_fraction"]), int(a["days_per_month"]), raw["source"]
    )


@dataclass(frozen=True)
class Traffic:
    """The traffic assumptions behind shared line items (data/sizing.yaml, docs/model.md)."""

    average_to_peak: float
    response_kib: float
    requests_per_connection: float
    nat_gib_per_zone_month: float
    lcu_new_connections_per_s: float
    lcu_gb_per_hour: float
    lcu_rule_evaluations_per_s: float


@dataclass(frozen=True)
class SizingRules:
    """Node allocatable rules per cloud, traffic assumptions and VM overhead."""

    allocatable: Mapping[str, Mapping[str, Any]]
    traffic: Traffic
    vm_os_overhead_mib: int


@cache
def sizing_rules() -> SizingRules:
    """The shipped sizing rules (data/sizing.yaml)."""
    raw = _load("sizing.yaml")
    traffic = raw["traffic"]
    return SizingRules(
        allocatable=frozen(raw["allocatable"]),
        traffic=Traffic(**{k: float(v) for k, v in traffic.items()}),
        vm_os_overhead_mib=int(raw["vm"]["os_overhead_mib"]),
    )


@cache
def decision_texts() -> Mapping[str, Any]:
    """Pros and cons for each kind of option (data/decisions.yaml)."""
    texts: Mapping[str, Any] = frozen(_load("decisions.yaml"))
    return texts
