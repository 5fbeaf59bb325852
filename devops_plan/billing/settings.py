"""The tunables of the cost-optimization report: one typed model made of every rule's own
settings model (each threshold is defined once, next to the rule that reads it, with its
bounds and reason), and the command-line option each field becomes, so the CLI exposes
every setting and a bad value is refused with its bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_origin

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo

from ..errors import UserError
from .rules import (
    CommitmentSettings,
    EndpointSettings,
    IdleSettings,
    LogSettings,
    RightsizingSettings,
    RuleSettings,
    SpotSettings,
    StorageClassSettings,
    TagSettings,
    WasteSettings,
)
from .sources.staging import InputLimits


class InputSettings(RuleSettings):
    """Limits on what one input file may be: a file past one is refused with a message
    naming the limit, not read for minutes or until memory runs out."""

    max_decompressed_gib: float = Field(
        64.0, gt=0, description="Largest size a compressed input may decompress to, in GiB."
    )
    max_compression_ratio: float = Field(
        250.0,
        ge=10,
        description=(
            "Largest ratio of decompressed to compressed size (billing CSV compresses "
            "10-60 times; a decompression bomb about 1,000)."
        ),
    )
    max_line_kib: int = Field(
        1024,
        ge=1,
        le=1 << 20,
        description="Longest line of a CSV input, in KiB; a longer one is a rejected row.",
    )

    def input_limits(self) -> InputLimits:
        return InputLimits(
            max_decompressed_bytes=int(self.max_decompressed_gib * (1 << 30)),
            max_compression_ratio=self.max_compression_ratio,
            max_line_bytes=self.max_line_kib * 1024,
        )


# pydantic orders fields by first appearance from the last base to the first: the bases are
# listed last rule first so the fields read in the rules' order (report.json keeps it).
class ReportSettings(
    StorageClassSettings,
    LogSettings,
    EndpointSettings,
    InputSettings,
    CommitmentSettings,
    SpotSettings,
    TagSettings,
    WasteSettings,
    IdleSettings,
    RightsizingSettings,
):
    """Thresholds and user rules for the recommendations (defaults follow AWS's own advisors),
    and the limits on input files."""

    top_resources: int = Field(20, ge=1, le=1000, description="Resources listed in the report.")


# -- the command-line form of each setting -----------------------------------------------------


Kind = Literal["number", "integer", "list", "map"]
_METAVARS: dict[Kind, str] = {
    "number": "NUMBER",
    "integer": "INTEGER",
    "list": "TEXT",
    "map": "KEY=VALUE[,VALUE...]",
}


@dataclass(frozen=True)
class SettingOption:
    """How one ReportSettings field reads on the command line and in docs/billing.md: built
    from the field itself (name, type, default, bounds, description), so no setting is
    described twice or left out."""

    field: str
    flag: str  # --idle-cpu-p95-pct; a list's flag is singular and repeated: --required-tag
    kind: Kind
    description: str
    bounds: str  # '0 to 100', '> 0', '' (none)
    default: str

    @property
    def repeat(self) -> bool:
        return self.kind in ("list", "map")

    @property
    def metavar(self) -> str:
        return _METAVARS[self.kind]

    @property
    def help(self) -> str:
        limits = f"{self.bounds}; " if self.bounds else ""
        again = "repeatable; an empty value for none; " if self.repeat else ""
        return f"{self.description} ({again}{limits}default: {self.default or 'none'})"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _bounds(metadata: Sequence[object]) -> str:
    limits: dict[str, object] = {}
    for item in metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                limits[name] = getattr(item, name)
    if "ge" in limits and "le" in limits:
        return f"{_number(limits['ge'])} to {_number(limits['le'])}"
    symbols = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    return ", ".join(f"{symbols[name]} {_number(value)}" for name, value in limits.items())


def _default_text(value: object) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={','.join(v)}" for k, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(value)
    return _number(value)


def _kind(annotation: object) -> Kind:
    origin = get_origin(annotation)
    if origin is tuple:
        return "list"
    if origin is dict:
        return "map"
    return "integer" if annotation is int else "number"


def _option(name: str, info: FieldInfo) -> SettingOption:
    kind = _kind(info.annotation)
    flag = "--" + name.replace("_", "-")
    return SettingOption(
        field=name,
        flag=flag.removesuffix("s") if kind in ("list", "map") else flag,
        kind=kind,
        description=info.description or "",
        bounds=_bounds(info.metadata),
        default=_default_text(info.get_default(call_default_factory=True)),
    )


def setting_options() -> tuple[SettingOption, ...]:
    """One command-line option per ReportSettings field, in the model's order."""
    return tuple(_option(name, info) for name, info in ReportSettings.model_fields.items())


def _tag_rules(flag: str, texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """'workload=batch,ci' options as {'workload': ('batch', 'ci')}."""
    rules: dict[str, tuple[str, ...]] = {}
    for text in texts:
        key, sep, values = text.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{flag} {text!r}: expected KEY=VALUE[,VALUE...]")
        found = tuple(v.strip() for v in values.split(",") if v.strip())
        rules[key.strip()] = rules.get(key.strip(), ()) + found
    return rules


def settings_from_options(given: Mapping[str, str | Sequence[str] | None]) -> ReportSettings:
    """ReportSettings from command-line values by field name (None or nothing: the default);
    a value out of its bounds is a UserError naming the option and the bound."""
    options = {o.field: o for o in setting_options()}
    values: dict[str, object] = {}
    for name, raw in given.items():
        if raw is None or (options[name].repeat and not raw):
            continue  # not given
        if isinstance(raw, str) or not options[name].repeat:
            values[name] = raw
            continue
        texts = [t for t in raw if t.strip()]  # an empty value clears the list
        is_map = options[name].kind == "map"
        values[name] = _tag_rules(options[name].flag, texts) if is_map else tuple(texts)
    try:
        return ReportSettings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        option = options[str(error["loc"][0])]
        shown = given[option.field]
        text = shown if isinstance(shown, str) else ",".join(shown or ())
        raise UserError(f"{option.flag} {text!r}: {error['msg']}") from None


def options_markdown() -> str:
    """The table of settings in docs/billing.md, from the model (a test keeps them equal)."""
    lines = [
        "| option | setting | default | bounds | what it sets |",
        "|---|---|---|---|---|",
    ]
    for o in setting_options():
        again = " (repeat)" if o.repeat else ""
        default = f"`{o.default}`" if o.default else "none"
        lines.append(
            f"| `{o.flag} {o.metavar}`{again} | `{o.field}` | {default} | {o.bounds} "
            f"| {o.description} |"
        )
    return "\n".join(lines) + "\n"
