"""`devops-plan notebook list` and `devops-plan notebook run`: the shipped notebooks, headless."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..atomic import check_output_folder
from ..notebooks import (
    NotebookInfo,
    ProgressHook,
    RunResult,
    list_notebooks,
    parse_assignments,
    run_notebook,
)
from . import options
from ._common import app, err, out, print_json, table, user_errors

notebook_app = typer.Typer(
    help="Run the shipped notebooks headless (papermill) and export HTML reports.",
    no_args_is_help=True,
)
app.add_typer(notebook_app, name="notebook")


@notebook_app.command("list")
def list_command(as_json: bool = options.json("the notebooks")) -> None:
    """The shipped notebooks and their parameters (name, type, default, help)."""
    with user_errors():
        infos = list_notebooks()
    if as_json:
        print_json([_info_json(i) for i in infos])
        return
    for info in infos:
        parameters = table(f"{info.name}: {info.title}", ("parameter", "type", "default", "help"))
        for p in info.parameters:
            parameters.add_row(p.name, p.type, p.default, p.help)
        out.print(parameters)


def _info_json(info: NotebookInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "title": info.title,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "help": p.help}
            for p in info.parameters
        ],
    }


@notebook_app.command("run")
def run_command(
    name: str = typer.Argument(
        ..., help="A shipped notebook (see `notebook list`) or a .ipynb path."
    ),
    design: Path | None = typer.Option(
        None, "--design", help="Design file (YAML) for the notebook."
    ),
    parameter: list[str] = typer.Option(
        [], "-p", "--parameter", help="KEY=VALUE, converted to the parameter's declared type."
    ),
    out_dir: Path = typer.Option(
        ..., "--out", help="Folder for the executed notebook and outputs."
    ),
    html: bool = typer.Option(
        False, "--html", help="Also write an HTML report with the code hidden."
    ),
    as_json: bool = options.json("what was written"),
    no_progress: bool = typer.Option(False, "--no-progress", help="Do not draw the progress bar."),
    catalog: Path | None = options.catalog(),
) -> None:
    """Run a notebook headless: the executed notebook, its outputs, and with --html a report."""
    with user_errors():
        check_output_folder(out_dir, "--out")
        values = parse_assignments(parameter)
        if catalog is not None:
            values.setdefault("catalog", str(catalog))
        # Only on a terminal: in CI logs and pipes a redrawn bar is noise.
        with _progress_bar(name, disabled=no_progress or as_json or not err.is_terminal) as hook:
            result = run_notebook(
                name, design=design, parameters=values, out_dir=out_dir, html=html, progress=hook
            )
    if as_json:
        print_json(_result_json(result))
        return
    err.print(f"ran {name} in {result.seconds:.1f}s", markup=False)
    for path in result.files:
        err.print(f"wrote {path}", markup=False)


@contextmanager
def _progress_bar(name: str, *, disabled: bool) -> Iterator[ProgressHook]:
    """A Rich progress bar on stderr (cells done, the cell running), fed by the hook yielded."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[cell]}", markup=False),
        console=err,
        transient=True,
        disable=disabled,
    )
    task = progress.add_task(name, total=None, cell="")

    def on_cell(done: int, total: int, cell: str) -> None:
        # Started on the first cell, so input errors (found before any kernel starts)
        # print without a progress bar around them.
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total, cell=cell)

    try:
        yield on_cell
    finally:
        if progress.live.is_started:
            progress.stop()


def _result_json(result: RunResult) -> dict[str, object]:
    return {
        "notebook": str(result.notebook),
        "html": str(result.html) if result.html else None,
        "parameters": result.parameters,
        "files": [str(p) for p in result.files],
        "seconds": round(result.seconds, 3),
    }
