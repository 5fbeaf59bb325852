"""Text from a bill is escaped for every format the report writes: recommendations.csv
(formula injection), report.md (HTML and table-breaking pipes), report.html (everything),
and the terminal (Rich markup and control characters). One payload set, a test per format."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from devops_plan import escape
from devops_plan.billing.report import Report, build_report
from devops_plan.billing.spend import DailySpend, InputSummary, Period, Spend
from devops_plan.billing.writer import render_csv, render_html, render_markdown
from devops_plan.cli import app
from tests.billing_fixtures import charge_line, focus_row, write_csv

PAYLOADS = (
    "<script>alert(1)</script>",
    '<svg onload="alert(1)">',
    "<img src=x onerror=alert(2)>",
    '=HYPERLINK("http://evil.example/","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd",
    "@SUM(A1:A9)",
    "\tTAB=1",
    "\rCR=1",
    "a|b|c",
    "\x1b[31mred\x1b[0m",
    "\u202egnp.exe",
    "zero\u200bwidth",
    "`code` **bold** _em_ [link](javascript:alert(3))",
    "[bold red]rich[/]",
    "&amp; &lt;",
)
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _report() -> Report:
    """A month in which each payload is a resource id, name, service and description of an old
    snapshot (a recommendation, a top resource and a tag-hygiene entry each)."""
    lines = tuple(
        charge_line(
            resource_id=payload,
            resource_name=payload,
            service=payload,
            resource_type="Snapshot",
            charge_description=payload,
            tags=json.dumps({"created": "2023-01-01", payload: payload}),
            consumed_unit="GB-Mo",
            consumed_quantity=10.0,
            billed_cost=Decimal(10 + i),
        )
        for i, payload in enumerate(PAYLOADS)
    )
    start, end = datetime(2024, 9, 1), datetime(2024, 10, 1)
    total = sum((ln.billed_cost for ln in lines), Decimal(0))
    daily = tuple(
        DailySpend(start.date(), "AWS", p, "Storage", "Usage", "USD", total, total, None, 1, 1)
        for p in PAYLOADS[:1]
    )
    inputs = (InputSummary(PAYLOADS[0], len(lines), len(lines), len(lines), total, start, end),)
    spend = Spend(Period(start, end), lines, daily, (), inputs, (), "test", False)
    return build_report(spend)


def test_the_payloads_reach_every_section() -> None:
    report = _report()
    assert {r.resource_id for r in report.recommendations} >= set(PAYLOADS)
    assert {t.resource_id for t in report.top_resources} >= set(PAYLOADS[:15])


def test_recommendations_csv_cells_never_start_a_formula() -> None:
    # Before: '=HYPERLINK(...)' and the others went to the spreadsheet as they were.
    rows = list(csv.DictReader(io.StringIO(render_csv(_report()))))
    texts = [v for row in rows for k, v in row.items() if "cost" not in k and "savings" not in k]
    assert texts and not [v for v in texts if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    ids = {row["resource_id"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example/","click")' in ids and "'@SUM(A1:A9)" in ids
    # Money stays a number, negative or not.
    assert all(re.fullmatch(r"-?\d+\.\d\d|", row["current_monthly_cost"]) for row in rows)


def test_report_md_is_text_with_tables_intact() -> None:
    # Before: raw <script> and <svg onload> went into report.md and "|" split its tables.
    md = render_markdown(_report())
    assert not re.search(r"<(script|svg|img)", md, re.IGNORECASE)
    assert not INVISIBLE.search(md)
    # Every row of a table has as many (unescaped) pipes as its header.
    tables: list[list[int]] = [[]]
    for line in md.splitlines():
        if line.startswith("|"):
            tables[-1].append(len(re.findall(r"(?<!\\)\|", line)))
        elif tables[-1]:
            tables.append([])
    assert len(tables) >= 5 and all(len(set(t)) <= 1 for t in tables), tables
    assert r"a\|b\|c" in md and "&lt;script&gt;" in md and r"\x1b\[31mred" in md


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def test_report_html_escapes_everything_from_the_bill() -> None:
    html = render_html(_report())
    parsed = _Elements()
    parsed.feed(html)
    assert not parsed.tags & {"script", "svg", "iframe", "object"}
    assert "img" in parsed.tags  # the charts, as data: URIs
    assert not [a for a in parsed.attributes if a.startswith("on")]
    assert not INVISIBLE.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "\\u202egnp.exe" in html


def test_the_terminal_shows_bill_text_as_it_is(tmp_path: Path) -> None:
    rows = [
        focus_row(
            ResourceId=payload,
            ResourceType="Snapshot",
            ConsumedUnit="GB-Mo",
            Tags=json.dumps({"created": "2023-01-01"}),
            BilledCost=str(100 + i),  # the last ones are listed first
            ChargePeriodStart="2024-09-01 00:00:00",
            ChargePeriodEnd="2024-10-01 00:00:00",
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    path = write_csv(tmp_path / "bill.csv", rows)
    result = CliRunner().invoke(app, ["report", "--billing", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "[bold red]rich[/]" in result.stdout  # shown, not read as Rich markup
    assert "\\u202egnp.exe" in result.stdout


def test_escape_functions() -> None:
    assert escape.terminal("a\x00b\u202ec\nd") == "a\\x00b\\u202ec\nd"
    assert escape.terminal("a\nb\tc", one_line=True) == "a\\nb\\tc"
    assert escape.markdown_verbatim("<b>|x|</b> *y*") == r"&lt;b&gt;\|x\|&lt;/b&gt; \*y\*"
    assert escape.csv_cell("=1+1") == "'=1+1" and escape.csv_cell("web-1") == "web-1"
    assert escape.csv_cell("＝1") == "'＝1"
