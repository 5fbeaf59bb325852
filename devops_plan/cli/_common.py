"""Shared pieces of the CLI: the Typer app, consoles, and mapping errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from .. import __version__
from ..errors import DevopsPlanError

app = typer.Typer(
    name="devops-plan",
    help="Plan infrastructure from a design file: sizing, HA, DR and cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Wide tables when piped or in CI, where Rich would otherwise assume 80 columns.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True, highlight=False)


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
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
