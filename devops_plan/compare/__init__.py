"""Comparing two plans: `model` computes the differences (pure), `sources` reads each side
(a design file, a plan's JSON, `git:REF:PATH` or `none`); `render.diff` prints them."""

from __future__ import annotations

from .model import Amount, Change, ItemDiff, PlanDiff, PoolDiff, ServiceDiff, Side, compare
from .sources import Spec, git_show, load_side, plan_from_json

__all__ = [
    "Amount",
    "Change",
    "ItemDiff",
    "PlanDiff",
    "PoolDiff",
    "ServiceDiff",
    "Side",
    "Spec",
    "compare",
    "git_show",
    "load_side",
    "plan_from_json",
]
