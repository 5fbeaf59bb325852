"""Benchmark: the cost report on a 10-million-row FOCUS Parquet file, against one bare
`SELECT ServiceName, sum(BilledCost) ... GROUP BY 1` over the same file, in the same run.

    .venv/bin/python -m benchmarks.bench_report [--rows 10000000] [--runs 5] [--keep]

1. Generates benchmarks/.data/focus-<rows>.parquet with DuckDB (git-ignored): a month of
   hourly FOCUS 1.0 rows, all 44 columns, costs as DOUBLE as AWS's FOCUS export writes
   them, about 14,000 resources across EC2, EBS, S3, ELB, NAT, RDS and Lambda.
2. Runs, --runs times and interleaved so that the load of a shared machine falls on all
   of them alike: the bare query (fresh connection), the floor figures below, and the full
   report in a child process. The child times itself from opening the file to the last file
   written, stage by stage, the same steps `run_report` and the CLI take: open (inspect the
   file, define the view), query (the one scan of `sql/spend.sql`, rows into records),
   catalogs, build (inventory, rules, totals) and write (charts, HTML, Markdown, JSON, CSV).
   It reports its own peak RSS (getrusage ru_maxrss) and CPU time, and, after the timed
   part, how long a full garbage collection takes: the report pauses the cyclic collector
   while it builds records, and this bounds the work left for later. The child's whole
   wall time, interpreter start and imports included, is printed too.
3. Two floors, to show where the time goes: the report's one query alone (DuckDB, no Python
   records), and merely reading every column that query reads (the length of each text,
   sums and maxima of numbers and times; no grouping).
Figures are medians over the runs; the generated file is deleted unless --keep is given.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

DATA = Path(__file__).resolve().parent / ".data"
TARGET_RATIO = 2.0
TARGET_RSS_GIB = 2.0
STAGES = ("open", "query", "catalogs", "build", "write")

# One month of hourly rows; resource i has row i % RESOURCES in every hour.
_GENERATE = """
COPY (
  WITH r AS (
    SELECT i, i % {resources} AS res, i // {resources} AS hr FROM range({rows}) t(i)
  ),
  k AS (
    SELECT *,
      CASE WHEN res % 20 < 11 THEN 'vm' WHEN res % 20 < 14 THEN 'volume'
           WHEN res % 20 = 14 THEN 'snapshot' WHEN res % 20 = 15 THEN 'bucket'
           WHEN res % 20 = 16 THEN 'lb' WHEN res % 20 = 17 THEN 'nat'
           WHEN res % 20 = 18 THEN 'db' ELSE 'lambda' END AS kind,
      ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.large', 'c5.xlarge', 'r5.large',
       'm4.large', 't3.medium', 'm6i.large', 'm6g.large'][1 + res % 10] AS itype,
      [0.096, 0.192, 0.384, 0.085, 0.17, 0.126, 0.1, 0.0416, 0.096, 0.077][1 + res % 10] AS rate,
      ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'][1 + res % 4] AS region,
      TIMESTAMP '2024-09-01' + to_hours(hr::BIGINT) AS t0
    FROM r
  )
  SELECT
    NULL::VARCHAR AS AvailabilityZone,
    CASE kind WHEN 'vm' THEN rate WHEN 'volume' THEN 0.1 * (50 + res % 500) / 720
      WHEN 'snapshot' THEN 0.05 * (20 + res % 300) / 720 WHEN 'bucket' THEN 0.023 * 1000 / 720
      WHEN 'lb' THEN 0.0225 WHEN 'nat' THEN 0.045 WHEN 'db' THEN 0.171
      ELSE 0.0000166667 * (hash(i) % 5000) END AS BilledCost,
    '123456789012' AS BillingAccountId, 'Bench Inc' AS BillingAccountName, 'USD' AS BillingCurrency,
    TIMESTAMP '2024-10-01' AS BillingPeriodEnd, TIMESTAMP '2024-09-01' AS BillingPeriodStart,
    'Usage' AS ChargeCategory, NULL::VARCHAR AS ChargeClass,
    CASE kind WHEN 'vm' THEN '$' || rate || ' per On Demand Linux ' || itype || ' Instance Hour'
      WHEN 'volume' THEN '$0.10 per GB-month of General Purpose SSD (gp2) provisioned storage'
      WHEN 'snapshot' THEN '$0.05 per GB-Month of snapshot data stored'
      WHEN 'bucket' THEN '$0.023 per GB - first 50 TB / month of storage used'
      WHEN 'lb' THEN '$0.0225 per Application LoadBalancer-hour (or partial hour)'
      WHEN 'nat' THEN '$0.045 per NAT Gateway Hour'
      WHEN 'db' THEN '$0.171 per RDS db.m5.large Multi-AZ instance hour'
      ELSE 'AWS Lambda - Total Compute' END AS ChargeDescription,
    'Usage-Based' AS ChargeFrequency,
    t0 + INTERVAL 1 HOUR AS ChargePeriodEnd, t0 AS ChargePeriodStart,
    NULL::VARCHAR AS CommitmentDiscountCategory, NULL::VARCHAR AS CommitmentDiscountId,
    NULL::VARCHAR AS CommitmentDiscountName, NULL::VARCHAR AS CommitmentDiscountStatus,
    NULL::VARCHAR AS CommitmentDiscountType,
    CASE kind WHEN 'volume' THEN (50 + res % 500) / 720.0 WHEN 'snapshot' THEN (20 + res % 300) / 720.0
      WHEN 'bucket' THEN 1000 / 720.0 WHEN 'lambda' THEN hash(i) % 5000 ELSE 1.0 END
      AS ConsumedQuantity,
    CASE kind WHEN 'volume' THEN 'GB-Mo' WHEN 'snapshot' THEN 'GB-Mo' WHEN 'bucket' THEN 'GB-Mo'
      WHEN 'lambda' THEN 'Lambda-GB-Second' ELSE 'Hours' END AS ConsumedUnit,
    NULL::DOUBLE AS ContractedCost, NULL::DOUBLE AS ContractedUnitPrice,
    CASE kind WHEN 'vm' THEN rate ELSE 0.01 + (hash(i) % 997) / 1e6 END AS EffectiveCost,
    'Amazon Web Services, Inc.' AS InvoiceIssuerName,
    CASE kind WHEN 'vm' THEN rate ELSE 0.01 + (hash(i) % 997) / 1e6 END AS ListCost,
    CASE kind WHEN 'vm' THEN rate ELSE 0.01 END AS ListUnitPrice,
    'Standard' AS PricingCategory, 1.0 AS PricingQuantity, 'Hours' AS PricingUnit,
    'AWS' AS ProviderName, 'Amazon Web Services, Inc.' AS PublisherName,
    region AS RegionId, region AS RegionName,
    CASE kind WHEN 'vm' THEN 'i-0' || lpad(printf('%x', res * 2654435761 % 68719476736), 16, '0')
      WHEN 'volume' THEN 'vol-0' || lpad(printf('%x', res * 40503 % 68719476736), 16, '0')
      ELSE 'arn:aws:' || kind || ':' || region || ':123456789012:' || kind || '/' || res END
      AS ResourceId,
    kind || '-' || res AS ResourceName,
    CASE kind WHEN 'vm' THEN 'instance' WHEN 'volume' THEN 'volume' ELSE kind END AS ResourceType,
    CASE kind WHEN 'vm' THEN 'Compute' WHEN 'lambda' THEN 'Compute' WHEN 'db' THEN 'Databases'
      WHEN 'lb' THEN 'Networking' WHEN 'nat' THEN 'Networking' ELSE 'Storage' END AS ServiceCategory,
    i AS Id,
    CASE kind WHEN 'vm' THEN 'Amazon Elastic Compute Cloud' WHEN 'volume' THEN 'Amazon Elastic Compute Cloud'
      WHEN 'snapshot' THEN 'Amazon Elastic Compute Cloud' WHEN 'nat' THEN 'Amazon Elastic Compute Cloud'
      WHEN 'bucket' THEN 'Amazon Simple Storage Service' WHEN 'lb' THEN 'Elastic Load Balancing'
      WHEN 'db' THEN 'Amazon Relational Database Service' ELSE 'AWS Lambda' END AS ServiceName,
    'SKU' || (res % 997) AS SkuId, 'SKU' || (res % 997) || '.PRICE' AS SkuPriceId,
    (100000000000 + res % 40)::VARCHAR AS SubAccountId, 'account-' || (res % 40) AS SubAccountName,
    CASE WHEN res % 9 = 0 THEN '{{"environment": "dev"}}'
      ELSE '{{"environment": "' || ['prod', 'staging', 'dev'][1 + res % 3] || '", "owner": "team-'
           || (res % 60) || '"}}' END AS Tags
  FROM k
) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)
"""

_BASELINE = "SELECT ServiceName, sum(BilledCost) FROM read_parquet('{path}') GROUP BY 1"
# Every column the report's query reads, each touched once per row and nothing grouped:
# what any report over resources pays before doing any work of its own.
_TEXT = (
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "RegionId",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ChargeDescription",
    "ChargeCategory",
    "PricingCategory",
    "Tags",
    "ConsumedUnit",
    "BillingCurrency",
)
_READ_ONLY = (
    "SELECT "
    + ", ".join(f"max(strlen({c}))" for c in _TEXT)
    + ", sum(BilledCost), sum(EffectiveCost), sum(ListCost), sum(ConsumedQuantity), "
    "max(ListUnitPrice), max(ChargePeriodStart), max(ChargePeriodEnd) "
    "FROM read_parquet('{path}')"
)


def generate(path: Path, rows: int) -> float:
    path.parent.mkdir(parents=True, exist_ok=True)
    resources = max(1, rows // 720)
    start = time.perf_counter()
    con = duckdb.connect()
    try:
        temp = path.with_suffix(".tmp")
        con.execute(_GENERATE.format(rows=rows, resources=resources, path=temp))
        temp.replace(path)
    finally:
        con.close()
    return time.perf_counter() - start


def timed_query(sql: str) -> float:
    """Seconds for `sql` on a fresh connection, rows fetched."""
    con = duckdb.connect()
    try:
        start = time.perf_counter()
        con.execute(sql).fetchall()
        return time.perf_counter() - start
    finally:
        con.close()


def timed_report_query(path: Path) -> float:
    """Seconds for the report's one query (sql/spend.sql over the view), rows fetched."""
    from devops_plan.billing.sources.engine import DuckDBEngine
    from devops_plan.billing.sqlfiles import render_sql

    with DuckDBEngine.open_files([path]) as engine:
        start = time.perf_counter()
        engine.connection.execute(render_sql("spend", where="TRUE")).fetchall()
        return time.perf_counter() - start


def child(path: str, out: str) -> None:
    """The report as the CLI runs it, timed stage by stage from opening the file to the
    last file written; prints one JSON line."""
    from devops_plan.billing.report import build_report, load_catalogs
    from devops_plan.billing.sources.engine import DuckDBEngine
    from devops_plan.billing.spend import collect_spend
    from devops_plan.billing.writer import write_report

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime
    marks = [time.perf_counter()]
    with DuckDBEngine.open_files([path]) as engine:
        marks.append(time.perf_counter())
        spend = collect_spend(engine)
        marks.append(time.perf_counter())
    catalogs, notes = load_catalogs(spend)
    marks.append(time.perf_counter())
    report = build_report(spend, None, catalogs, None, notes)
    marks.append(time.perf_counter())
    files = write_report(report, out, ("html", "md", "json", "csv"))
    marks.append(time.perf_counter())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The report pauses the cyclic collector while it builds records; a full collection
    # now bounds the work it left for later (not part of the report's time above).
    collect_start = time.perf_counter()
    gc.collect()
    collect_seconds = time.perf_counter() - collect_start
    print(
        json.dumps(
            {
                "seconds": marks[-1] - marks[0],
                "stages": {name: marks[i + 1] - marks[i] for i, name in enumerate(STAGES)},
                "cpu": usage.ru_utime + usage.ru_stime - cpu_start,
                "gc_after": collect_seconds,
                "peak_rss_kib": usage.ru_maxrss,  # KiB on Linux
                "rows": report.data_quality.rows_read,
                "recommendations": len(report.recommendations),
                "billed_cost": f"{report.billed_cost:.2f}",
                "files": [f.name for f in files],
            }
        )
    )


def run_child(path: Path, out: str) -> dict[str, Any]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_report", "--child", str(path), out],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    return result


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the cost report.")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5, help="repetitions (medians are shown)")
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet file")
    parser.add_argument("--child", nargs=2, metavar=("PARQUET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    path = DATA / f"focus-{args.rows}.parquet"
    if path.exists():
        print(f"reusing {path}")
    else:
        seconds = generate(path, args.rows)
        print(f"generated {path} in {seconds:.1f} s")
    size_mib = path.stat().st_size / 2**20
    print(f"rows: {args.rows:,}  file: {size_mib:,.0f} MiB  cores: {os.cpu_count()}")
    print(f"load average at start: {_load()}")

    timed_query(_BASELINE.format(path=path))  # warm the OS file cache for every figure
    bare: list[float] = []
    read_only: list[float] = []
    query_only: list[float] = []
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as out:
        for _ in range(args.runs):
            bare.append(timed_query(_BASELINE.format(path=path)))
            runs.append(run_child(path, out))
            bare.append(timed_query(_BASELINE.format(path=path)))
            read_only.append(timed_query(_READ_ONLY.format(path=path)))
            query_only.append(timed_report_query(path))
    print(f"load average at end:   {_load()}")

    base = statistics.median(bare)
    report = statistics.median(r["seconds"] for r in runs)
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    peak_gib = max(r["peak_rss_kib"] for r in runs) / 2**20
    n = len(runs)

    def show(label: str, seconds: float, ratio: bool = True) -> None:
        times = f"  ({seconds / base:5.1f}x)" if ratio else ""
        print(f"{label:<56} {seconds:7.3f} s{times}")

    show(f"bare GROUP BY ServiceName (median of {len(bare)})", base)
    show(f"reading the report's columns, no grouping (median of {n})", statistics.median(read_only))
    show(f"the report's one query alone, DuckDB (median of {n})", statistics.median(query_only))
    show(f"full report, in the child (median of {n})", report)
    for name in STAGES:
        show(f"  {name}", statistics.median(r["stages"][name] for r in runs), ratio=False)
    show("full report, CPU seconds (the query runs on 2 threads)", cpu, ratio=False)
    gc_after = statistics.median(r["gc_after"] for r in runs)
    show("gc.collect() after the report (deferred, at most)", gc_after, ratio=False)
    show("full report, child wall incl. interpreter start, imports", wall)
    print(f"{'peak RSS of the report process (max of runs)':<56} {peak_gib:7.3f} GiB")
    print(
        f"report rows {runs[0]['rows']:,}, recommendations {runs[0]['recommendations']:,}, "
        f"billed {runs[0]['billed_cost']}"
    )
    ratio_ok = report / base <= TARGET_RATIO
    rss_ok = peak_gib < TARGET_RSS_GIB
    print(
        f"target <= {TARGET_RATIO:g}x the bare query: {'met' if ratio_ok else 'NOT met'} "
        f"({report / base:.1f}x); peak memory < {TARGET_RSS_GIB:g} GiB: "
        f"{'met' if rss_ok else 'NOT met'}"
    )
    if not args.keep:
        path.unlink()
        print(f"deleted {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
