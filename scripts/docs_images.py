"""Screenshots for the docs, taken as a reviewer would look: the plan report (plan.html), the
cost report (cost_report.html) and the explorer served by Voilà, each in headless Chromium at
1400 px wide, full page, into docs/images/. Stops with exit 1 naming what is cut off: a page
wider than the window, or a box whose content is wider than the box (a clipped table, a
diagram that scrolls sideways, a truncated label).

Run: python scripts/docs_images.py [--out docs/images] [--width 1400]   (make docs-images)
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devops_plan.atomic import write_atomic  # noqa: E402
from devops_plan.notebooks import run_notebook  # noqa: E402
from tests.browser_fixtures import (  # noqa: E402
    CHROMIUM_ARGS,
    ConsoleLog,
    cut_off,
    find_chromium,
    voila_server,
)

DESIGN = ROOT / "data" / "designs" / "shop.yaml"
EXPLORER = ROOT / "notebooks" / "explore.ipynb"
TIMEOUT_MS = 120_000


def full_page(page: Any, path: Path, scroller: str = "") -> None:
    """A full-page PNG; `scroller` names the element that scrolls instead of the document
    (Voilà's #rendered_cells), whose height the window grows to first."""
    if scroller:
        height = page.evaluate(
            f"() => (document.querySelector('{scroller}') || document.body).scrollHeight"
        )
        page.set_viewport_size({"width": page.viewport_size["width"], "height": int(height) + 40})
    shot = page.screenshot(full_page=True, animations="disabled")
    write_atomic(path, small_png(shot))


def small_png(png: bytes) -> bytes:
    """The screenshot in 256 colours: a third of the bytes, no visible change for pages of
    text, charts and flat icons (docs images live in git)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    few = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    few.save(out, format="PNG", optimize=True)
    return out.getvalue()


def reports(work: Path) -> dict[str, Path]:
    """plan.html (the shop design) and cost_report.html (the shipped billing sample)."""
    plan = run_notebook("plan", design=DESIGN, out_dir=work / "plan", html=True)
    cost = run_notebook("cost_report", out_dir=work / "cost_report", html=True)
    assert plan.html is not None and cost.html is not None
    return {"plan": plan.html, "cost_report": cost.html}


def shoot_file(browser: Any, width: int, html: Path, out: Path) -> list[str]:
    page = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        page.goto(html.as_uri(), wait_until="load")
        problems = cut_off(page)
        full_page(page, out)
        return problems
    finally:
        page.close()


def shoot_explorer(browser: Any, width: int, work: Path, out: Path) -> list[str]:
    with voila_server(EXPLORER, work / "voila.log") as server:
        page = browser.new_page(viewport={"width": width, "height": 1000})
        try:
            page.set_default_timeout(TIMEOUT_MS)
            ConsoleLog().attach(page)  # nothing may load from outside this machine
            page.goto(server.url, wait_until="domcontentloaded")
            page.locator("table.devops-plan-figures").wait_for(state="visible")
            page.locator(".devops-plan-diagram svg").wait_for(state="visible")
            page.wait_for_timeout(1500)  # the charts' last update
            problems = cut_off(page)
            full_page(page, out, "#rendered_cells")
            return problems
        finally:
            page.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("docs_images: Chromium is not installed (make docs-images installs it)")
        return 1
    from playwright.sync_api import sync_playwright

    found: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        work = Path(tmp)
        browser = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            jobs: dict[str, Callable[[Path], list[str]]] = {
                name: partial(shoot_file, browser, args.width, html)
                for name, html in reports(work).items()
            }
            jobs["explore"] = partial(shoot_explorer, browser, args.width, work)
            for name, job in jobs.items():
                out = args.out / f"{name}.png"
                found[name] = job(out)
                print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
        finally:
            browser.close()
    bad = {name: problems for name, problems in found.items() if problems}
    for name, problems in bad.items():
        for problem in problems:
            print(f"{name}: cut off: {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
