"""Running a notebook headless with papermill: executed into a running copy in a private
folder outside the output folder (written redacted, removed however the run ends), then
scrubbed of wall-clock times and secrets into the output folder; a cell that raises becomes
NotebookFailed naming the cell, with the partial notebook kept."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..atomic import output_errors, write_atomic
from ..errors import ExternalError, NotebookFailed, user_error_names
from ..interrupts import stop_on_signals
from .catalogue import NotebookInfo, find_notebook, read_notebook
from .html import to_html
from .params import prepare
from .private import private_folder, redacted_path, register_redacting_io
from .redact import redact

KERNEL = "python3"
ENGINE = "devops-plan"

ProgressHook = Callable[[int, int, str], None]
"""Called as cells start and finish: (cells done, cells in total, what runs now)."""


@dataclass(frozen=True)
class RunResult:
    notebook: Path
    html: Path | None
    parameters: dict[str, Any]
    seconds: float
    files: tuple[Path, ...] = field(default=())
    """Every file the run wrote or changed in the output folder, the notebook and HTML included."""


@dataclass(frozen=True)
class Execution:
    """How to run the kernel: its name, a per-cell timeout, the working folder, a progress hook."""

    kernel_name: str = KERNEL
    timeout_s: int | None = 600
    cwd: str | Path | None = None
    progress: ProgressHook | None = None


def run_notebook(
    name: str | Path,
    *,
    out_dir: str | Path,
    design: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    catalog: str | Path | None = None,
    html: bool = False,
    progress: ProgressHook | None = None,
    cwd: str | Path | None = None,
    kernel_name: str = KERNEL,
    timeout_s: int | None = 600,
) -> RunResult:
    """Run a notebook headless into `out_dir/<name>.ipynb` (and `<name>.html` with `html`).

    Raises NotebookInputError or DesignError/PlanningError before any kernel starts, and
    NotebookFailed (with the partial notebook kept) when a cell raises. `catalog` (a folder
    of <cloud>.csv price catalogs) goes to notebooks that declare a `catalog` parameter.
    """
    info = find_notebook(name)
    out = Path(out_dir).expanduser().resolve()
    params = prepare(info, parameters or {}, design=design, out_dir=out, catalog=catalog)
    with output_errors(out, "the notebook's outputs"):
        out.mkdir(parents=True, exist_ok=True)
    before = _snapshot(out)
    started = time.perf_counter()
    if progress is not None:
        progress(0, info.cells + 1, "starting the kernel")  # + papermill's injected cell
    how = Execution(kernel_name, timeout_s, cwd, progress)
    # SIGTERM and Ctrl-C unwind through here: the private folder goes in every case.
    with stop_on_signals(), private_folder() as private:
        kept = _run_kept(info, out, private / f"{info.name}.ipynb", params, how)
    page = None
    if html:
        text = to_html(kept, title=info.title or info.name)
        with output_errors(out, "the HTML report"):
            page = write_atomic(out / f"{info.name}.html", text)
    return RunResult(
        notebook=kept,
        html=page,
        parameters=params,
        seconds=time.perf_counter() - started,
        files=tuple(sorted(p for p, stat in _snapshot(out).items() if before.get(p) != stat)),
    )


def _run_kept(
    info: NotebookInfo, out: Path, running: Path, params: dict[str, Any], how: Execution
) -> Path:
    """Execute into the running copy and move it to `out/<name>.ipynb`, failed or not."""
    final = out / f"{info.name}.ipynb"
    try:
        execute(info, running, params, how)
    except NotebookFailed as exc:
        kept = _finish(running, final)
        where = f"; partial notebook kept at {kept}" if kept else ""
        raise NotebookFailed(f"{exc}{where}", str(kept) if kept else None, exc.exit_code) from None
    kept = _finish(running, final)
    if kept is None:
        raise NotebookFailed(f"notebook {info.name}: papermill wrote no output notebook")
    return kept


def _snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Files under `folder` with (mtime, size), to tell which ones a run wrote."""
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def register_engine() -> None:
    """Register the progress-reporting engine with papermill (idempotent: a dict entry)."""
    from papermill.engines import papermill_engines

    from .engine import ProgressEngine

    papermill_engines.register(ENGINE, ProgressEngine)


def execute(info: NotebookInfo, output: Path, params: dict[str, Any], how: Execution) -> None:
    """Run the notebook on a kernel into `output` (papermill saves it after every cell).

    The one place a kernel starts. A cell that raises, a dead or slow kernel: NotebookFailed;
    no such kernel: ExternalError.
    """
    import papermill as pm
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    register_engine()
    register_redacting_io()
    try:
        pm.execute_notebook(
            str(info.path),
            redacted_path(output),
            parameters=params,
            engine_name=ENGINE,
            kernel_name=how.kernel_name,
            progress_bar=False,
            on_cell=how.progress,
            cwd=str(how.cwd) if how.cwd is not None else None,
            execution_timeout=how.timeout_s,
            # Per-cell wall-clock times would make two runs of the same input differ.
            record_timing=False,
            # The kernel's own notices (e.g. "running over TCP without encryption" on loopback)
            # are noise on a person's terminal; its errors still show.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except pm.PapermillExecutionError as exc:
        mistake = exc.ename in user_error_names()  # e.g. the bill cannot be read: exit 2
        raise NotebookFailed(_failure_message(info, exc), exit_code=2 if mistake else 1) from None
    except NoSuchKernel:
        raise ExternalError(
            f"no Jupyter kernel named {how.kernel_name!r}; install it with "
            f"'python -m ipykernel install --sys-prefix --name {how.kernel_name}' (make install does)"
        ) from None
    except (DeadKernelError, CellTimeoutError) as exc:
        raise NotebookFailed(f"notebook {info.name}: {type(exc).__name__}: {exc}") from None
    except RuntimeError as exc:
        # nbclient raises RuntimeError when the kernel does not start or answer.
        raise NotebookFailed(f"notebook {info.name}: the kernel failed: {exc}") from None


def _failure_message(info: NotebookInfo, exc: Any) -> str:
    """The cell that raised (its number, `In [n]`, first line) and the exception, redacted."""
    number = exc.cell_index + 1
    first = next((ln.strip() for ln in str(exc.source).splitlines() if ln.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    count = f" (In [{exc.exec_count}])" if exc.exec_count else ""
    return (
        f"notebook {info.name} failed in cell {number}{count} `{first}`: "
        f"{exc.ename}: {redact(str(exc.evalue))}"
    )


def _finish(running: Path, final: Path) -> Path | None:
    """Scrub secrets and wall-clock times from the executed notebook and move it in place."""
    import nbformat

    if not running.exists():
        return None
    try:
        nb = read_notebook(running)
        _strip_volatile(nb, final)
        text = redact(cast(Any, nbformat).writes(nb) + "\n")
        with output_errors(final.parent, "the executed notebook"):
            write_atomic(final, text)
    finally:
        running.unlink(missing_ok=True)
    return final


def _strip_volatile(nb: Any, final: Path) -> None:
    """Drop what differs between two runs of the same input: papermill's and nbclient's
    timings, the injected cell's random id, absolute input and output paths."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        meta.pop(key, None)
    meta["output_path"] = final.name
    meta["input_path"] = Path(str(meta.get("input_path", ""))).name
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", ()):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        pm_meta = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            pm_meta.pop(key, None)
