"""Which notebooks devops-plan ships, and what any notebook file declares: its title and the
typed parameters of its `parameters` cell, read without starting a kernel."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..errors import NotebookInputError
from ..inputs import MIB, InputRefused, read_limited
from ..paths import package_path


@dataclass(frozen=True)
class Parameter:
    """One annotated assignment of a notebook's parameters cell."""

    name: str
    type: str
    default: str
    help: str


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook file: its title, declared parameters and number of cells."""

    path: Path
    title: str
    parameters: tuple[Parameter, ...]
    cells: int

    @property
    def name(self) -> str:
        """The notebook's name: its file name without `.ipynb`."""
        return self.path.stem

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def notebooks_dir() -> Path:
    """The shipped notebooks: devops_plan/_notebooks in a wheel, the repo's notebooks/ else."""
    bundled = package_path("_notebooks")
    if bundled.is_dir():
        return bundled
    return package_path().parent / "notebooks"


# An executed notebook with images and tables is a few MiB; a notebook is JSON read whole.
MAX_NOTEBOOK_BYTES = 64 * MIB


def read_notebook(path: Path) -> Any:
    """A notebook file as an nbformat v4 node (nbformat is imported only when needed).

    Read with a bounded read of a regular file; raises InputRefused, ValueError (not JSON,
    unknown version) or nbformat's ValidationError (a jsonschema error: the schema).
    """
    import nbformat

    data = read_limited(path, MAX_NOTEBOOK_BYTES, "a Jupyter notebook (.ipynb)")
    return cast(Any, nbformat).reads(data.decode("utf-8-sig"), as_version=4)


def inspect(path: str | Path) -> NotebookInfo:
    """Name, title and declared parameters of a notebook file (no kernel is started)."""
    import papermill as pm
    from nbformat import ValidationError

    path = Path(path)
    try:
        nb = read_notebook(path)
    except InputRefused as exc:
        what = "no such notebook" if exc.reason == "no such file" else exc.reason
        raise NotebookInputError(f"{path}: {what}") from None
    except (ValueError, ValidationError) as exc:  # UnicodeDecodeError is a ValueError
        first = " ".join(str(getattr(exc, "message", exc)).split())[:200]
        raise NotebookInputError(f"{path}: not a readable notebook: {first}") from None
    raw = pm.inspect_notebook(str(path))
    params = tuple(
        Parameter(
            name=p["name"],
            type=p["inferred_type_name"] if p["inferred_type_name"] != "None" else "str",
            default=p["default"],
            help=p["help"],
        )
        for p in raw.values()
    )
    return NotebookInfo(path=path, title=_title(nb), parameters=params, cells=len(nb.cells))


def _title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in str(cell.source).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def list_notebooks() -> list[NotebookInfo]:
    """The shipped notebooks, by name."""
    return [inspect(p) for p in sorted(notebooks_dir().glob("*.ipynb"))]


def find_notebook(name: str | Path) -> NotebookInfo:
    """A shipped notebook by name (`plan`), or any notebook by path (`my/nb.ipynb`)."""
    text = str(name)
    if text.endswith(".ipynb") or os.sep in text or "/" in text:
        return inspect(Path(text))
    path = notebooks_dir() / f"{text}.ipynb"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(notebooks_dir().glob("*.ipynb"))) or "none"
        raise NotebookInputError(f"unknown notebook {text!r}; shipped notebooks: {known}")
    return inspect(path)
