"""The HTML reports as their readers meet them: plan.html and cost_report.html opened in
headless Chromium at 1400 px and printed to A4. Nothing may be cut off: no page wider than the window, no table, diagram or
label clipped or scrolling sideways, on screen and on paper (the A4 check lays the page out for
print at the width of an A4 page inside 12 mm margins, as the report's print CSS asks). The
plan report of the shop design (one region, three zones) and of payments (two serving
regions); the cost report of the shipped billing sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devops_plan import notebooks as nbk

from .browser_fixtures import CHROMIUM_ARGS, cut_off, ensure_chromium
from .conftest import DESIGNS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency: pip install -e '.[dev]'"
)

SCREEN_PX = 1400
# A4 is 210 mm wide; less 2 x 12 mm of margin (the report's @page rule) at 96 px per inch.
A4_CONTENT_PX = int((210 - 2 * 12) / 25.4 * 96)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = ensure_chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module", params=["shop", "payments", "cost_report"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"report-{request.param}")
    if request.param == "cost_report":
        result = nbk.run_notebook("cost_report", out_dir=out, html=True)
    else:
        design = DESIGNS / f"{request.param}.yaml"
        result = nbk.run_notebook("plan", design=design, out_dir=out, html=True)
    assert result.html is not None
    return result.html


def test_nothing_is_cut_off_at_1400_px(browser: Any, report: Path) -> None:
    page = browser.new_page(viewport={"width": SCREEN_PX, "height": 1000})
    try:
        page.goto(report.as_uri(), wait_until="load")
        assert cut_off(page) == []
        # Text reads from the left, numbers line up on the right (JupyterLab's output CSS
        # right-aligns every cell unless the report's rules win).
        aligns = page.eval_on_selector_all(
            "table.dp-table td, .dp-report td",
            "cells => cells.map(c => [c.classList.contains('dp-num') || c.classList.contains('num'),"
            " getComputedStyle(c).textAlign])",
        )
        assert aligns and {a for num, a in aligns if not num} <= {"left", "start"}
        assert {a for num, a in aligns if num} == {"right"}
        if report.name.startswith("cost_report"):
            return
        # The diagram fits the page and links to the full-size SVG beside the report.
        figure = page.locator("figure.dp-figure img")
        width = figure.evaluate("i => i.getBoundingClientRect().width")
        assert 0 < width <= SCREEN_PX
        href = page.locator("figure.dp-figure a").first.get_attribute("href")
        assert href and (report.parent / href).is_file()
    finally:
        page.close()


def test_prints_on_a4_without_cut_tables(browser: Any, report: Path) -> None:
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
    try:
        page.goto(report.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        assert cut_off(page) == []
        widths = page.eval_on_selector_all(
            "table", "ts => ts.map(t => Math.ceil(t.getBoundingClientRect().right))"
        )
        assert widths and max(widths) <= A4_CONTENT_PX
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    finally:
        page.close()
