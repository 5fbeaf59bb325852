"""Run every benchmark in this folder, one after the other, each in its own process.

Run: python -m benchmarks.run [NAME ...]   (NAME as in bench_NAME.py; default: all)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    here = Path(__file__).resolve().parent
    found = sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    chosen = names or found
    unknown = sorted(set(chosen) - set(found))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(found)}", file=sys.stderr
        )
        return 2
    failed = 0
    for name in chosen:
        print(f"== bench_{name}", flush=True)
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.bench_{name}"], cwd=here.parent)
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
