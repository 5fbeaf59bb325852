"""`devops-plan price` and `devops-plan catalog list|refresh`: look prices up, browse, refresh."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from ..atomic import check_output_file, output_errors
from ..catalog import BASE_REGIONS, CLOUDS, Catalog, Price, catalog_path, load_catalog
from ..catalog.price import hint
from ..catalog.refresh import RefreshResult
from ..errors import CatalogError
from ..units import format_money, format_rate
from . import options
from ._common import app, err, out, print_json, table, user_errors

catalog_app = typer.Typer(
    help="Browse the price catalogs and refresh them from the clouds' price APIs.",
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")


# The contract of `devops-plan price --json` (docs/pricing.md), and the further fields of each
# row of `catalog list --json`.
_PRICE_FIELDS = (
    "cloud",
    "product",
    "region",
    "purchase",
    "unit",
    "unit_price",
    "monthly",
    "currency",
    "as_of",
    "source",
)
_ROW_FIELDS = (
    "service",
    "category",
    "family",
    "vcpu",
    "memory_gib",
    "arch",
    "generation",
    "engine",
    "deployment",
)


def _json(p: Price, fields: Sequence[str]) -> dict[str, Any]:
    # JSON numbers: a Decimal price has at most ~10 significant digits, exact as a float.
    values = {name: getattr(p, name) for name in fields}
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _catalog(cloud: str, given: Path | None, region: str | None) -> tuple[Catalog, str]:
    """The cloud's catalog (the folder or CSV given, else $DEVOPS_PLAN_CATALOG, else the
    shipped one) and the region to look in (default: the base)."""
    if cloud not in CLOUDS:
        raise CatalogError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
    return load_catalog(cloud, catalog_path(cloud, given)), region or BASE_REGIONS[cloud]


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


@app.command("price")
def price(
    cloud: str = typer.Argument(..., help="aws, gcp or azure."),
    product: str = typer.Argument(..., help="Product id, e.g. m5.large, ebs-gp3, db.m6g.large."),
    region: str | None = typer.Option(
        None, "--region", help="Region (default: aws us-east-1, gcp us-central1, azure eastus)."
    ),
    purchase: str = typer.Option(
        "on_demand",
        "--purchase",
        help="on_demand, spot, reserved_1y, reserved_3y, savings_plan_1y, savings_plan_3y.",
    ),
    engine: str = typer.Option("", "--engine", help="postgres, mysql or redis (databases)."),
    multi_az: bool = typer.Option(False, "--multi-az", help="Multi-AZ / HA deployment."),
    catalog_path: Path | None = options.catalog(),
    as_json: bool = options.json("the price"),
) -> None:
    """Print the price of one product: unit price, a 730-hour month, source and date."""
    with user_errors():
        catalog, where = _catalog(cloud, catalog_path, region)
        deployment = "multi_az" if multi_az else ""
        p = catalog.price(product, where, purchase, engine=engine, deployment=deployment)
    if as_json:
        print_json(_json(p, _PRICE_FIELDS))
        return
    for line in _price_lines(p):
        out.print(line, markup=False, highlight=False)


def _price_lines(p: Price) -> list[str]:
    lines = [
        f"{p.cloud} {p.product} in {p.region} ({p.purchase}"
        + "".join(f", {x}" for x in (p.engine, p.deployment) if x)
        + ")",
        f"  {format_rate(p.unit_price, p.currency)} per {p.unit}",
    ]
    if p.hourly:
        lines.append(f"  {format_rate(p.monthly, p.currency)} per month (730 hours)")
    if p.vcpu is not None or p.memory_gib is not None:
        lines.append(f"  {_fmt(p.vcpu) or '-'} vCPU, {_fmt(p.memory_gib) or '-'} GiB")
    lines.append(f"  source: {p.source}")
    lines.append(f"  as of {p.as_of}")
    return lines


@catalog_app.command("list")
def list_products(
    cloud: str = typer.Option("aws", "--cloud", help="aws, gcp or azure."),
    region: str | None = typer.Option(None, "--region", help="Region (default: the base region)."),
    category: str | None = typer.Option(
        None, "--category", help="compute, database, cache, block_storage, ..."
    ),
    family: str | None = typer.Option(None, "--family", help="Instance family, e.g. m7g."),
    min_vcpu: float | None = typer.Option(None, "--min-vcpu", help="At least this many vCPU."),
    min_memory: float | None = typer.Option(None, "--min-memory", help="At least this many GiB."),
    purchase: str = typer.Option("on_demand", "--purchase", help="Purchase option."),
    engine: str | None = typer.Option(None, "--engine", help="postgres, mysql or redis."),
    deployment: str | None = typer.Option(
        None, "--deployment", help="single_az or multi_az (databases, caches)."
    ),
    arch: str | None = typer.Option(None, "--arch", help="x86_64 or arm64."),
    generation: str | None = typer.Option(None, "--generation", help="current or previous."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Show the cheapest N only."),
    catalog_path: Path | None = options.catalog(),
    as_json: bool = options.json("the rows"),
) -> None:
    """List products in a region sorted by price, filtered by family, size, engine ..."""
    with user_errors():
        catalog, where = _catalog(cloud, catalog_path, region)
        rows = catalog.products(
            where,
            category=category,
            family=family,
            purchase=purchase,
            min_vcpu=min_vcpu,
            min_memory_gib=min_memory,
            engine=engine,
            deployment=deployment,
            arch=arch,
            generation=generation,
        )
    rows = rows[:limit] if limit is not None else rows
    if as_json:
        print_json([_json(p, (*_PRICE_FIELDS, *_ROW_FIELDS)) for p in rows])
    elif not rows:
        err.print(f"no {cloud} products in {where} match these filters", markup=False)
    else:
        title = f"{cloud} {where} {purchase} ({catalog.currency}, prices as of {catalog.as_of})"
        out.print(_products_table(title, rows))


def _products_table(title: str, rows: Sequence[Price]) -> Table:
    columns = ("product", "category", "vCPU", "GiB", "engine", "deployment", "unit")
    products = table(
        title, (*columns, "unit price", "monthly"), {"vCPU", "GiB", "unit price", "monthly"}
    )
    for p in rows:
        products.add_row(
            p.product,
            p.category,
            _fmt(p.vcpu),
            _fmt(p.memory_gib),
            p.engine,
            p.deployment,
            p.unit,
            format_rate(p.unit_price, p.currency),
            format_money(p.monthly, p.currency),
        )
    return products


@catalog_app.command("refresh")
def refresh(
    cloud: str = typer.Argument(..., help="aws, azure or gcp."),
    regions: list[str] = typer.Option(..., "--region", help="Region to fetch (repeatable)."),
    out_path: Path = typer.Option(..., "--out", help="Catalog CSV to write (atomically)."),
    services: list[str] | None = typer.Option(
        None,
        "--service",
        help="aws: ec2, rds, elasticache, ebs; azure: vm, egress; gcp: compute, egress "
        "(repeatable; default all).",
    ),
    base: Path | None = typer.Option(
        None, "--base", help="Catalog to merge into (default: --out if it exists, else shipped)."
    ),
    verbose: bool = typer.Option(False, "--verbose", help="List every skipped price entry."),
    max_drop: float = typer.Option(
        25,
        "--max-drop",
        min=0,
        max=100,
        help="Refuse the refresh when more than this percent of the products the catalog "
        "has for these regions and services is missing from the answer.",
    ),
) -> None:
    """Rebuild rows from the cloud's price API: AWS Price List (boto3 credentials), Azure
    Retail Prices (public), Cloud Billing Catalog (GOOGLE_API_KEY)."""
    with user_errors():
        check_output_file(out_path, "--out")
        with (
            err.status(f"fetching {cloud} prices...") as status,
            output_errors(out_path, "the catalog"),
        ):
            result = _refresh(
                cloud,
                regions,
                out_path,
                services,
                _Options(base, lambda what: status.update(f"fetching {what}..."), max_drop / 100),
            )
    out.print(
        f"wrote {result.written} rows to {result.out} "
        f"({result.fetched} fetched: {result.replaced} replaced, {result.added} added; "
        f"{len(result.skipped)} price entries skipped)",
        markup=False,
        highlight=False,
    )
    if verbose:
        for line in result.skipped:
            err.print(f"skipped: {line}", markup=False)


@dataclass(frozen=True)
class _Options:
    """How a refresh merges and reports: its base catalog, progress line and largest drop."""

    base: Path | None
    progress: Callable[[str], None]
    max_drop: float


def _refresh(
    cloud: str,
    regions: Sequence[str],
    out_path: Path,
    services: Sequence[str] | None,
    o: _Options,
) -> RefreshResult:
    """The refresh of one cloud (each adapter loads only when asked for)."""
    known, adapter = _adapter(cloud)
    wanted = tuple(services) if services else known
    return adapter(
        regions, out_path, services=wanted, base=o.base, progress=o.progress, max_drop=o.max_drop
    )


def _adapter(cloud: str) -> tuple[Sequence[str], Callable[..., RefreshResult]]:
    """A cloud's refresh services and function."""
    if cloud == "aws":
        from ..catalog import refresh_aws as aws

        return aws.SERVICES, aws.refresh_aws
    if cloud == "azure":
        from ..catalog import refresh_azure as azure

        return azure.SERVICES, azure.refresh_azure
    if cloud == "gcp":
        from ..catalog import refresh_gcp as gcp

        return gcp.SERVICES, gcp.refresh_gcp
    raise CatalogError(f"unknown cloud {cloud!r}{hint(cloud, CLOUDS)}; expected aws, azure or gcp")
