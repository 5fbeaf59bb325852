"""One configuration for every command: `devops-plan.toml` (or `[tool.devops-plan]` in a
`pyproject.toml`), found from the design file's folder upwards, overridden by `DEVOPS_PLAN_*`
environment variables and then by command-line flags. `models` holds the typed settings
(what renderers take), `toml` reads the file with each key's location, `options` gives each
setting its variable and flag, and `load` layers and validates them."""

from __future__ import annotations

from .load import CONFIG_ENV, Config, Origin, load_config, settings_options
from .models import (
    COMMAND_FORMATS,
    FORMATS,
    ExportSettings,
    KubernetesSettings,
    OutputSettings,
    Settings,
    SloSettings,
    check_format,
)
from .options import ENV_PREFIX, SettingOption
from .toml import CONFIG_NAME

__all__ = [
    "COMMAND_FORMATS",
    "CONFIG_ENV",
    "CONFIG_NAME",
    "ENV_PREFIX",
    "FORMATS",
    "Config",
    "ExportSettings",
    "KubernetesSettings",
    "Origin",
    "OutputSettings",
    "SettingOption",
    "Settings",
    "SloSettings",
    "check_format",
    "load_config",
    "settings_options",
]
