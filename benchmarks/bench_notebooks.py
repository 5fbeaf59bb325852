"""Benchmark: how fast the explorer answers a control change, and a headless notebook run.

Explorer figures (in-process, no kernel, the shop design): the time from a control change
to the new plan and numbers (what appears first on screen), to the redrawn charts, and to
the redrawn diagram (all of one callback, in that order). Headless figures: `run_notebook`
of plan.ipynb with HTML (kernel start included) and the nbconvert HTML export alone.

Run: python -m benchmarks.bench_notebooks
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from devops_plan.design import load_design
from devops_plan.notebooks import resolve_path, run_notebook, to_html
from devops_plan.widgets import Explorer

# Control changes that each alter the plan, cycled so every step really replans.
CHANGES = [
    ("zones", 2),
    ("zones", 3),
    ("purchase", "reserved_1y"),
    ("purchase", "on_demand"),
    ("load", 2.0),
    ("load", 1.0),
    ("rto", 300),
    ("rto", 3600),
]


def explorer_figures(
    design_file: str = "data/designs/shop.yaml", rounds: int = 2
) -> dict[str, float]:
    explorer = Explorer(load_design(resolve_path(design_file)))
    stages: dict[str, list[float]] = {
        "numbers_s": [],
        "charts_s": [],
        "diagram_s": [],
        "total_s": [],
    }
    first_round: list[float] = []
    charts_drawn = explorer.charts_drawn
    for round_ in range(rounds):
        for control, value in CHANGES:
            getattr(explorer.controls, control).value = value  # the real callback
            assert explorer.error is None, explorer.error
            for key, seconds in explorer.timings.items():
                stages[key].append(seconds)
            if round_ == 0:
                # Numbers of a design never planned before in this process (caches cold).
                first_round.append(explorer.timings["numbers_s"])
    changes = len(stages["total_s"])
    return {
        "changes": float(changes),
        "charts_per_change": (explorer.charts_drawn - charts_drawn) / changes,
        "numbers_first_median_s": statistics.median(first_round),
        **{f"{k[:-2]}_median_s": statistics.median(v) for k, v in stages.items()},
        "total_max_s": max(stages["total_s"]),
    }


def headless_figures(repeats: int = 3) -> dict[str, float]:
    runs, exports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            out = Path(tmp) / str(i)
            start = time.perf_counter()
            result = run_notebook("plan", design="data/designs/shop.yaml", out_dir=out, html=True)
            runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            to_html(result.notebook)
            exports.append(time.perf_counter() - start)
    return {
        "run_median_s": statistics.median(runs),
        "run_max_s": max(runs),
        "html_median_s": statistics.median(exports),
    }


def main() -> dict[str, float]:
    ex = explorer_figures()
    print(
        f"explorer, shop design, {int(ex['changes'])} control changes (median): numbers on screen "
        f"{ex['numbers_median_s'] * 1000:.0f} ms after the change ({ex['numbers_first_median_s'] * 1000:.0f} ms "
        f"for a design not planned before), charts {ex['charts_median_s'] * 1000:.0f} ms "
        f"({ex['charts_per_change']:.1f} of 5 redrawn per change), diagram {ex['diagram_median_s'] * 1000:.0f} ms; "
        f"whole callback {ex['total_median_s'] * 1000:.0f} ms (max {ex['total_max_s'] * 1000:.0f} ms)"
    )
    hl = headless_figures()
    print(
        f"headless plan.ipynb with --html (kernel start included): median {hl['run_median_s']:.2f} s "
        f"(max {hl['run_max_s']:.2f} s); HTML export alone {hl['html_median_s']:.3f} s"
    )
    return {**ex, **{f"headless_{k}": v for k, v in hl.items()}}


if __name__ == "__main__":
    main()
