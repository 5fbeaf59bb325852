"""The scheduled cost report's workflow, read as a platform team would: actions pinned by
commit, no persisted credentials, inputs through env: only, a real window, the history kept,
the summary written; and scripts/report-window.sh computes the window it claims.
(`make lint` runs check-jsonschema and zizmor on every workflow.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .billing_fixtures import focus_row, write_csv
from .conftest import DESIGNS, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
COST_REPORT = ROOT / ".github" / "workflows" / "cost-report.yml"


def _steps(path: Path) -> list[dict]:
    data = YAML(typ="safe").load(path.read_text())
    return [s for job in data["jobs"].values() for s in job["steps"]]


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_and_checkout_keeps_no_credentials(path: Path) -> None:
    for step in _steps(path):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        # Expressions with user input are passed through env:, never expanded into a script.
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_cost_report_keeps_its_history_and_writes_the_summary() -> None:
    text = COST_REPORT.read_text()
    steps = {s.get("name", s.get("uses", "")): s for s in _steps(COST_REPORT)}
    assert "AWS_ROLE_ARN is not" in steps["Check the configuration"]["run"]
    assert "report-window.sh" in steps["The window"]["run"]
    assert "aws s3 sync" in steps["Fetch the window's billing exports"]["run"]
    assert "--recursive" not in text  # never the whole prefix
    assert "history=history" in steps["Run the cost report notebook headless"]["run"]
    assert "$GITHUB_STEP_SUMMARY" in steps["Job summary"]["run"]
    restore = steps["Restore the history and the synced exports"]
    save = steps["Save the history and the synced exports"]
    assert "history" in restore["with"]["path"] and "history" in save["with"]["path"]
    assert "reconcile" in steps["Plan against bill"]["run"]


def _window(**env: str) -> dict[str, str]:
    result = subprocess.run(
        ["sh", str(ROOT / "scripts" / "report-window.sh")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines())


def test_the_window_is_the_last_full_week_or_month() -> None:
    # A Monday: the week before it; a Saturday: the week before the current one.
    assert _window(TODAY="2026-12-07") == {
        "since": "2026-11-30",
        "until": "2026-12-07",
        "months": "2026-11 2026-12",
    }
    assert _window(TODAY="2026-12-05")["since"] == "2026-11-23"
    assert _window(TODAY="2026-12-05", INPUT_WINDOW="month") == {
        "since": "2026-11-01",
        "until": "2026-12-01",
        "months": "2026-11",
    }
    assert _window(INPUT_SINCE="2024-08-20", INPUT_UNTIL="2024-10-02")["months"] == (
        "2024-08 2024-09 2024-10"
    )


@pytest.mark.parametrize(
    "env",
    [
        {"INPUT_SINCE": "$(touch /tmp/pwned)", "INPUT_UNTIL": "2024-10-01"},
        {"INPUT_SINCE": "2024-10-01", "INPUT_UNTIL": "2024-09-01"},
        {"INPUT_WINDOW": "year"},
    ],
)
def test_a_bad_window_is_one_error(env: dict[str, str]) -> None:
    result = subprocess.run(
        ["sh", str(ROOT / "scripts" / "report-window.sh")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.startswith("::error::"), result.stderr
    assert not Path("/tmp/pwned").exists()


def test_plan_against_bill_reads_every_month_of_the_window(tmp_path: Path) -> None:
    """The step run as the workflow runs it (bash, the real command): a week that crosses a
    month boundary syncs two partitions, and both are reconciled. Before: `--billing a b`
    failed with "Got unexpected extra argument(s)" (reconcile's one argument is the design)."""
    step = {s.get("name"): s for s in _steps(COST_REPORT)}["Plan against bill"]
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "devops-plan").symlink_to(Path(sys.executable).parent / "devops-plan")
    months = []
    for month, cost in (("2024-09", "1.5"), ("2024-10", "2.25")):
        folder = tmp_path / "input" / f"BILLING_PERIOD={month}"
        start = f"{month}-30 23:00:00" if month == "2024-09" else f"{month}-01 00:00:00"
        end = "2024-10-01 00:00:00" if month == "2024-09" else f"{month}-01 01:00:00"
        row = focus_row(BilledCost=cost, ChargePeriodStart=start, ChargePeriodEnd=end)
        write_csv(folder / "part-0.csv", [row])
        months.append(str(folder.relative_to(tmp_path)))
    env = {**os.environ, "BILLING": ",".join(months), "DESIGN_FILE": str(DESIGNS / "startup.yaml")}
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out/cost-report/reconcile/reconciliation.json").read_text())
    assert data["totals"]["billed"] == "3.75"
    assert [i["source"] for i in data["data_quality"]["inputs"]] == [
        f"{m}/part-0.csv" for m in months
    ]
