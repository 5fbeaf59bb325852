"""Instance families across clouds: `plan --cloud X` on a design whose defaults.node_types name
another cloud's families plans with the closest equivalents on X (data/families.yaml: same
class and architecture) and says so in the plan's warnings."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog
from ..defaults import family_groups
from ..errors import PlanningError


@dataclass(frozen=True)
class Mapped:
    """node_types moved from one cloud to another, and the sentence that says how."""

    node_types: tuple[str, ...]
    note: str


def map_node_types(node_types: tuple[str, ...], source: Catalog, target: str) -> Mapped:
    """Each family or instance type of `source`'s cloud replaced by the equivalent family
    (or families) on `target`; PlanningError for a name `source` does not know."""
    families_of = {p.product: p.family for p in source.rows if p.category == "compute"}
    known = {f for f in families_of.values() if f}
    out: list[str] = []
    said: list[str] = []
    for name in node_types:
        family = name if name in known else families_of.get(name)
        if not family:
            raise PlanningError(
                f"defaults.node_types: {name!r} is not a {source.cloud} instance family or type"
            )
        moved, notes = _equivalents(source.cloud, family, target)
        out += [m for m in moved if m not in out]
        how = f"{name}{'' if name == family else f' ({family})'} -> {', '.join(moved)}"
        said.append(how + (f" ({'; '.join(notes)})" if notes else ""))
    note = (
        f"defaults.node_types mapped from {source.cloud} to {target} by class and "
        f"architecture (data/families.yaml): {'; '.join(said)}"
    )
    return Mapped(tuple(out), note)


def _equivalents(cloud: str, family: str, target: str) -> tuple[list[str], list[str]]:
    moved: list[str] = []
    notes: list[str] = []
    for group in family_groups():
        if family in group.families.get(cloud, ()):
            first = group.families[target][0]
            if first not in moved:
                moved.append(first)
            if target in group.notes:
                notes.append(group.notes[target])
    if not moved:
        raise PlanningError(
            f"defaults.node_types: no {target} equivalent is known for {cloud} family "
            f"{family!r} (data/families.yaml)"
        )
    return moved, notes
