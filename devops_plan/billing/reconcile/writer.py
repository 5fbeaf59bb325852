"""A reconciliation as files: reconciliation.json (every figure, money as 2-decimal strings whose
rows add up to their totals to the cent), reconciliation.md, reconciliation.html (charts inline) and
reconciliation.csv (one row per component and per unplanned resource). Written to temporary names
and renamed; the same reconciliation gives the same bytes. Text from the bill is escaped for
each format as in the cost report (`devops_plan.escape`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ... import escape
from ...atomic import write_atomic
from ...errors import UserError
from ...units import round_cents
from ..charts import data_uri
from ..writer import template_environment
from .charts import drift_waterfall, planned_vs_actual
from .model import Reconciliation, cents

SCHEMA = "devops-plan/reconcile/1"
FORMATS = ("json", "md", "html", "csv")
FILE_NAMES = {
    "json": "reconciliation.json",
    "md": "reconciliation.md",
    "html": "reconciliation.html",
    "csv": "reconciliation.csv",
}
CSV_COLUMNS = (
    "row",
    "service",
    "component",
    "resource_id",
    "planned",
    "actual",
    "difference",
    "percent",
    "drift",
    "causes",
)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value + 0:.1f}".replace("-0.0", "0.0")


def reconciliation_to_dict(rec: Reconciliation) -> dict[str, Any]:
    """The reconciliation as JSON-ready data; the rounded rows add up to the rounded totals."""
    actual = cents([r.actual for r in rec.rows] + [u.billed for u in rec.unplanned])
    planned = cents([r.planned for r in rec.rows])
    mapped = sum(actual[: len(rec.rows)], Decimal(0))
    components = [_component(r, planned[i], actual[i]) for i, r in enumerate(rec.rows)]
    unplanned = [
        {
            "provider": u.provider,
            "service": u.service,
            "resource_id": u.resource_id,
            "cause": u.cause,
            "billed": _money(actual[len(rec.rows) + i]),
            "drift": u.drift,
        }
        for i, u in enumerate(rec.unplanned)
    ]
    return {
        "schema": SCHEMA,
        "design": rec.design,
        "cloud": rec.cloud,
        "currency": rec.currency,
        "period": {
            "start": rec.period.start.isoformat(),
            "end": rec.period.end.isoformat(),
            "hours": f"{rec.period.hours:f}",
        },
        "drift": rec.drifted,
        "totals": {
            "billed": _money(round_cents(rec.billed_total)),
            "billed_exact": f"{rec.billed_total:f}",
            "mapped": _money(mapped),
            "unplanned": _money(round_cents(rec.billed_total) - mapped),
            "planned": _money(round_cents(rec.planned_total)),
            "planned_monthly": _money(rec.planned_monthly),
            "difference": _money(round_cents(rec.billed_total) - round_cents(rec.planned_total)),
        },
        "by_service": _by_service(rec, planned, actual),
        "components": components,
        "unplanned": unplanned,
        "data_quality": {
            "rows_rejected": rec.rows_rejected,
            "rows_implausible": rec.rows_implausible,
            "inputs": [{"source": i.source, "rows": i.row_count} for i in rec.inputs],
            "notes": list(rec.notes),
        },
        "settings": rec.settings.model_dump(mode="json"),
    }


def _component(r: Any, planned: Decimal, actual: Decimal) -> dict[str, Any]:
    return {
        "service": r.service,
        "component": r.component,
        "regions": list(r.regions),
        "planned": _money(planned),
        "actual": _money(actual),
        "difference": _money(actual - planned),
        "percent": _percent(r.percent),
        "mapped_by_tags": _money(round_cents(r.by_tag)),
        "drift": r.drift,
        "causes": list(r.causes),
        "quantities": [
            {"measure": q.measure, "planned": f"{q.planned:.3f}", "actual": f"{q.actual:.3f}"}
            for q in r.quantities
        ],
    }


def _by_service(
    rec: Reconciliation, planned: list[Decimal], actual: list[Decimal]
) -> list[dict[str, Any]]:
    totals: dict[str, list[Decimal]] = {}
    for i, r in enumerate(rec.rows):
        entry = totals.setdefault(r.service, [Decimal(0), Decimal(0)])
        entry[0] += planned[i]
        entry[1] += actual[i]
    return [
        {"service": s, "planned": _money(p), "actual": _money(a), "difference": _money(a - p)}
        for s, (p, a) in totals.items()
    ]


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_markdown(rec: Reconciliation, data: dict[str, Any]) -> str:
    env = template_environment(rec.currency, markdown=True)
    return env.get_template("reconcile.md.j2").render(r=data, days=f"{rec.period.days:g}")


def render_html(rec: Reconciliation, data: dict[str, Any]) -> str:
    env = template_environment(rec.currency)
    return env.get_template("reconcile.html.j2").render(
        r=data,
        days=f"{rec.period.days:g}",
        bars=data_uri(planned_vs_actual(rec)),
        waterfall=data_uri(drift_waterfall(rec)),
    )


def render_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in data["components"]:
        cells = ("component", c["service"], c["component"], "", c["planned"], c["actual"])
        writer.writerow(_csv_texts(cells, c["difference"], c["percent"], c["drift"], c["causes"]))
    for u in data["unplanned"]:
        cells = ("unplanned", u["service"], "", u["resource_id"], "0.00", u["billed"])
        writer.writerow(_csv_texts(cells, u["billed"], None, u["drift"], [u["cause"]]))
    return buffer.getvalue()


def _csv_texts(
    cells: tuple[str, ...], difference: str, percent: str | None, drift: bool, causes: Iterable[str]
) -> list[str]:
    """A CSV row: text from the plan or the bill never runs as a spreadsheet formula."""
    texts = [escape.csv_cell(escape.terminal(c)) for c in cells[:4]]
    cause = escape.csv_cell(escape.terminal("; ".join(causes)))
    return [*texts, *cells[4:], difference, percent or "", "yes" if drift else "no", cause]


def write_reconciliation(
    rec: Reconciliation, out_dir: str | Path, formats: Iterable[str] = ("json", "html")
) -> list[Path]:
    """The chosen formats in `out_dir`; the paths written, in FORMATS order."""
    wanted = set(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise UserError(f"unknown reconcile format(s): {', '.join(sorted(unknown))}")
    data = reconciliation_to_dict(rec)
    written = []
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        if fmt == "json":
            text = render_json(data)
        elif fmt == "md":
            text = render_markdown(rec, data)
        elif fmt == "html":
            text = render_html(rec, data)
        else:
            text = render_csv(data)
        path = Path(out_dir) / FILE_NAMES[fmt]
        write_atomic(path, text)
        written.append(path)
    return written
