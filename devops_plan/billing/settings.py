"""The tunables of the cost-optimization report, in one typed model with bounds and reasons.

Every threshold a recommendation rule uses lives here, documented once; the CLI and the
notebook pass overrides through the same model, so a bad value is refused with its bound.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

_SPOT_TAGS: dict[str, tuple[str, ...]] = {"workload": ("batch", "ci", "stateless")}


class ReportSettings(BaseModel):
    """Thresholds and user rules for the recommendations (defaults follow AWS's own advisors)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headroom: float = Field(
        0.15,
        ge=0,
        le=2,
        description="Head room added to P95 CPU and peak memory before choosing a smaller type.",
    )
    min_days: float = Field(
        14,
        gt=0,
        description="Days of utilization needed before rightsizing or calling a machine idle.",
    )
    idle_cpu_p95_pct: float = Field(
        5.0, ge=0, le=100, description="A machine whose P95 CPU is below this is idle."
    )
    idle_network_mb_per_day: float = Field(
        5.0,
        ge=0,
        description=(
            "Network traffic (in + out) per day at or below which a machine has no meaningful "
            "network (AWS Trusted Advisor uses 5 MB)."
        ),
    )
    idle_volume_ops_per_day: float = Field(
        1.0,
        ge=0,
        description="Disk operations per day below which a volume is unused (likely unattached).",
    )
    snapshot_max_age_days: int = Field(
        90, gt=0, description="Snapshots older than this are flagged for review and deletion."
    )
    snapshot_created_tags: tuple[str, ...] = Field(
        ("created", "CreatedOn", "creation-date", "created_at"),
        description="Tag keys that may hold a snapshot's creation date (ISO format).",
    )
    idle_nat_gb_per_month: float = Field(
        1.0, ge=0, description="A NAT gateway processing less than this per month is idle."
    )
    idle_lb_lcu_per_hour: float = Field(
        0.01,
        ge=0,
        description="A load balancer averaging fewer capacity units per hour than this is idle.",
    )
    required_tags: tuple[str, ...] = Field(
        ("environment", "owner"), description="Tag keys every resource should carry."
    )
    spot_tags: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(_SPOT_TAGS),
        description="Tag key -> values that mark a workload as interruptible (spot-eligible).",
    )
    spot_name_patterns: tuple[str, ...] = Field(
        ("*batch*", "*ci-runner*", "*spot-ok*"),
        description="Glob patterns on the resource name or id that mark a spot-eligible workload.",
    )
    commitment_options: tuple[str, ...] = Field(
        ("savings_plan_1y", "savings_plan_3y", "reserved_1y", "reserved_3y"),
        description="Purchase options considered for the commitment recommendation.",
    )
    min_monthly_savings: Decimal = Field(
        Decimal("1.00"),
        ge=0,
        description="Findings worth less than this a month are left out (noise for a reader).",
    )
    top_resources: int = Field(20, ge=1, le=1000, description="Resources listed in the report.")
