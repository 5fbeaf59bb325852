"""Benchmark: the explorer in headless Chromium, from a control change to the page current
(key figures, charts and diagram redrawn). Target: the median full redraw under 200 ms.

The driving is tests/test_browser_explorer.py's (Voilà serving notebooks/explore.ipynb on the
shop design, seven control changes each from an idle explorer, times on the browser's
clock); that test checks what the page shows and writes the times to out/browser/latency.json,
and this benchmark runs it `--runs` times and judges the target on the median of the runs'
medians. The target lives here, not in the test: a timed assertion fails on a saturated
machine for reasons that are not the explorer's.

Run: python -m benchmarks.bench_explorer_browser [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LATENCY = ROOT / "out" / "browser" / "latency.json"
TEST = "tests/test_browser_explorer.py::test_controls_replan_to_what_the_library_computes"
TARGET_MS = 200.0


def one_run() -> dict[str, float]:
    """The figures of one run of the browser test (which must pass: it checks the page)."""
    LATENCY.unlink(missing_ok=True)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not LATENCY.is_file():
        raise SystemExit(f"the browser test failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(LATENCY.read_text(encoding="utf-8"))
    return figures


def main(runs: int) -> int:
    settled, numbers = [], []
    for i in range(runs):
        load = os.getloadavg()[0]
        figures = one_run()
        settled.append(float(figures["settled_median_ms"]))
        numbers.append(float(figures["numbers_median_ms"]))
        print(
            f"run {i + 1}: key figures {figures['numbers_median_ms']} ms, page current "
            f"{figures['settled_median_ms']} ms (medians of the changes; load average {load:.2f})",
            flush=True,
        )
    median = statistics.median(settled)
    verdict = "met" if median < TARGET_MS else f"MISSED by {median - TARGET_MS:.1f} ms"
    print(
        f"median of {runs} run(s): key figures {statistics.median(numbers):.1f} ms, page "
        f"current {median:.1f} ms; target < {TARGET_MS:.0f} ms: {verdict}"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    sys.exit(main(parser.parse_args().runs))
