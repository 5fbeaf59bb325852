"""Each setting's other names, built from its model field (name, type, default, bounds and
description), so that no setting is described twice or left out: the key in
`devops-plan.toml`, the `DEVOPS_PLAN_*` environment variable, the command-line flag, and the
text each of the last two is read from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

ENV_PREFIX = "DEVOPS_PLAN_"

Kind = Literal["number", "integer", "text", "path", "list", "numbers", "map", "labels"]
_METAVARS: dict[Kind, str] = {
    "number": "NUMBER",
    "integer": "INTEGER",
    "text": "TEXT",
    "path": "DIR",
    "list": "TEXT",
    "numbers": "NUMBER",
    "map": "KEY=VALUE[,VALUE...]",
    "labels": "KEY=VALUE",
}
_REPEATED: tuple[Kind, ...] = ("list", "numbers", "map", "labels")


@dataclass(frozen=True)
class SettingOption:
    """How one setting reads in the file, the environment and on the command line."""

    section: str  # "" for a top-level key such as `catalog`
    field: str
    flag: str  # --idle-cpu-p95-pct; a list's flag is singular and repeated: --required-tag
    kind: Kind
    description: str
    bounds: str  # '0 to 100', '> 0', '' (none)
    default: str

    @property
    def key(self) -> tuple[str, ...]:
        return (self.section, self.field) if self.section else (self.field,)

    @property
    def dotted(self) -> str:
        return ".".join(self.key)

    @property
    def env(self) -> str:
        return ENV_PREFIX + "_".join(self.key).upper()

    @property
    def repeat(self) -> bool:
        return self.kind in _REPEATED

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


def value_text(value: object) -> str:
    """A setting's value as people read it: `a, b`, `k=v; k2=v1,v2`, `5`, empty for none."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(
            f"{k}={','.join(v) if isinstance(v, tuple) else v}" for k, v in value.items()
        )
    if isinstance(value, tuple):
        return ", ".join(_number(v) for v in value)
    return _number(value)


def _kind(annotation: object) -> Kind:
    origin = get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is tuple:
        return "numbers" if args and args[0] in (float, int) else "list"
    if origin is dict:
        return "map" if len(args) == 2 and get_origin(args[1]) is tuple else "labels"
    plain = args[0] if len(args) == 1 else annotation  # X | None
    if plain is int:
        return "integer"
    if plain in (float, Decimal):
        return "number"
    return "path" if plain is Path else "text"


def field_option(section: str, name: str, info: FieldInfo) -> SettingOption:
    kind = _kind(info.annotation)
    flag = "--" + (info.alias or name).replace("_", "-")
    return SettingOption(
        section=section,
        field=name,
        flag=flag.removesuffix("s") if kind in _REPEATED else flag,
        kind=kind,
        description=info.description or "",
        bounds=_bounds(info.metadata),
        default=value_text(info.get_default(call_default_factory=True)),
    )


def model_options(model: type[BaseModel], section: str = "") -> tuple[SettingOption, ...]:
    """One option per field of `model` (a section of the configuration), in the model's order;
    a field that is itself a section is left to its own call."""
    return tuple(
        field_option(section, name, info)
        for name, info in model.model_fields.items()
        if not (isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel))
    )


def _pairs(option: SettingOption, texts: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{text!r}: expected {option.metavar}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def value_from_texts(option: SettingOption, texts: Sequence[str]) -> Any:
    """A setting's value from command-line texts (one, or one per repetition); pydantic checks
    the types and bounds afterwards. An empty text clears a list."""
    texts = [t for t in texts if t.strip()] if option.repeat else list(texts)
    if option.kind == "map":
        rules: dict[str, tuple[str, ...]] = {}
        for key, values in _pairs(option, texts):
            found = tuple(v.strip() for v in values.split(",") if v.strip())
            rules[key] = rules.get(key, ()) + found
        return rules
    if option.kind == "labels":
        return dict(_pairs(option, texts))
    if option.repeat:
        return tuple(texts)
    return texts[-1]


def value_from_env(option: SettingOption, text: str) -> Any:
    """A setting's value from its environment variable: lists are comma-separated, maps and
    labels `KEY=VALUE` entries separated by semicolons (a map's values by commas)."""
    if option.kind in ("map", "labels"):
        return value_from_texts(option, text.split(";"))
    if option.repeat:
        return value_from_texts(option, text.split(","))
    return text


def options_markdown(options: Sequence[SettingOption]) -> str:
    """A table of settings for the docs, from the models (tests keep the docs equal)."""
    lines = [
        "| option | setting | default | bounds | what it sets |",
        "|---|---|---|---|---|",
    ]
    for o in options:
        again = " (repeat)" if o.repeat else ""
        default = f"`{o.default}`" if o.default else "none"
        lines.append(
            f"| `{o.flag} {o.metavar}`{again} | `{o.field}` | {default} | {o.bounds} "
            f"| {o.description} |"
        )
    return "\n".join(lines) + "\n"


def settings_markdown(options: Sequence[SettingOption]) -> str:
    """The table of docs/configuration.md: each setting's key, variable, flag and default."""
    lines = [
        "| key in devops-plan.toml | environment variable | flag | default | what it sets |",
        "|---|---|---|---|---|",
    ]
    for o in options:
        default = f"`{o.default}`" if o.default else "none"
        lines.append(
            f"| `{o.dotted}` | `{o.env}` | `{o.flag} {o.metavar}` | {default} | {o.description} |"
        )
    return "\n".join(lines) + "\n"
