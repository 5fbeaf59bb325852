"""`devops-plan price` and `devops-plan catalog list|refresh`: look prices up, browse, refresh."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import options
from ._common import command_app, configure, emit, err, out, pick_format, user_errors

if TYPE_CHECKING:
    from ..catalog import Catalog, Price
    from ..catalog.refresh import RefreshResult
    from ..render.tables import TextTable

price_app = command_app()
catalog_app = command_app(
    help="Browse the price catalogs and refresh them from the clouds' price APIs.",
    no_args_is_help=True,
)


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
    """The cloud's catalog (from --catalog, a folder or one CSV, else the configuration's
    folder, else the shipped one) and the region to look in (default: the base region)."""
    from ..catalog import BASE_REGIONS, CLOUDS, catalog_path, load_catalog
    from ..errors import CatalogError

    if cloud not in CLOUDS:
        raise CatalogError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
    config = configure(None, {"catalog": given})
    found = catalog_path(cloud, config.settings.catalog)
    return load_catalog(cloud, found), region or BASE_REGIONS[cloud]


def _format(fmt: str | None, as_json: bool, out_path: Path | None) -> str:
    given = "json" if as_json else fmt
    config = configure(None, {"output.price": given})
    return pick_format("price", given, out_path, config.settings.output.price)


def _csv(rows: Sequence[Price], fields: Sequence[str]) -> str:
    from ..render.tables import csv_text

    return csv_text(fields, ([_json(p, fields)[f] for f in fields] for p in rows))


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


@price_app.command("price")
def price(
    cloud: str = typer.Argument(..., metavar="CLOUD", help="aws, gcp or azure."),
    product: str = typer.Argument(
        ..., metavar="PRODUCT", help="Product id, e.g. m5.large, ebs-gp3, db.m6g.large."
    ),
    region: str | None = typer.Option(
        None,
        "--region",
        metavar="REGION",
        help="Region (default: aws us-east-1, gcp us-central1, azure eastus).",
    ),
    purchase: str = typer.Option(
        "on_demand",
        "--purchase",
        metavar="OPTION",
        help="on_demand, spot, reserved_1y, reserved_3y, savings_plan_1y, savings_plan_3y.",
    ),
    engine: str = typer.Option(
        "", "--engine", metavar="ENGINE", help="postgres, mysql or redis (databases)."
    ),
    multi_az: bool = typer.Option(
        False, "--multi-az", metavar="", help="Multi-AZ / HA deployment."
    ),
    catalog_path: Path | None = options.catalog(),
    fmt: str | None = options.output_format("table, json or csv"),
    out_path: Path | None = options.out("the price"),
    as_json: bool = options.json("the price"),
) -> None:
    """Print the price of one product: unit price, month, source, date.

    The month is 730 hours.

    \b
    Examples:
      devops-plan price aws m5.large --region eu-west-1
      devops-plan price aws db.m6g.large --engine postgres --multi-az --format json
    """
    with user_errors():
        chosen = _format(fmt, as_json, out_path)
        catalog, where = _catalog(cloud, catalog_path, region)
        deployment = "multi_az" if multi_az else ""
        p = catalog.price(product, where, purchase, engine=engine, deployment=deployment)
        if chosen == "json":
            emit(json.dumps(_json(p, _PRICE_FIELDS), indent=2) + "\n", out_path)
        elif chosen == "csv":
            emit(_csv([p], _PRICE_FIELDS), out_path)
        else:
            emit("".join(line + "\n" for line in _price_lines(p)), out_path)


def _price_lines(p: Price) -> list[str]:
    from ..units import format_rate

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


def _text(flag: str, metavar: str, help_text: str) -> Any:
    return typer.Option(None, flag, metavar=metavar, help=help_text)


@catalog_app.command("list")
def list_products(
    cloud: str = typer.Option("aws", "--cloud", metavar="CLOUD", help="aws, gcp or azure."),
    region: str | None = _text("--region", "REGION", "Region (default: the base region)."),
    category: str | None = _text(
        "--category", "CATEGORY", "compute, database, cache, block_storage, ..."
    ),
    family: str | None = _text("--family", "FAMILY", "Instance family, e.g. m7g."),
    min_vcpu: float | None = _text("--min-vcpu", "N", "At least this many vCPU."),
    min_memory: float | None = _text("--min-memory", "GIB", "At least this many GiB."),
    purchase: str = typer.Option(
        "on_demand", "--purchase", metavar="OPTION", help="Purchase option."
    ),
    engine: str | None = _text("--engine", "ENGINE", "postgres, mysql or redis."),
    deployment: str | None = _text(
        "--deployment", "DEPLOYMENT", "single_az or multi_az (databases, caches)."
    ),
    arch: str | None = _text("--arch", "ARCH", "x86_64 or arm64."),
    generation: str | None = _text("--generation", "GENERATION", "current or previous."),
    limit: int | None = typer.Option(
        None, "--limit", min=1, metavar="N", help="Show the cheapest N only."
    ),
    catalog_path: Path | None = options.catalog(),
    fmt: str | None = options.output_format("table, json or csv"),
    out_path: Path | None = options.out("the rows"),
    as_json: bool = options.json("the rows"),
) -> None:
    """List products in a region sorted by price, filtered by family, size, engine ...

    \b
    Example:
      devops-plan catalog list --cloud aws --family m7g --min-memory 16 --limit 5
    """
    filters = {
        "category": category,
        "family": family,
        "purchase": purchase,
        "min_vcpu": min_vcpu,
        "min_memory_gib": min_memory,
        "engine": engine,
        "deployment": deployment,
        "arch": arch,
        "generation": generation,
    }
    with user_errors():
        chosen = _format(fmt, as_json, out_path)
        catalog, where = _catalog(cloud, catalog_path, region)
        rows = catalog.products(where, **filters)  # type: ignore[arg-type]
        rows = rows[:limit] if limit is not None else rows
        empty = f"no {cloud} products in {where} match these filters"
        _print_rows(chosen, rows, out_path, f"{cloud} {where} {purchase}", catalog, empty)


def _print_rows(
    chosen: str,
    rows: Sequence[Price],
    out_path: Path | None,
    what: str,
    catalog: Catalog,
    empty: str,
) -> None:
    fields = (*_PRICE_FIELDS, *_ROW_FIELDS)
    if chosen == "json":
        emit(json.dumps([_json(p, fields) for p in rows], indent=2) + "\n", out_path)
    elif chosen == "csv":
        emit(_csv(rows, fields), out_path)
    elif not rows:
        err.print(empty, markup=False)
    else:
        from .show import show

        title = f"{what} ({catalog.currency}, prices as of {catalog.as_of})"
        show("table", title, [_products_table(title, rows)], out_path, "")


def _products_table(title: str, rows: Sequence[Price]) -> TextTable:
    from ..render.tables import TextTable
    from ..units import format_money, format_rate

    columns = ("product", "category", "vCPU", "GiB", "engine", "deployment", "unit")
    return TextTable.of(
        title,
        (*columns, "unit price", "monthly"),
        (
            (
                p.product,
                p.category,
                _fmt(p.vcpu),
                _fmt(p.memory_gib),
                p.engine,
                p.deployment,
                p.unit,
                format_rate(p.unit_price, p.currency),
                # a month of one unit is a price for hourly units only (as `price` prints);
                # a GB or GB-month price rounded to the cent read 0.00 USD
                format_money(p.monthly, p.currency) if p.hourly else "",
            )
            for p in rows
        ),
        {"vCPU", "GiB", "unit price", "monthly"},
    )


RefreshRegions = Annotated[
    list[str], typer.Option("--region", metavar="REGION", help="Region to fetch (repeatable).")
]
RefreshServices = Annotated[
    list[str] | None,
    typer.Option(
        "--service",
        metavar="SERVICE",
        help="aws: ec2, rds, elasticache, ebs; azure: vm, egress; gcp: compute, egress "
        "(repeatable; default all).",
    ),
]
RefreshBase = Annotated[
    Path | None,
    typer.Option(
        "--base",
        metavar="FILE",
        help="Catalog to merge into (default: --out if it exists, else shipped).",
    ),
]
MaxDrop = Annotated[
    float,
    typer.Option(
        "--max-drop",
        min=0,
        max=100,
        metavar="PERCENT",
        help="Refuse the refresh when more than this percent of the products the catalog "
        "has for these regions and services is missing from the answer.",
    ),
]


@catalog_app.command("refresh")
def refresh(
    cloud: Annotated[str, typer.Argument(metavar="CLOUD", help="aws, azure or gcp.")],
    regions: RefreshRegions,
    out_path: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Catalog CSV to write (atomically).")
    ],
    services: RefreshServices = None,
    base: RefreshBase = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", metavar="", help="List every skipped price entry.")
    ] = False,
    max_drop: MaxDrop = 25,
) -> None:
    """Rebuild rows from the cloud's price API: AWS Price List (boto3 credentials), Azure
    Retail Prices (public), Cloud Billing Catalog (GOOGLE_API_KEY).

    \b
    Examples:
      devops-plan catalog refresh aws --region us-east-1 --out pricing/aws.csv
      devops-plan catalog refresh azure --region eastus --out pricing/azure.csv
    """
    from ..atomic import check_output_file, output_errors

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
    from ..catalog import CLOUDS
    from ..catalog.price import hint
    from ..errors import CatalogError

    raise CatalogError(f"unknown cloud {cloud!r}{hint(cloud, CLOUDS)}; expected aws, azure or gcp")
