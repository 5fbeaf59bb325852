"""The Planner: plans designs end to end (one pass, the suggestion for a missed target, the
decisions, the Plan). It holds the price catalogs, the default tables and the memos that its
variants share, so replanning a changed design (decisions, the explorer) is cheap; nothing is
remembered between Planners."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..catalog import Catalog, catalog_path, load_catalog
from ..defaults import dr_table, engines_table, sizing_rules, sla_table
from ..design import Design, Purchase
from ..design.vocabulary import Vocabulary
from ..errors import DevopsPlanError
from ..plan import Plan
from .alternatives import engine_variants, engine_warnings
from .assemble import Totals, assemble
from .collector import collector_paused
from .context import Context, PlanOptions, Tables, make_context
from .core import Core, Memo, by_purchase, peak_provisioned, plan_core
from .decisions import build_decisions, suggest
from .families import map_node_types
from .vocabulary import vocabulary_of


class Planner:
    """Plans designs with one catalog per cloud: the given one, else the one in
    `catalog_dir` (a folder of `<cloud>.csv`, or a CSV), else $DEVOPS_PLAN_CATALOG, else the
    shipped ones."""

    def __init__(
        self, catalog: Catalog | None = None, catalog_dir: str | Path | None = None
    ) -> None:
        self.fixed = catalog
        self.catalog_dir = catalog_dir
        self.catalogs: dict[str, Catalog] = {}
        self.memo = Memo()

    def catalog(self, cloud: str) -> Catalog:
        """The catalog plans on `cloud` use (a fixed catalog of another cloud is refused when
        the context is made, with a message naming both)."""
        if self.fixed is not None:
            return self.fixed
        if cloud not in self.catalogs:
            self.catalogs[cloud] = load_catalog(cloud, catalog_path(cloud, self.catalog_dir))
        return self.catalogs[cloud]

    def vocabulary(self, cloud: str) -> Vocabulary:
        """The names designs on `cloud` may use: those of the catalog this planner prices
        with (what `load_design(..., vocabulary=planner.vocabulary)` checks)."""
        return vocabulary_of(self.catalog(cloud))

    def tables(self, cloud: str) -> Tables:
        return Tables(sla_table(cloud), sizing_rules(), dr_table(), engines_table(cloud))

    def context(self, design: Design, options: PlanOptions = PlanOptions()) -> Context:
        """The design resolved onto its cloud, regions and tables (before any sizing)."""
        cloud = options.cloud or design.cloud.value
        design, _ = self.on_cloud(design, cloud)
        return make_context(design, options, self.catalog(cloud), self.tables(cloud))

    def core(
        self, design: Design, options: PlanOptions = PlanOptions(), base: Core | None = None
    ) -> Core:
        """One sizing and pricing pass (no decisions): what the explorer and variants need.
        `base`: a pass planned with the same options whose sizing a variant may keep."""
        cloud = options.cloud or design.cloud.value
        design, note = self.on_cloud(design, cloud)
        catalog, tables = self.catalog(cloud), self.tables(cloud)
        core = plan_core(design, options, catalog, tables, self.memo, base)
        return core if note is None else replace(core, warnings=(note, *core.warnings))

    def on_cloud(self, design: Design, cloud: str) -> tuple[Design, str | None]:
        """`design` with its node types moved to `cloud`'s equivalent families when it is
        planned on another cloud, and the sentence that says so."""
        types = design.defaults.node_types
        if cloud == design.cloud.value or not types:
            return design, None
        mapped = map_node_types(types, self.catalog(design.cloud.value), cloud)
        defaults = design.defaults.model_copy(update={"node_types": mapped.node_types})
        return design.model_copy(update={"defaults": defaults}), mapped.note

    def variant(
        self, design: Design, options: PlanOptions = PlanOptions(), base: Core | None = None
    ) -> Core | None:
        """A pass over a changed design; None when that variant cannot be planned."""
        try:
            return self.core(design, options, base)
        except DevopsPlanError:
            return None

    def plan(
        self,
        design: Design,
        options: PlanOptions = PlanOptions(),
        *,
        decisions: bool = True,
        advice: bool = True,
    ) -> Plan:
        """Plan a design: sizing, topology, availability, DR and cost, with decisions.

        For outputs that do not show them: `decisions=False` leaves `Plan.decisions` empty
        and skips the variants they price (most of a plan's passes; tables, diffs);
        `advice=False` also leaves out the suggestion for a missed target and the other
        database engines (and their warnings), each of which is another pass (diffs).
        """
        with collector_paused():
            return self.planned(design, options, decisions, advice)

    def planned(self, design: Design, options: PlanOptions, decisions: bool, advice: bool) -> Plan:
        """`plan`'s work (run with the garbage collector paused: engine/collector.py)."""
        core = self.core(design, options)
        alternatives = self.memo.pools.alternatives(core.ctx, core.services, core.pools)
        core = replace(core, alternatives=alternatives)

        # The same variant can be weighed twice (a database made Multi-AZ by its decision and
        # by the suggestion; the second region by the topology decision and the suggestion):
        # planned once per plan.
        planned: list[tuple[Design, Core | None]] = []

        def replan(changed: Design) -> Core | None:
            for before, v in planned:
                if before == changed:
                    return v
            v = self.variant(changed, options, base=core)
            planned.append((changed, v))
            return v

        engines = engine_variants(design, core, replan) if advice else {}
        missed = advice and not core.availability.meets_target
        suggestion = suggest(design, core, replan, engines) if missed else None
        purchases = self.by_purchase(design, core, options)
        made = build_decisions(design, core, replan, purchases, engines) if decisions else ()
        today = options.today or date.today().isoformat()
        totals = Totals(purchases, peak_provisioned(core), today)
        return assemble(design, core, suggestion, made, totals, engine_warnings(core, engines))

    def by_purchase(self, design: Design, core: Core, options: PlanOptions) -> dict[str, Decimal]:
        """The plan's monthly total under each purchase option: its components bought that way;
        spot is the plan made under spot, because spot keeps an on-demand floor."""
        totals = by_purchase(core)
        if core.ctx.purchase != Purchase.spot:
            spot = self.variant(design, replace(options, purchase=Purchase.spot.value))
            if spot is not None:
                totals[Purchase.spot.value] = spot.monthly_total
        return totals


def build_plan(
    design: Design,
    *,
    cloud: str | None = None,
    region: str | None = None,
    purchase: str | None = None,
    catalog: Catalog | None = None,
    catalog_dir: str | Path | None = None,
    allow_missing_prices: bool = False,
    planner: Planner | None = None,
    decisions: bool = True,
    today: str = "",
) -> Plan:
    """Plan a design: sizing, topology, availability, DR and cost, with decisions.

    Raises PlanningError for a design that cannot be planned and PriceNotFound (listing
    every missing price) unless `allow_missing_prices`, which turns them into warnings.
    Pass a `planner` to reuse its catalogs and memos across many plans; `catalog_dir` (a
    folder of refreshed or custom `<cloud>.csv`, or one CSV) prices with other catalogs than
    the shipped ones ($DEVOPS_PLAN_CATALOG does the same); `today` (ISO date) is the day the
    catalog's freshness is judged on; `decisions=False` skips the decision records (see
    `Planner.plan`).
    """
    planner = planner or Planner(catalog, catalog_dir)
    options = PlanOptions(cloud, region, purchase, allow_missing_prices, today)
    return planner.plan(design, options, decisions=decisions)
