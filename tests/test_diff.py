"""`devops-plan diff`: the deltas come from the two plans themselves (checked against
build_plan, not against numbers written here), each side may be a design, a plan's JSON,
git:REF:PATH or none, and the Markdown is a pull-request comment."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devops_plan import build_plan, load_design
from devops_plan.compare import compare
from devops_plan.units import format_money

from .conftest import DESIGNS, git

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    from devops_plan.cli import app

    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def changed_shop(folder: Path) -> tuple[Path, Path]:
    """shop.yaml, and a copy with two zones and 2000 rps instead of 1500 at the web tier."""
    text = (DESIGNS / "shop.yaml").read_text(encoding="utf-8")
    base = folder / "shop.yaml"
    base.write_text(text, encoding="utf-8")
    head_text = re.sub(r"^zones: 3 ", "zones: 2 ", text, flags=re.M).replace(
        "peak_rps: 1500", "peak_rps: 2000"
    )
    assert head_text.count("peak_rps: 2000") >= 1 and "zones: 2 " in head_text
    head = folder / "shop-next.yaml"
    head.write_text(head_text, encoding="utf-8")
    return base, head


def test_the_deltas_are_the_plans_differences(tmp_path: Path) -> None:
    base_path, head_path = changed_shop(tmp_path)
    base, head = build_plan(load_design(base_path)), build_plan(load_design(head_path))
    diff = compare(base, head)
    s = diff.summary
    assert s.monthly.delta == head.cost.monthly_total - base.cost.monthly_total != 0
    expected_pct = float(
        (head.cost.monthly_total - base.cost.monthly_total) / base.cost.monthly_total * 100
    )
    assert s.monthly.percent == pytest.approx(expected_pct, abs=0.005)
    assert (s.zones.base, s.zones.head) == (3, 2)
    assert s.nodes.base == sum(p.nodes for p in base.node_pools)
    assert s.nodes.head == sum(p.nodes for p in head.node_pools)
    assert (s.dr_strategy.base, s.rto.base, s.rpo.base) == (
        base.dr.strategy.value,
        base.dr.rto,
        base.dr.rpo,
    )
    web = next(x for x in diff.services if x.name == "web")
    assert (web.replicas.base, web.replicas.head) == (
        base.service("web").replicas,
        head.service("web").replicas,
    )
    assert web.monthly.delta == head.service("web").monthly_cost - base.service("web").monthly_cost
    # Per line item: every item is matched or added/removed, and the deltas add up.
    assert sum(i.monthly.delta for i in diff.line_items) == s.monthly.delta
    assert sum(i.monthly.head for i in diff.line_items) == head.cost.monthly_total
    assert sum(i.monthly.base for i in diff.line_items) == base.cost.monthly_total
    assert {i.status for i in diff.line_items} >= {"changed", "unchanged"}


def test_same_plan_changes_nothing() -> None:
    plan = build_plan(load_design(DESIGNS / "startup.yaml"))
    diff = compare(plan, plan)
    assert not diff.changed
    assert {i.status for i in diff.line_items} == {"unchanged"}
    assert diff.summary.monthly.delta == 0 and diff.summary.monthly.percent == 0


def test_cli_prints_the_deltas_and_a_pr_comment(tmp_path: Path) -> None:
    base_path, head_path = changed_shop(tmp_path)
    base, head = build_plan(load_design(base_path)), build_plan(load_design(head_path))
    delta = format_money(head.cost.monthly_total - base.cost.monthly_total, "USD", signed=True)
    code, out, _ = run("diff", str(base_path), str(head_path))
    assert code == 0
    assert delta in out and "zones 3 -> 2" in out
    code, md, _ = run("diff", str(base_path), str(head_path), "--format", "md")
    assert code == 0
    lines = md.splitlines()
    # A heading, the summary in bold, the facts table, the details collapsed.
    assert lines[0] == "### devops-plan diff: shop"
    summary = next(line for line in lines if line.startswith("**"))
    assert summary.endswith("**") and delta in summary
    assert "| monthly cost | 7" in md or "| monthly cost |" in md
    assert md.count("<details>") == 1 and md.count("</details>") == 1
    opened = md.index("<details><summary>")
    assert "#### Line items" in md[opened:] and "#### Services" in md[opened:]
    # GitHub renders Markdown inside <details> only after a blank line.
    assert md[opened:].split("\n", 2)[1] == ""
    for table_start in [i for i, line in enumerate(lines) if line.startswith("| service |")]:
        width = lines[table_start].count("|")
        assert lines[table_start + 1].count("|") == width  # the alignment row
        row = table_start + 2
        while row < len(lines) and lines[row].startswith("|"):
            assert lines[row].count("|") == width, lines[row]
            row += 1
    assert "<script" not in md


def test_json_and_html(tmp_path: Path) -> None:
    base_path, head_path = changed_shop(tmp_path)
    code, out, _ = run("diff", str(base_path), str(head_path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["currency"] == "USD"
    assert data["summary"]["zones"] == {"base": 3, "head": 2}
    assert {"service", "resource", "region", "item", "status", "monthly"} <= set(
        data["line_items"][0]
    )
    out_file = tmp_path / "diff.html"
    code, printed, _ = run("diff", str(base_path), str(head_path), "--out", str(out_file))
    assert code == 0 and printed == ""
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page


def test_plan_json_and_none_sides(tmp_path: Path) -> None:
    plan_json = tmp_path / "before.json"
    code, _, _ = run(
        "plan", str(DESIGNS / "startup.yaml"), "--format", "json", "--out", str(plan_json)
    )
    assert code == 0
    code, out, _ = run("diff", str(plan_json), str(DESIGNS / "startup.yaml"), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["monthly"]["delta"] == 0
    code, out, _ = run("diff", "example:startup", str(plan_json), "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["monthly"]["delta"] == 0
    code, out, _ = run("diff", "none", str(DESIGNS / "startup.yaml"), "--format", "json")
    data = json.loads(out)
    total = build_plan(load_design(DESIGNS / "startup.yaml")).cost.monthly_total
    assert Decimal(str(data["summary"]["monthly"]["delta"])) == total
    assert data["summary"]["monthly"]["percent"] is None
    assert {i["status"] for i in data["line_items"]} == {"added"}


def test_git_sides_read_without_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    base_path, head_path = changed_shop(tmp_path)
    (repo / "shop.yaml").write_text(base_path.read_text())
    git(repo, "add", "shop.yaml")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "shop.yaml").write_text(head_path.read_text())
    git(repo, "commit", "-q", "-am", "head")
    monkeypatch.chdir(repo)
    code, out, _ = run("diff", "git:HEAD~1:shop.yaml", "git:HEAD:shop.yaml", "--format", "json")
    assert code == 0, out
    expected = compare(build_plan(load_design(base_path)), build_plan(load_design(head_path)))
    assert json.loads(out)["summary"]["monthly"]["delta"] == float(expected.summary.monthly.delta)
    # The working tree was not touched (no checkout).
    assert (repo / "shop.yaml").read_text() == head_path.read_text()
    code, _, err = run("diff", "git:no-such-ref:shop.yaml", "shop.yaml")
    assert (
        code == 2 and err.startswith("git:no-such-ref:shop.yaml: ") and len(err.splitlines()) == 1
    )
    code, _, err = run("diff", "git:HEAD", "shop.yaml")
    assert code == 2 and "expected git:REF:PATH" in err


def test_bad_sides_are_one_line_errors(tmp_path: Path) -> None:
    code, _, err = run("diff", str(tmp_path / "missing.yaml"), str(DESIGNS / "shop.yaml"))
    assert code == 2 and "no such file" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"design": "x"}')
    code, _, err = run("diff", str(bad), str(DESIGNS / "shop.yaml"))
    assert code == 2 and "not a plan's JSON" in err and len(err.splitlines()) == 1
    code, _, err = run("diff", "none", "none")
    assert code == 2 and "nothing to compare" in err


def test_a_plan_json_side_that_is_no_file_is_refused_without_reading(tmp_path: Path) -> None:
    # x.json was read with read_text: a link to /dev/zero filled memory (MemoryError
    # traceback), a named pipe blocked forever
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for side, kind in ((zero, "a character device"), (fifo, "a named pipe")):
        code, _, err = run("diff", str(side), str(DESIGNS / "startup.yaml"))
        assert (code, err) == (2, f"{side}: is {kind}{err.split(kind, 1)[1]}"), err
        assert "expected a plan's JSON (at most 64 MiB)" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("value", ["1e308", "-1e300", "Infinity", "NaN"])
def test_a_plan_json_with_an_impossible_number_is_a_one_line_error(
    tmp_path: Path, value: str
) -> None:
    # a monthly total of 1e308 passed validation and broke the rounding to the cent: a
    # decimal.InvalidOperation traceback
    plan = build_plan(load_design(DESIGNS / "startup.yaml")).to_json()
    data = json.loads(plan)
    data["cost"]["monthly_total"] = "@"
    side = tmp_path / "before.json"
    side.write_text(json.dumps(data).replace('"@"', value))
    for fmt in ("table", "md"):
        code, _, err = run("diff", str(side), str(DESIGNS / "startup.yaml"), "--format", fmt)
        assert code == 2 and len(err.splitlines()) == 1, err
        assert err.startswith(f"{side}: not a plan's JSON") and "cost.monthly_total: " in err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("services.0.name", "web<img src=x onerror=alert(1)>", "is not a name a plan can have"),
        ("design", "x](javascript:alert(1))", "is not a name a plan can have"),
        ("services.0.name", "web\x1b[31m", "contains a control character (U+001B)"),
    ],
)
def test_a_plan_json_with_text_no_plan_has_is_a_one_line_error(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    # names from a plan's JSON went into the pull-request comment's Markdown as they were:
    # an <img onerror> tag, a link, a terminal escape
    data = json.loads(build_plan(load_design(DESIGNS / "startup.yaml")).to_json())
    node = data
    *path, last = field.split(".")
    for part in path:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    side = tmp_path / "before.json"
    side.write_text(json.dumps(data))
    code, out, err = run("diff", str(side), str(DESIGNS / "startup.yaml"), "--format", "md")
    assert (code, out) == (2, "") and len(err.splitlines()) == 1, err
    assert err.startswith(f"{side}: not a plan's JSON") and message in err


def test_markdown_table_cells_cannot_open_html() -> None:
    # a line item's text from a plan's JSON reached the PR comment's tables as raw HTML
    from devops_plan.render.tables import TextTable, markdown_table

    table = TextTable.of("t", ["what"], [["<img src=x onerror=alert(1)> & <b>|x\x1b"]])
    row = markdown_table(table).splitlines()[-1]
    assert row == "| &lt;img src=x onerror=alert(1)> &amp; &lt;b>\\|x\\x1b |"


@pytest.mark.parametrize("name", ["shop", "payments", "startup"])
def test_a_plan_read_back_from_its_json_is_the_same_plan(name: str) -> None:
    from devops_plan.compare import plan_from_json

    plan = build_plan(load_design(DESIGNS / f"{name}.yaml"))
    again = plan_from_json(plan.to_json(), f"{name}.json")
    assert again == plan
    assert again.to_json() == plan.to_json()
