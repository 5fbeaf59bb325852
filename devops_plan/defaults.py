"""The shipped default tables (SLA figures, DR strategies, sizing rules), loaded once.

Each loader returns frozen data; the pure core takes them as arguments so tests and
designs can substitute their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ruamel.yaml import YAML

from .errors import PlanningError
from .paths import data_path
from .units import parse_duration


def _load(*parts: str) -> Any:
    return YAML(typ="safe").load(data_path(*parts).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SLAEntry:
    availability: float
    source: str


@cache
def sla_table(cloud: str) -> dict[str, SLAEntry]:
    path = data_path("sla", f"{cloud}.yaml")
    if not path.exists():
        raise PlanningError(f"no SLA table for cloud {cloud!r} ({path})")
    raw = _load("sla", f"{cloud}.yaml")
    return {
        name: SLAEntry(float(row["availability"]), str(row["source"]))
        for name, row in raw["components"].items()
    }


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
    raw = _load("dr.yaml")
    strategies = tuple(
        StrategyFacts(name, parse_duration(row["rto"]), parse_duration(row["rpo"]), row["summary"])
        for name, row in raw["strategies"].items()
    )
    a = raw["assumptions"]
    return DRTable(
        strategies, float(a["daily_change_fraction"]), int(a["days_per_month"]), raw["source"]
    )


@cache
def sizing_rules() -> dict[str, Any]:
    data: dict[str, Any] = _load("sizing.yaml")
    return data


@cache
def decision_texts() -> dict[str, Any]:
    """Pros and cons for each kind of option (data/decisions.yaml)."""
    data: dict[str, Any] = _load("decisions.yaml")
    return data
