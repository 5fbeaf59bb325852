"""Storage classes: object storage kept in the standard (hot) class while it is rarely
read, which a lifecycle rule to an infrequent-access class would store for less (S3
Standard-IA, Azure Blob Cool, Cloud Storage Nearline). gp2 -> gp3 volumes are the
modernization rule's.

The bill gives the GB-months stored in the standard class and the read requests; the
catalog prices both classes and their reads. What the bill cannot say is how many GB are
read back (the cooler class charges a retrieval fee per GB), so the finding states the
break-even: the GB a month that may be read before the move stops paying.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ...units import format_money, format_rate
from ..inventory import Resource
from ..spend import ChargeLine
from .base import Found, ResourceRule, RuleContext, RuleSettings, catalog_source

MILLION = Decimal(1_000_000)
# Per cloud: (standard class, its reads, cooler class, its reads, its retrieval per GB).
CLASSES: dict[str, tuple[str, str, str, str, str]] = {
    "aws": (
        "s3-standard",
        "s3-standard-get",
        "s3-standard-ia",
        "s3-standard-ia-get",
        "s3-standard-ia-retrieval",
    ),
    "azure": ("blob-hot", "blob-hot-read", "blob-cool", "blob-cool-read", "blob-cool-retrieval"),
    "gcp": (
        "gcs-standard",
        "gcs-standard-class-b",
        "gcs-nearline",
        "gcs-nearline-class-b",
        "gcs-nearline-retrieval",
    ),
}
# Words naming a class other than the standard one in a usage type or description.
_COOLER = (
    "-ia",
    "sia-",
    "infrequent",
    "glacier",
    "archive",
    "cool",
    "cold",
    "nearline",
    "onezone",
    "intelligent",
    "deep",
)
_READS = ("get", "read", "class b", "tier2")


class StorageClassSettings(RuleSettings):
    cold_reads_per_gb_month: float = Field(
        1.0,
        ge=0,
        description=(
            "Object storage read fewer times a month per GB stored than this is cold enough"
            " for an infrequent-access class."
        ),
    )


def _text(line: ChargeLine) -> str:
    return f"{line.usage_type} {line.charge_description}".lower()


def standard_gb_months(r: Resource) -> float:
    """GB-months billed in the standard class (lines in a cooler class left out)."""
    return sum(
        ln.consumed_quantity or 0.0
        for ln in r.lines
        if ln.charge_category in ("Usage", "")
        and ln.consumed_unit.lower().replace(" ", "").startswith("gb")
        and "mo" in ln.consumed_unit.lower()
        and not any(word in _text(ln) for word in _COOLER)
    )


def read_requests(r: Resource) -> float:
    """Read requests billed (GET, read operations, Class B)."""
    return sum(
        ln.consumed_quantity or 0.0
        for ln in r.lines
        if "request" in ln.consumed_unit.lower() and any(w in _text(ln) for w in _READS)
    )


class StorageClassRule(ResourceRule[StorageClassSettings]):
    kind, title, resource_kinds = "storage_class", "Storage classes", frozenset({"bucket"})
    settings_model = StorageClassSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: StorageClassSettings) -> Found:
        products = CLASSES.get(r.cloud or "")
        if products is None or r.kind not in self.resource_kinds:
            return []
        prices = [ctx.price(r, product) for product in products]
        gb = ctx.hours_per_month(standard_gb_months(r))
        reads = ctx.hours_per_month(read_requests(r))
        std, std_read, cool, cool_read, retrieval = prices
        if std is None or cool is None or std_read is None or cool_read is None or gb <= 0:
            return []
        if reads > gb * Decimal(str(settings.cold_reads_per_gb_month)):
            return []
        cur = ctx.currency
        stored = gb * (std.unit_price - cool.unit_price)
        extra_reads = reads * (cool_read.unit_price - std_read.unit_price) / MILLION
        savings = stored - extra_reads
        if savings <= 0:
            return []
        evidence = (
            f"{gb:.1f} GB-month a month in the standard class, {reads:.0f} reads a month; "
            f"{format_rate(std.unit_price, cur, 'GB-month')} -> "
            f"{format_rate(cool.unit_price, cur, 'GB-month')} saves {format_money(stored, cur)};"
            f" reads cost {format_money(extra_reads, cur)} more"
        )
        if retrieval is not None and retrieval.unit_price > 0:
            evidence += (
                f"; retrieval is {format_rate(retrieval.unit_price, cur, 'GB')} read, not in the"
                f" bill: the move pays while under {savings / retrieval.unit_price:.0f} GB a"
                " month are read back"
            )
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=f"Rarely read object storage in the standard class ({gb:.0f} GB)",
                action=f"Add a lifecycle rule moving objects to {cool.product}"
                " (mind its minimum storage duration)",
                evidence=evidence,
                savings=savings,
                confidence="low",
                price_source=catalog_source(std),
            )
        ]


def bucket_judgeable(r: Resource, ctx: RuleContext) -> str:
    """Why a bucket could not be judged ('' when it could)."""
    products = CLASSES.get(r.cloud or "")
    if products is None or any(ctx.price(r, p) is None for p in products[:4]):
        return "no catalog price for its storage classes"
    return "" if standard_gb_months(r) > 0 else "nothing stored in the standard class"
