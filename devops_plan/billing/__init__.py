"""Cost-optimization report from actual spend: FOCUS 1.0-1.2 and AWS CUR 2.0 exports read
in place by DuckDB (or the same SQL on Athena), Cost Explorer and CloudWatch through boto3,
recommendations priced from the shipped catalog, written as HTML, Markdown, JSON and CSV.

    report = run_report(["focus.parquet"], utilization="utilization.csv")
    write_report(report, "out/cost-report", ("html", "json", "csv"))
"""

from __future__ import annotations

from .report import (
    Report,
    build_report,
    cloudwatch_for,
    load_catalogs,
    report_from_engine,
    run_report,
)
from .report_data import report_to_dict
from .rules import KINDS, Recommendation, TagHygiene, recommend
from .settings import ReportSettings
from .sources.cloudwatch import cloudwatch_utilization
from .sources.engine import DuckDBEngine, Engine, RejectedRow
from .sources.utilization import ResourceUsage, Utilization, load_utilization_csv
from .spend import Period, Spend, collect_spend
from .writer import FORMATS, parse_formats, write_report

__all__ = [
    "FORMATS",
    "KINDS",
    "DuckDBEngine",
    "Engine",
    "Period",
    "Recommendation",
    "RejectedRow",
    "Report",
    "ReportSettings",
    "ResourceUsage",
    "Spend",
    "TagHygiene",
    "Utilization",
    "build_report",
    "cloudwatch_for",
    "cloudwatch_utilization",
    "collect_spend",
    "load_catalogs",
    "load_utilization_csv",
    "parse_formats",
    "recommend",
    "report_from_engine",
    "report_to_dict",
    "run_report",
    "write_report",
]
