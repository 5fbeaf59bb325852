"""The plan report's parts (devops_plan.notebooks.report and .plan_report): tables through pandas
Styler with the one money formatter, the title block and cards, the scaled diagram, and the
HTML export leaving out the cells meant for the notebook only."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from devops_plan import build_plan, load_design
from devops_plan import notebooks as nbk
from devops_plan.notebooks.report import Columns, style_table
from devops_plan.units import format_duration, format_money

from .conftest import DESIGNS


@pytest.fixture(scope="module")
def shop():  # type: ignore[no-untyped-def]
    return build_plan(load_design(DESIGNS / "shop.yaml"))


def _cells(page: str, cls: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(rf'<td[^>]*class="[^"]*{cls}[^"]*"[^>]*>(.*?)</td>', page)
    ]


def test_sizing_table_formats_money_percent_and_thousands_without_index(shop) -> None:  # type: ignore[no-untyped-def]
    page = nbk.sizing_report(shop).to_html()
    assert "row_heading" not in page  # no index column
    numbers = _cells(page, "dp-num")
    for s in shop.services:
        assert format_money(s.monthly_cost, "USD") in numbers
        assert f"{s.availability:g}%" in numbers
    assert "1,000" in numbers and "1000" not in numbers  # CPU requests with separators
    texts = _cells(page, "dp-text")
    assert [s.name for s in shop.services] == [
        t for t in texts if t in {s.name for s in shop.services}
    ]
    # The header row aligns as its column: text left, numbers right.
    assert re.search(r"th\.col_heading\.col0 \{\s*text-align: left;", page)
    assert re.search(r"th\.col_heading\.col\d+ \{\s*text-align: right;", page)


def test_every_cell_is_shown_in_full_and_the_html_is_stable() -> None:
    long_text = "could be consolidated onto fewer nodes " * 6
    frame = pd.DataFrame(
        {"what": [long_text, "b"], "cost": [Decimal("1234567.891"), Decimal(0)], "n": [1, 2]}
    )
    columns = Columns(money=("cost",))
    page = style_table(frame, "EUR", "t", columns).to_html()
    assert long_text.strip() in page
    assert _cells(page, "dp-num") == ["1,234,567.89 EUR", "1", "0.00 EUR", "2"]
    assert style_table(frame, "EUR", "t", columns).to_html() == page  # no random ids


def test_node_pool_and_dr_tables(shop) -> None:  # type: ignore[no-untyped-def]
    pools = nbk.node_pools_report(shop).to_html()
    pool = shop.node_pools[0]
    assert f"{pool.cpu_utilization:.0%}" in _cells(pools, "dp-num")
    assert format_money(pool.monthly_cost, "USD") in _cells(pools, "dp-num")
    dr = nbk.dr_options_report(shop).to_html()
    for o in shop.dr.options:
        assert format_money(o.monthly_cost, "USD") in _cells(dr, "dp-num")
        assert o.strategy in _cells(dr, "dp-text")


def test_header_has_title_block_and_cards_with_verdicts(shop) -> None:  # type: ignore[no-untyped-def]
    page = nbk.report_header(shop).data
    assert "<h1>Plan report: shop</h1>" in page and "Online shop, checkout path" in page
    for term, value in [
        ("Cloud", "aws"),
        ("Regions", "us-east-1; DR region us-west-2"),
        ("Catalog date", f"{shop.catalog_as_of} (730-hour month)"),
        ("Generated", shop.catalog_as_of),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in page
    assert "<dt>Generated</dt><dd>2026-12-01</dd>" in nbk.report_header(shop, "2026-12-01").data
    cards = {c.key: c for c in nbk.plan_cards(shop)}
    assert cards["monthly-total"].value == format_money(shop.cost.monthly_total, "USD")
    assert cards["monthly-total"].ok is shop.cost.within_budget
    assert cards["availability"].ok is shop.availability.meets_target is False
    assert "misses the 99.95% target" in cards["availability"].detail
    rto, rpo = format_duration(shop.dr.rto), format_duration(shop.dr.rpo)
    assert cards["dr"].value == "pilot light"
    assert f"RTO {rto}, RPO {rpo} achieved" in cards["dr"].detail
    assert 'class="dp-card dp-bad" data-figure="availability"' in page
    assert 'class="dp-card dp-ok" data-figure="dr"' in page


def test_diagram_is_scaled_with_a_link_to_the_full_size_svg(shop) -> None:  # type: ignore[no-untyped-def]
    drawing = nbk.render_diagram(shop)
    page = nbk.diagram_figure(drawing, "out").data
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert encoded and base64.b64decode(encoded.group(1)).decode() == drawing.svg
    assert page.count('href="diagrams/shop.svg"') == 2  # the image and the caption
    assert "href=" not in nbk.diagram_figure(drawing, "").data


def test_html_report_leaves_out_notebook_only_cells(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    howto = nbformat.v4.new_markdown_cell("Run it headless with `devops-plan notebook run`.")
    howto.metadata["tags"] = [nbk.NOTEBOOK_ONLY]
    nb.cells = [howto, nbformat.v4.new_markdown_cell("## What the reader sees")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    page = nbk.to_html(path)
    assert "What the reader sees" in page and "Run it headless" not in page


def test_plan_notebook_keeps_the_run_instruction_out_of_the_report() -> None:
    nb = nbformat.read(Path(nbk.notebooks_dir()) / "plan.ipynb", as_version=4)
    tagged = [c for c in nb.cells if nbk.NOTEBOOK_ONLY in c.metadata.get("tags", ())]
    assert any("Run it headless" in c.source for c in tagged)
    assert not any(
        "Run it headless" in c.source
        for c in nb.cells
        if nbk.NOTEBOOK_ONLY not in c.metadata.get("tags", ())
    )
