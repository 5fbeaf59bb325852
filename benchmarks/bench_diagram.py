"""Benchmark: drawing the architecture diagram of a generated 100-service design
(target: a few seconds), split into its stages, and a whole `export` into an empty folder.

Stages: the scene (pure Python over the plan), the DOT source (built with `diagrams`),
the SVG (Graphviz layout and render, then the icons embedded as data: URIs) and the PNG
(a second Graphviz run at 110 dpi). The plan is built once, outside the timings.

Run: python -m benchmarks.bench_diagram
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from devops_plan import build_plan
from devops_plan.export import export_docs
from devops_plan.render.diagram import (
    PNG_DPI,
    build_scene,
    embed_icons,
    render_diagram,
    run_dot,
    to_dot,
)

from .synthetic import synthetic_design


def _time(fn: object, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def main(n_services: int = 100, repeats: int = 5) -> dict[str, float]:
    design = synthetic_design(n_services)
    plan = build_plan(design)
    render_diagram(plan)  # warm the icon cache and the font cache once
    scene = build_scene(plan)
    source = to_dot(scene, plan)
    stages = {
        "scene": _time(lambda: build_scene(plan), repeats),
        "dot_source": _time(lambda: to_dot(build_scene(plan), plan), repeats),
        "svg": _time(lambda: embed_icons(run_dot(source, "-Tsvg").decode()), repeats),
        "png": _time(lambda: run_dot(source, "-Tpng", f"-Gdpi={PNG_DPI}", "-Gsize=72,72"), repeats),
        "render_diagram": _time(lambda: render_diagram(plan), repeats),
    }

    def export_once() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            export_docs(plan, design, Path(tmp) / "docs")

    stages["export"] = _time(export_once, repeats)
    figures = {k: statistics.median(v) for k, v in stages.items()}
    d = render_diagram(plan)
    boxes = sum(1 for _ in scene.all_boxes())
    print(
        f"diagram of {n_services} services ({boxes} boxes, {len(scene.links)} edges), median of {repeats}: "
        + ", ".join(f"{k} {v:.3f} s" for k, v in figures.items())
        + f"; max render_diagram {max(stages['render_diagram']):.3f} s; "
        f"SVG {len(d.svg) / 1024:.0f} KiB, PNG {len(d.png) / 1024:.0f} KiB, DOT {len(d.dot) / 1024:.0f} KiB"
    )
    return figures


if __name__ == "__main__":
    main()
