"""Refresh Azure catalog rows from the Azure Retail Prices API (public, no key).

GET https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview&$filter=...
answers {"Items": [...], "NextPageLink": url-or-null}; each item is one meter:
`armSkuName`, `armRegionName`, `type` (Consumption, Reservation), `reservationTerm`,
`unitPrice` (per hour, or the whole term for a reservation), `tierMinimumUnits`,
`unitOfMeasure`, `skuName` (" Spot" / " Low Priority" variants), `productName` (Windows
meters say so), `effectiveStartDate`, and for pay-as-you-go meters a `savingsPlan` list of
{term, unitPrice}. Parsing is pure (`rows_from_items`) so tests feed recorded pages; the
endpoint can be pointed elsewhere with DEVOPS_PLAN_AZURE_PRICES_URL (tests serve recordings
on loopback).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import CatalogError, ExternalError
from .accept import MAX_DROP
from .price import Price
from .refresh import RefreshResult, base_rows, finish, get_json, vm_scope

EGRESS = "egress-internet"  # the catalog product of internet egress tiers
API = "Azure Retail Prices API"
URL_ENV = "DEVOPS_PLAN_AZURE_PRICES_URL"
DEFAULT_URL = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"  # the version that lists savings-plan rates
SERVICES = ("vm", "egress")
HOURS_PER_YEAR = 8760
_TERMS = {"1 Year": ("reserved_1y", 1), "3 Years": ("reserved_3y", 3)}
_PLANS = {"1 Year": "savings_plan_1y", "3 Years": "savings_plan_3y"}
_EXCLUDED = (" Low Priority",)  # meters the planner does not buy


class AzurePriceError(ExternalError):
    """The API answered something this parser cannot use (names the meter)."""


def query(service: str, region: str) -> str:
    """The OData filter of one service in one region."""
    where = f"armRegionName eq '{region}'"
    if service == "vm":
        return f"serviceName eq 'Virtual Machines' and {where}"
    if service == "egress":
        return (
            f"serviceName eq 'Bandwidth' and {where} and meterName eq 'Standard Data Transfer Out'"
        )
    raise CatalogError(f"unknown Azure service {service!r}; expected one of {', '.join(SERVICES)}")


def pages(base_url: str, filter_: str) -> Iterator[list[Any]]:
    """Every page of items of a query, following NextPageLink."""
    params = urllib.parse.urlencode({"api-version": API_VERSION, "$filter": filter_})
    url: str | None = f"{base_url}?{params}"
    while url:
        page = get_json(url, API)
        if not isinstance(page, dict) or not isinstance(page.get("Items"), list):
            raise AzurePriceError(f"{API} answered a page without an Items list")
        yield page["Items"]
        url = page.get("NextPageLink") or None


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise AzurePriceError(f"{where}: malformed price {value!r} (expected a number)") from None
    if not number.is_finite() or number < 0:
        raise AzurePriceError(f"{where}: malformed price {value!r} (expected a number >= 0)")
    return number


def _vm_rows(item: Mapping[str, Any], base: Mapping[tuple[str, str], Price]) -> list[Price] | str:
    """The rows of one VM meter (on demand or spot, its savings plans; or a reservation),
    or why it was skipped. Only types the catalog lists are refreshed (their shapes are
    known); Windows and low-priority meters are not the planner's."""
    sku = str(item.get("armSkuName", ""))
    region = str(item.get("armRegionName", ""))
    where = f"meter {item.get('meterId', '?')} ({sku})"
    known = base.get((sku, region))
    if known is None:
        return f"{where}: {sku or 'no armSkuName'} in {region} is not in the catalog"
    if "Windows" in str(item.get("productName", "")) or str(item.get("skuName", "")).endswith(
        _EXCLUDED
    ):
        return f"{where}: Windows or low-priority meter"
    as_of = str(item.get("effectiveStartDate", ""))[:10]
    price = _decimal(item.get("unitPrice"), where)
    source = f"{API}, {where}"
    kind = item.get("type")
    if kind == "Reservation":
        term = _TERMS.get(str(item.get("reservationTerm")))
        if term is None:
            return f"{where}: reservation term {item.get('reservationTerm')!r}"
        purchase, years = term
        hourly = (price / (years * HOURS_PER_YEAR)).quantize(Decimal("0.000001"))
        return [_row(known, purchase, hourly, as_of, f"{source}, {purchase} (term price / hours)")]
    if kind != "Consumption":
        return f"{where}: price type {kind!r}"
    purchase = "spot" if str(item.get("skuName", "")).endswith(" Spot") else "on_demand"
    rows = [_row(known, purchase, price, as_of, f"{source}, {purchase}")]
    if purchase == "on_demand":
        for plan in item.get("savingsPlan") or []:
            option = _PLANS.get(str(plan.get("term")))
            if option:
                rate = _decimal(plan.get("unitPrice"), where)
                rows.append(_row(known, option, rate, as_of, f"{source}, {option}"))
    return rows


def _row(known: Price, purchase: str, price: Decimal, as_of: str, source: str) -> Price:
    return Price(**{**_fields(known), "purchase": purchase, "unit_price": price,
                    "as_of": as_of or known.as_of, "source": source})  # fmt: skip


def _fields(p: Price) -> dict[str, Any]:
    names = ("cloud", "service", "category", "product", "region", "purchase", "unit",
             "unit_price", "currency", "vcpu", "memory_gib", "family", "generation", "arch",
             "engine", "deployment", "as_of", "source")  # fmt: skip
    return {n: getattr(p, n) for n in names}


def _egress_rows(items: Sequence[Mapping[str, Any]], region: str) -> list[Price]:
    """Internet egress tiers from the meters' tierMinimumUnits (GB a month): the plain
    "Bandwidth" product's meters when listed (other routing products have their own), one
    per tier start."""
    usable = [i for i in items if i.get("type") == "Consumption"]
    plain = [i for i in usable if i.get("productName") == "Bandwidth"]
    by_start: dict[Decimal, Mapping[str, Any]] = {}
    for item in plain or usable:
        start = _decimal(item.get("tierMinimumUnits", 0), "egress tier")
        known = by_start.get(start)
        if known is None or _decimal(item.get("unitPrice"), "egress") < _decimal(
            known.get("unitPrice"), "egress"
        ):
            by_start[start] = item
    tiers = sorted(by_start.items(), key=lambda kv: kv[0])
    out = []
    for n, (start, item) in enumerate(tiers):
        end = tiers[n + 1][0] if n + 1 < len(tiers) else None
        out.append(
            Price(
                cloud="azure", service="Bandwidth", category="network",
                product=EGRESS, region=region, purchase="on_demand", unit="GB",
                unit_price=_decimal(item.get("unitPrice"), f"meter {item.get('meterId', '?')}"),
                currency=str(item.get("currencyCode", "USD")), vcpu=None, memory_gib=None,
                family="", generation="", arch="", engine="", deployment="",
                as_of=str(item.get("effectiveStartDate", ""))[:10],
                source=f"{API}, meter {item.get('meterId', '?')}, tier from {start} GB",
                tier_start=start, tier_end=end,
            )
        )  # fmt: skip
    return out


def rows_from_items(
    service: str,
    region: str,
    items: Sequence[Mapping[str, Any]],
    base: Mapping[tuple[str, str], Price],
) -> tuple[list[Price], list[str]]:
    """Catalog rows from one query's items, and the items skipped (why)."""
    if service == "egress":
        # A free first tier (0 USD) is Azure's monthly allowance; the catalog starts at 0.
        return _egress_rows(items, region), []
    rows: list[Price] = []
    skipped: list[str] = []
    for item in items:
        found = _vm_rows(item, base)
        if isinstance(found, str):
            skipped.append(found)
        else:
            rows += found
    return rows, skipped


def refresh_azure(
    regions: Sequence[str],
    out: str | Path,
    *,
    services: Sequence[str] = SERVICES,
    base: str | Path | None = None,
    url: str | None = None,
    progress: Callable[[str], None] | None = None,
    max_drop: float = MAX_DROP,
    today: date | None = None,
) -> RefreshResult:
    """Fetch Azure prices for `regions` and `services` and write the merged catalog to `out`
    (the same merge and atomic write as `refresh_aws`)."""
    for service in services:
        query(service, "x")  # validates the service name before any call
    if not regions:
        raise CatalogError("catalog refresh needs at least one --region")
    endpoint = url or os.environ.get(URL_ENV) or DEFAULT_URL
    result = RefreshResult(out=Path(out))
    rows = base_rows("azure", result.out, base)
    vms = {
        (p.product, p.region): p
        for p in rows
        if p.category == "compute" and p.purchase == "on_demand"
    }
    fresh: list[Price] = []
    for region in regions:
        for service in services:
            if progress:
                progress(f"{service} in {region}")
            items = [i for page in pages(endpoint, query(service, region)) for i in page]
            found, skipped = rows_from_items(service, region, items, vms)
            fresh += found
            result.skipped += skipped
    return finish(
        rows,
        fresh,
        vm_scope("azure", regions, services, "vm", EGRESS),
        result,
        today=today,
        max_drop=max_drop,
    )


__all__ = ["API", "SERVICES", "URL_ENV", "refresh_azure", "rows_from_items"]
