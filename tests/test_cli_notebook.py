"""`devops-plan notebook list` and `devops-plan notebook run`: output, files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from devops_plan import build_plan
from devops_plan.cli import app
from devops_plan.design import load_design

from .conftest import DESIGNS, ROOT

SHIPPED = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_each_notebook_with_its_parameters() -> None:
    code, out, _ = run("notebook", "list")
    assert code == 0
    assert "plan: Plan report" in out and "explore: Design explorer" in out
    for name in ("design", "cloud", "region", "purchase", "out_dir"):
        assert f"│ {name} " in out


def test_list_json_has_types_defaults_and_help() -> None:
    code, out, _ = run("notebook", "list", "--json")
    assert code == 0
    data = {n["name"]: n for n in json.loads(out)}
    assert sorted(data) == SHIPPED and {"explore", "plan"} <= set(data)
    design = data["plan"]["parameters"][0]
    assert design == {
        "name": "design",
        "type": "str",
        "default": '"data/designs/shop.yaml"',
        "help": "design file (YAML); relative to the working folder or the repo root",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--design", "nope.yaml"], "design file nope.yaml not found"),
        (
            ["-p", "colour=red"],
            "notebook plan: unknown parameter 'colour'; its parameters: design (str)",
        ),
        (["-p", "colour"], "-p 'colour': expected KEY=VALUE"),
        (["-p", "region=mars-1"], "unknown aws region 'mars-1'"),
        (["-p", "purchase=cheap"], "unknown purchase option 'cheap'"),
    ],
)
def test_input_mistakes_exit_2_with_one_clear_message(
    args: list[str], message: str, tmp_path: Path
) -> None:
    code, out, err = run("notebook", "run", "plan", *args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.startswith(message)
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "out").exists()  # no kernel started, nothing written


def test_unknown_notebook_exits_2(tmp_path: Path) -> None:
    code, _, err = run("notebook", "run", "nope", "--out", str(tmp_path))
    assert code == 2
    assert err.strip() == f"unknown notebook 'nope'; shipped notebooks: {', '.join(SHIPPED)}"


def test_invalid_design_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DESIGNS / "startup.yaml").read_text().replace("zones: 1", "zones: 0"))
    code, _, err = run(
        "notebook", "run", "plan", "--design", str(bad), "--out", str(tmp_path / "out")
    )
    assert code == 2
    assert err.startswith(f"{bad}:7:")


def test_out_is_required() -> None:
    code, _, err = run("notebook", "run", "plan")
    assert code == 2 and "--out" in err


@pytest.mark.slow
def test_run_writes_notebook_html_and_plan_json(tmp_path: Path) -> None:
    out_dir = tmp_path / "startup"
    code, out, err = run(
        "notebook", "run", "plan", "--design", str(DESIGNS / "startup.yaml"), "--out", str(out_dir), "--html",
        "-p", "purchase=reserved_1y", "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["notebook"] == str(out_dir / "plan.ipynb")
    assert result["html"] == str(out_dir / "plan.html")
    assert result["parameters"]["purchase"] == "reserved_1y"
    names = {Path(f).relative_to(out_dir).as_posix() for f in result["files"]}
    assert {
        "plan.html",
        "plan.ipynb",
        "plan.json",
        "diagrams/startup.svg",
        "diagrams/startup.png",
    } <= names
    assert len([n for n in names if n.startswith("adr/")]) >= 5
    plan = build_plan(load_design(DESIGNS / "startup.yaml"), purchase="reserved_1y")
    assert (out_dir / "plan.json").read_text() == plan.to_json()


@pytest.mark.slow
def test_failing_cell_exits_1_and_keeps_the_partial_notebook(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell("name: str = 'x'  # a name")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise ValueError(f'bad name {name}')")]
    path = tmp_path / "boom.ipynb"
    nbformat.write(nb, path)
    code, _, err = run(
        "notebook", "run", str(path), "-p", "name=zz", "--out", str(tmp_path / "out")
    )
    assert code == 1
    assert err.startswith(
        "notebook boom failed in cell 3 (In [3]) `raise ValueError(f'bad name {name}')`"
    )
    assert "ValueError: bad name zz" in err
    assert f"partial notebook kept at {tmp_path / 'out' / 'boom.ipynb'}" in err.replace("\n", "")
    assert "Traceback" not in err
    assert (tmp_path / "out" / "boom.ipynb").is_file()


@pytest.mark.parametrize("param", ["billing", "utilization"])
def test_missing_billing_input_exits_2_before_a_kernel_starts(param: str, tmp_path: Path) -> None:
    code, out, err = run(
        "notebook", "run", "cost_report", "-p", f"{param}=nope.csv", "--out", str(tmp_path / "out")
    )
    assert code == 2
    assert err.startswith(f"notebook cost_report: {param} file nope.csv not found")
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("notebook", "param", "message"),
    [
        ("cost_report", "since=2024-13-01", "parameter since='2024-13-01': expected a date"),
        ("cost_report", "until=yesterday", "parameter until='yesterday': expected a date"),
        ("cost_report", "billing= , ", "parameter billing: give at least one billing export"),
        ("reconcile", "period=2024-13", "parameter period='2024-13': expected a month"),
        ("reconcile", "period=0000-05", "parameter period='0000-05': expected a month"),
    ],
)
def test_a_bad_billing_period_exits_2_before_a_kernel_starts(
    notebook: str, param: str, message: str, tmp_path: Path
) -> None:
    # Before: the first cell raised (UserError), exit 1 with a partial notebook.
    code, out, err = run("notebook", "run", notebook, "-p", param, "--out", str(tmp_path / "out"))
    assert code == 2, err
    assert err.startswith(f"notebook {notebook}: {message}")
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "out").exists()
