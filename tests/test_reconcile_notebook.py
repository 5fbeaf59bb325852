"""notebooks/reconcile.ipynb: its parameters, its helpers, and `notebook run reconcile`."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from devops_plan import notebooks as nbk
from devops_plan.billing.reconcile import notebook as rc
from devops_plan.errors import UserError
from tests.billing_fixtures import ROOT

NOTEBOOK = ROOT / "notebooks" / "reconcile.ipynb"
SAMPLE = "data/billing/reconcile-sample.csv.gz"


def test_parameters_are_design_billing_period() -> None:
    info = nbk.find_notebook("reconcile")
    assert [(p.name, p.type) for p in info.parameters] == [
        ("design", "str"),
        ("billing", "str"),
        ("period", "str"),
        ("out_dir", "str"),
    ]
    assert all(p.help.strip() for p in info.parameters)


def test_committed_without_outputs_paired_and_without_logic() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    py = jupytext.read(NOTEBOOK.with_suffix(".py"), fmt="py:percent")
    assert [c.source for c in code] == [c.source for c in py.cells if c.cell_type == "code"]
    for cell in code:
        for line in cell.source.splitlines():
            assert line.strip().split(" ", 1)[0] not in {"def", "class", "for", "while", "if"}


def test_helpers_show_what_the_files_show(tmp_path: Path) -> None:
    rec = rc.reconcile_from_parameters("data/designs/startup.yaml", SAMPLE, "2024-09")
    assert "**Drift found.**" in rc.summary_markdown(rec)
    html = rc.tables_html(rec, "components").data
    assert "<th>Likely cause</th>" in html and "nat-gateway" in html and "USD" in html
    assert "i-0unplanned0000001" in rc.tables_html(rec, "unplanned").data
    assert rc.service_chart(rec).data[:4] == b"\x89PNG"
    assert rc.write_outputs(rec, "") == []
    assert [p.name for p in rc.write_outputs(rec, tmp_path, "json")] == ["reconciliation.json"]
    with pytest.raises(UserError, match="at least one billing export"):
        rc.reconcile_from_parameters("data/designs/startup.yaml", " , ")


@pytest.mark.slow
def test_notebook_run_reconcile(tmp_path: Path) -> None:
    result = nbk.run_notebook(
        "reconcile", out_dir=tmp_path, html=True, parameters={"out_dir": str(tmp_path)}
    )
    names = sorted(p.name for p in result.files)
    assert "reconcile.ipynb" in names and "reconciliation.json" in names
    data = json.loads((tmp_path / "reconciliation.json").read_text())
    assert data["drift"] is True and data["unplanned"][0]["resource_id"] == "i-0unplanned0000001"
