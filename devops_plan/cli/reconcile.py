"""`devops-plan reconcile`: the plan of a design against the bill, per service and component,
with the drift explained; exit 3 with `--fail-on drift` when anything drifts (for CI)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .. import escape
from ..billing.reconcile import (
    FORMATS,
    Reconciliation,
    month_period,
    plan_of,
    reconcile_spend,
    reconciliation_to_dict,
    write_reconciliation,
)
from ..billing.sources.staging import InputLimits
from ..config.models import ReconcileSettings
from ..errors import UserError
from ..units import format_money
from . import options
from ._common import command_app, configure, out, print_json, user_errors
from .spend_source import (
    AthenaOptions,
    Billing,
    Currency,
    Database,
    EngineName,
    Globs,
    MemoryLimit,
    Output,
    Region,
    SpendSource,
    TableName,
    Workgroup,
    writing_into,
)

app = command_app()

DRIFT_EXIT = 3

Period = Annotated[
    str | None,
    typer.Option(
        "--period", metavar="YYYY-MM", help="The month to reconcile (YYYY-MM); all by default."
    ),
]
OutDir = Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the files written.")]
Formats = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="FORMATS",
        help=f"Any of table,{','.join(FORMATS)} (table: the terminal).",
    ),
]
FailOn = Annotated[
    str | None,
    typer.Option("--fail-on", metavar="drift", help="drift: exit 3 when any component drifts."),
]
DriftPct = Annotated[
    float | None,
    typer.Option(
        "--drift-pct",
        metavar="PERCENT",
        help="Drift past this percent of the plan (default 10, or `reconcile.drift_pct` in "
        "devops-plan.toml).",
    ),
]
DriftMin = Annotated[
    str | None,
    typer.Option(
        "--drift-min-amount",
        metavar="AMOUNT",
        help="... and at least this amount (default 1.00, or `reconcile.drift_min_amount`).",
    ),
]
AsJson = Annotated[
    bool, typer.Option("--json", metavar="", help="Print reconciliation.json to stdout.")
]


def _formats(text: str) -> tuple[set[str], bool]:
    wanted = {f.strip().lower() for f in text.split(",") if f.strip()}
    unknown = wanted - {"table", *FORMATS}
    if unknown or not wanted:
        raise UserError(
            f"--format: unknown format(s) {', '.join(sorted(unknown)) or '(none)'}; "
            f"choose from table, {', '.join(FORMATS)}"
        )
    return wanted - {"table"}, "table" in wanted


@app.command()
def reconcile(
    design: Path = options.design(),
    billing: Billing = None,
    period: Period = None,
    out_dir: OutDir = Path("out/reconcile"),
    formats: Formats = "table,json,html",
    fail_on: FailOn = None,
    drift_pct: DriftPct = None,
    drift_min_amount: DriftMin = None,
    currency: Currency = None,
    globs: Globs = None,
    engine_name: EngineName = "duckdb",
    database: Database = None,
    table: TableName = None,
    output: Output = None,
    workgroup: Workgroup = None,
    region: Region = None,
    memory_limit: MemoryLimit = "1GB",
    as_json: AsJson = False,
    catalog: Path | None = options.catalog(),
) -> None:
    """Compare a design's plan with the bill: drift per service and component.

    Every billed cent is mapped onto the plan's services and components or listed as
    unplanned, with the drift per component and its likely cause; --fail-on drift exits 3.

    \b
    Example:
      devops-plan reconcile design.yaml --billing focus-2025-09.csv.gz --period 2025-09
    """
    with user_errors():
        if fail_on not in (None, "drift"):
            raise UserError(f"--fail-on {fail_on!r}: expected drift")
        files, table_wanted = _formats(formats)
        since, until = month_period(period) if period else (None, None)
        settings, catalog_dir = _configured(design, catalog, drift_pct, drift_min_amount)
        plan = plan_of(design, catalog_dir)
        athena = AthenaOptions(database, table, output, workgroup)
        source = SpendSource(
            engine_name,
            list(billing or []),
            False,
            athena,
            region,
            memory_limit,
            tuple(globs or ()),
        )
        spend = source.collect(since, until, currency, InputLimits(), plan.currency)
        result = reconcile_spend(plan, spend, settings, catalog_dir)
        written = _write(result, out_dir, files)
    if as_json:  # stdout is the JSON alone, for a pipe (as `report --json`)
        print_json(reconciliation_to_dict(result))
    else:
        if table_wanted:
            _print(result)
        for path in written:
            out.print(f"wrote {path}", markup=False, highlight=False)
    if fail_on == "drift" and result.drifted:
        raise typer.Exit(DRIFT_EXIT)


def _configured(
    design: Path, catalog: Path | None, drift_pct: float | None, drift_min: str | None
) -> tuple[ReconcileSettings, Path | None]:
    """The drift thresholds and the catalog folder: devops-plan.toml's [reconcile] and
    `catalog`, then DEVOPS_PLAN_*, then these flags."""
    flags = {
        "catalog": catalog,
        "reconcile.drift_pct": drift_pct,
        "reconcile.drift_min_amount": drift_min,
    }
    config = configure(design, flags)
    return config.settings.reconcile, config.settings.catalog


def _write(result: Reconciliation, out_dir: Path, files: set[str]) -> list[Path]:
    if not files:
        return []
    with writing_into(out_dir, "reconciliation"):
        return write_reconciliation(result, out_dir, files)


def _text(value: str) -> Text:
    return Text(escape.terminal(value, one_line=True))


def _print(result: Reconciliation) -> None:
    # The figures of reconciliation.json: rows rounded so that they add up to the totals
    # and each difference is its billed less its planned, as in every file.
    data = reconciliation_to_dict(result)
    cur = result.currency

    def money(value: str, signed: bool = False) -> str:
        return format_money(Decimal(value), cur, signed=signed)

    totals = data["totals"]
    out.print(
        f"{result.design}: {result.period.start:%Y-%m-%d} to {result.period.end:%Y-%m-%d}, "
        f"planned {money(totals['planned'])}, billed {money(totals['billed'])} "
        f"(mapped {money(totals['mapped'])}, unplanned {money(totals['unplanned'])})",
        markup=False,
        highlight=False,
    )
    table = Table(title="Plan against bill", title_justify="left")
    for name in (
        "Service",
        "Component",
        "Planned",
        "Billed",
        "Difference",
        "Drift",
        "Likely cause",
    ):
        table.add_column(
            name, justify="right" if name in ("Planned", "Billed", "Difference") else "left"
        )
    for r, row in zip(result.rows, data["components"], strict=True):
        table.add_row(
            _text(r.service),
            _text(r.component),
            money(row["planned"]),
            money(row["actual"]),
            money(row["difference"], signed=True),
            "yes" if r.drift else "",
            _text("; ".join(r.causes)),
        )
    for u, row in zip(result.unplanned[:20], data["unplanned"], strict=False):
        table.add_row(
            _text(u.service),
            _text(u.resource_id or "(no resource id)"),
            "-",
            money(row["billed"]),
            money(row["billed"], signed=True),
            "yes" if u.drift else "",
            _text(u.cause),
        )
    out.print(table)
    if len(result.unplanned) > 20:
        out.print(f"... and {len(result.unplanned) - 20} more unplanned resources in the files")
    if result.drifted:
        out.print("Drift found.", markup=False)
