"""The example designs that ship with devops-plan (data/designs, devops_plan/_data/designs in
a wheel), by name: what `devops-plan examples` lists, `--example NAME` reads and `init`
copies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .paths import data_path

__all__ = ["Example", "example_path", "examples"]


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    description: str


def _folder() -> Path:
    return data_path("designs")


def example_path(name: str) -> Path:
    """The shipped design called `name` (e.g. shop); UserError listing the names otherwise."""
    path = _folder() / f"{name}.yaml"
    if not path.is_file() or "/" in name or "\\" in name:
        names = ", ".join(e.name for e in examples())
        raise UserError(f"--example {name!r}: no such example design; the examples: {names}")
    return path


def _description(path: Path) -> str:
    # The top-level `description:` line, read without parsing YAML (listing stays instant).
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("description:"):
            return line.partition(":")[2].split(" #")[0].strip().strip("\"'")
    return ""


def examples() -> list[Example]:
    """Every shipped example design, by name."""
    return [Example(p.stem, p, _description(p)) for p in sorted(_folder().glob("*.yaml"))]
