"""The `devops-plan` command line: gathers arguments, calls the library, prints.

Exit codes: 0 ok, 2 bad input (a design, a file, an option), 1 any other failure.
Each command group lives in its own small module and registers itself on `app`; what they
share is in `_common` (app, consoles, errors, option checks, tables) and `options`.
"""

from __future__ import annotations

from . import design as _design  # noqa: F401  (registers validate, schema)
from ._common import app

__all__ = ["app", "main"]


def _register_optional() -> None:
    # Command groups added by later stages; each module registers itself on import.
    import importlib

    for name in ("price", "plan", "export", "notebook", "report", "reconcile", "explore"):
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise


_register_optional()


def main() -> None:
    app()
