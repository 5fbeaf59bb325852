"""The interactive explorer behind notebooks/explore.ipynb: ipywidgets controls over a design.

Every control change builds a modified Design (`apply_settings`, pure), replans it and updates
the numbers, the live charts (bqplot marks updated in place, `widget_charts`) and, when what
runs where changed, the diagram. "Save as design" writes the settings as a new design file
beside the original. The callbacks run without a kernel, so tests drive them by setting
`.value` on the controls and calling `save()`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .catalog import PURCHASES as PURCHASE_OPTIONS
from .catalog import Catalog
from .design import Design, load_design
from .design.environments import environment_design
from .engine import Planner, build_plan
from .engine.variants import region_sequence
from .errors import DevopsPlanError
from .escape import html_text
from .exploration.budget import BUDGET_PREFIX, with_budget_advice
from .plan import Plan
from .regions import find_region
from .render.chart_data import CHART_DATA
from .units import format_duration
from .widget_charts import LiveBars, LivePoints, live_chart
from .widget_settings import (
    Settings,
    apply_settings,
    environment_choices,
    node_families,
    primary_region,
    settings_of,
    with_environment_settings,
)

if TYPE_CHECKING:
    from .render.diagram import Scene

AVAILABILITY_CHOICES = (99.0, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999)
RTO_CHOICES_S = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 259200, 604800)
RPO_CHOICES_S = (0, 60, 300, 900, 1800, 3600, 14400, 43200, 86400)
MAX_REGIONS = 3
# Every control's label in full ("node families" does not fit ipywidgets' default 80 px).
LABEL_STYLE = {"description_width": "initial"}

DiagramRenderer = Callable[[Plan], str]
"""A plan -> HTML function; the explorer shows what it returns (None: no diagram). It is
called again only when what runs where changes (`diagram_key`), not when prices do."""


def diagram_key(plan: Plan) -> Scene:
    """What the explorer's diagram shows: the scene without its figures (regions, zones,
    boxes, counts, links). Equal keys draw the same diagram."""
    from .render.diagram import build_scene

    return build_scene(plan).without_money()


def diagram_html(plan: Plan) -> str:
    """What runs where (the diagram without its figures, which the numbers and charts show)
    as inline SVG scaled to the width of its panel."""
    from .render.diagram import render_svg

    svg = render_svg(diagram_key(plan), plan)
    svg = svg[svg.find("<svg") :]  # the XML prolog and doctype do not belong inside HTML
    # Never wider than its panel (scaled down with its viewBox), never blown up past its size.
    svg = re.sub(r"<svg ", '<svg style="max-width:100%;height:auto" ', svg, count=1)
    return f'<div class="devops-plan-diagram" style="max-width:100%">{svg}</div>'


def _choices(
    values: Sequence[float], current: float, label: Callable[[float], str]
) -> list[tuple[str, float]]:
    merged = sorted({*values, current})
    return [(label(v), v) for v in merged]


def _percent(value: float) -> str:
    return f"{value:g}%"


def _duration_choices(values: Sequence[int], current: int) -> list[tuple[str, int]]:
    return [(format_duration(v), v) for v in sorted({*values, current})]


class Controls:
    """The explorer's input widgets, one per setting."""

    def __init__(
        self, design: Design, cloud: str | None = None, catalog_dir: str | Path | None = None
    ):
        s = settings_of(design)
        primary = find_region(*primary_region(design, cloud))
        max_zones = primary.zones if primary is not None else 6
        # continuous_update=False: replan when a slider is released, not on every pixel.
        self.zones = w.IntSlider(
            value=s.zones,
            min=1,
            max=max(max_zones, s.zones),
            description="zones",
            continuous_update=False,
        )
        self.regions = w.IntSlider(
            value=s.regions,
            min=1,
            max=max(MAX_REGIONS, s.regions),
            description="regions",
            continuous_update=False,
        )
        self.purchase = w.Dropdown(
            options=list(PURCHASE_OPTIONS), value=s.purchase, description="purchase"
        )
        self.availability = w.SelectionSlider(
            options=_choices(AVAILABILITY_CHOICES, s.availability, _percent),
            value=s.availability,
            description="availability",
            continuous_update=False,
        )
        self.rto = w.SelectionSlider(
            options=_duration_choices(RTO_CHOICES_S, s.rto_s),
            value=s.rto_s,
            description="RTO",
            continuous_update=False,
        )
        self.rpo = w.SelectionSlider(
            options=_duration_choices(RPO_CHOICES_S, s.rpo_s),
            value=s.rpo_s,
            description="RPO",
            continuous_update=False,
        )
        self.load = w.FloatSlider(
            value=1.0,
            min=0.1,
            max=10.0,
            step=0.1,
            description="peak load x",
            readout_format=".1f",
            continuous_update=False,
        )
        self.node_families = w.SelectMultiple(
            options=node_families(design, cloud, catalog_dir),
            value=s.node_families,
            description="node families",
            rows=6,
        )
        for control in self.all:
            control.style.description_width = LABEL_STYLE["description_width"]

    def reset(
        self, design: Design, cloud: str | None = None, catalog_dir: str | Path | None = None
    ) -> None:
        """Every control back to what `design` says (another environment: its zones, regions,
        purchase option, targets, node families and those its primary region sells)."""
        s = settings_of(design)
        primary = find_region(*primary_region(design, cloud))
        self.zones.max = max(primary.zones if primary is not None else 6, s.zones)
        self.regions.max = max(MAX_REGIONS, s.regions)
        self.node_families.value = ()
        self.node_families.options = node_families(design, cloud, catalog_dir)
        self.availability.options = _choices(AVAILABILITY_CHOICES, s.availability, _percent)
        self.rto.options = _duration_choices(RTO_CHOICES_S, s.rto_s)
        self.rpo.options = _duration_choices(RPO_CHOICES_S, s.rpo_s)
        values = (s.zones, s.regions, s.purchase, s.availability, s.rto_s, s.rpo_s, 1.0)
        for control, value in zip(self.all[:7], values, strict=True):
            control.value = value
        self.node_families.value = s.node_families

    @property
    def all(self) -> list[w.Widget]:
        return [
            self.zones,
            self.regions,
            self.purchase,
            self.availability,
            self.rto,
            self.rpo,
            self.load,
            self.node_families,
        ]

    def settings(self) -> Settings:
        return Settings(
            zones=int(self.zones.value),
            regions=int(self.regions.value),
            purchase=str(self.purchase.value),
            availability=float(self.availability.value),
            rto_s=int(self.rto.value),
            rpo_s=int(self.rpo.value),
            load_multiplier=round(float(self.load.value), 4),
            node_families=tuple(self.node_families.value),
        )


class Explorer:
    """Controls, key figures, charts and diagram for one design, replanned on every change."""

    def __init__(
        self,
        design: Design,
        *,
        cloud: str | None = None,
        catalog: str | Path | None = None,
        diagram: DiagramRenderer | None = diagram_html,
        chart_names: Sequence[str] = tuple(CHART_DATA),
        path: Path | None = None,
        environment: str = "",
    ):
        self.original = design  # with its environments; `base` is the one being explored
        self.base = design
        self.path = path  # the design file, beside which "Save as design" writes
        self.cloud = cloud or None  # notebooks pass "" for "the design's cloud"
        self.catalog_dir = catalog or None  # a catalog folder or CSV ("": the shipped ones)
        self.render_diagram = diagram
        self.controls = Controls(design, self.cloud, self.catalog_dir)
        self.numbers = w.HTML()
        self.status = w.HTML()
        self.chart_names = tuple(chart_names)
        self.charts: dict[str, LiveBars | LivePoints] = {}
        self.chart_box = w.VBox()
        self.diagram = w.HTML()
        self.save_button = w.Button(
            description="Save as design",
            tooltip="Write these settings as a new design file beside the original",
            disabled=path is None,
            layout=w.Layout(width="auto"),
        )
        self.saved = w.HTML()
        self.save_button.on_click(lambda _button: self.save())
        self.plan: Plan | None = None
        # Its memos make a replan after a small change cheap.
        self.planner = Planner(catalog_dir=self.catalog_dir)
        self.error: str | None = None
        self.replans = 0
        self.charts_drawn = 0
        self.diagrams_drawn = 0
        self._diagram_key: object = None
        self._budget_lines: dict[str, tuple[str, ...]] = {}  # design JSON -> its budget line
        self.budget_sweeps = 0
        self.last_replan_s = 0.0
        self.timings: dict[str, float] = {}  # seconds per stage of the last successful replan
        self._quiet = False  # controls being reset to another environment: replan once after
        for control in self.controls.all:
            control.observe(self._on_change, names="value")
        self.environment = self._environment_switch(design)
        self.view = self._layout()
        if environment and self.environment is not None:  # start in one (a notebook parameter)
            environment_design(design, environment)  # UserError naming the known ones
            self.environment.value = environment  # switch() plans it
        else:
            environment_design(design, environment)  # the same error without environments
            self.replan()

    def _environment_switch(self, design: Design) -> w.Dropdown | None:
        """The environment switch, when the design has environments: base and each of them."""
        if not design.environments:
            return None
        switch = w.Dropdown(
            options=environment_choices(design), value="", description="environment"
        )
        switch.style.description_width = LABEL_STYLE["description_width"]
        switch.observe(lambda change: self.switch(change["new"]), names="value")
        return switch

    def catalog(self) -> Catalog:
        """The catalog the explorer prices with (for the design-space sweep)."""
        return self.planner.catalog(self.cloud or self.base.cloud.value)

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> Explorer:
        from .notebooks import resolve_path

        found = resolve_path(path)
        return cls(load_design(found), path=found, **kwargs)

    def _layout(self) -> w.VBox:
        switch = [self.environment] if self.environment is not None else []
        left = w.VBox([*switch, *self.controls.all[:4]])
        right = w.VBox(self.controls.all[4:])
        save = w.HBox([self.save_button, self.saved])
        # Design-space exploration (devops_plan/exploration) adds its Pareto chart (cost
        # against availability, frontier highlighted, this design marked) to this box.
        self.pareto = w.VBox([])
        return w.VBox(
            [
                w.HBox([left, right]),
                save,
                self.status,
                self.numbers,
                self.chart_box,
                self.diagram,
                self.pareto,
            ]
        )

    def _on_change(self, change: Any) -> None:
        if not self._quiet:
            self.replan()

    def switch(self, environment: str) -> Plan | None:
        """Explore `environment` ("": the base design): the controls go back to what it says
        and it is planned once."""
        self.base = environment_design(self.original, environment)
        self._quiet = True
        try:
            self.controls.reset(self.base, self.cloud, self.catalog_dir)
        finally:
            self._quiet = False
        return self.replan()

    @property
    def environment_name(self) -> str:
        """The environment being explored ("" for the base design)."""
        return str(self.environment.value) if self.environment is not None else ""

    def design(self) -> Design:
        """The design as the controls currently modify it (in an environment: the
        environment planned with the settings in its overlay, what Save as design writes)."""
        if self.environment_name:
            return environment_design(self.with_settings(), self.environment_name)
        return apply_settings(self.base, self.controls.settings())

    def with_settings(self) -> Design:
        """The whole design, the environment being explored carrying the settings."""
        return with_environment_settings(
            self.original, self.environment_name, self.controls.settings()
        )

    def replan(self) -> Plan | None:
        """Plan the modified design and update the page; a design that cannot be planned
        shows why.

        Updates go out in the order a person reads them: numbers first, then the charts
        whose data changed (their marks updated in place), then the diagram if what runs
        where changed.
        """
        started = time.perf_counter()
        design = self.design()
        try:
            plan = build_plan(design, cloud=self.cloud, planner=self.planner)
            if self.environment_name:
                plan = plan.model_copy(update={"environment": self.environment_name})
        except DevopsPlanError as exc:
            self._cannot_plan(str(exc), started)
            return None
        self.plan, self.error = plan, None
        self.status.value = ""
        self.numbers.value = numbers_html(plan)
        numbers_at = time.perf_counter()
        self._update_charts(plan)
        charts_at = time.perf_counter()
        self._update_diagram(plan)
        diagram_at = time.perf_counter()
        advised = self._with_budget_advice(design, plan)
        if advised is not plan:  # over budget: the line comes after the rest is current
            self.plan = plan = advised
            self.numbers.value = numbers_html(plan)
        done = time.perf_counter()
        self.replans += 1
        self.last_replan_s = done - started
        self.timings = {
            "numbers_s": numbers_at - started,
            "charts_s": charts_at - numbers_at,
            "diagram_s": diagram_at - charts_at,
            "budget_s": done - diagram_at,
            "total_s": done - started,
        }
        return plan

    def _with_budget_advice(self, design: Design, plan: Plan) -> Plan:
        """`plan` with the budget line `devops-plan plan` prints when over budget (not for
        another cloud, as the CLI). The sweep behind it takes a few hundred milliseconds,
        so each design's line is kept for when the controls come back to it."""
        if self.cloud is not None or plan.cost.within_budget is not False:
            return plan
        key = design.model_dump_json()
        if key not in self._budget_lines:
            self.budget_sweeps += 1
            advised = with_budget_advice(design, plan)
            self._budget_lines[key] = advised.warnings[len(plan.warnings) :]
        extra = self._budget_lines[key]
        return plan.model_copy(update={"warnings": (*plan.warnings, *extra)}) if extra else plan

    def _cannot_plan(self, message: str, started: float) -> None:
        self.error = message
        self.status.value = (
            '<div style="color:#b2182b"><b>Cannot plan this combination:</b><pre>'
            + html_text(message)
            + "</pre>The figures below are from the last plan that worked.</div>"
        )
        self.last_replan_s = time.perf_counter() - started

    def _update_charts(self, plan: Plan) -> None:
        """Each chart's data; a chart whose data changed has its marks updated in place."""
        for name in self.chart_names:
            data = CHART_DATA[name](plan)
            chart = self.charts.get(name)
            if chart is None:
                self.charts[name] = live_chart(data)
                self.charts_drawn += 1
            elif chart.update(data):
                self.charts_drawn += 1
        if len(self.chart_box.children) != len(self.charts):
            self.chart_box.children = tuple(c.figure for c in self.charts.values())

    def _update_diagram(self, plan: Plan) -> None:
        """Redraw the diagram only when what runs where changed (prices do not show on it)."""
        if self.render_diagram is None:
            return
        key = diagram_key(plan)
        if key == self._diagram_key:
            return
        # A diagram that cannot be drawn (Graphviz missing or failing) must not take the
        # numbers and charts down with it: say so in the diagram's place.
        try:
            self.diagram.value = self.render_diagram(plan)
            self.diagrams_drawn += 1
            self._diagram_key = key
        except DevopsPlanError as exc:
            self.diagram.value = (
                '<div style="color:#b2182b"><b>The diagram could not be drawn:</b><pre>'
                + html_text(str(exc))
                + "</pre></div>"
            )

    def save(self) -> Path | None:
        """Write the settings as a new design file beside the original (validated, never over
        an existing file; in an environment, into its overlay); the page says where, or why not."""
        from .design.variant import save_design_variant, save_environment_variant

        if self.path is None:
            self.saved.value = "Nothing to save beside: the explorer was not opened from a file."
            return None
        name = self.environment_name
        try:
            if name:
                written = save_environment_variant(self.path, self.with_settings(), name)
            else:
                written = save_design_variant(self.path, self.design())
        except (DevopsPlanError, OSError, ValueError) as exc:
            self.saved.value = (
                f'<span style="color:#b2182b">Not saved: {html_text(str(exc))}</span>'
            )
            return None
        self.saved.value = (
            f'Saved as <code class="devops-plan-saved">{html_text(str(written))}</code>'
        )
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


def numbers_html(plan: Plan) -> str:
    """The key figures as a small HTML table; rows carry `data-figure` keys and raw values."""
    from .notebooks import key_figures

    rows = "".join(
        f'<tr data-figure="{k.key}" data-value="{html_text(k.value)}">'
        f'<th style="text-align:left;padding-right:1em">{html_text(k.label)}</th>'
        f"<td>{html_text(k.text)}</td></tr>"
        for k in key_figures(plan)
    )
    # The budget line says what would bring the plan within budget: shown, not folded away.
    budget = "".join(
        f'<p class="devops-plan-budget" style="color:#b2182b">{html_text(x)}</p>'
        for x in plan.warnings
        if x.startswith(BUDGET_PREFIX)
    )
    others = [x for x in plan.warnings if not x.startswith(BUDGET_PREFIX)]
    warnings = "".join(f"<li>{html_text(x)}</li>" for x in others)
    extra = (
        f"<details><summary>{len(others)} warning(s)</summary><ul>{warnings}</ul></details>"
        if warnings
        else ""
    )
    return f'<table class="devops-plan-figures">{rows}</table>{budget}{extra}'


__all__ = [
    "Controls",
    "DiagramRenderer",
    "Explorer",
    "Settings",
    "apply_settings",
    "diagram_html",
    "diagram_key",
    "node_families",
    "numbers_html",
    "primary_region",
    "region_sequence",
    "settings_of",
]
