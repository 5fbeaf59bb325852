"""Which optional install ("extra") provides each library only some commands need, so that a
command run in a lean install says what to install instead of failing with a traceback."""

from __future__ import annotations

from .errors import ExternalError

__all__ = ["EXTRAS", "MissingExtra", "missing_extra"]

# top-level module -> the extras that install it (pyproject.toml [project.optional-dependencies])
EXTRAS: dict[str, tuple[str, ...]] = {
    "pandas": ("notebooks",),
    "numpy": ("notebooks",),
    "papermill": ("notebooks",),
    "nbformat": ("notebooks",),
    "nbconvert": ("notebooks",),
    "jupytext": ("notebooks",),
    "ipywidgets": ("notebooks",),
    "IPython": ("notebooks",),
    "ipykernel": ("notebooks",),
    "matplotlib": ("notebooks", "billing"),
    "duckdb": ("billing",),
    "boto3": ("aws",),
    "botocore": ("aws",),
}


class MissingExtra(ExternalError):
    """A library of an optional extra is not installed (exit 1: the install, not the input)."""


def missing_extra(exc: ModuleNotFoundError, what: str = "this command") -> MissingExtra | None:
    """The error to show for `exc` when it is a library of an extra, else None."""
    top = (exc.name or "").split(".")[0]
    extras = EXTRAS.get(top)
    if extras is None:
        return None
    installs = " or ".join(f"pip install 'devops-plan[{e}]'" for e in extras)
    return MissingExtra(f"{what} needs {top}, which this install does not have: {installs}")
