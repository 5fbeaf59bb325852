"""`devops-plan notebook list` and `devops-plan notebook run`: the shipped notebooks, headless."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import options
from ._common import (
    command_app,
    configure,
    design_path,
    err,
    print_json,
    table_or_json,
    user_errors,
)

if TYPE_CHECKING:
    from ..notebooks import NotebookInfo, RunResult

app = command_app(
    help="Run the shipped notebooks headless (papermill); export HTML reports.",
    no_args_is_help=True,
)


@app.command("list")
def list_command(
    fmt: str | None = options.output_format("table or json"),
    as_json: bool = options.json("the notebooks"),
) -> None:
    """The shipped notebooks and their parameters (name, type, default, help).

    \b
    Example:
      devops-plan notebook list --format json
    """
    with user_errors():
        chosen = table_or_json(fmt, as_json)
        from ..notebooks import list_notebooks

        infos = list_notebooks()
    if chosen == "json":
        print_json([_info_json(i) for i in infos])
        return
    from ..render.tables import TextTable
    from .show import print_blocks

    print_blocks(
        [
            TextTable.of(
                f"{info.name}: {info.title}",
                ("parameter", "type", "default", "help"),
                ((p.name, p.type, p.default, p.help) for p in info.parameters),
            )
            for info in infos
        ]
    )


def _info_json(info: NotebookInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "title": info.title,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "help": p.help}
            for p in info.parameters
        ],
    }


Html = Annotated[
    bool,
    typer.Option("--html", metavar="", help="Also write an HTML report with the code hidden."),
]
NoProgress = Annotated[
    bool, typer.Option("--no-progress", metavar="", help="Do not draw the progress bar.")
]


@app.command("run")
def run_command(
    name: str = typer.Argument(
        ..., metavar="NOTEBOOK", help="A shipped notebook (see `notebook list`) or a .ipynb path."
    ),
    design: Path | None = typer.Option(
        None, "--design", metavar="FILE", help="Design file (YAML) for the notebook."
    ),
    example: str | None = options.example(),
    parameter: list[str] = typer.Option(
        [],
        "-p",
        "--parameter",
        metavar="KEY=VALUE",
        help="A parameter, converted to its declared type (repeatable).",
    ),
    out_dir: Path = typer.Option(
        ..., "--out", metavar="DIR", help="Folder for the executed notebook and outputs."
    ),
    html: Html = False,
    catalog: Path | None = options.catalog(),
    fmt: str | None = options.output_format("table or json (what was written)"),
    as_json: bool = options.json("what was written"),
    no_progress: NoProgress = False,
) -> None:
    """Run a notebook headless: the executed notebook, its outputs, and with --html a report.

    \b
    Examples:
      devops-plan notebook run plan --design design.yaml --out out/plan --html
      devops-plan notebook run explore --example shop --out out/explore
    """
    with user_errors():
        chosen = table_or_json(fmt, as_json)
        from ..atomic import check_output_folder
        from ..notebooks import parse_assignments, run_notebook

        check_output_folder(out_dir, "--out")
        path = design_path(design, example) if design or example else None
        config = configure(path, {"catalog": catalog})
        values = parse_assignments(parameter)
        # Only on a terminal: in CI logs and pipes a redrawn bar is noise.
        quiet = no_progress or chosen == "json" or not err.is_terminal
        with _progress_bar(name, disabled=quiet) as hook:
            result = run_notebook(
                name,
                design=path,
                parameters=values,
                out_dir=out_dir,
                catalog=config.settings.catalog,
                html=html,
                progress=hook,
            )
    if chosen == "json":
        print_json(_result_json(result))
        return
    err.print(f"ran {name} in {result.seconds:.1f}s", markup=False)
    for path in result.files:
        err.print(f"wrote {path}", markup=False)


@contextmanager
def _progress_bar(name: str, *, disabled: bool) -> Iterator[Callable[[int, int, str], None]]:
    """A Rich progress bar on stderr (cells done, the cell running), fed by the hook yielded."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[cell]}", markup=False),
        console=err.rich(),
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
