"""Cost-optimization report from actual spend: FOCUS 1.0-1.2 and AWS CUR 2.0 exports read
in place by DuckDB (or the same SQL on Athena), Cost Explorer and CloudWatch through boto3,
recommendations priced from the shipped catalog, written as HTML, Markdown, JSON and CSV.

    report = run_report(["focus.parquet"], utilization="utilization.csv")
    write_report(report, "out/cost-report", ("html", "json", "csv"))

The package is the report's pipeline: `sources/` (where spend and utilization come from)
-> `spend` (the query's results as records) -> `inventory` (one record per resource) ->
`rules/` (one module per kind of advice) -> `report` (the Report) -> `report_data`,
`writer`, `charts` (the files). `settings` holds every tunable, and the CLI's options.
"""

from .report import Report, build_report, report_from_engine, run_report
from .report_data import report_to_dict
from .rules import Recommendation
from .settings import ReportSettings
from .sources.engine import Engine
from .writer import write_report

__all__ = [
    "Engine",
    "Recommendation",
    "Report",
    "ReportSettings",
    "build_report",
    "report_from_engine",
    "report_to_dict",
    "run_report",
    "write_report",
]
