"""Benchmark: the cost report against the fair floor, on a realistic bill, in one run.

    .venv/bin/python -m benchmarks.bench_report [--rows 5000000,10000000] [--runs 3] [--keep]
    .venv/bin/python -m benchmarks.bench_report --rows 50000000 --cli-memory   (once, outside make test)

1. Generates benchmarks/.data/focus-<rows>.parquet with DuckDB (git-ignored): a month of
   hourly FOCUS 1.0 rows shaped like a real AWS bill, all 44 columns, costs as DOUBLE as
   AWS's FOCUS export writes them: rows/720 resources, each billed every hour and keeping its
   service, region, SKU, account and tags (EC2, EBS, snapshots, S3, ELB, NAT, RDS, Lambda).
2. Measures in the same run, interleaved, in-process (no interpreter start): the report
   (open the file, the queries with their rows turned into records, catalogs, inventory and
   rules: `run_report`'s steps, files not written), the fair floor (one hand-written DuckDB
   query of per-resource spend: keys resource, service, region, charge description, account
   and tags; sums of billed, effective and list cost and quantity; first and last charge
   period; row count) and the pandas equivalent an analyst would write (read the same
   columns with pyarrow, groupby the same keys, the same aggregates). Medians.
   Targets: the report at most 2x the floor, and at least 3x faster than pandas. Shown
   beside them, not targets: the floor followed by the report's second grain written the
   same way (spend per charge period and service), and pandas computing both grains too:
   the like-for-like comparisons.
3. With --cli-memory: `devops-plan report` on the file in a child process, its peak RSS
   (target: under 2 GiB, streaming, nothing materialised).
4. With --fairness: what the comparison leaves in or out, measured in the same way (medians
   of --runs): the floor with one DuckDB thread as well as the default; the floor followed by
   the report's second grain written by hand the same way (spend per charge period and
   service, float sums), with the report in the same runs, to show how much of the gap is
   the second grain every exact report of this bill needs; the duckdb.connect() the
   report's timing includes and the floor's does not; and writing the CLI's default
   outputs, which `devops-plan report` does and the timed report steps do not.
The generated files are deleted unless --keep is given.
"""

from __future__ import annotations

import argparse
import gc
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
TARGET_FLOOR_RATIO = 2.0  # the report at most this many times the floor query
TARGET_PANDAS_SPEEDUP = 3.0  # and at least this many times faster than pandas
TARGET_RSS_GIB = 2.0
STAGES = ("open", "query", "catalogs", "build")
# The per-resource table a user would otherwise compute (the fair floor).
_KEYS = ("ResourceId", "ServiceName", "RegionId", "ChargeDescription", "SubAccountId", "Tags")
_FLOOR = (
    "SELECT " + ", ".join(_KEYS) + ", sum(BilledCost), sum(EffectiveCost), sum(ListCost), "
    "sum(ConsumedQuantity), min(ChargePeriodStart), max(ChargePeriodEnd), count(*) "
    "FROM read_parquet('{path}') GROUP BY " + ", ".join(_KEYS)
)
# The report's second grain written by hand the same way (float sums): spend per charge
# period and service, the input of its spend over time, commitment baseline and file totals.
_TIME_KEYS = (
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "ChargeCategory",
    "PricingCategory",
    "ConsumedUnit",
    "BillingCurrency",
)
_TIME_FLOOR = (
    "SELECT " + ", ".join(_TIME_KEYS) + ", sum(BilledCost), sum(EffectiveCost), "
    "sum(ListCost), count(*) FROM read_parquet('{path}') GROUP BY " + ", ".join(_TIME_KEYS)
)

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


def floor(path: Path, threads: int | None = None, *, two_grains: bool = False) -> float:
    """Seconds for the per-resource query on a fresh connection, rows fetched; DuckDB's
    default threads unless `threads` is given; with `two_grains`, the per-period query too."""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        start = time.perf_counter()
        con.execute(_FLOOR.format(path=path)).fetchall()
        if two_grains:
            con.execute(_TIME_FLOOR.format(path=path)).fetchall()
        return time.perf_counter() - start
    finally:
        con.close()


def pandas_equivalent(path: Path, *, two_grains: bool = False) -> float:
    """Seconds for the same table with pandas, as an analyst's notebook computes it; with
    `two_grains`, the per-period table too (like for like with the report, not a target)."""
    import pandas as pd

    start = time.perf_counter()
    columns = [*_KEYS, "BilledCost", "EffectiveCost", "ListCost", "ConsumedQuantity"]
    columns += ["ChargePeriodStart", "ChargePeriodEnd"]
    if two_grains:
        columns += [k for k in _TIME_KEYS if k not in columns]
    frame = pd.read_parquet(path, columns=columns)
    frame.groupby(list(_KEYS), dropna=False).agg(
        billed=("BilledCost", "sum"),
        effective=("EffectiveCost", "sum"),
        listed=("ListCost", "sum"),
        quantity=("ConsumedQuantity", "sum"),
        first=("ChargePeriodStart", "min"),
        last=("ChargePeriodEnd", "max"),
        rows=("BilledCost", "size"),
    )
    if two_grains:
        frame.groupby(list(_TIME_KEYS), dropna=False).agg(
            billed=("BilledCost", "sum"),
            effective=("EffectiveCost", "sum"),
            listed=("ListCost", "sum"),
            rows=("BilledCost", "size"),
        )
    return time.perf_counter() - start


def report_in_process(path: Path) -> dict[str, Any]:
    """The report's steps in this process, timed stage by stage (no files written)."""
    from devops_plan.billing.report import build_report, load_catalogs
    from devops_plan.billing.sources.engine import DuckDBEngine
    from devops_plan.billing.spend import collect_spend

    marks = [time.perf_counter()]
    with DuckDBEngine.open_files([path]) as engine:
        marks.append(time.perf_counter())
        spend = collect_spend(engine)
        marks.append(time.perf_counter())
    catalogs, notes = load_catalogs(spend)
    marks.append(time.perf_counter())
    report = build_report(spend, None, catalogs, None, notes)
    marks.append(time.perf_counter())
    gc.collect()
    return {
        "seconds": marks[-1] - marks[0],
        "stages": {name: marks[i + 1] - marks[i] for i, name in enumerate(STAGES)},
        "rows": report.data_quality.rows_read,
        "recommendations": len(report.recommendations),
    }


def cli_memory(path: Path) -> tuple[float, float]:
    """`devops-plan report` on the file in a child process: (seconds, peak RSS in GiB)."""
    command = Path(sys.executable).parent / "devops-plan"
    with tempfile.TemporaryDirectory(prefix="bench-report-") as out:
        start = time.perf_counter()
        subprocess.run(
            [str(command), "report", "--billing", str(path), "--out", out, "--format", "json"],
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB -> GiB
    return seconds, peak


def connect_seconds() -> float:
    """What opening a DuckDB connection costs (in the report's timing, not the floor's)."""
    start = time.perf_counter()
    con = duckdb.connect()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def write_seconds(path: Path) -> float:
    """Writing the CLI's default outputs of the report on `path` (not in its timing)."""
    from devops_plan.billing.report import run_report
    from devops_plan.billing.writer import DEFAULT_FORMATS, write_report

    report = run_report([path])
    with tempfile.TemporaryDirectory(prefix="bench-report-") as out:
        start = time.perf_counter()
        write_report(report, out, DEFAULT_FORMATS)
        return time.perf_counter() - start


def _fairness(path: Path, runs: int) -> None:
    floor(path)  # warm the OS file cache
    found: dict[str, list[float]] = {
        "default": [],
        "one": [],
        "two": [],
        "report": [],
        "connect": [],
        "write": [],
    }
    for _ in range(runs):
        found["default"].append(floor(path))
        found["one"].append(floor(path, threads=1))
        found["two"].append(floor(path, two_grains=True))
        found["report"].append(report_in_process(path)["seconds"])
        found["connect"].append(connect_seconds())
        found["write"].append(write_seconds(path))
    names = {
        "default": f"floor, DuckDB's default threads ({os.cpu_count()})",
        "one": "floor, one DuckDB thread",
        "two": "floor and the per-period query (both grains, floats)",
        "report": "report, in-process (as in the comparison)",
        "connect": "duckdb.connect() (in the report's timing only)",
        "write": "writing html, json, csv (outside the report's timing)",
    }
    for key, label in names.items():
        print(f"{label:<56} {statistics.median(found[key]):7.3f} s")


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def bench(rows: int, runs: int, keep: bool, memory: bool, fairness: bool = False) -> None:
    path = DATA / f"focus-{rows}.parquet"
    if path.exists():
        print(f"reusing {path}")
    else:
        print(f"generated {path} in {generate(path, rows):.1f} s")
    print(f"rows: {rows:,}  file: {path.stat().st_size / 2**20:,.0f} MiB  cores: {os.cpu_count()}")
    print(f"load average at start: {_load()}")
    if memory:
        seconds, peak = cli_memory(path)
        verdict = "met" if peak < TARGET_RSS_GIB else "NOT met"
        print(f"devops-plan report: {seconds:.1f} s, peak RSS {peak:.2f} GiB ({verdict})")
    elif fairness:
        _fairness(path, runs)
    else:
        _compare(path, runs)
    print(f"load average at end:   {_load()}")
    if not keep:
        path.unlink()
        print(f"deleted {path}")


def _compare(path: Path, runs: int) -> None:
    floor(path)  # warm the OS file cache for every figure
    floors: list[float] = []
    both: list[float] = []
    pandas: list[float] = []
    pandas_both: list[float] = []
    reports: list[dict[str, Any]] = []
    for _ in range(runs):
        floors.append(floor(path))
        both.append(floor(path, two_grains=True))
        reports.append(report_in_process(path))
        pandas.append(pandas_equivalent(path))
        pandas_both.append(pandas_equivalent(path, two_grains=True))
    base = statistics.median(floors)
    grains = statistics.median(both)
    report = statistics.median(r["seconds"] for r in reports)
    slow = statistics.median(pandas)
    slow_both = statistics.median(pandas_both)
    print(f"{'per-resource DuckDB query (the floor)':<48} {base:7.3f} s")
    # Not a target: the same two grains the report needs, by hand (like for like).
    print(f"{'the floor and the per-period query':<48} {grains:7.3f} s")
    print(
        f"{'report, in-process':<48} {report:7.3f} s  ({report / base:.1f}x the floor, "
        f"{report / grains:.1f}x both grains)"
    )
    for name in STAGES:
        stage = statistics.median(r["stages"][name] for r in reports)
        print(f"{'  ' + name:<48} {stage:7.3f} s")
    print(f"{'pandas equivalent':<48} {slow:7.3f} s  (report {slow / report:.1f}x faster)")
    print(
        f"{'pandas, both grains (not a target)':<48} {slow_both:7.3f} s  "
        f"(report {slow_both / report:.1f}x faster)"
    )
    print(f"resources' lines: {reports[0]['recommendations']:,} recommendations")
    ratio_ok = report / base <= TARGET_FLOOR_RATIO
    speed_ok = slow / report >= TARGET_PANDAS_SPEEDUP
    print(
        f"target <= {TARGET_FLOOR_RATIO:g}x the floor: {'met' if ratio_ok else 'NOT met'}; "
        f">= {TARGET_PANDAS_SPEEDUP:g}x faster than pandas: {'met' if speed_ok else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the cost report.")
    parser.add_argument("--rows", default="5000000,10000000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (medians are shown)")
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet files")
    parser.add_argument("--cli-memory", action="store_true", help="peak RSS of the CLI only")
    parser.add_argument("--fairness", action="store_true", help="what the comparison leaves out")
    args = parser.parse_args(argv)
    for rows in (int(r) for r in args.rows.split(",")):
        bench(rows, args.runs, args.keep, args.cli_memory, args.fairness)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
