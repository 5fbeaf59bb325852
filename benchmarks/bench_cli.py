"""CLI start-up, measured as whole processes (interpreter start, imports, work, exit), each
figure next to the bare interpreter (`python -c pass`) measured in the same run, the runs
interleaved so that a busy machine slows them all alike.

Targets (issue 15): `--version` and `--help` at most 0.3 s above the bare interpreter;
`plan data/designs/shop.yaml` at most 1.0 s; a 200-service design at most 1.5 s.

The CPU column is the median CPU time (user + system) of each process: what it costs the
machine, which a busy machine inflates far less than the wall time.

Run: python -m benchmarks.bench_cli [--runs 7] [--cli PATH]
(--cli times another installation's devops-plan, e.g. main's, in the same way.)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synthetic import synthetic_yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"--version": 0.3, "--help": 0.3}  # above the bare interpreter
ABSOLUTE = {
    "plan shop.yaml": 1.0,
    "plan 200 services": 1.5,
    "plan 200 services --json": None,
}


def _cli() -> list[str]:
    found = Path(sys.executable).with_name("devops-plan")
    return [str(found)] if found.exists() else [sys.executable, "-m", "devops_plan"]


def commands(big: Path, cli: list[str]) -> dict[str, list[str]]:
    shop = str(ROOT / "data" / "designs" / "shop.yaml")
    return {
        "python -c pass": [str(Path(cli[0]).with_name("python")), "-c", "pass"],
        "--version": [*cli, "--version"],
        "--help": [*cli, "--help"],
        "plan shop.yaml": [*cli, "plan", shop],
        "plan 200 services": [*cli, "plan", str(big)],
        "plan 200 services --json": [*cli, "plan", str(big), "--json"],
    }


def _time(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process. On a busy machine the wall time grows with
    the load; the CPU time (user + system, the process and its children) much less, so it
    says what the process itself costs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_PLAN_")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int, cli: list[str]) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds of each command, `runs` times, interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "synthetic-200.yaml"
        big.write_text(synthetic_yaml(200), encoding="utf-8")
        todo = commands(big, cli)
        times: dict[str, list[float]] = {name: [] for name in todo}
        cpus: dict[str, list[float]] = {name: [] for name in todo}
        for args in todo.values():
            _time(args, Path(tmp))  # warm the file cache and .pyc files first
        for _ in range(runs):
            for name, args in todo.items():
                wall, cpu = _time(args, Path(tmp))
                times[name].append(wall)
                cpus[name].append(cpu)
    return times, cpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cli", type=Path, help="The devops-plan executable to time.")
    args = parser.parse_args(argv)
    times, cpus = measure(args.runs, [str(args.cli)] if args.cli else _cli())
    bare = statistics.median(times["python -c pass"])
    print(f"load average {os.getloadavg()[0]:.2f}; median (min) of {args.runs} runs, seconds")
    print(f"{'command':<34}{'median':>8}{'min':>8}{'above bare':>12}{'target':>10}{'CPU':>8}")
    failed = False
    for name, values in times.items():
        median = statistics.median(values)
        above = median - bare
        if name in TARGETS:
            target, ok = f"+{TARGETS[name]:.1f}", above <= TARGETS[name]
        elif ABSOLUTE.get(name) is not None:
            target, ok = f"{ABSOLUTE[name]:.1f}", median <= ABSOLUTE[name]  # type: ignore[operator]
        else:
            target, ok = "", True
        failed |= not ok
        mark = "" if ok else "  MISSED"
        cpu = statistics.median(cpus[name])
        print(f"{name:<34}{median:8.3f}{min(values):8.3f}{above:12.3f}{target:>10}{cpu:8.3f}{mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
