"""The CLI shell: validate, schema, plan, --version, exit codes, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from devops_plan import __version__
from devops_plan.cli import app
from devops_plan.design import json_schema

from .conftest import DESIGNS, ROOT

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"devops-plan {__version__}"


def test_validate_ok_for_every_example() -> None:
    files = sorted(str(p) for p in DESIGNS.glob("*.yaml"))
    code, out, _ = run("validate", *files)
    assert code == 0
    assert out.splitlines() == [f"{f}: ok" for f in files]


def test_validate_errors_go_to_stderr_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DESIGNS / "shop.yaml")
        .read_text()
        .replace("peak_rps: 1500, cpu_ms: 45", "peak_rps: -5, cpu_ms: 45")
    )
    code, out, err = run("validate", str(DESIGNS / "shop.yaml"), str(bad))
    assert code == 2
    assert "shop.yaml: ok" in out
    assert err.strip().startswith(f"{bad}:")
    assert "services[1].load.peak_rps: must be greater than 0 (got -5)" in err
    assert "Traceback" not in err


def test_validate_json(tmp_path: Path) -> None:
    code, out, _ = run(
        "validate", "--json", str(DESIGNS / "shop.yaml"), str(tmp_path / "missing.yaml")
    )
    assert code == 2
    data = json.loads(out)
    assert data[0]["ok"] is True and data[1]["ok"] is False
    assert data[1]["problems"][0]["message"] == "no such file"


def test_schema_is_json_schema_and_the_committed_copy_is_current() -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "devops-plan design file"
    assert {"name", "regions", "services"} <= set(schema["required"])
    committed = json.loads((ROOT / "docs" / "design.schema.json").read_text())
    assert committed == json_schema(), "run: devops-plan schema > docs/design.schema.json"


def test_plan_json_and_out(tmp_path: Path) -> None:
    code, out, _ = run("plan", str(DESIGNS / "shop.yaml"), "--json")
    assert code == 0
    assert json.loads(out)["design"] == "shop"
    # --out writes the result instead of printing it; a folder gets plan.json.
    code, printed, err = run("plan", str(DESIGNS / "shop.yaml"), "--json", "--out", str(tmp_path))
    assert code == 0 and printed == "" and "wrote" in err
    assert (tmp_path / "plan.json").read_text() == out


def test_plan_tables_for_people() -> None:
    code, out, _ = run("plan", str(DESIGNS / "startup.yaml"))
    assert code == 0
    for heading in (
        "Services",
        "Node pools",
        "Availability:",
        "DR options",
        "Monthly cost by category",
    ):
        assert heading in out


def test_plan_bad_input_exit_2(tmp_path: Path) -> None:
    code, _, err = run("plan", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
    text = (DESIGNS / "shop.yaml").read_text().replace("engine: postgres", "engine: oracle")
    design = tmp_path / "oracle.yaml"
    design.write_text(text)
    code, _, err = run("plan", str(design))
    assert code == 2
    assert "services[2].engine: unknown aws database engine 'oracle'" in err
    code, _, err = run("plan", str(DESIGNS / "shop.yaml"), "--purchase", "cheap")
    assert code == 2


def test_console_script_runs_in_a_subprocess() -> None:
    exe = Path(sys.executable).parent / "devops-plan"
    proc = subprocess.run(
        [str(exe), "validate", str(DESIGNS / "shop.yaml")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
