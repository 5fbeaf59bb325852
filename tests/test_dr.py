"""DR strategy choice."""

from __future__ import annotations

from decimal import Decimal

from devops_plan.defaults import dr_table
from devops_plan.engine.dr import DROption, choose, meets

H, M = 3600, 60


def options(rto_t: int, rpo_t: int) -> list[DROption]:
    costs = {"backup_restore": 100, "pilot_light": 400, "warm_standby": 2000, "active_active": 6000}
    return [
        DROption(
            s.name, s.rto_s, s.rpo_s, Decimal(costs[s.name]), meets(s.rto_s, s.rpo_s, rto_t, rpo_t)
        )
        for s in dr_table().strategies
    ]


def test_shipped_table_matches_the_whitepaper_defaults() -> None:
    t = {s.name: (s.rto_s, s.rpo_s) for s in dr_table().strategies}
    assert t == {
        "backup_restore": (4 * H, 1 * H),
        "pilot_light": (30 * M, 1 * M),
        "warm_standby": (5 * M, 1 * M),
        "active_active": (1 * M, 0),
    }


def test_cheapest_that_meets_both() -> None:
    assert choose(options(H, 15 * M), H, 15 * M).strategy == "pilot_light"
    assert choose(options(4 * H, H), 4 * H, H).strategy == "backup_restore"
    assert choose(options(10 * M, 5 * M), 10 * M, 5 * M).strategy == "warm_standby"
    assert choose(options(2 * M, 30), 2 * M, 30).strategy == "active_active"


def test_none_meets_picks_closest_and_says_why() -> None:
    c = choose(options(30, 0), 30, 0)
    assert c.strategy == "active_active"
    assert not c.meets_target
    assert c.gap == "RTO 1m exceeds the 30s target"


def test_forced_strategy_wins() -> None:
    c = choose(options(H, 15 * M), H, 15 * M, forced="backup_restore")
    assert c.strategy == "backup_restore" and c.forced and not c.meets_target
    assert "RPO 1h exceeds the 15m target" in c.gap
