"""The report's charts with what a bill may hold: provider names with `$` (matplotlib's
mathtext marker), characters the font lacks, control characters, and a month whose credits
exceed its charges. pytest turns warnings into errors here, so a chart that would print a
matplotlib warning on the user's terminal fails too."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from devops_plan.billing.charts import label, savings_waterfall, spend_over_time
from devops_plan.billing.report import run_report
from devops_plan.billing.writer import write_report
from tests.billing_fixtures import focus_row, hourly_rows, write_csv

PNG = b"\x89PNG\r\n\x1a\n"
PROVIDERS = (r"Cost $\foo{$ Inc", "$5 and $6", "\t=1\x1b[2J", "＝ＡＷＳ", "\u202eevil", "")


def test_bill_text_is_drawn_as_text_never_as_mathtext() -> None:
    assert label(r"Cost $\foo{$ Inc") == r"Cost \$\foo{\$ Inc"
    assert label("\t=1\x1b[2J") == r"\t=1\x1b[2J"


def test_spend_over_time_draws_any_provider_name() -> None:
    # Before: ValueError "Unknown symbol: \foo" from matplotlib's mathtext (a traceback,
    # exit 1), and "Glyph 65309 missing from font(s)" warnings on stderr.
    rows = [("2024-09-01", p, Decimal(i + 1)) for i, p in enumerate(PROVIDERS)]
    assert spend_over_time(rows, "day").startswith(PNG)


def test_the_waterfall_of_a_month_below_zero_reaches_down_to_it() -> None:
    # Before: the axis stopped at 0, the bars were drawn outside it and tight_layout warned
    # ("Tight layout not applied").
    png = savings_waterfall(Decimal("-1170.40"), [("commitment", Decimal("40.15"))])
    assert png.startswith(PNG)


def test_a_report_on_such_a_bill_is_written(tmp_path: Path) -> None:
    rows = [r for p in PROVIDERS for r in hourly_rows(3, ProviderName=p)]
    rows.append(focus_row(BilledCost="-500", ChargeCategory="Credit", ResourceId=""))
    report = run_report([write_csv(tmp_path / "b.csv", rows)])
    assert report.billed_cost < 0
    written = write_report(report, tmp_path / "out", ("html",))
    assert [p.name for p in written] == ["report.html"]
