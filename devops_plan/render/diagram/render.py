"""Rendering a plan's diagram: the scene, its DOT source, then SVG (icons embedded) and PNG
from Graphviz `dot`; the `Diagram` that holds the three and displays inline in Jupyter."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ...errors import ExternalError
from ...plan import Plan
from .dot import to_dot
from .icons import embed_icons, icon_root
from .model import Scene
from .scene import build_scene

PNG_DPI = 110
# A PNG larger than this (inches at PNG_DPI, about 8000 px) is scaled down to fit; the SVG
# is the one to zoom into. Rasterising a 100-service plan at full size takes Cairo seconds.
PNG_MAX_INCHES = 72
# A `dot` run that takes longer is stopped (a 500-service chain lays out in about 40 s).
DOT_TIMEOUT_S = 300


def run_dot(source: str, *args: str) -> bytes:
    """Graphviz `dot` on DOT source with the icon folder as its image path; its output bytes.

    ExternalError when `dot` is missing, fails, or cannot load an image.
    """
    return run_dots(source, args)[0]


def run_dots(source: str, *runs: Sequence[str]) -> list[bytes]:
    """`run_dot` once per argument list, the `dot` processes side by side (each lays the graph
    out again, which on a large design takes tens of seconds: docs/performance.md); their
    output bytes in order. An interrupt or timeout kills every one; the first failing run (in
    order) is the error raised."""
    exe = shutil.which("dot")
    if exe is None:
        raise ExternalError(
            "Graphviz 'dot' is not installed; install it (apt-get install graphviz, brew install graphviz)"
        )
    # Graphviz refuses to load image files when SERVER_NAME is set (it assumes it runs
    # as a CGI script); Voilà and other web front ends set it in the kernel's environment.
    env = {k: v for k, v in os.environ.items() if k != "SERVER_NAME"}
    data = source.encode("utf-8")
    procs: list[subprocess.Popen[bytes]] = []
    with ThreadPoolExecutor(max_workers=max(1, len(runs))) as pool:
        try:
            for args in runs:
                procs.append(
                    subprocess.Popen(
                        [exe, f"-Gimagepath={icon_root()}", *args],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        env=env,
                    )
                )
            talks = [pool.submit(p.communicate, data, DOT_TIMEOUT_S) for p in procs]
            outputs = [t.result() for t in talks]
        except BaseException:
            for p in procs:
                p.kill()
            raise
    return [_checked(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


def _checked(returncode: int, stdout: bytes, stderr: bytes) -> bytes:
    problems = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if returncode != 0 or any("image" in p.lower() for p in problems):
        raise ExternalError(
            f"Graphviz dot failed: {problems[0] if problems else f'exit {returncode}'}"
        )
    return stdout


@dataclass(frozen=True)
class Diagram:
    """A rendered diagram: DOT source, self-contained SVG and PNG; displays inline in Jupyter."""

    name: str
    dot: str
    svg: str
    png: bytes

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_png_(self) -> bytes:
        return self.png

    def files(self) -> dict[str, str | bytes]:
        """The three outputs by file name: `<design>.dot`, `.svg`, `.png`."""
        return {
            f"{self.name}.dot": self.dot,
            f"{self.name}.svg": self.svg,
            f"{self.name}.png": self.png,
        }


def render_svg(scene: Scene, plan: Plan) -> str:
    """A scene (of `plan`) as self-contained SVG: one Graphviz run, no PNG."""
    return embed_icons(run_dot(to_dot(scene, plan), "-Tsvg").decode("utf-8"))


def render_diagram(plan: Plan) -> Diagram:
    """Draw a plan: DOT from `diagrams`, then SVG (icons embedded) and PNG from Graphviz."""
    source = to_dot(build_scene(plan), plan)
    svg, png = run_dots(
        source,
        ("-Tsvg",),
        ("-Tpng", f"-Gdpi={PNG_DPI}", f"-Gsize={PNG_MAX_INCHES},{PNG_MAX_INCHES}"),
    )
    return Diagram(plan.design, source, embed_icons(svg.decode("utf-8")), png)
