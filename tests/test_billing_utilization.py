"""Utilization CSV: statistics per resource, optional columns, rejected rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devops_plan.billing.sources.utilization import load_utilization_csv, percentile, short_id
from devops_plan.errors import BillingInputError


def test_statistics_match_numpy(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    cpu = rng.uniform(0, 100, 400)
    mem = rng.uniform(0, 100, 400)
    lines = ["resource_id,timestamp,cpu_pct,mem_pct,net_bytes"]
    for h, (c, m) in enumerate(zip(cpu, mem, strict=True)):
        lines.append(
            f"i-0abc,2024-09-{1 + h // 24:02d}T{h % 24:02d}:00:00Z,{float(c)!r},{float(m)!r},2000000"
        )
    path = tmp_path / "u.csv"
    path.write_text("\n".join(lines) + "\n")
    usage = load_utilization_csv(path).resources["i-0abc"]
    assert usage.samples == 400
    assert usage.cpu_p95_pct == pytest.approx(float(np.percentile(cpu, 95)))
    assert usage.mem_peak_pct == pytest.approx(float(mem.max()))
    assert usage.days == pytest.approx(400 / 24)
    assert usage.net_mb_per_day == pytest.approx(48.0)  # 2 MB an hour
    assert usage.disk_ops_per_day is None  # column absent: not measured


def test_empty_memory_and_rejected_rows(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "resource_id,timestamp,cpu_pct,mem_pct\n"
        "i-1,2024-09-01T00:00:00Z,10,\n"
        "i-1,2024-09-01T01:00:00Z,twenty,\n"
        "i-1,2024-09-01T02:00:00Z,30,\n"
    )
    u = load_utilization_csv(path)
    assert u.resources["i-1"].mem_peak_pct is None
    assert u.resources["i-1"].samples == 2
    assert [(r.line, r.column) for r in u.rejected] == [(3, "cpu_pct")]


def test_lookup_by_arn_tail_and_percentile_rule() -> None:
    assert short_id("arn:aws:ec2:us-east-1:1:instance/i-0abc") == "i-0abc"
    assert short_id("i-0abc") == "i-0abc"
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([5.0], 0.95) == 5.0


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(BillingInputError, match="no such file"):
        load_utilization_csv(tmp_path / "none.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(BillingInputError, match="empty file"):
        load_utilization_csv(empty)
    header = tmp_path / "h.csv"
    header.write_text("resource_id,timestamp,cpu_pct,mem_pct\n")
    with pytest.raises(BillingInputError, match="header but no utilization rows"):
        load_utilization_csv(header)


def test_a_folder_or_an_empty_file_says_a_utilization_csv_was_expected(tmp_path: Path) -> None:
    # Before: a folder of CSV files was a ValueError traceback ("too many values to unpack"),
    # and an empty file said "expected a FOCUS or CUR 2.0 export".
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text("resource_id,timestamp,cpu_pct,mem_pct\ni-1,2024-09-01,1,2\n")
    expected = "expected one utilization CSV (resource_id, timestamp, cpu_pct, mem_pct, ...)"
    with pytest.raises(BillingInputError) as folder:
        load_utilization_csv(tmp_path)
    assert str(folder.value) == f"{tmp_path}: is a folder; {expected}"
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(BillingInputError) as caught:
        load_utilization_csv(empty)
    assert str(caught.value) == f"{empty}: empty file; {expected} with a header row"
