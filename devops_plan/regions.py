"""The region table: which regions each cloud has, their zones, DR pairs and equivalents."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ruamel.yaml import YAML

from .paths import data_path

CLOUDS = ("aws", "gcp", "azure")


@dataclass(frozen=True)
class Region:
    cloud: str
    name: str
    zones: int
    dr_pair: str
    location: str
    equivalents: tuple[tuple[str, str], ...]
    # The cloud's own pair, where it copies geo-redundant data (Azure); "" where none is kept.
    geo_pair: str = ""

    def equivalent(self, cloud: str) -> str:
        """The nearest region of another cloud (itself for the same cloud)."""
        if cloud == self.cloud:
            return self.name
        return dict(self.equivalents)[cloud]


@cache
def region_table() -> dict[str, dict[str, Region]]:
    raw: dict[str, dict[str, dict[str, Any]]] = YAML(typ="safe").load(
        data_path("regions.yaml").read_text(encoding="utf-8")
    )
    table: dict[str, dict[str, Region]] = {}
    for cloud, regions in raw.items():
        table[cloud] = {
            name: Region(
                cloud=cloud,
                name=name,
                zones=int(row["zones"]),
                dr_pair=str(row["dr_pair"]),
                location=str(row["location"]),
                equivalents=tuple(sorted((c, str(row[c])) for c in CLOUDS if c in row)),
                geo_pair=str(row.get("geo_pair", "")),
            )
            for name, row in regions.items()
        }
    return table


def regions_of(cloud: str) -> dict[str, Region]:
    return region_table().get(cloud, {})


def find_region(cloud: str, name: str) -> Region | None:
    return regions_of(cloud).get(name)
