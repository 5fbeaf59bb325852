"""The effective configuration: defaults, then the configuration file, then `DEVOPS_PLAN_*`
environment variables, then command-line flags, each later one winning; validated by the
models in `config.models`, every error naming where the value was set; and where each value
came from, for `devops-plan config show`."""

from __future__ import annotations

import difflib
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from ..errors import ConfigError
from .models import (
    ExportSettings,
    KubernetesSettings,
    OutputSettings,
    ReconcileSettings,
    Settings,
    SloSettings,
)
from .options import ENV_PREFIX, SettingOption, model_options, value_from_env, value_from_texts
from .toml import ConfigFile, find_config, read_config

if TYPE_CHECKING:
    from ..billing.settings import ReportSettings

CONFIG_ENV = ENV_PREFIX + "CONFIG"
REPORT = "report"
SECTIONS: dict[str, type[BaseModel]] = {
    "kubernetes": KubernetesSettings,
    "slo": SloSettings,
    "output": OutputSettings,
    "reconcile": ReconcileSettings,
}


def settings_options() -> tuple[SettingOption, ...]:
    """Every setting but the report's: `catalog`, then each section's fields. The default
    output formats are each command's `--format`."""
    top = model_options(Settings)
    sections = tuple(o for name, m in SECTIONS.items() for o in model_options(m, name))
    return top + tuple(
        replace(o, flag="--format") if o.section == "output" else o for o in sections
    )


@dataclass(frozen=True)
class Origin:
    """Where a value was set: the default, a file (file:line:col), a variable or a flag."""

    kind: Literal["default", "file", "env", "flag"]
    where: str = ""

    def __str__(self) -> str:
        return {"default": "default", "file": self.where}.get(
            self.kind, f"{self.kind} {self.where}"
        )


DEFAULT = Origin("default")
Values = dict[str, tuple[Any, Origin]]  # dotted key -> (value, where it was set)


@dataclass(frozen=True)
class Config:
    """The validated settings, where each came from, and the report's values (validated
    when the report asks: `report()`), so commands that do not report never import billing."""

    settings: Settings
    origins: Mapping[str, Origin]
    file: Path | None = None
    report_values: Mapping[str, tuple[Any, Origin]] = field(default_factory=dict)
    ignored_env: tuple[str, ...] = ()

    def origin(self, dotted: str) -> Origin:
        return self.origins.get(dotted, DEFAULT)

    def export_for(self, image: str | None, namespace: str | None) -> ExportSettings:
        """The export settings for one design whose `kubernetes:` block gives `image` and
        `namespace`. What belongs to the design wins over the file and the environment (a
        team's defaults); a flag wins over both (docs/configuration.md, "Precedence")."""
        flagged = {
            name
            for name in ("image", "registry", "image_tag", "namespace")
            if self.origin(f"kubernetes.{name}").kind == "flag"
        }
        update: dict[str, Any] = {}
        if flagged & {"registry", "image_tag"} and "image" not in flagged:
            update["image"] = None  # a registry or tag flag beats an image pattern from a file
        elif image and not flagged & {"image", "registry", "image_tag"}:
            update["image"] = image
        if namespace and "namespace" not in flagged:
            update["namespace"] = namespace
        export = self.settings.export
        return export.model_copy(update={"kubernetes": export.kubernetes.model_copy(update=update)})

    def report(
        self, flags: Mapping[str, str | Sequence[str] | None] | None = None
    ) -> ReportSettings:
        """The report's settings: defaults < file < environment < `flags` (by field name)."""
        from ..billing.settings import setting_options, settings_from_options

        options = {o.field: o for o in setting_options()}
        base: dict[str, Any] = {}
        for name, (value, origin) in self.report_values.items():
            option = options.get(name)
            if option is None:
                known = ", ".join(options)
                raise ConfigError(
                    f"{_label(origin, REPORT + '.' + name)}: unknown setting; expected one of {known}"
                )
            base[name] = _env_value(option, value) if origin.kind == "env" else value
        try:
            return settings_from_options(flags or {}, base)
        except ValidationError as exc:
            raise _located(
                exc, self.report_values, (REPORT,), _flags_of(options.values())
            ) from None


def _env_value(option: SettingOption, text: str) -> Any:
    try:
        return value_from_env(option, text)
    except ValueError as exc:
        raise ConfigError(f"{option.env}: {exc}") from None


def _flags_of(options: Any) -> dict[str, str]:
    return {o.dotted: o.flag for o in options}


def _label(origin: Origin, dotted: str) -> str:
    if origin.kind == "file":
        return f"{origin.where}: {dotted}"
    return str(origin.where) or dotted


# Pydantic's words for a type mistake, as what the setting expects.
_EXPECTED = {
    "string_type": "expected text",
    "path_type": "expected a path (text)",
    "dict_type": "expected a table of name = value",
}


def _message(error: Any, loc: tuple[str, ...]) -> str:
    """What was expected, in the words of the settings: an unknown key lists the known ones."""
    kind = error["type"]
    if kind == "extra_forbidden":
        model = SECTIONS.get(loc[0]) if len(loc) > 1 else Settings
        known = [*(model.model_fields if model else ())] + ([REPORT] if len(loc) == 1 else [])
        close = difflib.get_close_matches(loc[-1], known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown setting; {hint}expected one of {', '.join(known)}"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} (got {error['input']!r})"
    return str(error["msg"]).removeprefix("Value error, ")


def _typed(value: Any, loc: tuple[str, ...]) -> str:
    """A flag's value as the user typed it (KEY=VALUE, one repetition), not a Python repr: the
    repetition the error is about when its location names one."""
    if isinstance(value, dict):
        keys = [k for k in loc[2:] if k in value] or list(value)
        return " ".join(shlex.quote(f"{k}={value[k]}") for k in keys)
    if isinstance(value, list | tuple):
        index = next((int(k) for k in loc[2:] if k.isdigit() and int(k) < len(value)), None)
        items = value if index is None else [value[index]]
        return " ".join(shlex.quote(str(v)) for v in items)
    return shlex.quote(str(value))


def _located(
    exc: ValidationError,
    values: Mapping[str, tuple[Any, Origin]],
    prefix: tuple[str, ...],
    flags: Mapping[str, str],
) -> ConfigError:
    """One line per pydantic error: where the value was set, the setting, what was expected."""
    lines = []
    for error in exc.errors():
        loc = prefix + tuple(str(p) for p in error["loc"])
        dotted = ".".join(loc[:2]) if loc[0] in (REPORT, *SECTIONS) else loc[0]
        short = dotted.removeprefix(REPORT + ".") if prefix else dotted
        value, origin = values.get(short, values.get(dotted, (None, DEFAULT)))
        message = _message(error, loc)
        detail = ".".join(loc)
        if origin.kind == "file":
            lines.append(f"{origin.where}: {detail}: {message}")
        elif origin.kind == "env":
            lines.append(f"{origin.where}={value!r}: {detail}: {message}")
        elif origin.kind == "flag":
            lines.append(f"{flags.get(dotted, dotted)} {_typed(value, loc)}: {message}")
        else:
            lines.append(f"{detail}: {message}")
    return ConfigError("\n".join(dict.fromkeys(lines)))


# -- the layers ---------------------------------------------------------------------------------


def _file_values(config: ConfigFile) -> Values:
    values: Values = {}
    for name, value in config.data.items():
        if name in SECTIONS or name == REPORT:
            if not isinstance(value, dict):
                raise ConfigError(f"{config.where((name,))}: {name}: expected a table ([{name}])")
            for key, item in value.items():
                values[f"{name}.{key}"] = (item, Origin("file", config.where((name, key))))
            continue
        if name == "catalog" and isinstance(value, str):
            value = config.path.parent / value  # relative to the file, not the working folder
        values[name] = (value, Origin("file", config.where((name,))))
    return values


def _env_values(environ: Mapping[str, str]) -> tuple[Values, tuple[str, ...]]:
    """Values from DEVOPS_PLAN_* variables (a report setting as text, converted when the
    report's fields are known), and the names that name no setting."""
    known = {o.env: o for o in settings_options()}
    values: Values = {}
    ignored = []
    report_prefix = f"{ENV_PREFIX}{REPORT.upper()}_"
    for name, text in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        option = known.get(name)
        if option is not None:
            try:
                values[option.dotted] = (value_from_env(option, text), Origin("env", name))
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}") from None
        elif name.startswith(report_prefix):
            field_name = name.removeprefix(report_prefix).lower()
            values[f"{REPORT}.{field_name}"] = (text, Origin("env", name))
        else:
            ignored.append(name)
    return values, tuple(ignored)


def _flag_values(flags: Mapping[str, Any]) -> Values:
    by_key = {o.dotted: o for o in settings_options()}
    values: Values = {}
    for dotted, value in flags.items():
        if value is None or value == () or value == []:
            continue  # not given
        option = by_key[dotted]
        if isinstance(value, list | tuple) and option.repeat:
            try:
                value = value_from_texts(option, [str(v) for v in value])
            except ValueError as exc:  # a KEY=VALUE without its '=' or its key
                raise ConfigError(f"{option.flag} {exc}") from None
        values[dotted] = (value, Origin("flag", option.flag))
    return values


def _nested(values: Values) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for dotted, (value, _origin) in values.items():
        section, _, name = dotted.partition(".")
        if name:
            data.setdefault(section, {})[name] = value
        else:
            data[section] = value
    return data


def load_config(
    start: Path | None = None,
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Config:
    """The effective configuration for a command run on files under `start` (default: the
    working folder). `path` (or DEVOPS_PLAN_CONFIG) names the file instead of looking for
    one; `flags` are the command-line values by dotted key (None: not given)."""
    environ = os.environ if environ is None else environ
    explicit = path or (Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        config_file = read_config(explicit)
    else:
        config_file = find_config(start or Path.cwd())
    merged: Values = _file_values(config_file) if config_file else {}
    env, ignored = _env_values(environ)
    merged.update(env)
    merged.update(_flag_values(flags or {}))
    report = {
        k.removeprefix(REPORT + "."): v for k, v in merged.items() if k.startswith(REPORT + ".")
    }
    rest = {k: v for k, v in merged.items() if not k.startswith(REPORT + ".")}
    try:
        settings = Settings.model_validate(_nested(rest))
    except ValidationError as exc:
        raise _located(exc, rest, (), _flags_of(settings_options())) from None
    origins = {k: origin for k, (_v, origin) in merged.items()}
    return Config(settings, origins, config_file.path if config_file else None, report, ignored)
