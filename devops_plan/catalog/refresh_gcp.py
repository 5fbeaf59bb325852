"""Refresh GCP catalog rows from the Cloud Billing Catalog API (an API key from the
environment: GOOGLE_API_KEY).

GET https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?key=...&currencyCode=USD
(Compute Engine) answers {"skus": [...], "nextPageToken": "..."}; each SKU has a
`description`, `category.usageType` (OnDemand, Preemptible, Commit1Yr, Commit3Yr),
`serviceRegions` and `pricingInfo[].pricingExpression` with its `usageUnit` and
`tieredRates` [{startUsageAmount, unitPrice {units, nanos}}]. A VM's price is its family's
vCPU rate x vCPUs + its RAM rate x GiB (how Google prices predefined shapes); internet egress
keeps the SKU's tiers. Parsing is pure (`rows_from_skus`); the endpoint can be pointed
elsewhere with DEVOPS_PLAN_GCP_BILLING_URL (tests serve recordings on loopback).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import CatalogError, ExternalError
from .accept import MAX_DROP
from .price import Price
from .refresh import RefreshResult, base_rows, finish, get_json, vm_scope

EGRESS = "egress-internet"  # the catalog product of internet egress tiers
API = "Cloud Billing Catalog API"
KEY_ENV = "GOOGLE_API_KEY"
URL_ENV = "DEVOPS_PLAN_GCP_BILLING_URL"
DEFAULT_URL = "https://cloudbilling.googleapis.com/v1"
COMPUTE_ENGINE = "6F81-5844-456A"
SERVICES = ("compute", "egress")
EGRESS_DESTINATION = "Americas"  # the destination whose rates the catalog keeps
_USAGE = {"OnDemand": "on_demand", "Preemptible": "spot", "Commit1Yr": "reserved_1y",
          "Commit3Yr": "reserved_3y"}  # fmt: skip
_FAMILIES = {"N2": "n2", "N2D AMD": "n2d", "N2D": "n2d", "E2": "e2", "T2A Arm": "t2a",
             "T2A": "t2a", "N1 Predefined": "n1", "N1": "n1"}  # fmt: skip
_FAMILY = "|".join(sorted((re.escape(f) for f in _FAMILIES), key=len, reverse=True))
_RATE = re.compile(
    rf"^(?:Spot Preemptible )?(?P<family>{_FAMILY}) Instance (?P<what>Core|Ram) running in"
)
_COMMIT = re.compile(rf"^Commitment v1: (?P<family>{_FAMILY}) (?P<what>Cpu|Ram) in ")
_EGRESS = re.compile(r"^Network Internet Egress from (?P<source>.+) to (?P<destination>.+)$")

Rates = dict[
    tuple[str, str, str, str], tuple[Decimal, str, str]
]  # family, region, purchase, core|ram


class GcpPriceError(ExternalError):
    """The API answered something this parser cannot use (names the SKU)."""


def api_key(env: Mapping[str, str] | None = None) -> str:
    """The API key from the environment; one clear line when there is none."""
    key = (os.environ if env is None else env).get(KEY_ENV, "")
    if not key:
        raise ExternalError(
            f"no Google Cloud API key found: set {KEY_ENV} to an API key allowed to call the "
            "Cloud Billing API (cloudbilling.googleapis.com)"
        )
    return key


def skus(base_url: str, key: str) -> Iterator[list[Any]]:
    """Every page of Compute Engine SKUs, following nextPageToken."""
    token = ""
    while True:
        params = {"key": key, "currencyCode": "USD", "pageSize": "5000"}
        if token:
            params["pageToken"] = token
        url = f"{base_url}/services/{COMPUTE_ENGINE}/skus?{urllib.parse.urlencode(params)}"
        page = get_json(url, API, secret=key)
        if not isinstance(page, dict):
            raise GcpPriceError(f"{API} answered a page that is not an object")
        yield list(page.get("skus") or [])
        token = str(page.get("nextPageToken") or "")
        if not token:
            return


def money(rate: Mapping[str, Any], where: str) -> Decimal:
    """A Money {units, nanos} as a Decimal."""
    price = rate.get("unitPrice") or {}
    try:
        value = (
            Decimal(str(price.get("units") or 0)) + Decimal(int(price.get("nanos") or 0)) / 10**9
        )
    except (ArithmeticError, ValueError, TypeError):
        raise GcpPriceError(f"{where}: malformed unitPrice {price!r}") from None
    if value < 0:
        raise GcpPriceError(f"{where}: malformed unitPrice {price!r} (negative)")
    return value


def _expression(sku: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    info = (sku.get("pricingInfo") or [{}])[0]
    return info.get("pricingExpression") or {}, str(info.get("effectiveTime", ""))[:10]


def vm_rates(items: Sequence[Mapping[str, Any]], regions: set[str]) -> tuple[Rates, list[str]]:
    """Per-vCPU and per-GiB hourly rates by family, region and purchase option."""
    rates: Rates = {}
    skipped: list[str] = []
    for sku in items:
        desc = str(sku.get("description", ""))
        match = _RATE.match(desc) or _COMMIT.match(desc)
        purchase = _USAGE.get(str((sku.get("category") or {}).get("usageType", "")))
        if match is None or purchase is None:
            continue
        where = f"sku {sku.get('skuId', '?')} ({desc})"
        expression, as_of = _expression(sku)
        tiers = expression.get("tieredRates") or []
        if not tiers:
            skipped.append(f"{where}: no tieredRates")
            continue
        price = money(tiers[0], where)
        what = "core" if match["what"] in ("Core", "Cpu") else "ram"
        for region in set(sku.get("serviceRegions") or ()) & regions:
            rates[(_FAMILIES[match["family"]], region, purchase, what)] = (price, as_of, where)
    return rates, skipped


def vm_rows(base: Sequence[Price], rates: Rates) -> list[Price]:
    """The catalog's GCP shapes priced from their family's rates (vCPUs x core rate + GiB x
    RAM rate); shared-core shapes (fractional vCPU) keep their rows."""
    out = []
    for p in base:
        if p.category != "compute" or p.purchase != "on_demand" or not p.vcpu or not p.memory_gib:
            continue
        for purchase in ("on_demand", "spot", "reserved_1y", "reserved_3y"):
            core = rates.get((p.family, p.region, purchase, "core"))
            ram = rates.get((p.family, p.region, purchase, "ram"))
            if (
                core is None
                or ram is None
                or p.product.startswith(("e2-micro", "e2-small", "e2-medium"))
            ):
                continue
            price = (core[0] * Decimal(str(p.vcpu)) + ram[0] * Decimal(str(p.memory_gib))).quantize(
                Decimal("0.000001")
            )
            fields = {n: getattr(p, n) for n in _FIELDS}
            fields |= {"purchase": purchase, "unit_price": price, "as_of": core[1] or p.as_of}
            fields["source"] = (
                f"{API}, {core[2]} x {p.vcpu:g} vCPU + {ram[2]} x {p.memory_gib:g} GiB"
            )
            out.append(Price(**fields))
    return out


_FIELDS = ("cloud", "service", "category", "product", "region", "purchase", "unit", "unit_price",
           "currency", "vcpu", "memory_gib", "family", "generation", "arch", "engine",
           "deployment", "as_of", "source")  # fmt: skip


def egress_rows(items: Sequence[Mapping[str, Any]], regions: set[str]) -> list[Price]:
    """Internet egress tiers of the SKU for EGRESS_DESTINATION, per source region."""
    out = []
    for sku in items:
        match = _EGRESS.match(str(sku.get("description", "")))
        if match is None or match["destination"] != EGRESS_DESTINATION:
            continue
        if (sku.get("category") or {}).get("usageType") != "OnDemand":
            continue
        expression, as_of = _expression(sku)
        rates = sorted(
            expression.get("tieredRates") or [], key=lambda r: float(r.get("startUsageAmount", 0))
        )
        where = f"sku {sku.get('skuId', '?')} ({sku.get('description')})"
        for region in sorted(set(sku.get("serviceRegions") or ()) & regions):
            for n, rate in enumerate(rates):
                start = Decimal(str(rate.get("startUsageAmount", 0)))
                end = (
                    Decimal(str(rates[n + 1].get("startUsageAmount")))
                    if n + 1 < len(rates)
                    else None
                )
                out.append(Price(
                    cloud="gcp", service="Networking", category="network", product=EGRESS,
                    region=region, purchase="on_demand", unit="GB", unit_price=money(rate, where),
                    currency="USD", vcpu=None, memory_gib=None, family="", generation="", arch="",
                    engine="", deployment="", as_of=as_of, source=f"{API}, {where}, tier from {start} GiB",
                    tier_start=start, tier_end=end,
                ))  # fmt: skip
    return out


def rows_from_skus(
    items: Sequence[Mapping[str, Any]],
    regions: Sequence[str],
    base: Sequence[Price],
    services: Sequence[str] = SERVICES,
) -> tuple[list[Price], list[str]]:
    """Catalog rows from Compute Engine SKUs for `regions`, and the SKUs skipped (why)."""
    wanted = set(regions)
    rows: list[Price] = []
    skipped: list[str] = []
    if "compute" in services:
        rates, skipped = vm_rates(items, wanted)
        rows += vm_rows([p for p in base if p.region in wanted], rates)
    if "egress" in services:
        rows += egress_rows(items, wanted)
    return rows, skipped


def refresh_gcp(
    regions: Sequence[str],
    out: str | Path,
    *,
    services: Sequence[str] = SERVICES,
    base: str | Path | None = None,
    url: str | None = None,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    max_drop: float = MAX_DROP,
    today: date | None = None,
) -> RefreshResult:
    """Fetch GCP prices for `regions` and write the merged catalog to `out` (the same merge and
    atomic write as `refresh_aws`)."""
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise CatalogError(
            f"unknown GCP service {unknown[0]!r}; expected one of {', '.join(SERVICES)}"
        )
    if not regions:
        raise CatalogError("catalog refresh needs at least one --region")
    key = api_key(env)
    endpoint = url or (os.environ if env is None else env).get(URL_ENV) or DEFAULT_URL
    result = RefreshResult(out=Path(out))
    rows = base_rows("gcp", result.out, base)
    if progress:
        progress("Compute Engine SKUs")
    items = [sku for page in skus(endpoint, key) for sku in page]
    fresh, result.skipped = rows_from_skus(items, regions, rows, services)
    return finish(
        rows,
        fresh,
        vm_scope("gcp", regions, services, "compute", EGRESS),
        result,
        today=today,
        max_drop=max_drop,
    )


__all__ = ["API", "KEY_ENV", "SERVICES", "URL_ENV", "api_key", "refresh_gcp", "rows_from_skus"]
