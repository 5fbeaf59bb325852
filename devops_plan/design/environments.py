"""Environments: each entry of `environments:` is an overlay of the base design (load, regions,
zones, purchase option, DR, retention, targets, node types and per-service keys). `applied` lays one
over the design's plain data; `environment_problems` validates every environment the way the
design is validated and names each problem where the overlay wrote it; `environment_design`
gives the Design an environment plans. Pure: plain data in, plain data or models out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from ..errors import UserError
from .locations import Loc, format_path
from .messages import doc_loc, message, unknown_key
from .models import Design, Environment

__all__ = ["applied", "environment_design", "environment_names", "environment_problems"]

# Where each key an environment sets lands in the design (top-level path, then the key).
_PLACES: dict[str, Loc] = {
    "regions": ("regions",),
    "dr_region": ("dr_region",),
    "zones": ("zones",),
    "purchase": ("defaults", "purchase"),
    "backup_retention_days": ("dr", "backup_retention_days"),
    "availability": ("targets", "availability"),
    "rto": ("targets", "rto"),
    "rpo": ("targets", "rpo"),
    "node_types": ("defaults", "node_types"),
}
# Per kind, the load figures a load multiplier scales.
_SCALED: dict[str, tuple[str, ...]] = {
    "stateless": ("load", "peak_rps"),
    "queue": ("messages_million_month",),
}

Add = Callable[..., None]  # add(loc, message, key=False), as in checks.py


def environment_names(design: Design) -> tuple[str, ...]:
    """The environments in the order the design lists them."""
    return tuple(design.environments)


def _set(data: dict[str, Any], place: Loc, value: Any) -> None:
    node = data
    for part in place[:-1]:
        child = node.get(str(part))
        if not isinstance(child, dict):
            child = node[str(part)] = {}
        node = child
    node[str(place[-1])] = value


def _merge(base: Any, change: Any) -> Any:
    """A service's keys with the overlay's laid over them (mappings merged key by key)."""
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for key, value in change.items():
            out[key] = _merge(base.get(key), value)
        return out
    return copy.deepcopy(change)


def _scale(service: dict[str, Any], multiplier: float) -> None:
    path = _SCALED.get(str(service.get("kind")))
    node: Any = service
    for part in (path or ())[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    last = path[-1] if path else None
    if isinstance(node, dict) and last is not None:
        value = node.get(last)
        if isinstance(value, int | float) and not isinstance(value, bool):
            node[last] = value * multiplier


def _top_level(out: dict[str, Any], env: dict[str, Any]) -> None:
    for key, place in _PLACES.items():
        if env.get(key) is not None:
            _set(out, place, copy.deepcopy(env[key]))
    if env.get("node_types") == []:  # every family: as if the design named none
        out.get("defaults", {}).pop("node_types", None)
    if env.get("regions") is not None and env.get("dr_region") is None:
        out.pop("dr_region", None)  # the base's DR region belongs to the base's regions
    dr = env.get("dr")
    if dr == "none":
        _set(out, ("dr", "enabled"), False)
    elif dr is not None:
        _set(out, ("dr", "strategy"), dr)


def applied(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The design's plain data with environment `name` laid over it (no `environments`)."""
    env = data["environments"][name]
    out = {k: copy.deepcopy(v) for k, v in data.items() if k != "environments"}
    if not isinstance(env, dict):
        return out
    _top_level(out, env)
    found = out.get("services")
    services: list[Any] = found if isinstance(found, list) else []
    changes = env.get("services")
    for i, svc in enumerate(services):
        if not isinstance(svc, dict):
            continue
        svc_name = svc.get("name")
        if (
            isinstance(changes, dict)
            and isinstance(svc_name, str)
            and isinstance(changes.get(svc_name), dict)
        ):
            svc = services[i] = _merge(svc, changes[svc_name])
        multiplier = env.get("load_multiplier", 1)
        if isinstance(multiplier, int | float) and multiplier != 1:
            _scale(svc, multiplier)
    return out


def _source(env_data: dict[str, Any], data: dict[str, Any], loc: Loc) -> Loc:
    """Where in the environment the value at `loc` of the applied design came from: the
    deepest key the overlay wrote on that path, else the environment itself."""
    for key, place in _PLACES.items():
        if loc[: len(place)] == place and key in env_data:
            return (key,)
    if loc[:2] == ("dr", "strategy") and "dr" in env_data:
        return ("dr",)
    services = data.get("services")
    if len(loc) >= 2 and loc[0] == "services" and isinstance(loc[1], int):
        at = services[loc[1]] if isinstance(services, list) and loc[1] < len(services) else None
        name = at.get("name") if isinstance(at, dict) else None
        changes = env_data.get("services")
        node = changes.get(name) if isinstance(changes, dict) and isinstance(name, str) else None
        out: Loc = ("services", str(name)) if isinstance(node, dict) else ()
        for part in loc[2:]:
            if not isinstance(node, dict) or part not in node:
                break
            out, node = (*out, part), node[part]
        if out:
            return out
        if loc[2:3] in (("load",), ("messages_million_month",)) and "load_multiplier" in env_data:
            return ("load_multiplier",)
    return ()


def _validation(applied_data: dict[str, Any]) -> Iterator[tuple[Loc, str, bool]]:
    try:
        Design.model_validate(applied_data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = doc_loc(applied_data, err["loc"])
            if err["type"] == "extra_forbidden":
                yield loc, unknown_key(loc, applied_data), True
            elif err["type"] in ("missing", "union_tag_not_found"):
                yield loc, f"{format_path(loc)} is missing", False
            else:
                yield loc, message(err), False


def _valid_overlay(env: dict[str, Any]) -> bool:
    try:
        Environment.model_validate(env)
    except ValidationError:
        return False
    return True


def environment_problems(
    data: dict[str, Any], add: Add, cross_checks: Callable[[dict[str, Any], Add], None]
) -> None:
    """Each environment applied and validated like the design (`cross_checks` are the design's
    own checks across fields); every problem named at the key of the overlay it comes from."""
    envs = data.get("environments")
    if not isinstance(envs, dict):
        return
    services = data.get("services")
    names = (
        {s["name"] for s in services if isinstance(s, dict) and isinstance(s.get("name"), str)}
        if isinstance(services, list)
        else set()
    )
    for name, env in envs.items():
        if not isinstance(env, dict) or not _valid_overlay(env):
            continue  # the design's own validation reports what is wrong with the overlay
        here: Loc = ("environments", name)
        for svc in env.get("services") or {}:
            if svc not in names:
                add(
                    (*here, "services", svc),
                    f"unknown service {svc!r} in environment {name!r}",
                    True,
                )
        result = applied(data, name)

        def located(
            loc: Loc,
            text: str,
            key: bool = False,
            _env: Any = env,
            _here: Loc = here,
            _result: Any = result,
            _name: str = name,
        ) -> None:
            source = _source(_env, _result, loc)
            where = f" ({format_path(loc)})" if not source or source[-1] != loc[-1] else ""
            add((*_here, *source), f"in environment {_name!r}: {text}{where}", key and bool(source))

        for loc, text, key in _validation(result):
            located(loc, text, key)
        cross_checks(result, located)


def environment_design(design: Design, name: str) -> Design:
    """The Design environment `name` plans (the base design when `name` is empty)."""
    if not name:
        return design
    if name not in design.environments:
        known = ", ".join(design.environments) or "none"
        raise UserError(f"design {design.name!r} has no environment {name!r} (known: {known})")
    data = design.model_dump(mode="json", by_alias=True, exclude={"schema_"})
    return Design.model_validate(applied(data, name))
