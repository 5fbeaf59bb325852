"""`devops-plan report`: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from devops_plan.cli import app
from tests.billing_fixtures import SAMPLE_FOCUS, SAMPLE_UTILIZATION, focus_row, write_csv

runner = CliRunner()
SAMPLE = ("--billing", str(SAMPLE_FOCUS), "--utilization", str(SAMPLE_UTILIZATION))


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["report", *args])


def test_report_on_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(*SAMPLE, "--out", str(out), "--format", "html,md,json,csv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "recommendations.csv",
        "report.html",
        "report.json",
        "report.md",
    ]
    assert "Estimated savings / month" in result.stdout
    assert "reporting-host" not in result.stdout or "Resize" in result.stdout
    assert "wrote" in result.stdout


def test_billing_files_may_follow_the_option(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", [focus_row(BilledCost="1")])
    b = write_csv(tmp_path / "b.csv", [focus_row(BilledCost="2")])
    result = invoke("--billing", str(a), str(b), "--out", str(tmp_path / "o"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"]["billed_cost"] == "3.00"
    assert [i["rows"] for i in data["inputs"]] == [1, 1]


def test_period_options(tmp_path: Path) -> None:
    rows = [
        focus_row(BilledCost="1", ChargePeriodStart="2024-09-01 00:00:00"),
        focus_row(BilledCost="2", ChargePeriodStart="2024-10-01 00:00:00"),
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    result = invoke(
        "--billing",
        str(path),
        "--since",
        "2024-09-01",
        "--until",
        "2024-10-01",
        "--out",
        str(tmp_path / "o"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"]["billed_cost"] == "1.00"
    assert data["data_quality"]["billed_cost_outside_period"] == "2.00"


def test_an_empty_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = invoke("--billing", str(empty), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"{empty}: empty file; expected a FOCUS or CUR 2.0 export with a header row"
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_malformed_rows_are_reported_not_fatal(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [focus_row(BilledCost="1"), focus_row(BilledCost="x")])
    result = invoke("--billing", str(path), "--out", str(tmp_path / "o"), "--json")
    assert result.exit_code == 0, result.output
    quality = json.loads(result.stdout)["data_quality"]
    assert quality["rows_rejected"] == 1
    assert quality["rejected"][0]["line"] == 3
    assert quality["rejected"][0]["file"] == str(path)


def test_user_mistakes_exit_2_with_one_line(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", [focus_row()])
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        (["--billing", str(tmp_path / "missing.csv")], "missing.csv: no such file"),
        (["--billing", str(good), "--format", "pdf"], "--format: unknown format(s) pdf"),
        (["--billing", str(good), "--since", "yesterday"], "--since 'yesterday': expected a date"),
        (["--engine", "athena", "--database", "d"], "--engine athena needs --table, --output"),
        (
            ["--engine", "spark", "--billing", str(good)],
            "--engine 'spark': expected duckdb or athena",
        ),
        ([], "no billing files given"),
        (["--cost-explorer"], "--cost-explorer needs --since and --until"),
        (["--billing", str(good), "--utilization", str(tmp_path / "u.csv")], "u.csv: no such file"),
        (["--billing", str(empty)], "the folder holds no billing files"),
        (
            ["--billing", str(good), "--since", "2025-01-01", "--until", "2025-02-01"],
            "the period asked for (2025-01-01 to 2025-02-01) holds no billing rows",
        ),
        (
            ["--billing", str(good), "--memory-limit", "lots"],
            "--memory-limit 'lots': expected a size",
        ),
    ]
    for args, message in cases:
        result = invoke(*args, "--out", str(tmp_path / "o"))
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, lines)


def test_an_unwritable_output_folder_is_a_user_error(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", [focus_row()])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke("--billing", str(good), "--out", str(blocker / "out"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write the report there" in lines[0]


def test_bad_utilization_header_is_a_user_error(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", [focus_row()])
    util = tmp_path / "u.csv"
    util.write_text("id,when,cpu\nx,2024-09-01,1\n")
    result = invoke("--billing", str(good), "--utilization", str(util), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "missing column(s) resource_id, timestamp, cpu_pct, mem_pct" in result.stderr


# -- every ReportSettings field is an option, generated from the model -----------------------------


def test_every_setting_is_an_option_with_its_bounds_and_default() -> None:
    from devops_plan.billing.settings import ReportSettings, setting_options

    options = {o.field: o for o in setting_options()}
    assert list(options) == list(ReportSettings.model_fields)
    assert options["required_tags"].flag == "--required-tag"  # the name the CLI always had
    assert options["idle_cpu_p95_pct"].flag == "--idle-cpu-p95-pct"
    assert options["idle_cpu_p95_pct"].help == (
        "A machine whose P95 CPU is below this is idle. (0 to 100; default: 5)"
    )
    assert options["spot_tags"].metavar == "KEY=VALUE[,VALUE...]"
    assert options["spot_tags"].default == "workload=batch,ci,stateless"
    assert options["top_resources"].bounds == "1 to 1000"
    # The command Typer builds has exactly these options, each with its help.
    import typer

    command: Any = typer.main.get_command(app)
    report = command.get_command(None, "report")
    params = {p.opts[0]: p for p in report.params}
    for option in options.values():
        param = params[option.flag]
        assert (param.help, param.multiple) == (option.help, option.repeat)
    assert "--idle-cpu-p95-pct" in invoke("--help").stdout


def test_settings_from_the_command_line_reach_the_report(tmp_path: Path) -> None:
    result = invoke(
        *SAMPLE,
        "--out",
        str(tmp_path / "o"),
        "--json",
        "--required-tag",
        "owner",
        "--spot-tag",
        "workload=batch",
        "--spot-tag",
        "team=ci,data",
        "--spot-name-pattern",
        "",
        "--min-days",
        "7",
        "--headroom",
        "0.3",
        "--min-monthly-savings",
        "5",
        "--top-resources",
        "3",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    settings = data["settings"]
    assert settings["required_tags"] == ["owner"]
    assert settings["spot_tags"] == {"workload": ["batch"], "team": ["ci", "data"]}
    assert settings["spot_name_patterns"] == []
    assert (settings["min_days"], settings["headroom"]) == (7.0, 0.3)
    assert settings["min_monthly_savings"] == "5"
    assert settings["snapshot_max_age_days"] == 90  # not given: the default
    assert len(data["top_resources"]) == 3
    # Without name patterns only the tagged batch worker is a spot candidate.
    spot = [r for r in data["recommendations"] if r["kind"] == "spot"]
    assert len(spot) == 1 and "tag workload=batch" in spot[0]["finding"]
    assert all(
        float(r["estimated_monthly_savings"]) >= 5
        for r in data["recommendations"]
        if r["estimated_monthly_savings"] is not None
    )


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", [focus_row()])
    cases = [
        (["--idle-cpu-p95-pct", "150"], "--idle-cpu-p95-pct '150': Input should be less than"),
        (["--min-days", "0"], "--min-days '0': Input should be greater than 0"),
        (["--top-resources", "2.5"], "--top-resources '2.5': Input should be a valid integer"),
        (["--headroom", "lots"], "--headroom 'lots': Input should be a valid number"),
        (["--spot-tag", "batch"], "--spot-tag 'batch': expected KEY=VALUE[,VALUE...]"),
    ]
    for args, message in cases:
        result = invoke("--billing", str(good), *args, "--out", str(tmp_path / "o"))
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(message), (args, lines)
    assert not (tmp_path / "o").exists()


def test_docs_list_every_setting_as_the_model_says() -> None:
    # docs/billing.md carries options_markdown(): a field added, renamed or re-described in a
    # rule's settings fails here until the docs say the same.
    from devops_plan.billing.settings import ReportSettings, options_markdown
    from tests.billing_fixtures import ROOT

    docs = (ROOT / "docs" / "billing.md").read_text()
    table = options_markdown()
    assert table in docs, "docs/billing.md: paste options_markdown() into its settings table"
    for field in ReportSettings.model_fields:
        assert f"| `{field}` |" in table
