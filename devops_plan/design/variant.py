"""Writing a changed design back as a new design file: the original YAML with only the keys
that changed edited (comments and layout kept), named after the new file, validated by
reading it back, and never written over an existing file. A changed environment is written
as its overlay's keys (`save_environment_variant`): the base design and the other
environments stay as they were."""

from __future__ import annotations

import io
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..atomic import write_new
from ..units import format_duration
from .loader import load_design, parse_design
from .models import Design, Environment, StatelessService

__all__ = [
    "design_text",
    "environment_text",
    "next_free_path",
    "save_design_variant",
    "save_environment_variant",
]

MAX_VARIANTS = 999
# The overlay keys the explorer's settings land in (design/environments.py applies them).
ENVIRONMENT_KEYS = (
    "regions",
    "dr_region",
    "zones",
    "purchase",
    "availability",
    "rto",
    "rpo",
    "node_types",
    "load_multiplier",
)


def _round_trip() -> YAML:
    yaml = YAML()  # round-trip: comments, key order and flow style survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # "  - name:", as the shipped designs are
    return yaml


def _flow(items: tuple[str, ...]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _child(doc: CommentedMap, key: str) -> CommentedMap:
    if not isinstance(doc.get(key), CommentedMap):
        doc[key] = CommentedMap()
    child: CommentedMap = doc[key]
    return child


def _set_services(doc: CommentedMap, design: Design) -> None:
    """Peak loads of the stateless services (what the explorer's load multiplier changes)."""
    by_name = {s.name: s for s in design.services}
    for item in doc.get("services") or ():
        service = by_name.get(item.get("name")) if isinstance(item, CommentedMap) else None
        if isinstance(service, StatelessService) and isinstance(item.get("load"), CommentedMap):
            item["load"]["peak_rps"] = _number(service.load.peak_rps)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def design_text(original: str, design: Design, name: str) -> str:
    """`original` (a design file's text) changed to say what `design` says about regions,
    zones, targets, purchase option, node types and peak loads, and named `name`."""
    yaml = _round_trip()
    doc: Any = yaml.load(original)
    doc["name"] = name
    doc["regions"] = _flow(design.regions)
    if design.dr_region is None:
        doc.pop("dr_region", None)
    else:
        doc["dr_region"] = design.dr_region
    doc["zones"] = design.zones
    targets = _child(doc, "targets")
    targets["availability"] = design.targets.availability
    targets["rto"] = format_duration(design.targets.rto.total_seconds())
    targets["rpo"] = format_duration(design.targets.rpo.total_seconds())
    defaults = _child(doc, "defaults")
    defaults["purchase"] = design.defaults.purchase.value
    if design.defaults.node_types:
        defaults["node_types"] = _flow(design.defaults.node_types)
    else:
        defaults.pop("node_types", None)
    _set_services(doc, design)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _yaml_value(value: object) -> object:
    if isinstance(value, tuple):
        return _flow(value)
    if isinstance(value, timedelta):
        return format_duration(value.total_seconds())
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return _number(value)
    return value


def environment_text(
    original: str, before: Environment, design: Design, environment: str, name: str
) -> str:
    """`original` with environment `environment`'s overlay changed from `before` to what
    `design` says about it (only the keys that changed), and named `name`."""
    yaml = _round_trip()
    doc: Any = yaml.load(original)
    doc["name"] = name
    overlay = _child(_child(doc, "environments"), environment)
    after = design.environments[environment]
    for key in ENVIRONMENT_KEYS:
        value = getattr(after, key)
        if value == getattr(before, key):
            continue
        if value is None:
            overlay.pop(key, None)
        else:
            overlay[key] = _yaml_value(value)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def save_environment_variant(
    original: Path, design: Design, environment: str, target: Path | None = None
) -> Path:
    """Write `design` (the whole design, environment `environment` changed) as a new design
    file beside `original` (or at `target`), checked by reading it back: the file must give
    the same design, base and every environment. Errors as save_design_variant."""
    path = target or next_free_path(original)
    name = path.stem.lower()
    source = original.read_text(encoding="utf-8")
    before = parse_design(source, str(original)).environments[environment]
    return _write_checked(path, environment_text(source, before, design, environment, name), design)


def next_free_path(original: Path, suffix: str = "explored") -> Path:
    """`<stem>-<suffix>.yaml` beside `original`, or `-2`, `-3`... for the first that is free."""
    for n in range(1, MAX_VARIANTS + 1):
        tail = f"-{suffix}" if n == 1 else f"-{suffix}-{n}"
        candidate = original.with_name(f"{original.stem}{tail}{original.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"{original.parent}: {MAX_VARIANTS} variants of {original.name} exist")


def save_design_variant(original: Path, design: Design, target: Path | None = None) -> Path:
    """Write `design` as a new design file beside `original` (or at `target`), checked by
    reading it back: the file must give the same design. Raises DesignError if it does not
    validate, FileExistsError if `target` exists (nothing is overwritten)."""
    path = target or next_free_path(original)
    text = design_text(original.read_text(encoding="utf-8"), design, path.stem.lower())
    return _write_checked(path, text, design)


def _write_checked(path: Path, text: str, design: Design) -> Path:
    """Write `text` as the new file `path` once it reads back as `design` named after the
    file; then read what is on disk. DesignError if it would not validate, ValueError if it
    says something else, FileExistsError if `path` exists (nothing is overwritten)."""
    written = parse_design(text, str(path))  # DesignError: the file would not validate
    if written != design.model_copy(update={"name": path.stem.lower()}):
        raise ValueError(f"{path}: the written design differs from the explorer's settings")
    write_new(path, text)
    load_design(path)  # what is on disk reads back
    return path
