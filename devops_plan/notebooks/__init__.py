"""The shipped notebooks: finding them (`catalogue`), their parameters (`params`), running them
headless with papermill (`run`, `engine`), keeping secrets out of the outputs (`redact`), HTML
reports (`html`), and what their cells call (`cells`). This package re-exports the surface the
notebooks, the CLI and the explorer use."""

from __future__ import annotations

from .catalogue import (
    NotebookInfo,
    Parameter,
    find_notebook,
    inspect,
    list_notebooks,
    notebooks_dir,
)
from .cells import (
    KeyFigure,
    adr_markdown,
    diagram_svg,
    dr_options_table,
    files_markdown,
    key_figures,
    load_plan,
    network_table,
    node_pools_table,
    render_diagram,
    rules_table,
    sizing_table,
    summary_markdown,
    write_outputs,
)
from .html import to_html
from .params import SUPPORTED_TYPES, convert_parameters, parse_assignments, resolve_path
from .redact import REDACTED
from .run import ENGINE, KERNEL, ProgressHook, RunResult, run_notebook

__all__ = [
    "ENGINE",
    "KERNEL",
    "REDACTED",
    "SUPPORTED_TYPES",
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
    "network_table",
    "node_pools_table",
    "notebooks_dir",
    "parse_assignments",
    "render_diagram",
    "resolve_path",
    "rules_table",
    "run_notebook",
    "sizing_table",
    "summary_markdown",
    "to_html",
    "write_outputs",
]
