"""The shipped notebooks: running them headless with papermill, and what their cells call.

`run_notebook` checks every input before a kernel starts (unknown notebook or parameter, a
missing or invalid design: NotebookInputError / DesignError, exit 2), converts parameter values
by the types the notebook declares in its parameters cell, runs it on the `python3` kernel,
keeps the partial notebook when a cell raises (NotebookFailed, exit 1) and exports HTML with
the code hidden. The helpers at the end are what notebook cells call, so notebooks hold no logic.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..atomic import write_atomic
from ..design import load_design
from ..engine import build_plan
from ..errors import ExternalError, NotebookFailed, NotebookInputError
from ..paths import data_root, package_path
from ..plan import Plan
from ..units import format_duration, format_money

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import SVG

    from ..render.diagram import Diagram

KERNEL = "python3"
ENGINE = "devops-plan"
# Parameters whose values are paths: made absolute before the kernel starts, so a notebook
# finds them whatever its working folder (papermill, nbval and JupyterLab all differ).
PATH_PARAMETERS = ("design", "out_dir")
# The inputs the planner itself checks; a mistake there is exit 2 before any kernel starts.
PLAN_PARAMETERS = ("cloud", "region", "purchase")

# papermill reads annotations as written; these are the ones a -p value can be converted to.
SUPPORTED_TYPES = ("str", "int", "float", "bool")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}

# Environment variables whose values must never reach an output file.
_SECRET_NAME = re.compile(
    r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|ACCESS_KEY|PRIVATE_KEY|API_KEY|AUTH"
)
_MIN_SECRET_LEN = 8
REDACTED = "[redacted]"

ProgressHook = Callable[[int, int, str], None]
"""Called as cells start and finish: (cells done, cells in total, what runs now)."""


# --- the catalogue of notebooks ----------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One annotated assignment of a notebook's parameters cell."""

    name: str
    type: str
    default: str
    help: str


@dataclass(frozen=True)
class NotebookInfo:
    name: str
    path: Path
    title: str
    parameters: tuple[Parameter, ...]
    cells: int

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def notebooks_dir() -> Path:
    """The shipped notebooks: devops_plan/_notebooks in a wheel, the repo's notebooks/ else."""
    bundled = package_path("_notebooks")
    if bundled.is_dir():
        return bundled
    return package_path().parent / "notebooks"


def inspect(path: str | Path) -> NotebookInfo:
    """Name, title and declared parameters of a notebook file (no kernel is started)."""
    import papermill as pm

    path = Path(path)
    try:
        nb = _read(path)
    except FileNotFoundError:
        raise NotebookInputError(f"{path}: no such notebook") from None
    except (OSError, ValueError) as exc:
        raise NotebookInputError(f"{path}: not a readable notebook: {exc}") from None
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
    return NotebookInfo(
        name=path.stem, path=path, title=_title(nb), parameters=params, cells=len(nb.cells)
    )


def _nbformat() -> Any:
    import nbformat

    return nbformat


def _read(path: Path) -> Any:
    return _nbformat().read(path, as_version=4)


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


# --- parameters --------------------------------------------------------------------------


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` strings (from `-p`) into a mapping; the value may itself contain `=`."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise NotebookInputError(f"-p {item!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def convert_parameters(info: NotebookInfo, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values converted to the types the notebook declares; strings are parsed, never guessed.

    `1e5` stays the string "1e5" for a `str` parameter and is an error for an `int` one.
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        param = info.parameter(name)
        if param is None:
            known = ", ".join(f"{p.name} ({p.type})" for p in info.parameters) or "none"
            raise NotebookInputError(
                f"notebook {info.name}: unknown parameter {name!r}; its parameters: {known}"
            )
        out[name] = _convert(info.name, param, value)
    return out


def _convert(notebook: str, param: Parameter, value: Any) -> Any:
    where = f"notebook {notebook}: parameter {param.name} ({param.type})"
    kind = param.type
    if kind not in SUPPORTED_TYPES:
        raise NotebookInputError(
            f"{where}: cannot pass a value to a {kind} parameter; supported: {', '.join(SUPPORTED_TYPES)}"
        )
    if not isinstance(value, str):
        ok = {
            "str": isinstance(value, str),
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
        }[kind]
        if not ok:
            raise NotebookInputError(f"{where}: expected a {kind}, got {value!r}")
        return float(value) if kind == "float" else value
    text = value.strip()
    if kind == "str":
        return value
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise NotebookInputError(f"{where}: expected true or false, got {value!r}")
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise NotebookInputError(f"{where}: expected a whole number, got {value!r}") from None
    try:
        number = float(text)
    except ValueError:
        raise NotebookInputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise NotebookInputError(f"{where}: expected a finite number, got {value!r}")
    return number


def resolve_path(path: str | Path) -> Path:
    """A path as a person wrote it, found from the working folder or else the repo root.

    Notebooks default to `data/designs/shop.yaml`; under nbval or JupyterLab the working
    folder is `notebooks/`, and in a wheel the shipped designs live in the package's data.
    """
    given = Path(path).expanduser()
    if given.is_absolute():
        return given
    candidates = [Path.cwd() / given, package_path().parent / given]
    if given.parts and given.parts[0] == "data":
        candidates.append(data_root().joinpath(*given.parts[1:]))
    for candidate in candidates:
        if candidate.exists():
            return candidate.resolve()
    return (Path.cwd() / given).resolve()


# Parameters that name input files (comma-separated lists allowed); an empty value means none.
INPUT_FILE_PARAMETERS = ("billing", "utilization")


def _check_input_files(info: NotebookInfo, params: dict[str, Any]) -> None:
    for name in INPUT_FILE_PARAMETERS:
        param = info.parameter(name)
        if param is None:
            continue
        raw = params.get(name, _literal(param.default))
        for item in str(raw or "").split(","):
            item = item.strip()
            if item and not resolve_path(item).is_file():
                raise NotebookInputError(
                    f"notebook {info.name}: {name} file {item} not found "
                    f"(looked for {resolve_path(item)})"
                )


def _preflight(info: NotebookInfo, params: dict[str, Any]) -> None:
    """Check the design, input files and planning inputs here, so a mistake is exit 2, not a
    failed cell."""
    _check_input_files(info, params)
    design_param = info.parameter("design")
    if design_param is None:
        return
    raw = params.get("design", _literal(design_param.default))
    if not isinstance(raw, str) or not raw:
        raise NotebookInputError(f"notebook {info.name}: parameter design needs a design file")
    path = resolve_path(raw)
    if not path.is_file():
        raise NotebookInputError(f"design file {raw} not found (looked for {path})")
    params["design"] = str(path)
    design = load_design(path)  # DesignError: every problem, with file and line
    if any(info.parameter(p) for p in PLAN_PARAMETERS):

        def value(name: str) -> str | None:
            param = info.parameter(name)
            if param is None:
                return None
            given = params.get(name, _literal(param.default))
            return str(given) if given else None

        # PlanningError / CatalogError (unknown region, purchase option...): exit 2.
        build_plan(design, cloud=value("cloud"), region=value("region"), purchase=value("purchase"))


def _literal(source: str) -> Any:
    import ast

    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source


# --- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    notebook: Path
    html: Path | None
    parameters: dict[str, Any]
    seconds: float
    files: tuple[Path, ...] = field(default=())
    """Every file the run wrote or changed in the output folder, the notebook and HTML included."""


def run_notebook(
    name: str | Path,
    *,
    out_dir: str | Path,
    design: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    html: bool = False,
    progress: ProgressHook | None = None,
    cwd: str | Path | None = None,
    kernel_name: str = KERNEL,
    timeout_s: int | None = 600,
) -> RunResult:
    """Run a notebook headless into `out_dir/<name>.ipynb` (and `<name>.html` with `html`).

    Raises NotebookInputError or DesignError/PlanningError before any kernel starts, and
    NotebookFailed (with the partial notebook kept) when a cell raises.
    """
    info = find_notebook(name)
    values = dict(parameters or {})
    if design is not None:
        values["design"] = str(design)
    params = convert_parameters(info, values)
    out = Path(out_dir).expanduser().resolve()
    if info.parameter("out_dir") is not None:
        params["out_dir"] = str(out)
    for key in PATH_PARAMETERS:
        if key in params and key != "design" and params[key]:
            params[key] = str(Path(params[key]).expanduser().resolve())
    _preflight(info, params)
    out.mkdir(parents=True, exist_ok=True)
    final = out / f"{info.name}.ipynb"
    running = out / f".{info.name}.running.ipynb"
    before = _snapshot(out)
    started = time.perf_counter()
    if progress is not None:
        progress(0, info.cells + 1, "starting the kernel")  # + papermill's injected cell
    try:
        _execute(info, running, params, progress, cwd, kernel_name, timeout_s)
    except NotebookFailed as exc:
        kept = _finish(running, final)
        where = f"; partial notebook kept at {kept}" if kept else ""
        raise NotebookFailed(f"{exc}{where}", str(kept) if kept else None) from None
    kept = _finish(running, final)
    if kept is None:
        raise NotebookFailed(f"notebook {info.name}: papermill wrote no output notebook")
    page = None
    if html:
        page = write_atomic(out / f"{info.name}.html", to_html(kept, title=info.title or info.name))
    return RunResult(
        notebook=kept,
        html=page,
        parameters=params,
        seconds=time.perf_counter() - started,
        files=tuple(sorted(p for p, stat in _snapshot(out).items() if before.get(p) != stat)),
    )


def _snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Files under `folder` with (mtime, size), to tell which ones a run wrote."""
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _execute(
    info: NotebookInfo,
    output: Path,
    params: dict[str, Any],
    progress: ProgressHook | None,
    cwd: str | Path | None,
    kernel_name: str,
    timeout_s: int | None,
) -> None:
    import papermill as pm
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    _register_engine()
    try:
        pm.execute_notebook(
            str(info.path),
            str(output),
            parameters=params,
            engine_name=ENGINE,
            kernel_name=kernel_name,
            progress_bar=False,
            on_cell=progress,
            cwd=str(cwd) if cwd is not None else None,
            execution_timeout=timeout_s,
            # Per-cell wall-clock times would make two runs of the same input differ.
            record_timing=False,
            # The kernel's own notices (e.g. "running over TCP without encryption" on loopback)
            # are noise on a person's terminal; its errors still show.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except pm.PapermillExecutionError as exc:
        raise NotebookFailed(_failure(info, output, exc)) from None
    except NoSuchKernel:
        raise ExternalError(
            f"no Jupyter kernel named {kernel_name!r}; install it with "
            f"'python -m ipykernel install --sys-prefix --name {kernel_name}' (make install does)"
        ) from None
    except (DeadKernelError, CellTimeoutError) as exc:
        raise NotebookFailed(f"notebook {info.name}: {type(exc).__name__}: {exc}") from None
    except RuntimeError as exc:
        # nbclient raises RuntimeError when the kernel does not start or answer.
        raise NotebookFailed(f"notebook {info.name}: the kernel failed: {exc}") from None


def _failure(info: NotebookInfo, output: Path, exc: Any) -> str:
    number = exc.cell_index + 1
    first = next((ln.strip() for ln in str(exc.source).splitlines() if ln.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    count = f" (In [{exc.exec_count}])" if exc.exec_count else ""
    return (
        f"notebook {info.name} failed in cell {number}{count} `{first}`: "
        f"{exc.ename}: {_redact_text(str(exc.evalue), _secret_values())}"
    )


def _finish(running: Path, final: Path) -> Path | None:
    """Scrub secrets and wall-clock times from the executed notebook and move it in place."""
    if not running.exists():
        return None
    try:
        nb = _read(running)
        _strip_volatile(nb, final)
        data = _nbformat().writes(nb) + "\n"
        data = _redact_text(data, _secret_values())
        write_atomic(final, data)
    finally:
        running.unlink(missing_ok=True)
    return final


def _strip_volatile(nb: Any, final: Path) -> None:
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


def _secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    values = {
        v for k, v in env.items() if _SECRET_NAME.search(k.upper()) and len(v) >= _MIN_SECRET_LEN
    }
    # Longest first, so a secret that contains another is redacted whole.
    return sorted(values, key=lambda v: (-len(v), v))


def _redact_text(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
        # The JSON form of the value, as it appears inside a notebook file.
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, REDACTED)
    return text


def to_html(notebook: str | Path, title: str = "") -> str:
    """An executed notebook as a standalone HTML report with the code hidden."""
    import nbconvert

    nb = _read(Path(notebook))
    exporter = cast(Any, nbconvert).HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title or Path(notebook).stem}}
    )
    return _redact_text(str(body), _secret_values())


# papermill's engines see every cell start and finish; this one reports them to a callback
# (the CLI draws a rich progress bar from it) instead of drawing a tqdm bar of its own.
_engine_registered = False


def _register_engine() -> None:
    global _engine_registered
    if _engine_registered:
        return
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class ProgressManager(NotebookExecutionManager):  # type: ignore[misc]
        def __init__(self, *args: Any, on_cell: ProgressHook | None = None, **kwargs: Any):
            self.on_cell = on_cell
            self.done = 0
            super().__init__(*args, **kwargs)

        def _report(self, cell: Any) -> None:
            if self.on_cell is not None:
                self.on_cell(self.done, len(self.nb.cells), _describe(cell))

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            super().cell_start(cell, cell_index, **kwargs)
            self._report(cell)

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            super().cell_complete(cell, cell_index, **kwargs)
            self.done += 1
            self._report(cell)

    class ProgressEngine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_notebook(
            cls,
            nb: Any,
            kernel_name: str,
            output_path: str | None = None,
            progress_bar: bool = False,
            log_output: bool = False,
            autosave_cell_every: int = 30,
            on_cell: ProgressHook | None = None,
            **kwargs: Any,
        ) -> Any:
            nb_man = ProgressManager(
                nb,
                output_path=output_path,
                progress_bar=False,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
                on_cell=on_cell,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, ProgressEngine)
    _engine_registered = True


def _describe(cell: Any) -> str:
    first = next((ln.strip() for ln in str(cell.source).splitlines() if ln.strip()), "")
    return first[:50]


# --- what the notebooks call -------------------------------------------------------------


def load_plan(design: str | Path, cloud: str = "", region: str = "", purchase: str = "") -> Plan:
    """Plan a design file; empty strings mean "as the design says" (notebook defaults)."""
    return build_plan(
        load_design(resolve_path(design)),
        cloud=cloud or None,
        region=region or None,
        purchase=purchase or None,
    )


@dataclass(frozen=True)
class KeyFigure:
    """One headline number: a stable key (for pages and tests), a label, the text, the value."""

    key: str
    label: str
    text: str
    value: str = ""


def key_figures(plan: Plan) -> list[KeyFigure]:
    """The handful of numbers a reader looks at first."""
    a, dr, cost = plan.availability, plan.dr, plan.cost
    cur = plan.currency
    rows = [
        KeyFigure(
            "monthly-total",
            "Monthly total",
            format_money(cost.monthly_total, cur),
            str(cost.monthly_total),
        )
    ]
    if cost.budget is not None:
        share = cost.monthly_total / cost.budget * 100
        verdict = "within budget" if cost.within_budget else "over budget"
        text = f"{format_money(cost.budget, cur)} ({share:.0f}% used, {verdict})"
        rows.append(KeyFigure("budget", "Budget", text, str(cost.budget)))
    verdict = "meets" if a.meets_target else "misses"
    text = f"{a.achieved:g}% {verdict} target {a.target:g}% (weakest link: {a.weakest or '-'})"
    rows.append(KeyFigure("availability", "Availability", text, f"{a.achieved:g}"))
    text = f"{a.achieved_downtime_min:.1f} min (budget {a.downtime_budget_min:.1f} min)"
    rows.append(KeyFigure("downtime", "Downtime per month", text, f"{a.achieved_downtime_min:g}"))
    verdict = "meets" if dr.meets_target else "misses"
    text = (
        f"{dr.strategy} to {dr.dr_region}: RTO {format_duration(dr.rto)}, RPO {format_duration(dr.rpo)} "
        f"{verdict} targets {format_duration(dr.rto_target)} / {format_duration(dr.rpo_target)}"
    )
    rows.append(KeyFigure("dr", "DR", text, dr.strategy))
    if plan.node_pools:
        nodes = sum(p.nodes for p in plan.node_pools)
        pools = ", ".join(f"{p.nodes} x {p.instance_type}" for p in plan.node_pools)
        rows.append(KeyFigure("nodes", "Kubernetes nodes", f"{nodes} ({pools})", str(nodes)))
    text = f"{plan.cloud} {', '.join(plan.regions)}, {plan.zones} zones, {plan.purchase}"
    rows.append(KeyFigure("topology", "Topology", text))
    return rows


def summary_markdown(plan: Plan) -> str:
    """The plan's summary as Markdown: what was planned, key figures, suggestion, warnings."""
    lines = [
        f"## {plan.design}: {plan.description}" if plan.description else f"## {plan.design}",
        "",
    ]
    lines.append(
        f"Prices from the {plan.cloud} catalog as of {plan.catalog_as_of}, 730-hour month."
    )
    lines += ["", "| | |", "|---|---|"]
    lines += [f"| {k.label} | {k.text} |" for k in key_figures(plan)]
    sug = plan.availability.suggestion
    if sug is not None:
        lines += [
            "",
            f"**Suggestion:** {sug.description}: {sug.achieved:g}% "
            f"({sug.monthly_cost_delta:+,.2f} {plan.currency} a month).",
        ]
    if plan.warnings:
        lines += ["", "**Warnings**", ""] + [f"- {w}" for w in plan.warnings]
    return "\n".join(lines) + "\n"


def sizing_table(plan: Plan) -> pd.DataFrame:
    """One row per service: replicas, requests or instance class, why that many, monthly cost."""
    import pandas as pd

    rows = []
    for s in plan.services:
        z = s.sizing
        rows.append(
            {
                "service": s.name,
                "kind": s.kind,
                "platform": s.platform,
                "replicas": s.replicas,
                "cpu request (m)": s.cpu_request_m,
                "memory request (MiB)": s.memory_request_mib,
                "instance class": s.instance_class or "",
                "multi-AZ": "" if s.multi_az is None else ("yes" if s.multi_az else "no"),
                "load (vCPU)": None if z is None else round(z.offered_load_vcpu, 2),
                "bound by": "" if z is None else z.binding,
                "p95 (ms)": None if z is None else round(z.p95_ms, 1),
                "availability %": s.availability,
                f"monthly ({plan.currency})": s.monthly_cost,
            }
        )
    # Object columns with "" for "not applicable": NaN in a report reads as an error.
    return pd.DataFrame(rows, dtype=object).fillna("").set_index("service")


def node_pools_table(plan: Plan) -> pd.DataFrame:
    """One row per Kubernetes node pool: type, nodes, allocatable, utilisation, monthly cost."""
    import pandas as pd

    rows = [
        {
            "pool": p.name,
            "instance type": p.instance_type,
            "nodes": p.nodes,
            "zones": p.zones,
            "allocatable cpu (m)": p.allocatable_cpu_m,
            "allocatable memory (MiB)": p.allocatable_memory_mib,
            "cpu used": f"{p.cpu_utilization:.0%}",
            "memory used": f"{p.memory_utilization:.0%}",
            "purchase": p.purchase,
            "services": ", ".join(p.services),
            f"monthly ({plan.currency})": p.monthly_cost,
        }
        for p in plan.node_pools
    ]
    columns = ["pool", "instance type", "nodes", "zones"]
    return (
        pd.DataFrame(rows).set_index("pool")
        if rows
        else pd.DataFrame(columns=columns).set_index("pool")
    )


def dr_options_table(plan: Plan) -> pd.DataFrame:
    """Each DR strategy with its RTO, RPO, monthly cost, whether it meets the targets."""
    import pandas as pd

    rows = [
        {
            "strategy": o.strategy,
            "RTO": format_duration(o.rto),
            "RPO": format_duration(o.rpo),
            "meets targets": "yes" if o.meets_target else "no",
            f"monthly ({plan.currency})": o.monthly_cost,
            "chosen": "chosen" if o.strategy == plan.dr.strategy else "",
        }
        for o in plan.dr.options
    ]
    return pd.DataFrame(rows).set_index("strategy")


def write_outputs(plan: Plan, out_dir: str | Path, diagram: Diagram | None = None) -> list[Path]:
    """Write plan.json, the diagram (diagrams/<design>.svg, .png, .dot) and the ADR drafts
    (adr/NNNN-*.md) into `out_dir`; nothing when it is empty. Returns the paths written."""
    if not str(out_dir):
        return []
    from ..render.adr import render_records

    out = Path(out_dir)
    written = [write_atomic(out / "plan.json", plan.to_json())]
    drawing = diagram if diagram is not None else render_diagram(plan)
    written += [
        write_atomic(out / "diagrams" / name, data) for name, data in drawing.files().items()
    ]
    written += [
        write_atomic(out / "adr" / name, text) for name, text in render_records(plan).items()
    ]
    return written


def render_diagram(plan: Plan) -> Diagram:
    """The plan's architecture diagram (displays inline; `.svg`, `.png`, `.dot`)."""
    from ..render.diagram import render_diagram as draw

    return draw(plan)


def diagram_svg(plan: Plan | Diagram) -> SVG:
    """The diagram as an IPython SVG display object (one image in the notebook, not two)."""
    from IPython.display import SVG

    drawing = plan if not isinstance(plan, Plan) else render_diagram(plan)
    shown: SVG = cast(Any, SVG)(data=drawing.svg)
    return shown


def adr_markdown(plan: Plan) -> str:
    """The ADR drafts as one Markdown text for display: front matter dropped, headings
    moved down two levels so they sit under the notebook's own section heading."""
    from ..render.adr import render_records

    parts = [_demote(_without_front_matter(text), 2) for text in render_records(plan).values()]
    return "\n---\n\n".join(parts)


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :].lstrip("\n")
    return text


def _demote(markdown: str, levels: int) -> str:
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines) + "\n"


def files_markdown(paths: Sequence[Path], out_dir: str | Path) -> str:
    """A Markdown list of files written, relative to `out_dir` (absolute paths vary by machine)."""
    if not paths:
        return "Nothing written (no `out_dir` given).\n"
    base = Path(out_dir)
    names = [p.relative_to(base).as_posix() if p.is_relative_to(base) else p.name for p in paths]
    return f"Written to `{base.name}/`:\n\n" + "".join(f"- `{n}`\n" for n in names)


__all__ = [
    "ENGINE",
    "KERNEL",
    "KeyFigure",
    "NotebookInfo",
    "Parameter",
    "ProgressHook",
    "RunResult",
    "adr_markdown",
    "convert_parameters",
    "diagram_svg",
    "dr_options_table",
    "files_markdown",
    "find_notebook",
    "inspect",
    "key_figures",
    "list_notebooks",
    "load_plan",
    "node_pools_table",
    "notebooks_dir",
    "parse_assignments",
    "render_diagram",
    "resolve_path",
    "run_notebook",
    "sizing_table",
    "summary_markdown",
    "to_html",
    "write_outputs",
]
