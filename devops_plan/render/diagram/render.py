"""Rendering a plan's diagram: the scene, its DOT source, then SVG (icons embedded) and PNG
from Graphviz `dot`; the `Diagram` that holds the three and displays inline in Jupyter."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def run_dot(source: str, *args: str) -> bytes:
    """Graphviz `dot` on DOT source with the icon folder as its image path; its output bytes.

    ExternalError when `dot` is missing, fails, or cannot load an image.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise ExternalError(
            "Graphviz 'dot' is not installed; install it (apt-get install graphviz, brew install graphviz)"
        )
    # Graphviz refuses to load image files when SERVER_NAME is set (it assumes it runs
    # as a CGI script); Voilà and other web front ends set it in the kernel's environment.
    env = {k: v for k, v in os.environ.items() if k != "SERVER_NAME"}
    proc = subprocess.run(
        [exe, f"-Gimagepath={icon_root()}", *args],
        input=source.encode("utf-8"),
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
    )
    problems = [
        line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()
    ]
    if proc.returncode != 0 or any("image" in p.lower() for p in problems):
        raise ExternalError(
            f"Graphviz dot failed: {problems[0] if problems else f'exit {proc.returncode}'}"
        )
    return proc.stdout


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
    svg = embed_icons(run_dot(source, "-Tsvg").decode("utf-8"))
    png = run_dot(source, "-Tpng", f"-Gdpi={PNG_DPI}", f"-Gsize={PNG_MAX_INCHES},{PNG_MAX_INCHES}")
    return Diagram(plan.design, source, svg, png)
