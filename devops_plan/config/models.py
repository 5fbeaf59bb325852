"""The typed settings of devops-plan, one frozen model per section of `devops-plan.toml`:
the catalog folder, the export settings renderers take (`KubernetesSettings`, `SloSettings`,
bundled as `ExportSettings`), and the default output formats. The report's settings are
`billing.settings.ReportSettings` (validated when the report needs them). Pure data: loading
the file, the environment and the flags is `config.load`'s job."""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "COMMAND_FORMATS",
    "FORMATS",
    "PROMETHEUS_BUCKETS_S",
    "ExportSettings",
    "KubernetesSettings",
    "OutputSettings",
    "ReconcileSettings",
    "Settings",
    "SloSettings",
    "check_format",
]

# What a command that prints a result can print; each command accepts the subset that makes sense.
FORMATS = ("table", "json", "md", "csv", "html")
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_IMAGE = re.compile(r"^[A-Za-z0-9{][A-Za-z0-9._/:@{}-]*$")  # as the design's kubernetes.image
_PLACEHOLDERS = re.compile(r"\{([^{}]*)\}")


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool(cls, value: Any, info: ValidationInfo) -> Any:
        """No setting is true or false, and pydantic reads true as 1 for a number:
        `drift_pct = true` or `latency_buckets = [true]` would be 1 without a word."""
        items = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(item, bool) for item in items):
            annotation = cls.model_fields[str(info.field_name)].annotation
            numeric = {float, int, Decimal} & {annotation, *typing.get_args(annotation)}
            what = "a number" if numeric else "text"
            raise ValueError(f"expected {what}, not true or false")
        return value


def _check_pattern(value: str, allowed: tuple[str, ...]) -> str:
    unknown = [name for name in _PLACEHOLDERS.findall(value) if name not in allowed]
    if unknown:
        names = ", ".join("{" + n + "}" for n in allowed)
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; expected only {names}")
    return value


class KubernetesSettings(Section):
    """What the plan does not know about the manifests: where images live, their tag (or one
    whole image pattern), the namespace (default: the design's name), labels added to every
    object and the Ingress class. A design's `kubernetes: {image, namespace}` block wins over
    these unless they were given as flags (`config.load.export_settings`)."""

    registry: str = Field(
        "registry.example.com/{design}",
        min_length=1,
        description="Image registry and path before the service name ({design} allowed).",
    )
    image_tag: str = Field(
        "CHANGE-ME",
        min_length=1,
        description="Image tag pattern ({design} and {service} allowed).",
    )
    image: str | None = Field(
        None,
        max_length=255,
        description="Whole image pattern ({design} and {service} allowed); replaces registry "
        "and image_tag.",
    )
    namespace: str | None = Field(
        None, description="Kubernetes namespace (default: the design's name)."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Labels added to every manifest's metadata."
    )
    ingress_class: str | None = Field(
        None, description="Ingress class of the entrypoints (default: the cluster's default)."
    )

    @field_validator("registry")
    @classmethod
    def _registry(cls, value: str) -> str:
        return _check_pattern(value.rstrip("/"), ("design",))

    @field_validator("image_tag")
    @classmethod
    def _tag(cls, value: str) -> str:
        return _check_pattern(value, ("design", "service"))

    @field_validator("image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        if value is not None and not _IMAGE.match(value):
            raise ValueError(f"expected an image reference (got {value!r})")
        if value is None:
            return None
        _check_pattern(value, ("design", "service"))
        try:
            value.format(design="d", service="s")
        except (ValueError, KeyError, IndexError) as exc:
            raise ValueError(f"unbalanced braces ({exc}) in {value!r}") from None
        return value

    @field_validator("namespace", "ingress_class")
    @classmethod
    def _namespace(cls, value: str | None) -> str | None:
        if value is not None and (not _DNS_LABEL.match(value) or len(value) > 63):
            raise ValueError(
                f"expected a DNS label (lower-case letters, digits and '-', at most 63) "
                f"(got {value!r})"
            )
        return value

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, text in value.items():
            if not _LABEL_KEY.match(key) or len(key.rpartition("/")[2]) > 63:
                raise ValueError(f"label key {key!r} is not a valid Kubernetes label name")
            if not _LABEL_VALUE.match(text) or len(text) > 63:
                raise ValueError(f"label {key}={text!r}: not a valid Kubernetes label value")
        return value

    def image_ref(self, design: str, service: str) -> str:
        """The image reference of one service: the image pattern, or registry/service:tag."""
        if self.image is not None:
            return self.image.format(design=design, service=service)
        registry = self.registry.format(design=design)
        return f"{registry}/{service}:{self.image_tag.format(design=design, service=service)}"


# The Prometheus client libraries' default histogram buckets, in seconds (Go: DefBuckets).
PROMETHEUS_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class SloSettings(Section):
    """Metric names and selectors of the SLO rules (`selector` may use {service} and {design}),
    and the latency histogram's bucket bounds in seconds (Prometheus' defaults unless set)."""

    requests_metric: str = Field(
        "http_requests_total", min_length=1, description="Counter of requests."
    )
    selector: str = Field(
        'service="{service}"', description="Label matchers of a service's series."
    )
    error_selector: str = Field('code=~"5.."', description="Label matchers of failed requests.")
    latency_bucket_metric: str = Field(
        "http_request_duration_seconds_bucket",
        min_length=1,
        description="Histogram buckets of request latency.",
    )
    latency_count_metric: str = Field(
        "http_request_duration_seconds_count",
        min_length=1,
        description="Histogram count of request latency.",
    )
    latency_buckets: tuple[float, ...] = Field(
        PROMETHEUS_BUCKETS_S,
        min_length=1,
        description="The services' latency histogram bucket bounds (seconds); the latency SLO "
        "counts under the largest at or below the p95 target (export warns when the target is "
        "not one).",
    )

    @field_validator("selector")
    @classmethod
    def _selector(cls, value: str) -> str:
        return _check_pattern(value, ("service", "design"))

    @field_validator("latency_buckets")
    @classmethod
    def _buckets(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(not (b > 0 and b != float("inf")) for b in value):
            raise ValueError("bucket bounds must be numbers of seconds > 0")
        return tuple(sorted(set(value)))


class ExportSettings(Section):
    """Everything `export` writes that the plan does not know: for the manifests, the SLO
    rules and the runbooks."""

    kubernetes: KubernetesSettings = KubernetesSettings()
    slo: SloSettings = SloSettings()


# The formats each command can print (the first is its default); `report` writes files.
COMMAND_FORMATS: dict[str, tuple[str, ...]] = {
    "plan": ("table", "json", "md", "csv", "html"),
    "diff": ("table", "json", "md", "html"),
    "explore": ("table", "json", "md", "csv"),
    "price": ("table", "json", "csv"),
    "report": ("html", "md", "json", "csv"),
}


def check_format(command: str, value: str) -> str:
    """`value` if `command` can print it, else ValueError naming what it can print."""
    allowed = COMMAND_FORMATS[command]
    if value not in allowed:
        raise ValueError(f"expected one of {', '.join(allowed)} (got {value!r})")
    return value


class OutputSettings(Section):
    """The format each command prints when `--format` is not given."""

    plan: str = Field("table", description="plan: table, json, md, csv or html.")
    diff: str = Field("table", description="diff: table, json, md or html.")
    explore: str = Field("table", description="explore: table, json, md or csv.")
    price: str = Field("table", description="price and catalog list: table, json or csv.")
    report: tuple[str, ...] = Field(
        ("html", "json", "csv"), description="Files the report writes: html, md, json, csv."
    )

    @field_validator("plan", "diff", "explore", "price")
    @classmethod
    def _format(cls, value: str, info: ValidationInfo) -> str:
        return check_format(str(info.field_name), value)

    @field_validator("report")
    @classmethod
    def _report(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("expected at least one of html, md, json, csv")
        for item in value:
            check_format("report", item)
        return value


class ReconcileSettings(Section):
    """When a difference between plan and bill is drift (`reconcile`, `--fail-on drift`)."""

    drift_pct: float = Field(
        10.0,
        ge=0,
        le=1000,
        description="A component drifts when its actual spend differs from the plan by more "
        "than this percent of the plan.",
    )
    drift_min_amount: Decimal = Field(
        Decimal("1.00"),
        ge=0,
        description="... and by at least this amount over the period (the bill's currency); "
        "unplanned spend of at least this amount on one resource is drift too.",
    )


class Settings(Section):
    """The effective configuration (defaults < file < DEVOPS_PLAN_* < flags), less the
    report section, which `Config.report()` validates on demand."""

    catalog: Path | None = Field(
        None, description="Folder of price catalogs (<cloud>.csv) used instead of the shipped ones."
    )
    kubernetes: KubernetesSettings = KubernetesSettings()
    slo: SloSettings = SloSettings()
    output: OutputSettings = OutputSettings()
    reconcile: ReconcileSettings = ReconcileSettings()

    @property
    def export(self) -> ExportSettings:
        return ExportSettings(kubernetes=self.kubernetes, slo=self.slo)
