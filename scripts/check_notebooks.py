"""Check the shipped notebooks as nbstripout would keep them: no outputs, no execution
counts, and each .ipynb in step with its jupytext py:percent twin. Exit 1 naming each file
that is not (the pre-commit hook and `make lint` run this).

Run: python scripts/check_notebooks.py [notebooks/*.ipynb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[str]:
    """What is wrong with one notebook (empty when it is clean and paired)."""
    out = []
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            out.append(f"{path}: cell {i} has outputs or an execution count; clear them")
    twin = path.with_suffix(".py")
    if not twin.exists():
        out.append(f"{path}: no paired {twin.name} (jupytext --set-formats ipynb,py:percent)")
        return out
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    paired = jupytext.read(twin, fmt="py:percent")
    if code != [c.source for c in paired.cells if c.cell_type == "code"]:
        out.append(f"{path}: code differs from {twin.name}; run jupytext --sync {path}")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = [p for path in paths if path.suffix == ".ipynb" for p in problems(path)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
