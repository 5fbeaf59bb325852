"""The report's SQL on Amazon Athena, for billing data too large for one machine (an
organisation's CUR or FOCUS export in S3, queried through a Glue table).

The same files of `sql/` run unchanged: the table is first probed for its columns, then
each query is sent as `WITH billing AS (<mapping of the table>) <query>` through boto3
(`start_query_execution`, polling `get_query_execution`, paginated `get_query_results`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...aws import aws_errors, make_client
from ...errors import BillingInputError, ExternalError
from ..sqlfiles import render_sql, spend_params
from .engine import Progress, RejectedRow
from .formats import MONEY_SQL, QUANTITY_SQL, detect_format, quote, raw_projection

_DONE = ("SUCCEEDED", "FAILED", "CANCELLED")


def _convert(value: str | None, athena_type: str) -> Any:
    """An Athena result cell (always text) as the Python value DuckDB would have returned."""
    if value is None:
        return None
    kind = athena_type.lower()
    if kind.startswith("decimal"):
        return Decimal(value)
    if kind in ("double", "float", "real"):
        return float(value)
    if kind in ("bigint", "integer", "int", "smallint", "tinyint"):
        return int(value)
    if kind == "boolean":
        return value.lower() == "true"
    if kind.startswith("timestamp"):
        return datetime.fromisoformat(value.replace(" UTC", ""))
    if kind == "date":
        return date.fromisoformat(value)
    return value


class AthenaEngine:
    """Runs the report's queries on Athena against one Glue table (FOCUS or CUR 2.0)."""

    name = "athena"

    def __init__(
        self,
        database: str,
        table: str,
        output: str,
        *,
        workgroup: str | None = None,
        region: str | None = None,
        client: Any = None,
        poll_seconds: float = 1.0,
        timeout_seconds: float = 3600.0,
        progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not output.startswith("s3://"):
            raise BillingInputError(f"--output {output!r}: expected an s3:// location for results")
        self.database = database
        self.table = table
        self.output = output
        self.workgroup = workgroup
        self._client = client or make_client("athena", region)
        self._poll = poll_seconds
        self._timeout = timeout_seconds
        self._progress = progress
        self._sleep = sleep
        self._relation = f"{quote(database)}.{quote(table)}"
        names, types = self._run(f"SELECT * FROM {self._relation} LIMIT 0", "reading the table")
        where = f"Athena table {database}.{table}"
        fmt = detect_format(names, where)
        items = raw_projection(fmt, dict(zip(names, types, strict=True)), "trino", '"$path"')
        raw = f"(SELECT {', '.join(items)} FROM {self._relation})"
        self._billing = render_sql(
            fmt.view_sql, raw=raw, money=MONEY_SQL, quantity=QUANTITY_SQL, row=""
        )
        self.format = fmt

    def query(self, name: str, **params: str) -> list[dict[str, Any]]:
        sql = f"WITH billing AS (\n{self._billing}\n)\n{render_sql(name, **params)}"
        names, rows = self._run_rows(sql, f"running {name} on Athena")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def spend(self, where: str, plausible: str) -> list[dict[str, Any]]:
        return self.query("spend", **spend_params(where, plausible))

    def span(self) -> list[dict[str, Any]]:
        return self.query("span")

    def rejected_rows(self) -> tuple[RejectedRow, ...]:
        return ()  # Athena fails a query on a malformed row rather than skipping it

    def sources(self) -> tuple[str, ...]:
        return (f"athena://{self.database}/{self.table}",)

    def close(self) -> None:
        return None

    # -- boto3 ---------------------------------------------------------------------------------

    def _start(self, sql: str) -> str:
        kwargs: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": self.database},
            "ResultConfiguration": {"OutputLocation": self.output},
        }
        if self.workgroup:
            kwargs["WorkGroup"] = self.workgroup
        return str(self._client.start_query_execution(**kwargs)["QueryExecutionId"])

    def _wait(self, execution_id: str, label: str) -> None:
        waited = 0.0
        while True:
            status = self._client.get_query_execution(QueryExecutionId=execution_id)
            state = status["QueryExecution"]["Status"]["State"]
            if state in _DONE:
                break
            if self._progress is not None:
                self._progress(label, None)
            if waited >= self._timeout:
                self._client.stop_query_execution(QueryExecutionId=execution_id)
                raise ExternalError(
                    f"Athena query {execution_id} still {state} after {self._timeout:g}s; stopped"
                )
            self._sleep(self._poll)
            waited += self._poll
        if state != "SUCCEEDED":
            reason = status["QueryExecution"]["Status"].get("StateChangeReason", "no reason given")
            raise ExternalError(f"Athena query {execution_id} {state.lower()}: {reason}")

    def _results(self, execution_id: str) -> tuple[list[str], list[str], list[tuple[Any, ...]]]:
        names: list[str] = []
        types: list[str] = []
        rows: list[tuple[Any, ...]] = []
        token: str | None = None
        first_page = True
        while True:
            kwargs: dict[str, Any] = {"QueryExecutionId": execution_id, "MaxResults": 1000}
            if token:
                kwargs["NextToken"] = token
            page = self._client.get_query_results(**kwargs)
            result = page["ResultSet"]
            if first_page:
                info = result.get("ResultSetMetadata", {}).get("ColumnInfo", [])
                names = [c["Name"] for c in info]
                types = [c.get("Type", "varchar") for c in info]
            cells = [[d.get("VarCharValue") for d in row.get("Data", [])] for row in result["Rows"]]
            # Athena repeats the column names as the first row of a SELECT's first page.
            if first_page and cells and cells[0] == names:
                cells = cells[1:]
            for row_cells in cells:
                rows.append(tuple(_convert(v, t) for v, t in zip(row_cells, types, strict=True)))
            first_page = False
            token = page.get("NextToken")
            if not token:
                break
        return names, types, rows

    def _run(self, sql: str, label: str) -> tuple[list[str], list[str]]:
        with aws_errors("Athena"):
            execution_id = self._start(sql)
            self._wait(execution_id, label)
            names, types, _ = self._results(execution_id)
        return names, types

    def _run_rows(self, sql: str, label: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with aws_errors("Athena"):
            execution_id = self._start(sql)
            self._wait(execution_id, label)
            names, _, rows = self._results(execution_id)
        return names, rows
