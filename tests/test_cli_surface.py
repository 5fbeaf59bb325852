"""One surface for every command: --format and --out, readable help with an example each,
completion on, one money format, --example wherever a design is read, `init` and
`examples`, and a start-up that imports nothing a command does not need."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from devops_plan import build_plan, load_design
from devops_plan.cli import COMMANDS, app

from .conftest import DESIGNS

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _commands() -> list[tuple[str, Any]]:
    """Every command the CLI has, groups opened: (`catalog list`, its Click command)."""
    root: Any = typer.main.get_command(app)
    found = []
    for name in COMMANDS:
        command = root.get_command(None, name)
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [(f"{name} {sub}", cmd) for sub, cmd in subcommands.items()]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v).split(" at ")[0])
def test_help_has_an_example_and_readable_metavars(name: str, command: Any) -> None:
    code, out, _ = run(*name.split(), "--help")
    assert code == 0
    assert "Example" in out, name
    options = out.split("Options:", 1)[1]
    for bad in ("<bool>", "<str>", "<int>", "<float>", "<path>", "<list"):
        assert bad not in options, f"{name}: {bad} in\n{options}"


def test_the_root_help_lists_each_command_by_its_own_help() -> None:
    # Groups too (`catalog`): the root's table is a second copy of their help, kept so that
    # `--help` imports no command module; a stale copy is what this catches.
    root: Any = typer.main.get_command(app)
    for name in COMMANDS:
        own = (root.get_command(None, name).help or "").strip().splitlines()[0]
        assert own == COMMANDS[name][2], name


def test_completion_is_on() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "--install-completion" in out and "--show-completion" in out


def test_plan_formats(tmp_path: Path) -> None:
    plan = build_plan(load_design(DESIGNS / "shop.yaml"))
    code, md, _ = run("plan", str(DESIGNS / "shop.yaml"), "--format", "md")
    assert code == 0 and md.startswith("# Plan of shop\n") and "| service | kind |" in md
    code, page, _ = run("plan", "--example", "shop", "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>") and "<th>service</th>" in page
    out = tmp_path / "items.csv"
    code, printed, err = run("plan", str(DESIGNS / "shop.yaml"), "--out", str(out))
    assert code == 0 and printed == "" and f"wrote {out}" in err
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == len(plan.cost.line_items)
    assert sum(Decimal(r["monthly_cost"]) for r in rows) == plan.cost.monthly_total
    assert {r["currency"] for r in rows} == {"USD"}
    code, _, err = run("plan", str(DESIGNS / "shop.yaml"), "--format", "yaml")
    assert code == 2 and "--format" in err and len(err.splitlines()) == 1


def test_price_and_catalog_formats() -> None:
    code, out, _ = run("price", "aws", "m5.large", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1 and rows[0]["product"] == "m5.large"
    code, out, _ = run("catalog", "list", "--family", "m7g", "--limit", "3", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3


def test_one_money_format() -> None:
    # The ISO code after the amount, from units.format_money; never a bare symbol.
    for args in (
        ("plan", "--example", "shop"),
        ("plan", "--example", "shop", "--format", "md"),
        ("explore", "--example", "startup", "--top", "3"),
        ("price", "aws", "m5.large"),
    ):
        code, out, _ = run(*args)
        assert code == 0 and "USD" in out and "$" not in out, args


def test_examples_and_unknown_example() -> None:
    code, out, _ = run("examples", "--format", "json")
    assert code == 0
    names = [e["name"] for e in json.loads(out)]
    assert names == sorted(p.stem for p in DESIGNS.glob("*.yaml"))
    code, _, err = run("plan", "--example", "nope")
    assert code == 2 and "shop" in err and len(err.splitlines()) == 1
    code, _, err = run("plan")
    assert code == 2 and "--example" in err
    code, out, _ = run("validate", "--example", "payments")
    assert code == 0 and out.strip().endswith("payments.yaml: ok")


def test_init_writes_a_project_that_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "acme"
    code, out, err = run("init", str(target))
    assert code == 0, err
    names = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert {"design.yaml", "design.schema.json", "devops-plan.toml", "README.md"} <= set(names)
    assert {"notebooks/plan.ipynb", "notebooks/explore.ipynb"} <= set(names)
    design = (target / "design.yaml").read_text()
    assert design.startswith("# yaml-language-server: $schema=design.schema.json\n")
    monkeypatch.chdir(target)
    code, out, err = run("plan", "design.yaml", "--format", "json")
    assert code == 0, err
    shipped = build_plan(load_design(DESIGNS / "shop.yaml"))
    assert json.loads(out)["cost"]["monthly_total"] == float(shipped.cost.monthly_total)
    code, out, _ = run("config", "show", "--format", "json")
    assert json.loads(out)["file"].endswith("devops-plan.toml")
    # A second init refuses to overwrite, naming what exists.
    code, _, err = run("init", str(target))
    assert code == 2 and "design.yaml" in err and "--force" in err


_HEAVY = (
    "pandas",
    "numpy",
    "duckdb",
    "matplotlib",
    "pydantic",
    "ruamel",
    "jinja2",
    "boto3",
    "rich",
)


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["plan", "--help"]])
def test_start_up_imports_no_library_a_command_does_not_need(args: list[str]) -> None:
    # Typer (0.2x) itself reads a command's parameter types with pydantic.
    heavy = _HEAVY if args[0].startswith("--") else tuple(h for h in _HEAVY if h != "pydantic")
    code = (
        "import sys\n"
        f"sys.argv = ['devops-plan', *{args!r}]\n"
        "from devops_plan.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
