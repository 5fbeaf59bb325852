"""Budget honesty: when a design is over its budget, what the whole design space can do about it.

From an `explore` DataFrame: how many candidates are within the budget, the cheapest candidate
(within the budget and meeting the targets when there is one, else the cheapest of all), and
the levers: each dimension changed alone from the design as written, with the most it saves.
One line says it, for `plan`, `explore`, the notebooks and the explorer alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..catalog import Catalog
from ..design import Design, Purchase
from ..units import format_money
from .space import DEFAULT_FAMILY, DIMENSIONS

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..plan import Plan

# Load is what the users bring, not a design choice: never offered as a lever.
LEVER_DIMENSIONS = tuple(d for d in DIMENSIONS if d != "load_multiplier")
MAX_LEVERS = 3
BUDGET_PREFIX = "budget: "  # how the budget line starts among a plan's warnings


@dataclass(frozen=True)
class Lever:
    """One dimension changed alone from the design as written, at its cheapest value."""

    dimension: str
    value: Any
    saving_cents: int

    @property
    def label(self) -> str:
        return setting_label(self.dimension, self.value)


@dataclass(frozen=True)
class BudgetAdvice:
    budget_cents: int
    currency: str
    candidates: int  # plannable candidates looked at
    within: int  # of which within the budget
    within_meeting: int  # of which within the budget and meeting every target
    cheapest: int  # candidate number: cheapest within budget meeting targets, else cheapest
    cheapest_cents: int
    cheapest_settings: tuple[str, ...]
    changes: bool  # the settings are the changes from the design as written
    current_cents: int | None  # the design as written, when the sweep can express it
    levers: tuple[Lever, ...]

    def line(self) -> str:
        """The one line `plan` and `explore` print."""
        money = self._money
        budget = money(self.budget_cents)
        settings = ", ".join(self.cheapest_settings) or "the design as written"
        if self.changes and self.cheapest_settings:
            settings = "from the design as written: " + settings
        if self.within == 0:
            over = money(self.cheapest_cents - self.budget_cents)
            head = (
                f"No candidate is within the budget of {budget}: the cheapest of "
                f"{self.candidates:,} is #{self.cheapest} at {money(self.cheapest_cents)} "
                f"({over} over; {settings})"
            )
        elif self.within_meeting == 0:
            head = (
                f"{self.within:,} of {self.candidates:,} candidates are within the budget of "
                f"{budget} but none meets the targets; the cheapest is #{self.cheapest} at "
                f"{money(self.cheapest_cents)} ({settings})"
            )
        else:
            head = (
                f"{self.within_meeting:,} of {self.candidates:,} candidates are within the "
                f"budget of {budget} and meet the targets; the cheapest is #{self.cheapest} at "
                f"{money(self.cheapest_cents)} ({settings})"
            )
        if not self.levers:
            return head + "; no single change to the design saves anything."
        levers = ", ".join(f"{lv.label} saves {money(lv.saving_cents)}" for lv in self.levers)
        return f"{head}; the levers that cut the most from the design as written: {levers}."

    def _money(self, cents: int) -> str:
        return format_money(Decimal(cents) / 100, self.currency)


def budget_advice(df: pd.DataFrame) -> BudgetAdvice | None:
    """What the space offers against the budget; None without a budget or candidates."""
    budget = df.attrs.get("budget")
    if budget is None or df.empty:
        return None
    cents = df["monthly_cost_cents"]
    within = df["within_budget"].fillna(False).astype(bool)
    good = within & df["meets_target"].astype(bool)
    pool = df[good] if good.any() else (df[within] if within.any() else df)
    best = pool.sort_values("monthly_cost_cents", kind="stable")
    index = int(best.index[0])
    current = df[df["current"]]
    return BudgetAdvice(
        budget_cents=round(Decimal(str(budget)) * 100),
        currency=str(df.attrs["currency"]),
        candidates=len(df),
        within=int(within.sum()),
        within_meeting=int(good.sum()),
        cheapest=index,
        cheapest_cents=int(cents.loc[index]),
        cheapest_settings=settings(best.iloc[0], None if current.empty else current.iloc[0]),
        changes=not current.empty,
        current_cents=None if current.empty else int(current["monthly_cost_cents"].iloc[0]),
        levers=levers(df) if not current.empty else (),
    )


def levers(df: pd.DataFrame, limit: int = MAX_LEVERS) -> tuple[Lever, ...]:
    """Each dimension changed alone from the current row, at its cheapest value, most saved
    first (ties in DIMENSIONS order); only changes that save something."""
    current = df[df["current"]].iloc[0]
    keys = {d: df[d].astype(object).where(df[d].notna(), None) for d in LEVER_DIMENSIONS}
    here = {d: None if pd.isna(current[d]) else current[d] for d in LEVER_DIMENSIONS}
    same = {d: keys[d].map(lambda v, h=here[d]: v == h) for d in LEVER_DIMENSIONS}
    same_load = df["load_multiplier"] == current["load_multiplier"]
    found = []
    for d in LEVER_DIMENSIONS:
        others = same_load.copy()
        for o in LEVER_DIMENSIONS:
            if o != d:
                others &= same[o]
        rows = df[others & ~same[d]]
        if rows.empty:
            continue
        row = rows.sort_values("monthly_cost_cents", kind="stable").iloc[0]
        saving = int(current["monthly_cost_cents"]) - int(row["monthly_cost_cents"])
        if saving > 0:
            found.append(Lever(d, here_value(row[d]), saving))
    found.sort(key=lambda lv: -lv.saving_cents)  # stable: DIMENSIONS order breaks ties
    return tuple(found[:limit])


def here_value(value: Any) -> Any:
    return None if value is None or value is pd.NA or value != value else value


def settings(row: pd.Series, base: pd.Series | None = None) -> tuple[str, ...]:
    """A candidate's settings in words: those that differ from `base` (the design as
    written) when given, else every dimension that applies to the design."""
    out = []
    for d in LEVER_DIMENSIONS:
        value = here_value(row[d])
        if value is None or (base is not None and value == here_value(base[d])):
            continue
        out.append(setting_label(d, value))
    return tuple(out)


def setting_label(dimension: str, value: Any) -> str:
    """One dimension's value in words, e.g. '2 zones', 'spot compute', 'databases single-AZ'."""
    match dimension:
        case "zones":
            return f"{value} zone" + ("" if value == 1 else "s")
        case "dr_strategy":
            return str(value).replace("_", " ") + " DR"
        case "purchase":
            return f"{str(value).replace('_', ' ')} compute"
        case "data_purchase":
            return f"{str(value).replace('_', ' ')} data stores"
        case "node_family":
            return "the design's node types" if value == DEFAULT_FAMILY else f"{value} nodes"
        case "db_multi_az":
            return "databases " + ("Multi-AZ" if value else "single-AZ")
        case "cache_multi_az":
            return "caches " + ("Multi-AZ" if value else "single-AZ")
    return f"{dimension} {value}"


def worth_saying(advice: BudgetAdvice | None) -> bool:
    """Whether the budget needs a line: the design as written is over it, or no candidate
    within it meets the targets."""
    if advice is None:
        return False
    over = advice.current_cents is not None and advice.current_cents > advice.budget_cents
    return over or advice.within_meeting == 0


def with_purchase(design: Design, purchase: str | None) -> Design:
    """`design` bought as `purchase` (what `plan --purchase` plans), or as written."""
    if purchase is None:
        return design
    defaults = design.defaults.model_copy(update={"purchase": Purchase(purchase)})
    return design.model_copy(update={"defaults": defaults})


def with_budget_advice(design: Design, plan: Plan, catalog: Catalog | None = None) -> Plan:
    """`plan` with one more warning when it is over its budget: what the design space can do
    (the sweep runs only then, over `design` as planned: not for another cloud or region),
    priced with the catalog the plan was priced with."""
    if plan.cost.within_budget is not False:
        return plan
    from .sweep import explore  # numpy and pandas load only for a plan over budget

    advice = budget_advice(explore(design, catalog=catalog))
    if advice is None:
        return plan
    return plan.model_copy(update={"warnings": (*plan.warnings, BUDGET_PREFIX + advice.line())})
