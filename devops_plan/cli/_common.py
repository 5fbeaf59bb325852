"""Shared pieces of the CLI: the Typer app, consoles, errors mapped to exit codes, the checks of
the options several commands take (cloud, purchase option), and Rich tables."""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from .. import __version__
from ..catalog import CLOUDS, PURCHASES
from ..errors import DevopsPlanError
from ..escape import terminal

app = typer.Typer(
    name="devops-plan",
    help="Plan infrastructure from a design file: sizing, HA, DR and cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class SafeConsole(Console):
    """A Rich console that shows control and bidi characters in the text it is given as
    escapes (\\x1b, \\u202e): text from files and arguments never drives the terminal.
    Rich's own styling is added after, so it is untouched."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(terminal(o) if isinstance(o, str) else o for o in objects), **kwargs)


class SafeTable(Table):
    """A Rich table whose text cells are escaped like SafeConsole's text."""

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(terminal(r) if isinstance(r, str) else r for r in renderables), **kwargs)


# Wide tables when piped or in CI, where Rich would otherwise assume 80 columns.
out = SafeConsole(width=None if sys.stdout.isatty() else 160)
err = SafeConsole(stderr=True, soft_wrap=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        print(f"devops-plan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Plan infrastructure from a design file: sizing, HA, DR and cost."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a DevopsPlanError as plain lines on stderr and exit with its code."""
    try:
        yield
    except DevopsPlanError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            err.print(line, markup=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during a step that handles it
        terminated = getattr(exc, "exit_code", 130) == 143
        err.print("terminated" if terminated else "interrupted")
        raise typer.Exit(143 if terminated else 130) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


# --- checks of options several commands take -------------------------------------------------------------


def check_cloud(value: str | None) -> str | None:
    """Typer callback: None or one of the clouds devops-plan prices."""
    if value is not None and value not in CLOUDS:
        expected = f"{', '.join(CLOUDS[:-1])} or {CLOUDS[-1]}"
        raise typer.BadParameter(f"expected {expected} (got {value!r})")
    return value


def check_purchase(value: str | None) -> str | None:
    """Typer callback: None or one of the purchase options the catalogs know."""
    if value is not None and value not in PURCHASES:
        raise typer.BadParameter(f"expected one of {', '.join(PURCHASES)} (got {value!r})")
    return value


# --- output -------------------------------------------------------------------------------------


def table(title: str, columns: Sequence[str], right: Collection[str] = ()) -> Table:
    """A Rich table titled on the left; the columns named in `right` are right-aligned."""
    out_table = SafeTable(title=terminal(title), title_justify="left")
    for name in columns:
        out_table.add_column(name, justify="right" if name in right else "left")
    return out_table
