"""Refresh AWS catalog rows from the AWS Price List API (boto3 `pricing`, GetProducts).

The I/O edge of the catalog: it pages through GetProducts with TERM_MATCH filters,
turns each PriceList entry (a JSON string with `product.attributes` and
`terms.OnDemand` / `terms.Reserved` price dimensions) into catalog rows, merges them
over an existing catalog and writes the result atomically. Parsing is pure and
separate (`rows_from_price_list`) so tests feed it recorded GetProducts output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import aws
from ..errors import CatalogError, ExternalError
from .accept import MAX_DROP, Scope
from .price import Price
from .refresh import RefreshResult, base_rows, finish

# The Price List API is served from us-east-1 (and ap-south-1, eu-central-1) only.
PRICING_REGION = "us-east-1"
SERVICES = ("ec2", "rds", "elasticache", "ebs")
# The catalog categories each service's queries fill (what a drop is measured against).
CATEGORIES = {
    "ec2": ("compute",),
    "rds": ("database",),
    "elasticache": ("cache",),
    "ebs": ("block_storage", "snapshot"),
}
HOURS_PER_YEAR = 8760

_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql"}
_DEPLOYMENTS = {"Single-AZ": "single_az", "Multi-AZ": "multi_az"}
_EBS_VOLUMES = {"gp3": "ebs-gp3", "gp2": "ebs-gp2", "io2": "ebs-io2", "io1": "ebs-io1"}
_EBS_VOLUMES |= {"st1": "ebs-st1", "sc1": "ebs-sc1"}
_UNITS = {"Hrs": "hour", "GB-Mo": "GB-month"}
_LEASES = {"1yr": "reserved_1y", "3yr": "reserved_3y"}
# Cheapest-commitment first: the catalog's reserved rows are "no upfront"; where a
# term is not sold that way (RDS 3-year) the effective hourly of partial upfront.
_UPFRONT_PREFERENCE = ("No Upfront", "Partial Upfront")


@dataclass(frozen=True)
class Query:
    """One GetProducts query: the service code and its TERM_MATCH filters."""

    service: str
    service_code: str
    filters: tuple[tuple[str, str], ...]

    def params(self) -> dict[str, Any]:
        return {
            "ServiceCode": self.service_code,
            "Filters": [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in self.filters],
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
        }


def queries(service: str, region: str) -> list[Query]:
    """The GetProducts queries that cover `service` in `region`."""
    where = (("regionCode", region),)
    if service == "ec2":
        return [
            Query(
                "ec2",
                "AmazonEC2",
                (
                    *where,
                    ("productFamily", "Compute Instance"),
                    ("operatingSystem", "Linux"),
                    ("tenancy", "Shared"),
                    ("preInstalledSw", "NA"),
                    ("capacitystatus", "Used"),
                    ("licenseModel", "No License required"),
                ),
            )
        ]
    if service == "rds":
        return [
            Query(
                "rds",
                "AmazonRDS",
                (*where, ("productFamily", "Database Instance"), ("databaseEngine", engine)),
            )
            for engine in _ENGINES
        ]
    if service == "elasticache":
        return [
            Query(
                "elasticache",
                "AmazonElastiCache",
                (*where, ("productFamily", "Cache Instance"), ("cacheEngine", "Redis")),
            )
        ]
    if service == "ebs":
        return [
            Query("ebs", "AmazonEC2", (*where, ("productFamily", "Storage"))),
            Query("ebs", "AmazonEC2", (*where, ("productFamily", "Storage Snapshot"))),
        ]
    raise CatalogError(f"unknown AWS service {service!r}; expected one of {', '.join(SERVICES)}")


class PriceListError(ExternalError):
    """The Price List API returned something this parser cannot use (names the SKU)."""


# -- parsing (pure) --------------------------------------------------------------


def _mapping(value: Any, what: str, where: str) -> Mapping[str, Any]:
    """`value` when it is a JSON object; PriceListError naming the entry otherwise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PriceListError(
            f"{where}: malformed entry: {what} is {type(value).__name__}, expected an object"
        )
    return value


def _money(text: Any, where: str) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise PriceListError(
            f"{where}: malformed price {text!r} (expected a decimal number)"
        ) from None
    if not value.is_finite() or value < 0:
        raise PriceListError(f"{where}: malformed price {text!r} (expected a number >= 0)")
    return value


_NUMBER = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(GiB|GB)?\s*$")


def _size(text: str | None) -> float | None:
    """'8 GiB' -> 8.0, '1,024 GiB' -> 1024.0, '2' -> 2.0; None for 'NA' or missing."""
    if not text:
        return None
    match = _NUMBER.match(text)
    if not match:
        return None
    return float(match.group(1).replace(",", ""))


def _dimension_price(dimensions: Any, unit: str, where: str, currency: str) -> Decimal | None:
    """The price of the first-tier dimension with `unit` (EBS and EC2 have one tier)."""
    found: list[tuple[Decimal, Decimal]] = []
    for raw in _mapping(dimensions, "priceDimensions", where).values():
        dim = _mapping(raw, "a price dimension", where)
        if dim.get("unit") != unit:
            continue
        amount = _mapping(dim.get("pricePerUnit"), "pricePerUnit", where).get(currency)
        if amount is None:
            raise PriceListError(f"{where}: price dimension has no {currency} price")
        begin = _money(dim.get("beginRange", "0"), where)
        found.append((begin, _money(amount, where)))
    if not found:
        return None
    return min(found)[1]


def _on_demand(terms: Mapping[str, Any], unit: str, where: str, currency: str) -> Decimal | None:
    prices = [
        p
        for term in _mapping(terms.get("OnDemand"), "OnDemand", where).values()
        if (
            p := _dimension_price(
                _mapping(term, "a term", where).get("priceDimensions"), unit, where, currency
            )
        )
        is not None
    ]
    return min(prices) if prices else None


def _reserved(
    terms: Mapping[str, Any], where: str, currency: str
) -> dict[str, tuple[Decimal, str]]:
    """purchase -> (effective hourly price, description) for standard reserved terms."""
    best: dict[str, tuple[int, Decimal, str]] = {}
    for raw in _mapping(terms.get("Reserved"), "Reserved", where).values():
        term = _mapping(raw, "a term", where)
        attrs = _mapping(term.get("termAttributes"), "termAttributes", where)
        purchase = _LEASES.get(attrs.get("LeaseContractLength", ""))
        option = attrs.get("PurchaseOption", "")
        if purchase is None or option not in _UPFRONT_PREFERENCE:
            continue
        if attrs.get("OfferingClass", "standard") != "standard":
            continue
        dims = term.get("priceDimensions")
        hourly = _dimension_price(dims, "Hrs", where, currency) or Decimal(0)
        upfront = _dimension_price(dims, "Quantity", where, currency) or Decimal(0)
        years = 1 if purchase == "reserved_1y" else 3
        effective = hourly + upfront / (years * HOURS_PER_YEAR)
        rank = _UPFRONT_PREFERENCE.index(option)
        what = f"reserved {attrs.get('LeaseContractLength')} standard {option}"
        if option != "No Upfront":
            what += " (effective hourly incl. upfront)"
        if purchase not in best or rank < best[purchase][0]:
            best[purchase] = (rank, effective, what)
    return {p: (price, what) for p, (_, price, what) in best.items()}


def _as_of(entry: Mapping[str, Any], terms: Mapping[str, Any], where: str) -> str:
    stamp = str(entry.get("publicationDate") or "")
    if not stamp:
        for kind in ("OnDemand", "Reserved"):
            for term in _mapping(terms.get(kind), kind, where).values():
                stamp = str(_mapping(term, "a term", where).get("effectiveDate") or "")
                if stamp:
                    break
            if stamp:
                break
    return stamp[:10]


def _arch(attrs: Mapping[str, Any]) -> str:
    processor = str(attrs.get("physicalProcessor", ""))
    return "arm64" if "Graviton" in processor or "arm" in processor.lower() else "x86_64"


def _describe_ids(service: str, attrs: Mapping[str, Any]) -> dict[str, Any] | str:
    """Catalog identity of one product, or a reason to skip it."""
    if service in ("ec2", "rds", "elasticache"):
        return _instance_ids(service, attrs)
    return _storage_ids(attrs)


def _instance_ids(service: str, attrs: Mapping[str, Any]) -> dict[str, Any] | str:
    """An EC2, RDS or ElastiCache instance type."""
    instance = str(attrs.get("instanceType", ""))
    if not instance:
        return "no instanceType"
    out: dict[str, Any] = {
        "product": instance,
        "vcpu": _size(str(attrs.get("vcpu", ""))),
        "memory_gib": _size(str(attrs.get("memory", ""))),
        "family": instance.rsplit(".", 1)[0],
        "generation": "current" if attrs.get("currentGeneration", "Yes") == "Yes" else "previous",
        "arch": _arch(attrs),
        "engine": "",
        "deployment": "",
    }
    if service == "ec2":
        return out | {"service": "AmazonEC2", "category": "compute"}
    if service == "elasticache":
        return out | {"service": "AmazonElastiCache", "category": "cache", "engine": "redis"}
    engine = _ENGINES.get(str(attrs.get("databaseEngine", "")))
    deployment = _DEPLOYMENTS.get(str(attrs.get("deploymentOption", "")))
    if engine is None or deployment is None:
        return (
            f"engine {attrs.get('databaseEngine')!r} / deployment "
            f"{attrs.get('deploymentOption')!r} not in the catalog's vocabulary"
        )
    return out | {
        "service": "AmazonRDS",
        "category": "database",
        "engine": engine,
        "deployment": deployment,
    }


def _storage_ids(attrs: Mapping[str, Any]) -> dict[str, Any] | str:
    """An EBS volume type or EBS snapshots."""
    volume = str(attrs.get("volumeApiName", ""))
    usage = str(attrs.get("usagetype", ""))
    if volume:
        product = _EBS_VOLUMES.get(volume)
        if product is None:
            return f"volume type {volume!r} not in the catalog"
        category = "block_storage"
    elif usage.endswith("EBS:SnapshotUsage"):
        product, category = "ebs-snapshot", "snapshot"
    else:
        return f"storage usage type {usage!r} not in the catalog"
    blank = dict.fromkeys(("family", "generation", "arch", "engine", "deployment"), "")
    return blank | {
        "product": product,
        "vcpu": None,
        "memory_gib": None,
        "service": "AmazonEC2",
        "category": category,
    }


def rows_from_price_list(
    service: str, region: str, price_list: Iterable[str | Mapping[str, Any]], currency: str = "USD"
) -> tuple[list[Price], list[str]]:
    """Catalog rows from GetProducts `PriceList` entries, and the entries skipped (why).

    An entry without OnDemand terms is skipped (reported), not guessed; a malformed
    price raises PriceListError naming the SKU.
    """
    rows: list[Price] = []
    skipped: list[str] = []
    for raw in price_list:
        found, reason = _entry_rows(service, region, raw, currency)
        rows += found
        if reason:
            skipped.append(reason)
    return rows, skipped


def _entry_rows(
    service: str, region: str, raw: str | Mapping[str, Any], currency: str
) -> tuple[list[Price], str]:
    """The rows of one PriceList entry (on demand, then reserved), or why it was skipped."""
    try:
        entry: Any = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        raise PriceListError(
            f"GetProducts returned a PriceList entry that is not JSON: {exc}"
        ) from None
    entry = _mapping(entry, "the PriceList entry", f"GetProducts ({service})")
    where = f"{service} entry"
    product = _mapping(entry.get("product"), "product", where)
    where = f"{entry.get('serviceCode') or service} sku {product.get('sku', '?')}"[:120]
    attrs = _mapping(product.get("attributes"), "product.attributes", where)
    terms = _mapping(entry.get("terms"), "terms", where)
    unit = "GB-Mo" if service == "ebs" else "Hrs"
    ident = _describe_ids(service, attrs)
    if isinstance(ident, str):
        return [], f"{where}: {ident}"
    on_demand = _on_demand(terms, unit, where, currency)
    if on_demand is None:
        return [], f"{where} ({ident['product']}): no OnDemand {unit} price"
    as_of = _as_of(entry, terms, where)
    if not as_of:
        return [], f"{where} ({ident['product']}): no publicationDate or effectiveDate"
    base = ident | {
        "cloud": "aws",
        "region": str(attrs.get("regionCode") or region),
        "unit": _UNITS[unit],
        "currency": currency,
        "as_of": as_of,
    }
    prices = {"on_demand": (on_demand, "OnDemand")}
    if service != "ebs":
        prices |= dict(sorted(_reserved(terms, where, currency).items()))
    return [
        Price(purchase=p, unit_price=price, source=f"AWS Price List API, {where}, {what}", **base)
        for p, (price, what) in prices.items()
    ], ""


# -- fetching (I/O) --------------------------------------------------------------


# A Price List call answers in a second or two; a stalled endpoint must not hang a refresh
# (botocore's default is 60 s per read, retried without a cap on the total).
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 30
ATTEMPTS = 5  # the first call and four retries


def make_client(
    *,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    read_timeout: float = READ_TIMEOUT_S,
    attempts: int = ATTEMPTS,
) -> Any:
    """A boto3 Price List client (the API lives in us-east-1) with connect and read
    timeouts and botocore's adaptive retries (backoff, and a client-side rate limit when
    the API throttles)."""
    return aws.make_client(
        "pricing",
        PRICING_REGION,
        config=aws.client_config(
            connect_timeout=connect_timeout, read_timeout=read_timeout, attempts=attempts
        ),
    )


# How the Price List API's failures read (the wording its users and tests know).
_PRICE_LIST = "AWS Price List API"
_PRICE_LIST_CREDENTIALS = (
    ": set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
    "(the Price List API needs pricing:GetProducts)"
)


def fetch(client: Any, query: Query) -> Iterator[str | Mapping[str, Any]]:
    """Every PriceList entry of a query, following NextToken pages.

    A page that is not a GetProducts answer (an HTML error page served with HTTP 200 reaches
    botocore as `{"message": "<html>..."}`) is a PriceListError, never an empty page.
    """
    with aws.aws_errors(
        "",
        api=_PRICE_LIST,
        operation=f"GetProducts ({query.service_code})",
        credentials_hint=_PRICE_LIST_CREDENTIALS,
        failed=f"{_PRICE_LIST} call failed: ",
    ):
        for number, page in enumerate(
            client.get_paginator("get_products").paginate(**query.params()), 1
        ):
            yield from _entries(page, query, number)


def _entries(page: Any, query: Query, number: int) -> list[str | Mapping[str, Any]]:
    entries = page.get("PriceList") if isinstance(page, Mapping) else None
    if not isinstance(entries, list) or not all(isinstance(e, str | Mapping) for e in entries):
        raise PriceListError(
            f"{_PRICE_LIST} answered GetProducts ({query.service_code}) page {number} with "
            f"something that is not a price list ({_describe(page)}); the catalog was left as "
            "it was"
        )
    return entries


def _describe(page: Any) -> str:
    """What came back instead of a price list, in a few words."""
    if not isinstance(page, Mapping):
        return f"a {type(page).__name__}"
    if "PriceList" in page:
        return "PriceList is not a list of entries"
    meta = page.get("ResponseMetadata")
    headers = meta.get("HTTPHeaders", {}) if isinstance(meta, Mapping) else {}
    kind = headers.get("content-type", "") if isinstance(headers, Mapping) else ""
    return f"no PriceList; content type {kind!r}" if kind else "no PriceList"


def _scope(regions: Sequence[str], services: Sequence[str]) -> Scope:
    return Scope("aws", frozenset(regions), frozenset(c for s in services for c in CATEGORIES[s]))


def refresh_aws(
    regions: Sequence[str],
    out: str | Path,
    *,
    services: Sequence[str] = SERVICES,
    client: Any | None = None,
    base: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    max_drop: float = MAX_DROP,
    today: date | None = None,
) -> RefreshResult:
    """Fetch AWS prices for `regions` and `services` and write the merged catalog to `out`.

    Rows fetched replace rows of the same product, region, purchase, engine and
    deployment in the base catalog (`base`, else the file at `out` if it exists, else
    the shipped snapshot); other rows are kept. Every fetched row is checked like a
    hand-written one (rows that fail are skipped and listed); nothing is written unless
    every query succeeded, something came back, no more than `max_drop` of the products
    the base has for these regions and services are gone, and the result loads back; the
    file is replaced atomically, so on any failure the current catalog is untouched.
    """
    for service in services:
        queries(service, "x")  # validates the service name before any call
    if not regions:
        raise CatalogError("catalog refresh needs at least one --region")
    out_path = Path(out)
    kept = base_rows("aws", out_path, base)
    client = client if client is not None else make_client()
    result = RefreshResult(out=out_path)
    fresh: list[Price] = []
    for region in regions:
        for service in services:
            for query in queries(service, region):
                if progress:
                    progress(f"{query.service_code} {region} ({service})")
                rows, skipped = rows_from_price_list(service, region, fetch(client, query))
                fresh += rows
                result.skipped += skipped
    scope = _scope(regions, services)
    return finish(kept, fresh, scope, result, today=today, max_drop=max_drop)
