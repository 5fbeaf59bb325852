"""The explorer's settings as plain values (`Settings`), read from a design and applied to one
(pure), the primary region it plans in and the node families its catalog sells there;
`environment_choices` lists the design's environments for the explorer's switch, and
`with_environment_settings` puts the settings into an environment's overlay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .catalog import catalog_path, load_catalog
from .design import Design, Purchase
from .design.environments import environment_design
from .engine.context import resolve_regions
from .engine.variants import region_sequence, with_load

BASE_LABEL = "base"  # the environment switch's name for the design as written


@dataclass(frozen=True)
class Settings:
    """What the explorer's controls say, as plain values."""

    zones: int
    regions: int
    purchase: str
    availability: float
    rto_s: int
    rpo_s: int
    load_multiplier: float
    node_families: tuple[str, ...]


def settings_of(design: Design) -> Settings:
    """The settings that reproduce the design as written."""
    return Settings(
        zones=design.zones,
        regions=len(design.regions),
        purchase=design.defaults.purchase.value,
        availability=design.targets.availability,
        rto_s=int(design.targets.rto.total_seconds()),
        rpo_s=int(design.targets.rpo.total_seconds()),
        load_multiplier=1.0,
        node_families=tuple(design.defaults.node_types or ()),
    )


def apply_settings(design: Design, settings: Settings) -> Design:
    """A copy of `design` changed as the settings say (the design itself is frozen)."""
    regions = region_sequence(design)[: max(1, settings.regions)]
    services = with_load(design, settings.load_multiplier).services
    # A DR region that became a serving region is no longer a separate DR region.
    dr_region = design.dr_region if design.dr_region not in regions else None
    return design.model_copy(
        update={
            "zones": settings.zones,
            "regions": regions,
            "dr_region": dr_region,
            "services": services,
            "targets": design.targets.model_copy(
                update={
                    "availability": settings.availability,
                    "rto": timedelta(seconds=settings.rto_s),
                    "rpo": timedelta(seconds=settings.rpo_s),
                }
            ),
            "defaults": design.defaults.model_copy(
                update={
                    "purchase": Purchase(settings.purchase),
                    "node_types": tuple(settings.node_families) or None,
                }
            ),
        }
    )


def with_environment_settings(design: Design, name: str, settings: Settings) -> Design:
    """`design` (with its environments) whose environment `name` says what the settings say,
    where an overlay says it: each setting that differs from what the environment plans now
    becomes its overlay key (the load multiplies the environment's own multiplier); the base
    design and the other environments are unchanged. Planning environment `name` of the
    result is what the explorer shows."""
    env = design.environments[name]
    shown = environment_design(design, name)
    now = apply_settings(shown, settings)
    was = settings_of(shown)
    update: dict[str, object] = {}
    if now.regions != shown.regions:
        update |= {"regions": now.regions, "dr_region": now.dr_region}
    if settings.zones != was.zones:
        update["zones"] = settings.zones
    if settings.purchase != was.purchase:
        update["purchase"] = Purchase(settings.purchase)
    if settings.availability != was.availability:
        update["availability"] = settings.availability
    for key, seconds in (("rto", settings.rto_s), ("rpo", settings.rpo_s)):
        if seconds != getattr(was, f"{key}_s"):
            update[key] = timedelta(seconds=seconds)
    if settings.node_families != was.node_families:
        update["node_types"] = settings.node_families
    if settings.load_multiplier != 1:
        # Rounded: the file says 0.15, not 0.15000000000000002 (the plan reads the same).
        update["load_multiplier"] = round(env.load_multiplier * settings.load_multiplier, 6)
    changed = env.model_copy(update=update)
    return design.model_copy(update={"environments": {**design.environments, name: changed}})


def primary_region(design: Design, cloud: str | None = None) -> tuple[str, str]:
    """(cloud, primary region) the plan will use: the design's, or mapped onto `cloud`."""
    cloud = cloud or design.cloud.value
    regions, _ = resolve_regions(design, cloud, None)
    return cloud, regions[0]


def node_families(
    design: Design, cloud: str | None = None, catalog_dir: str | Path | None = None
) -> list[str]:
    """Compute families the catalog sells in the primary region, plus any the design names."""
    cloud, region = primary_region(design, cloud)
    catalog = load_catalog(cloud, catalog_path(cloud, catalog_dir))
    families = {p.family for p in catalog.products(region, category="compute") if p.family}
    return sorted(families | set(design.defaults.node_types or ()))


def environment_choices(design: Design) -> list[tuple[str, str]]:
    """(label, environment) for the explorer's switch: the base design ("") and each of the
    design's environments, in its order; empty when it has none."""
    if not design.environments:
        return []
    return [(BASE_LABEL, ""), *((name, name) for name in design.environments)]


__all__ = [
    "BASE_LABEL",
    "Settings",
    "apply_settings",
    "environment_choices",
    "node_families",
    "primary_region",
    "settings_of",
    "with_environment_settings",
]
