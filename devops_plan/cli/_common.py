"""Shared pieces of the CLI: the Typer app, consoles, errors mapped to exit codes, the checks of
the options several commands take, the configuration a command runs with, and writing a result
to stdout or to `--out`.

Start-up time matters (`devops-plan --version` in well under a second): this module and every
command module import only Typer at the top; the library, pydantic, Rich tables and anything
heavier are imported inside the command that needs them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .. import __version__
from ..errors import DevopsPlanError, UserError
from ..escape import terminal

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import Config


def command_app(**settings: Any) -> typer.Typer:
    """A Typer app for one command or group (the root group in `cli` loads it lazily)."""
    return typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None, **settings
    )


def safe_console(**settings: Any) -> Console:
    """A Rich console that shows control and bidi characters in the text it is given as
    escapes (\\x1b, \\u202e): text from files and arguments never drives the terminal.
    Rich's own styling is added after, so it is untouched."""
    from rich.console import Console

    class SafeConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(terminal(o) if isinstance(o, str) else o for o in objects), **kwargs)

    return SafeConsole(**settings)


class _LazyConsole:
    """A safe Rich console made on first use, so that commands which print plain text (and
    `--help`) never import Rich's rendering machinery."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def rich(self) -> Console:
        """The Rich console itself (made now if it was not yet)."""
        if self._console is None:
            if self._stderr:
                self._console = safe_console(stderr=True, soft_wrap=True, highlight=False)
            else:
                # Wide tables when piped or in CI, where Rich would otherwise assume 80 columns.
                self._console = safe_console(width=None if sys.stdout.isatty() else 160)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich(), name)


out: Any = _LazyConsole(stderr=False)
err: Any = _LazyConsole(stderr=True)

# Where a run's configuration starts looking for devops-plan.toml, set by the root --config.
_ROOT: dict[str, Path | None] = {"config": None}


def _version(value: bool) -> None:
    if value:
        print(f"devops-plan {__version__}")
        raise typer.Exit(0)


def root_callback(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        metavar="",
        help="Print the version and exit.",
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        metavar="FILE",
        help="Configuration file to use instead of the nearest devops-plan.toml "
        "(also DEVOPS_PLAN_CONFIG).",
    ),
) -> None:
    """Plan infrastructure from a design file: sizing, HA, DR and cost.

    \b
    Example:
      devops-plan plan data/designs/shop.yaml
      devops-plan init my-system && cd my-system && devops-plan plan design.yaml
    """
    _ROOT["config"] = config


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
    except ModuleNotFoundError as exc:
        from ..extras import missing_extra

        hint = missing_extra(exc)
        if hint is None:
            raise
        err.print(str(hint), markup=False)
        raise typer.Exit(hint.exit_code) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def configure(start: Path | None, flags: Mapping[str, Any] | None = None) -> Config:
    """The configuration a command runs with: the nearest devops-plan.toml from `start` (the
    design file's folder; default: the working folder), DEVOPS_PLAN_* and `flags`."""
    from ..config import load_config

    folder = None if start is None else (start if start.is_dir() else start.parent)
    return load_config(folder, flags=flags, path=_ROOT["config"])


# --- checks of options several commands take -------------------------------------------------------------


def check_cloud(value: str | None) -> str | None:
    """Typer callback: None or one of the clouds devops-plan prices."""
    from ..catalog.price import CLOUDS

    if value is not None and value not in CLOUDS:
        expected = f"{', '.join(CLOUDS[:-1])} or {CLOUDS[-1]}"
        raise typer.BadParameter(f"expected {expected} (got {value!r})")
    return value


def check_purchase(value: str | None) -> str | None:
    """Typer callback: None or one of the purchase options the catalogs know."""
    from ..catalog.price import PURCHASES

    if value is not None and value not in PURCHASES:
        raise typer.BadParameter(f"expected one of {', '.join(PURCHASES)} (got {value!r})")
    return value


def design_path(design: Path | None, example: str | None) -> Path:
    """The design file a command reads: the path given, or a shipped example by name."""
    if example is not None:
        if design is not None:
            raise UserError(f"give a design file or --example {example}, not both")
        from ..examples import example_path

        return example_path(example)
    if design is None:
        raise UserError("no design file given; pass DESIGN or --example NAME (see `examples`)")
    return design


# --- output -------------------------------------------------------------------------------------


def pick_format(command: str, given: str | None, out_path: Path | None, configured: str) -> str:
    """The format a command prints: --format, else the --out file's extension, else the
    configuration's default for the command."""
    from ..config import COMMAND_FORMATS

    allowed = COMMAND_FORMATS[command]
    if given is not None:
        if given not in allowed:
            raise UserError(f"--format {given!r}: expected one of {', '.join(allowed)}")
        return given
    if out_path is not None:
        suffix = out_path.suffix.lstrip(".").lower()
        if suffix in allowed:
            return suffix
        if out_path.is_dir() or not suffix:
            return "json" if "json" in allowed else allowed[0]
    return configured


def table_or_json(fmt: str | None, as_json: bool) -> str:
    """The format of a command that prints either a table or JSON."""
    chosen = "json" if as_json else (fmt or "table")
    if chosen not in ("table", "json"):
        raise UserError(f"--format {chosen!r}: expected table or json")
    return chosen


def out_target(out_path: Path | None, default_name: str = "", option: str = "--out") -> Path | None:
    """The file `--out` names, checked before any work (one line, exit 2, for a path nothing
    can be written to). A folder (existing, or for a command with a `default_name` a path
    without a file extension, made when missing) gets `default_name` in it; any other path is
    the file itself."""
    if out_path is None:
        return None
    from ..atomic import check_output_file, check_output_folder

    if default_name and (out_path.is_dir() or not out_path.suffix):
        check_output_folder(out_path, option)
        return out_path / default_name
    check_output_file(out_path, option)
    return out_path


def emit(text: str, out_path: Path | None, default_name: str = "") -> None:
    """`text` on stdout, or written atomically to `out_path` (see `out_target`)."""
    target = out_target(out_path, default_name)
    if target is None:
        sys.stdout.write(text)
        return
    from ..atomic import output_errors, write_atomic

    with output_errors(target.parent, target.name):
        path = write_atomic(target, text)
    err.print(f"wrote {path}", markup=False)
