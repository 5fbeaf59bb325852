"""The tunables of the cost-optimization report: one typed model made of every rule's own
settings model (each threshold is defined once, next to the rule that reads it, with its
bounds and reason), and the command-line option each field becomes, so the CLI exposes
every setting and a bad value is refused with its bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import Field, ValidationError

from ..config.options import SettingOption, model_options, value_from_texts
from ..config.options import options_markdown as table_markdown
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


# -- the command-line form of each setting (config.options builds it from the fields) ---------


def setting_options() -> tuple[SettingOption, ...]:
    """One command-line option per ReportSettings field, in the model's order."""
    return model_options(ReportSettings, "report")


def settings_from_options(
    given: Mapping[str, str | Sequence[str] | None], base: Mapping[str, object] | None = None
) -> ReportSettings:
    """ReportSettings from command-line values by field name (None or nothing: the value in
    `base`, the configuration's, else the default); a value out of its bounds is a UserError
    naming the option and the bound."""
    options = {o.field: o for o in setting_options()}
    values: dict[str, object] = dict(base or {})
    for name, raw in given.items():
        option = options[name]
        if raw is None or (option.repeat and not raw):
            continue  # not given
        texts = [raw] if isinstance(raw, str) else list(raw)
        try:
            values[name] = value_from_texts(option, texts)
        except ValueError as exc:
            raise UserError(f"{option.flag} {exc}") from None
    try:
        return ReportSettings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        option = options[str(error["loc"][0])]
        shown = given.get(option.field)
        if shown is None or (option.repeat and not shown):
            raise  # from `base`: the configuration reports where it came from
        text = shown if isinstance(shown, str) else ",".join(shown)
        raise UserError(f"{option.flag} {text!r}: {error['msg']}") from None


def options_markdown() -> str:
    """The table of settings in docs/billing.md, from the model (a test keeps them equal)."""
    return table_markdown(setting_options())
