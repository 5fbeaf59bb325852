"""The explorer notebook as a person meets it: served by Voilà, driven in headless Chromium.

One Voilà server and one page serve the whole module. The tests read the key figures off the
screen, move the controls a person would move (zones 3 -> 2, purchase option -> reserved_1y,
availability target one step up) and check that the page then shows what `build_plan` computes
for the same design changed the same way. They also check that the charts and the diagram are
drawn, fit their panels and cut no label off, that "Save as design" writes the settings as a
new design file beside the design, and that the browser console holds no error from the
explorer. The time from a control change to new numbers on screen, and to the whole page
redrawn (charts updated in place, the diagram when what runs where changed), is measured and
reported (out/browser/latency.json); benchmarks/bench_explorer_browser.py runs this test and
judges the target (the median full redraw under 200 ms): a timed assertion here would fail on a
saturated machine for reasons that are not the explorer's.
Screenshots go to the test's folder and to out/browser/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devops_plan import build_plan, load_design
from devops_plan.design import Design, Purchase
from devops_plan.plan import Plan
from devops_plan.render.chart_data import CHART_DATA

from .browser_fixtures import (
    CHROMIUM_ARGS,
    ROOT,
    ConsoleLog,
    VoilaServer,
    chromium_version,
    cut_off,
    ensure_chromium,
    voila_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency: pip install -e '.[dev]'"
)

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
DESIGN = ROOT / "data" / "designs" / "shop.yaml"  # the notebook's default `design` parameter
OUT = ROOT / "out" / "browser"
TIMEOUT_MS = 60_000  # first render starts a kernel and plans once: a few seconds on 2 cores

FIGURES = "table.devops-plan-figures"  # the explorer's key-figures table (widgets.numbers_html)
DIAGRAM = ".devops-plan-diagram"  # the explorer's diagram box (widgets.diagram_html)
CHARTS = ".bqplot.figure"  # the explorer's live charts (widget_charts)
# What the charts draw: every mark's geometry, to tell that they were updated in place.
CHART_MARKS = (
    "figs => figs.map(f => [...f.querySelectorAll('rect.bar, path.dot, text.label')]"
    ".map(e => [e.getAttribute('width'), e.getAttribute('transform'), e.textContent]))"
)
# Console errors that are not the explorer's: listed in the test output, not failures.
KNOWN_NOISE: tuple[tuple[str, str], ...] = (
    (
        "jupyterlab-jupytext",
        # jupytext (a dependency, for the notebooks' paired .py files) installs a JupyterLab
        # extension. Voilà loads every installed lab extension but its page does not provide
        # @jupyterlab/docmanager, which that one needs, so it fails to load. The dashboard
        # does not use it.
        "jupytext's JupyterLab extension does not load in Voilà (needs @jupyterlab/docmanager)",
    ),
)
# Voilà's page links Font Awesome from a CDN. This machine has no internet and the test
# aborts every request that would leave 127.0.0.1, so those loads fail; the explorer does
# not depend on them (its controls and figures carry no icons).
OUTSIDE_LOAD = "Failed to load resource"


@dataclass
class Session:
    """The served notebook open in Chromium, and what the page logged."""

    page: Any
    server: VoilaServer
    console: ConsoleLog
    folder: Path
    chromium: str
    first_render_s: float
    latencies: list[Latency] = field(default_factory=list)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    chromium = ensure_chromium()
    assert NOTEBOOK.exists(), f"{NOTEBOOK} is missing (issue 6 ships it)"
    folder = tmp_path_factory.mktemp("browser")
    # A copy of the notebook beside a copy of its default design (data/designs/shop.yaml,
    # found from the kernel's working folder first), so "Save as design" writes in here.
    served = folder / "explore.ipynb"
    shutil.copyfile(NOTEBOOK, served)
    (folder / "data" / "designs").mkdir(parents=True)
    shutil.copyfile(DESIGN, folder / "data" / "designs" / DESIGN.name)
    with (
        voila_server(served, folder / "voila.log") as server,
        sync_api.sync_playwright() as playwright,
    ):
        # Playwright's own browser download is not available here: Debian's Chromium it is.
        browser = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            console = ConsoleLog()
            console.attach(page)
            started = time.perf_counter()
            page.goto(server.url, wait_until="domcontentloaded")
            # Voilà shows a failed cell as one line in the page: stop waiting as soon as it does.
            failed_cell = page.get_by_text("There was an error when executing cell")
            try:
                page.locator(FIGURES).or_(failed_cell).first.wait_for(state="visible")
                rendered = failed_cell.count() == 0
                if rendered:
                    page.locator(".widget-slider").first.wait_for(state="visible")
                why = "" if rendered else "a cell raised"
            except sync_api.Error as exc:
                why = exc.message.splitlines()[0]
            if why:
                shot = folder / "first-render-failed.png"
                page.screenshot(path=str(shot), full_page=True)
                copy_out(shot)
                pytest.fail(
                    f"the explorer did not render in Voilà ({why}); screenshot "
                    f"{OUT / shot.name}; Voilà's log ends:\n{server_log_tail(server)}"
                )
            first_render_s = time.perf_counter() - started
            page.evaluate(WATCH_JS)
            yield Session(page, server, console, folder, chromium, first_render_s)
        finally:
            browser.close()


def server_log_tail(server: VoilaServer, lines: int = 40) -> str:
    """The end of Voilà's log (kernel tracebacks land there), without terminal colours."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", server.log())
    return "\n".join(text.splitlines()[-lines:])


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """The key figures as the page shows them, parsed."""

    monthly_total: Decimal
    monthly_total_raw: str  # the row's data-value: the library's figure before formatting
    currency: str
    achieved: str  # as displayed, e.g. "99.91"
    verdict: str
    target: str
    topology: str
    text: str


def shown(page: Any) -> Shown:
    rows: dict[str, tuple[str, str]] = {
        label: (text, raw)
        for label, text, raw in page.eval_on_selector_all(
            f"{FIGURES} tr",
            """rows => rows.map(r => [r.querySelector('th').innerText.trim(),
                                      r.querySelector('td').innerText.trim(),
                                      r.dataset.value || ''])""",
        )
    }
    total, raw = rows["Monthly total"]
    money = re.fullmatch(r"([\d,]+\.\d\d) ([A-Z]{3})", total)
    assert money, f"monthly total shown as {total!r}"
    availability = re.match(r"([\d.]+)% (meets|misses) target ([\d.]+)%", rows["Availability"][0])
    assert availability, f"availability shown as {rows['Availability'][0]!r}"
    return Shown(
        monthly_total=Decimal(money.group(1).replace(",", "")),
        monthly_total_raw=raw,
        currency=money.group(2),
        achieved=availability.group(1),
        verdict=availability.group(2),
        target=availability.group(3),
        topology=rows["Topology"][0],
        text=page.locator(FIGURES).inner_text(),
    )


def assert_shows(page: Any, plan: Plan, what: str) -> Shown:
    """The page's key figures are the plan's (to the precision shown)."""
    s = shown(page)
    a = plan.availability
    assert (s.monthly_total, s.currency) == (plan.cost.monthly_total, plan.currency), what
    assert Decimal(s.monthly_total_raw) == plan.cost.monthly_total, what
    # The page rounds the achieved availability; it must be the library's figure so rounded.
    places = len(s.achieved.partition(".")[2])
    assert abs(Decimal(s.achieved) - Decimal(str(a.achieved))) <= Decimal(5) / 10 ** (places + 1), (
        what
    )
    assert Decimal(s.target) == Decimal(str(a.target)), what
    assert s.verdict == ("meets" if a.meets_target else "misses"), what
    assert s.topology.endswith(f", {plan.zones} zones, {plan.purchase}"), what
    status = explorer_status(page)
    assert "Cannot plan" not in status, f"{what}: {status}"
    return s


def explorer_status(page: Any) -> str:
    """The page's text (the explorer's status line says 'Cannot plan this combination')."""
    return str(page.locator("body").inner_text())


def slider(page: Any, label: str) -> Any:
    return page.locator(".widget-slider").filter(
        has=page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    )


def dropdown(page: Any, label: str) -> Any:
    return (
        page.locator(".widget-dropdown")
        .filter(
            has=page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
        )
        .locator("select")
    )


# The page notes the time of its last change below the explorer, so that the test can tell
# when an update has fully landed (charts and diagram come after the numbers).
WATCH_JS = """() => {
  window.__dpLastChange = performance.now();
  new MutationObserver(() => { window.__dpLastChange = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
QUIET_MS = 1500  # no change on the page for this long: the update is complete


@dataclass(frozen=True)
class Latency:
    """One control change, timed on the browser's clock."""

    what: str
    numbers_ms: float  # change -> new key figures on screen
    settled_ms: float  # change -> last change on the page (charts and diagram redrawn)


def change_and_time(session: Session, what: str, action: Callable[[], None]) -> Latency:
    """Do `action` on an idle explorer; time the new numbers and the end of the whole update."""
    page = session.page
    wait_until_quiet(page)  # the kernel is idle: the figure is not another change's queue
    before = page.locator(FIGURES).inner_text()
    started = page.evaluate("performance.now()")
    action()
    try:
        numbers_at = page.wait_for_function(
            """([sel, old]) => { const t = document.querySelector(sel);
                                 return t && t.innerText !== old && performance.now(); }""",
            arg=[FIGURES, before],
            polling="raf",
        ).json_value()
    except sync_api.TimeoutError:
        pytest.fail(f"{what}: the key figures on screen did not change within {TIMEOUT_MS} ms")
    last_change = wait_until_quiet(page)
    latency = Latency(what, round(numbers_at - started, 1), round(last_change - started, 1))
    session.latencies.append(latency)
    return latency


def wait_until_quiet(page: Any) -> float:
    """Wait until the page has not changed for QUIET_MS; return when it last changed."""
    page.wait_for_function(
        f"() => performance.now() - window.__dpLastChange > {QUIET_MS}", polling=100
    )
    return float(page.evaluate("window.__dpLastChange"))


def press_slider(page: Any, label: str, key: str) -> Callable[[], None]:
    # The keyboard moves a noUiSlider handle one step and fires its 'change' event, as a
    # released drag does (the explorer's sliders replan on release, continuous_update=False).
    return lambda: slider(page, label).locator(".noUi-handle").press(key)


def screenshot(session: Session, name: str) -> Path:
    """A full-page PNG in the test's folder, copied to out/browser/ for a person to look at."""
    page, path = session.page, session.folder / f"{name}.png"
    # Voilà's page scrolls inside #rendered_cells, not the document: grow the viewport to it.
    height = page.evaluate(
        "() => (document.querySelector('#rendered_cells') || document.body).scrollHeight"
    )
    viewport = page.viewport_size
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 40, 12_000)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    copy_out(path)
    return path


def copy_out(path: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    temporary = OUT / f".{path.name}.tmp"
    shutil.copyfile(path, temporary)
    os.replace(temporary, OUT / path.name)


# --- the expected values, from the library ---------------------------------------------------


def changed(design: Design, **what: Any) -> Design:
    """The design as the explorer's controls change it (see widgets.apply_settings)."""
    update: dict[str, Any] = {}
    if "zones" in what:
        update["zones"] = what["zones"]
    if "purchase" in what:
        update["defaults"] = design.defaults.model_copy(
            update={"purchase": Purchase(what["purchase"])}
        )
    if "availability" in what:
        update["targets"] = design.targets.model_copy(update={"availability": what["availability"]})
    return design.model_copy(update=update)


# --- the tests ---------------------------------------------------------------------------------


def test_first_render_shows_the_plan_charts_and_diagram(session: Session) -> None:
    page, base = session.page, load_design(DESIGN)
    assert_shows(page, build_plan(base), "design as written")
    assert slider(page, "zones").locator(".widget-readout").inner_text() == str(base.zones)
    assert dropdown(page, "purchase").input_value() == base.defaults.purchase.value

    # One live chart per chart (chart_data.CHART_DATA), each drawn with its marks.
    charts = page.locator(CHARTS)
    assert charts.count() == len(CHART_DATA)
    marks = charts.evaluate_all(CHART_MARKS)
    assert all(len(m) >= 2 for m in marks), marks

    # The diagram: the plan's architecture drawn as inline SVG, naming the design's services.
    diagram = page.locator(f"{DIAGRAM} svg")
    assert diagram.count() == 1, f"no diagram drawn ({DIAGRAM} svg: {diagram.count()})"
    width, height = diagram.evaluate(
        "s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height]"
    )
    assert width > 200 and height > 100, (width, height)
    # It fits its panel, and nothing on the page (labels included) is cut off.
    panel = page.locator(DIAGRAM).evaluate("d => d.getBoundingClientRect().width")
    assert width <= panel + 1, (width, panel)
    assert cut_off(page) == []
    labels = page.locator("label.widget-label").evaluate_all(
        "ls => ls.map(l => [l.innerText, l.scrollWidth, l.clientWidth])"
    )
    assert [t for t, scroll, client in labels if scroll > client] == [], labels
    assert "node families" in [t for t, _, _ in labels]
    drawn = diagram.text_content()
    assert all(service.name in drawn for service in base.services), drawn[:500]
    screenshot(session, "before")
    print(f"\nfirst render (page load, kernel start, first plan): {session.first_render_s:.2f} s")


def test_controls_replan_to_what_the_library_computes(session: Session) -> None:
    page, base = session.page, load_design(DESIGN)
    assert base.zones == 3 and base.defaults.purchase == Purchase.on_demand  # the steps below
    charts_before = page.locator(CHARTS).evaluate_all(CHART_MARKS)
    diagram_before = page.locator(f"{DIAGRAM} svg").inner_html()

    # zones 3 -> 2: more replicas, so that losing one of two zones still leaves enough.
    change_and_time(session, "zones 3 -> 2", press_slider(page, "zones", "ArrowLeft"))
    assert slider(page, "zones").locator(".widget-readout").inner_text() == "2"
    design = changed(base, zones=2)
    assert_shows(page, build_plan(design), "zones 3 -> 2")

    # purchase option -> reserved_1y.
    change_and_time(
        session,
        "purchase -> reserved_1y",
        lambda: dropdown(page, "purchase").select_option("reserved_1y"),
    )
    design = changed(design, purchase="reserved_1y")
    reserved = assert_shows(page, build_plan(design), "purchase -> reserved_1y")

    # Availability target one step up; the new target is the one the slider now shows.
    before_target = Decimal(reserved.target)
    change_and_time(
        session, "availability target up", press_slider(page, "availability", "ArrowRight")
    )
    readout = slider(page, "availability").locator(".widget-readout").inner_text()
    target = float(readout.rstrip("%"))
    assert Decimal(readout.rstrip("%")) > before_target
    design = changed(design, availability=target)
    final_plan = build_plan(design)
    assert_shows(page, final_plan, f"availability target -> {readout}")
    # Charts and diagram were redrawn in place (two zones: another spread, other costs).
    charts_after = page.locator(CHARTS).evaluate_all(CHART_MARKS)
    assert len(charts_after) == len(charts_before) == len(CHART_DATA)
    assert charts_after != charts_before, "no chart was redrawn"
    assert page.locator(f"{DIAGRAM} svg").inner_html() != diagram_before, "diagram not redrawn"

    # More samples for the latency figure: purchase option back and forth (each checked).
    for option in ("on_demand", "reserved_1y", "on_demand", "reserved_1y"):
        change_and_time(
            session,
            f"purchase -> {option}",
            lambda o=option: dropdown(page, "purchase").select_option(o),  # type: ignore[misc]
        )
        assert_shows(page, build_plan(changed(design, purchase=option)), f"purchase -> {option}")
    screenshot(session, "after")
    figures = report_latency(session)
    # Every change was timed and completed (the target is the benchmark's to judge).
    assert len(figures["changes"]) == len(session.latencies) >= 7, figures


def test_save_as_design_writes_the_settings_beside_the_design(session: Session) -> None:
    page = session.page
    # Whatever the controls say now (the test above left them changed), as a design.
    zones = int(slider(page, "zones").locator(".widget-readout").inner_text())
    purchase = dropdown(page, "purchase").input_value()
    target = float(slider(page, "availability").locator(".widget-readout").inner_text().rstrip("%"))
    page.get_by_role("button", name="Save as design").click()
    saved = page.locator("code.devops-plan-saved")
    saved.wait_for(state="visible")
    path = Path(saved.inner_text())
    assert path == session.folder / "data" / "designs" / "shop-explored.yaml"
    design = load_design(path)
    expected = changed(load_design(DESIGN), zones=zones, purchase=purchase, availability=target)
    assert design == expected.model_copy(update={"name": "shop-explored"})
    assert (session.folder / "data" / "designs" / DESIGN.name).read_bytes() == DESIGN.read_bytes()
    # Again: a new name, nothing overwritten.
    page.get_by_role("button", name="Save as design").click()
    page.get_by_text("shop-explored-2.yaml").wait_for(state="visible")
    assert load_design(path) == design


def report_latency(session: Session) -> dict[str, Any]:
    numbers = [x.numbers_ms for x in session.latencies]
    settled = [x.settled_ms for x in session.latencies]
    figures = {
        "what": "control change in Chromium -> key figures on screen (numbers) and -> charts and "
        "diagram redrawn (settled); Voilà serving notebooks/explore.ipynb on shop.yaml",
        "changes": [x.__dict__ for x in session.latencies],
        "numbers_median_ms": round(statistics.median(numbers), 1),
        "numbers_max_ms": round(max(numbers), 1),
        "settled_median_ms": round(statistics.median(settled), 1),
        "settled_max_ms": round(max(settled), 1),
        "first_render_s": round(session.first_render_s, 2),
        "server_start_s": round(session.server.started_s, 2),
        "cores": os.cpu_count(),
        "chromium": chromium_version(session.chromium),
    }
    path = session.folder / "latency.json"
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    copy_out(path)
    print(
        f"\ncontrol change -> numbers on screen: median {figures['numbers_median_ms']} ms, "
        f"max {figures['numbers_max_ms']} ms; -> charts and diagram redrawn: median "
        f"{figures['settled_median_ms']} ms, max {figures['settled_max_ms']} ms "
        f"({len(numbers)} changes, each from an idle explorer)"
    )
    for x in session.latencies:
        print(f"  {x.what:<28} numbers {x.numbers_ms:7.1f} ms   settled {x.settled_ms:7.1f} ms")
    return figures


def test_console_shows_no_error_from_the_explorer(session: Session) -> None:
    console = session.console
    noise, outside, errors = [], [], []
    for message in console.errors():
        known = next(
            (why for key, why in KNOWN_NOISE if key in message["text"] or key in message["url"]),
            None,
        )
        if known:
            noise.append(f"{known}: {message['text'][:160]}")
        elif message["text"].startswith(OUTSIDE_LOAD) and message["url"] in console.blocked:
            outside.append(message["url"])
        else:
            errors.append(message)
    print(f"\noutside loads blocked (no internet; not the explorer's): {console.blocked}")
    print(f"known noise from unrelated front-end extensions: {noise}")
    warnings = [m for m in console.messages if m["type"] == "warning"]
    print(f"console warnings (not judged): {len(warnings)}")
    assert not console.page_errors, console.page_errors
    assert not errors, errors
