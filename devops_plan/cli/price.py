"""`devops-plan price` and `devops-plan catalog list|refresh`: look prices up, browse, refresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from ..catalog import BASE_REGIONS, CLOUDS, Catalog, Price, load_catalog
from ..errors import CatalogError
from ._common import app, err, out, print_json, user_errors

catalog_app = typer.Typer(
    help="Browse the price catalogs and refresh them from the AWS Price List API.",
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")


def _number(value: Any) -> float:
    # JSON numbers: a Decimal price has at most ~10 significant digits, exact as a float.
    return float(value)


def _price_json(p: Price) -> dict[str, Any]:
    """The contract of `devops-plan price --json` (docs/pricing.md)."""
    return {
        "cloud": p.cloud,
        "product": p.product,
        "region": p.region,
        "purchase": p.purchase,
        "unit": p.unit,
        "unit_price": _number(p.unit_price),
        "monthly": _number(p.monthly),
        "currency": p.currency,
        "as_of": p.as_of,
        "source": p.source,
    }


def _row_json(p: Price) -> dict[str, Any]:
    return _price_json(p) | {
        "service": p.service,
        "category": p.category,
        "family": p.family,
        "vcpu": p.vcpu,
        "memory_gib": p.memory_gib,
        "arch": p.arch,
        "generation": p.generation,
        "engine": p.engine,
        "deployment": p.deployment,
    }


def _load(cloud: str, catalog_path: Path | None) -> Catalog:
    return load_catalog(cloud, catalog_path)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _money_text(value: Any) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


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
    catalog_path: Path | None = typer.Option(
        None, "--catalog", help="A catalog CSV to use instead of the shipped one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the price as JSON."),
) -> None:
    """Print the price of one product: unit price, a 730-hour month, source and date."""
    with user_errors():
        if cloud not in CLOUDS:
            raise CatalogError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
        catalog = _load(cloud, catalog_path)
        where = region or BASE_REGIONS[cloud]
        deployment = "multi_az" if multi_az else ""
        p = catalog.price(product, where, purchase, engine=engine, deployment=deployment)
    if as_json:
        print_json(_price_json(p))
        return
    lines = [
        f"{p.cloud} {p.product} in {p.region} ({p.purchase}"
        + "".join(f", {x}" for x in (p.engine, p.deployment) if x)
        + ")",
        f"  {_money_text(p.unit_price)} {p.currency} per {p.unit}",
    ]
    if p.hourly:
        lines.append(f"  {_money_text(p.monthly)} {p.currency} per month (730 hours)")
    if p.vcpu is not None or p.memory_gib is not None:
        lines.append(f"  {_fmt(p.vcpu) or '-'} vCPU, {_fmt(p.memory_gib) or '-'} GiB")
    lines.append(f"  source: {p.source}")
    lines.append(f"  as of {p.as_of}")
    for line in lines:
        out.print(line, markup=False, highlight=False)


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
    catalog_path: Path | None = typer.Option(None, "--catalog", help="A catalog CSV to use."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """List products in a region sorted by price, filtered by family, size, engine ..."""
    with user_errors():
        if cloud not in CLOUDS:
            raise CatalogError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
        catalog = _load(cloud, catalog_path)
        where = region or BASE_REGIONS[cloud]
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
    if limit is not None:
        rows = rows[:limit]
    if as_json:
        print_json([_row_json(p) for p in rows])
        return
    if not rows:
        err.print(f"no {cloud} products in {where} match these filters", markup=False)
        return
    table = Table(
        title=f"{cloud} {where} {purchase} ({catalog.currency}, prices as of {catalog.as_of})",
        title_justify="left",
    )
    for name, justify in (
        ("product", "left"),
        ("category", "left"),
        ("vCPU", "right"),
        ("GiB", "right"),
        ("engine", "left"),
        ("deployment", "left"),
        ("unit", "left"),
        ("unit price", "right"),
        ("monthly", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for p in rows:
        table.add_row(
            p.product,
            p.category,
            _fmt(p.vcpu),
            _fmt(p.memory_gib),
            p.engine,
            p.deployment,
            p.unit,
            _money_text(p.unit_price),
            f"{p.monthly:.2f}",
        )
    out.print(table)


@catalog_app.command("refresh")
def refresh(
    cloud: str = typer.Argument(..., help="Only aws is supported."),
    regions: list[str] = typer.Option(..., "--region", help="Region to fetch (repeatable)."),
    out_path: Path = typer.Option(..., "--out", help="Catalog CSV to write (atomically)."),
    services: list[str] | None = typer.Option(
        None, "--service", help="ec2, rds, elasticache, ebs (repeatable; default all)."
    ),
    base: Path | None = typer.Option(
        None, "--base", help="Catalog to merge into (default: --out if it exists, else shipped)."
    ),
    verbose: bool = typer.Option(False, "--verbose", help="List every skipped price entry."),
) -> None:
    """Rebuild AWS rows from the AWS Price List API (boto3 `pricing` GetProducts)."""
    from ..catalog.refresh_aws import SERVICES, refresh_aws

    with user_errors():
        if cloud != "aws":
            raise CatalogError(
                f"catalog refresh supports aws only (got {cloud!r}); the GCP and Azure "
                "catalogs are edited in scripts/build_catalog.py"
            )
        with err.status("fetching AWS prices...") as status:
            result = refresh_aws(
                regions,
                out_path,
                services=tuple(services) if services else SERVICES,
                base=base,
                progress=lambda what: status.update(f"fetching {what}..."),
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
