"""Report history: two scheduled runs in a row, driven as the workflow drives them, show a
recommendation removed between them as realised (with the saving the bill shows), the new
ones, the open ones with their age, and the trend; overlapping runs never corrupt it."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from devops_plan.billing.history import append_run, load_runs
from devops_plan.billing.report import run_report
from devops_plan.cli import app
from tests.billing_fixtures import focus_row, write_csv

runner = CliRunner()


def _snapshot(rid: str, month: datetime, cost: str = "10") -> dict[str, str]:
    """An old snapshot (a waste recommendation worth its bill) billed over one month."""
    end = (month + timedelta(days=32)).replace(day=1)
    return focus_row(
        ResourceId=rid,
        ResourceType="Snapshot",
        ConsumedUnit="GB-Mo",
        BilledCost=cost,
        Tags=json.dumps({"created": "2023-01-01", "environment": "prod", "owner": "me"}),
        ChargePeriodStart=f"{month:%Y-%m-%d %H:%M:%S}",
        ChargePeriodEnd=f"{end:%Y-%m-%d %H:%M:%S}",
    )


def _run(tmp_path: Path, name: str, rows: list[dict[str, str]], history: Path) -> dict:
    bill = write_csv(tmp_path / f"{name}.csv", rows)
    out = tmp_path / name
    args = ["report", "--billing", str(bill), "--history", str(history), "--out", str(out)]
    result = runner.invoke(app, [*args, "--format", "json,md,html"])
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text())


def test_two_runs_in_a_row_show_a_realised_saving(tmp_path: Path) -> None:
    history = tmp_path / "history"
    september, october = datetime(2024, 9, 1), datetime(2024, 10, 1)
    first = _run(
        tmp_path,
        "september",
        [_snapshot("snap-gone", september), _snapshot("snap-kept", september)],
        history,
    )
    assert first["history"]["last_run"] == "" and len(first["history"]["trend"]) == 1
    second = _run(
        tmp_path,
        "october",
        [_snapshot("snap-kept", october), _snapshot("snap-new", october)],
        history,
    )
    h = second["history"]
    assert h["last_run"] == "2024-10-01"
    (realised,) = h["realised"]
    # snap-gone cost 10.14 a month in September (10 over 720 hours) and nothing now.
    assert (realised["resource_id"], realised["realised_monthly_savings"]) == ("snap-gone", "10.14")
    assert h["realised_monthly_total"] == "10.14"
    assert [(c["resource_id"], c["age_days"]) for c in h["open"]] == [("snap-kept", 31)]
    assert [c["resource_id"] for c in h["new"]] == ["snap-new"]
    assert [t["period_end"] for t in h["trend"]] == ["2024-10-01", "2024-11-01"]
    md = (tmp_path / "october" / "report.md").read_text()
    assert "1 recommendation(s) realised (10.14 USD a month less on the bill)" in md
    assert "realised" in (tmp_path / "october" / "report.html").read_text()
    assert len(list(history.glob("run-*.parquet"))) == 2


def test_overlapping_runs_never_corrupt_the_history(tmp_path: Path) -> None:
    bill = write_csv(tmp_path / "b.csv", [_snapshot("snap-1", datetime(2024, 9, 1))])
    report = run_report([bill])
    errors: list[BaseException] = []

    def append() -> None:
        try:
            for _ in range(20):
                append_run(report, tmp_path / "h")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    runs, notes = load_runs(tmp_path / "h")
    assert notes == [] and len(runs) == 1  # one period: the file is replaced, never mixed
    assert runs[0].monthly_billed == report.monthly_billed_cost
    assert [p.name for p in (tmp_path / "h").iterdir()] == [
        "run-20240901T0000-20241001T0000-USD.parquet"
    ]


def test_a_damaged_history_file_is_a_note(tmp_path: Path) -> None:
    history = tmp_path / "h"
    history.mkdir()
    (history / "run-bad.parquet").write_bytes(b"not parquet")
    data = _run(tmp_path, "one", [_snapshot("snap-1", datetime(2024, 9, 1))], history)
    assert data["history"]["notes"] == [
        "history file run-bad.parquet could not be read (ArrowInvalid)"
    ]
    assert Decimal(data["totals"]["billed_cost"]) == Decimal(10)


def test_a_history_folder_that_cannot_take_the_run_is_one_line(tmp_path: Path) -> None:
    bill = write_csv(tmp_path / "b.csv", [_snapshot("snap-1", datetime(2024, 9, 1))])
    a_file = tmp_path / "history.txt"
    a_file.write_text("not a folder")
    for history in (a_file, a_file / "under"):
        out = tmp_path / "out"
        args = ["report", "--billing", str(bill), "--history", str(history), "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        reason = "File exists" if history == a_file else "Not a directory"
        assert result.output.strip().splitlines() == [
            f"{history}: cannot write the report history: {reason}"
        ]
    assert a_file.read_text() == "not a folder"


def test_a_currency_from_the_bill_never_places_a_run_outside_the_folder(tmp_path: Path) -> None:
    # Before: BillingCurrency '/../../escaped' wrote tmp_path/escaped.parquet, outside the
    # history folder (the currency was part of the file name as it was).
    history = tmp_path / "a" / "b" / "history"
    rows = [focus_row(BillingCurrency="/../../../escaped"), focus_row(BillingCurrency="EUR")]
    written = []
    for i, row in enumerate(rows):
        report = run_report([write_csv(tmp_path / f"{i}.csv", [row])])
        written.append(append_run(report, history))
    assert sorted(p.parent for p in tmp_path.rglob("*.parquet")) == [history, history]
    assert written[1].name == "run-20240901T0000-20240901T0100-EUR.parquet"
    runs, notes = load_runs(history)
    assert notes == [] and sorted(r.currency for r in runs) == ["/../../../escaped", "EUR"]
