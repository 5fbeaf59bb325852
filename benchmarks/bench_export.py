"""Benchmark: plan, diagram and export of generated chains of 50, 150 and 500 services (500 is
the design file's limit), with this checkout's code and with a baseline's (`main` by default,
from `git archive` into a temporary folder), back to back in the same run.

A chain (svc-0 calls svc-1, ..., the last calls a database; `synthetic.chain_yaml`) is the
longest user path a design of its size can have. Each figure is measured in a child process
whose `devops_plan` is the tree under test (PYTHONPATH), with wall and CPU time (the children's
CPU time counts Graphviz): plan (`build_plan` with the catalog loaded in the timing, as the CLI does; the design is
loaded outside it), diagram
(`render_diagram`: DOT, SVG and PNG) and export (`export_docs` into an empty folder: diagram,
ADRs, Kubernetes manifests, SLO rules, runbooks, Terraform, what `devops-plan export` writes).
Each child also prints two digests, of the exported diagrams and of every other file, so the
run shows whether the two trees wrote the same bytes.

Run: python -m benchmarks.bench_export [--sizes 50,150,500] [--baseline REF | --no-baseline]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve()
STAGES = ("plan", "diagram", "export")


def _timed(work: Callable[[], object]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), _cpu()
    work()
    return {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu}


def _cpu() -> float:
    """This process's CPU time and its finished children's (Graphviz `dot`)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _digest(folder: Path, diagrams: bool) -> str:
    """A digest of the exported diagrams (and the manifest, which holds their hashes), or of
    every other file."""
    h = hashlib.sha256()
    files = (p for p in folder.rglob("*") if p.is_file())
    for path in sorted(p for p in files if _is_diagram(p) == diagrams):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _is_diagram(path: Path) -> bool:
    return path.parent.name == "diagrams" or path.name == ".devops-plan-manifest.json"


def child(design_file: str) -> None:
    """Measure one design with whatever `devops_plan` is importable; print JSON."""
    from devops_plan.design import load_design
    from devops_plan.engine import build_plan
    from devops_plan.export import export_docs
    from devops_plan.render.diagram import render_diagram

    design = load_design(design_file)
    plans = []  # cold, as `devops-plan export` plans: the price catalog loaded in the timing
    out: dict[str, object] = {"plan": _timed(lambda: plans.append(build_plan(design)))}
    plan = plans[0]
    out["diagram"] = _timed(lambda: render_diagram(plan))
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        out["export"] = _timed(lambda: export_docs(plan, design, docs))
        out["files"] = sum(1 for p in docs.rglob("*") if p.is_file())
        out["digest"] = f"{_digest(docs, False)} {_digest(docs, True)}"
    print(json.dumps(out))


def _measure(tree: Path, design_file: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(
        [sys.executable, str(HERE), "--child", str(design_file)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: {design_file.name} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _baseline_tree(ref: str, into: Path) -> Path:
    repo = HERE.parent.parent
    archive = subprocess.run(["git", "archive", ref], cwd=repo, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _row(size: int, name: str, r: dict[str, object]) -> str:
    cells = []
    for stage in STAGES:
        t = r[stage]
        assert isinstance(t, dict)
        cells.append(f"{t['wall']:8.2f} s ({t['cpu']:7.2f} CPU)")
    return f"{size:>5} | {name:<9} | " + " | ".join(cells) + f" | {r['files']:>5} | {r['digest']}"


def main(sizes: list[int], baseline: str | None) -> int:
    from .synthetic import chain_yaml

    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this": HERE.parent.parent}
        if baseline is not None:
            trees = {baseline: _baseline_tree(baseline, Path(tmp)), **trees}
        print(f"load average at start: {os.getloadavg()[0]:.1f}; cores: {os.cpu_count()}")
        print(
            f"{'size':>5} | {'code':<9} | "
            + " | ".join(f"{s:<24}" for s in STAGES)
            + " | files | digests: other files, diagrams and manifest"
        )
        differ = {"other files": 0, "diagrams": 0}
        for size in sizes:
            design_file = Path(tmp) / f"chain-{size}.yaml"
            design_file.write_text(chain_yaml(size), encoding="utf-8")
            digests = []
            for name, tree in trees.items():
                r = _measure(tree, design_file)
                digests.append(str(r["digest"]).split())
                print(_row(size, name, r), flush=True)
            for i, what in enumerate(differ):
                differ[what] += len({d[i] for d in digests}) > 1
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if baseline is not None:
        for what, sizes_differing in differ.items():
            verdict = f"DIFFER at {sizes_differing} size(s)" if sizes_differing else "identical"
            print(f"{what}: {verdict} between {baseline} and this checkout")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", metavar="DESIGN", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="50,150,500")
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        sys.exit(0)
    sizes = [int(s) for s in args.sizes.split(",")]
    sys.exit(main(sizes, None if args.no_baseline else args.baseline))
