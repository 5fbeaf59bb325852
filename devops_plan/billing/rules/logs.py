"""Log ingestion and retention: logs kept longer than the retention a team needs (storage
billed every month for data nobody reads), and ingestion a cheaper class or commitment
tier would carry: CloudWatch Logs' Infrequent Access class, a Log Analytics commitment tier.

Everything is read from the bill (GB ingested, GB-months stored) and priced from the
catalog; the retention a team needs is a setting, not a guess.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pydantic import Field

from ...units import format_money, format_rate
from ..inventory import Resource
from .base import (
    CONFIDENCE,
    MONTH,
    ZERO,
    Found,
    Recommendation,
    ResourceRule,
    RuleContext,
    RuleSettings,
    catalog_source,
    joined_sources,
)

DAYS_PER_MONTH = MONTH / 24  # 730 hours: 30.42 days

# Per cloud: (ingestion product, stored product, days of storage ingestion includes).
LOG_PRODUCTS: dict[str, tuple[str, str, int]] = {
    "aws": ("cloudwatch-logs-ingest", "cloudwatch-logs-storage", 0),
    "azure": ("log-analytics-ingest", "log-analytics-retention", 31),
    "gcp": ("cloud-logging-ingest", "cloud-logging-retention", 30),
}
# Per cloud: the cheaper way to ingest (product, unit of commitment in GB a day or 0 for a
# per-GB class, what it is).
CHEAPER_INGEST: dict[str, tuple[str, int, str]] = {
    "aws": ("cloudwatch-logs-ingest-ia", 0, "the Infrequent Access log class"),
    "azure": ("log-analytics-commitment-100", 100, "the 100 GB/day commitment tier"),
}


class LogSettings(RuleSettings):
    log_retention_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Days of logs a team needs kept; stored logs beyond that are flagged.",
    )


def _per_month(r: Resource, ctx: RuleContext) -> tuple[Decimal, Decimal]:
    """GB ingested and GB-months stored, per 730-hour month."""
    return ctx.hours_per_month(r.gb_processed), ctx.hours_per_month(r.gb_months)


class LogRule(ResourceRule[LogSettings]):
    kind, title, resource_kinds = (
        "logs",
        "Log ingestion and retention",
        frozenset({"log_store"}),
    )
    settings_model = LogSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: LogSettings) -> Found:
        """One recommendation per log store: its retention and its ingestion savings add up
        (they are not alternatives), so both are in it."""
        if r.kind not in self.resource_kinds or r.cloud not in LOG_PRODUCTS:
            return []
        found = [
            rec
            for rec in (self.retention(r, ctx, settings), self.ingestion(r, ctx))
            if rec is not None
        ]
        if len(found) < 2:
            return found
        first, second = found
        return [
            replace(
                first,
                finding=f"{first.finding}; {second.finding}",
                action=f"{first.action}; {second.action}",
                evidence=f"{first.evidence}; {second.evidence}",
                estimated_monthly_savings=(first.estimated_monthly_savings or ZERO)
                + (second.estimated_monthly_savings or ZERO),
                confidence=max(first.confidence, second.confidence, key=CONFIDENCE.index),
                price_source=joined_sources(first.price_source, second.price_source),
            )
        ]

    def retention(
        self, r: Resource, ctx: RuleContext, settings: LogSettings
    ) -> Recommendation | None:
        """Stored GB-months above what `log_retention_days` of ingestion would keep."""
        _, store_product, included = LOG_PRODUCTS[r.cloud or ""]
        price = ctx.price(r, store_product)
        ingested, stored = _per_month(r, ctx)
        if price is None or stored <= 0:
            return None
        billable_days = max(settings.log_retention_days - included, 0)
        needed = ingested * Decimal(billable_days) / DAYS_PER_MONTH
        excess = stored - needed
        if excess <= 0:
            return None
        cur = ctx.currency
        months = stored / ingested if ingested > 0 else None
        kept = f"about {months * DAYS_PER_MONTH:.0f} days" if months is not None else "logs"
        return ctx.recommendation(
            r,
            self.kind,
            finding=f"Logs kept longer than {settings.log_retention_days} days ({kept} billed)",
            action=f"Set the retention to {settings.log_retention_days} days (export older logs "
            "to object storage if they must be kept)",
            evidence=(
                f"{stored:.1f} GB-month stored and {ingested:.1f} GB ingested a month; "
                f"{settings.log_retention_days} days keep {needed:.1f} GB-month billed"
                + (f" ({included} days included with ingestion)" if included else "")
                + f"; {excess:.1f} GB-month at {format_rate(price.unit_price, cur, 'GB-month')}"
            ),
            savings=excess * price.unit_price,
            confidence="medium",
            price_source=catalog_source(price),
        )

    def ingestion(self, r: Resource, ctx: RuleContext) -> Recommendation | None:
        """Ingestion a cheaper class (per GB) or a commitment tier (per day) carries."""
        cheaper = CHEAPER_INGEST.get(r.cloud or "")
        ingest = ctx.price(r, LOG_PRODUCTS[r.cloud or ""][0])
        ingested, _ = _per_month(r, ctx)
        if cheaper is None or ingest is None or ingested <= 0:
            return None
        product, tier_gb_day, what = cheaper
        alt = ctx.price(r, product)
        if alt is None:
            return None
        cur = ctx.currency
        now = ingested * ingest.unit_price
        if tier_gb_day:
            per_day = ingested / DAYS_PER_MONTH
            if per_day < tier_gb_day:
                return None
            # The tier is paid every day; what is above it is billed at the tier's own rate.
            rate = alt.unit_price / tier_gb_day
            then = alt.unit_price * DAYS_PER_MONTH + (per_day - tier_gb_day) * rate * DAYS_PER_MONTH
            how = (
                f"{per_day:.0f} GB a day; {what} costs {format_money(alt.unit_price, cur)} a day"
                f" ({format_rate(rate, cur, 'GB')}, the same rate above it)"
            )
            confidence = "medium"
        else:
            then = ingested * alt.unit_price
            how = f"{what} ingests at {format_rate(alt.unit_price, cur, 'GB')}"
            confidence = "low"  # fewer query features: only for logs rarely queried
        if then >= now:
            return None
        return ctx.recommendation(
            r,
            self.kind,
            finding=f"Log ingestion: {ingested:.0f} GB a month at the standard rate",
            action=f"Move to {what}" + ("" if tier_gb_day else " for logs that are rarely queried"),
            evidence=(
                f"{ingested:.1f} GB ingested a month at {format_rate(ingest.unit_price, cur, 'GB')}"
                f" = {format_money(now, cur)}; {how}"
            ),
            savings=now - then,
            confidence=confidence,
            price_source=joined_sources(catalog_source(ingest), catalog_source(alt)),
        )


def logs_judgeable(r: Resource, ctx: RuleContext) -> str:
    """Why a log store could not be judged ('' when it could)."""
    products = LOG_PRODUCTS.get(r.cloud or "")
    if products is None or ctx.price(r, products[1]) is None:
        return "no catalog price for log storage"
    return "" if r.gb_months > 0 or r.gb_processed > 0 else "no GB ingested or stored in the bill"
