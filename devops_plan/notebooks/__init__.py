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
    cost_by_resource_table,
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
from .html import NOTEBOOK_ONLY, to_html
from .params import SUPPORTED_TYPES, convert_parameters, parse_assignments, resolve_path
from .plan_report import (
    cost_by_resource_report,
    diagram_figure,
    dr_options_report,
    node_pools_report,
    plan_cards,
    report_header,
    sizing_report,
)
from .redact import REDACTED
from .run import ENGINE, KERNEL, ProgressHook, RunResult, run_notebook

__all__ = [
    "ENGINE",
    "KERNEL",
    "NOTEBOOK_ONLY",
    "REDACTED",
    "SUPPORTED_TYPES",
    "KeyFigure",
    "NotebookInfo",
    "Parameter",
    "ProgressHook",
    "RunResult",
    "adr_markdown",
    "convert_parameters",
    "cost_by_resource_report",
    "cost_by_resource_table",
    "diagram_figure",
    "diagram_svg",
    "dr_options_report",
    "dr_options_table",
    "files_markdown",
    "find_notebook",
    "inspect",
    "key_figures",
    "list_notebooks",
    "load_plan",
    "network_table",
    "node_pools_report",
    "node_pools_table",
    "notebooks_dir",
    "parse_assignments",
    "plan_cards",
    "render_diagram",
    "report_header",
    "resolve_path",
    "rules_table",
    "run_notebook",
    "sizing_report",
    "sizing_table",
    "summary_markdown",
    "to_html",
    "write_outputs",
]
