"""Hostile billing inputs, run as a user would: `devops-plan report` in a child process, within a
time limit. Every case ends in exit 0 with the right result, or exit 1/2 with one line on
stderr and no traceback; nothing is written outside the output folder. The cases are made by
code: damaged and bomb archives, special files, odd names, mixed currencies, far dates,
amounts no decimal holds, injection payloads, concurrent runs."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from tests.billing_fixtures import SAMPLE_FOCUS, focus_row, hourly_rows, write_csv, write_parquet

TIME_LIMIT = 60  # seconds per case; each takes 2-4 s here
# The command as a user runs it: the console script installed beside this interpreter.
DEVOPS_PLAN = str(Path(sys.executable).parent / "devops-plan")
SAMPLE_BILLED = "1725.62"


@dataclass
class Case:
    """Files in `folder` and the report's arguments; what must come out."""

    name: str
    make: Callable[[Path], list[str]]  # writes the inputs, returns the arguments
    exit_code: int  # 0, or the one-line error's 1 or 2
    message: str = ""  # a part of the one line on stderr (exit 1/2)
    billed: str | None = None  # report.json totals.billed_cost (exit 0)
    check: Callable[[Path], None] | None = None  # more checks on the output folder
    env: dict[str, str] = field(default_factory=dict)


def _corrupt(folder: Path) -> list[str]:
    data = bytearray(SAMPLE_FOCUS.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 16] = bytes(16)
    (folder / "bill.csv.gz").write_bytes(bytes(data))
    return ["--billing", str(folder / "bill.csv.gz")]


def _truncated(folder: Path) -> list[str]:
    data = SAMPLE_FOCUS.read_bytes()
    (folder / "bill.csv.gz").write_bytes(data[: len(data) * 2 // 3])
    return ["--billing", str(folder / "bill.csv.gz")]


def _gzip_bomb(folder: Path) -> list[str]:
    with gzip.open(folder / "bomb.csv.gz", "wb", compresslevel=9) as out:
        out.write(b"BilledCost,ChargePeriodStart,ChargePeriodEnd\n")
        for _ in range(256):  # 256 MiB of zeros in about 250 kB (the was 1.5 GiB)
            out.write(bytes(1 << 20))
    return ["--billing", str(folder / "bomb.csv.gz")]


def _empty_lines(folder: Path) -> list[str]:
    with (folder / "lines.csv").open("wb") as out:
        out.write(b"BilledCost,ChargePeriodStart,ChargePeriodEnd\n" + b"\n" * (64 << 20))
    return ["--billing", str(folder / "lines.csv")]


def _endless_line(folder: Path) -> list[str]:
    (folder / "line.csv").write_bytes(b"BilledCost," + b"x" * (4 << 20))
    return ["--billing", str(folder / "line.csv")]


def _gzip_named_csv(folder: Path) -> list[str]:
    (folder / "bill.csv").write_bytes(SAMPLE_FOCUS.read_bytes())
    return ["--billing", str(folder / "bill.csv")]


def _plain_named_gz(folder: Path) -> list[str]:
    (folder / "bill.csv.gz").write_bytes(gzip.decompress(SAMPLE_FOCUS.read_bytes()))
    return ["--billing", str(folder / "bill.csv.gz")]


def _glob_name(folder: Path) -> list[str]:
    write_csv(folder / "other.csv", hourly_rows(2, BilledCost="500"))
    write_csv(folder / "*.csv", hourly_rows(3, BilledCost="1"))
    return ["--billing", str(folder / "*.csv")]


def _fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "bill.csv")
    return ["--billing", str(folder / "bill.csv")]


def _dev_zero(folder: Path) -> list[str]:
    (folder / "bill.csv").symlink_to("/dev/zero")
    return ["--billing", str(folder / "bill.csv")]


def _mixed_currencies(folder: Path) -> list[str]:
    rows = [*hourly_rows(2, BillingCurrency="USD"), *hourly_rows(2, BillingCurrency="EUR")]
    return ["--billing", str(write_csv(folder / "bill.csv", rows))]


def _year_2100(folder: Path) -> list[str]:
    rows = [
        *hourly_rows(720, BilledCost="1"),
        focus_row(ChargePeriodStart="2100-01-01 00:00:00", ChargePeriodEnd="2100-01-01 01:00:00"),
    ]
    return ["--billing", str(write_csv(folder / "bill.csv", rows))]


def _monthly_not_zero(out: Path) -> None:
    data = json.loads((out / "report.json").read_text())
    assert data["totals"]["monthly_billed_cost"] == "730.00"
    assert data["data_quality"]["rows_implausible"] == 1


def _forever(folder: Path) -> list[str]:
    path = write_csv(folder / "bill.csv", hourly_rows(48))
    return ["--billing", str(path), "--since", "0001-01-01", "--until", "9999-12-31"]


def _huge_amounts(folder: Path) -> list[str]:
    rows = [
        *hourly_rows(20, BilledCost="9" * 26),
        *hourly_rows(3, BilledCost="2"),
        focus_row(BilledCost="1e40"),
    ]
    return ["--billing", str(write_csv(folder / "bill.csv", rows))]


def _parquet_infinity(folder: Path) -> list[str]:
    path = write_parquet(
        folder / "bill.parquet",
        "SELECT 'infinity'::DOUBLE AS BilledCost, TIMESTAMP '2024-09-01' AS ChargePeriodStart, "
        "TIMESTAMP '2024-09-01 01:00:00' AS ChargePeriodEnd",
    )
    return ["--billing", str(path)]


def _memory_lots(folder: Path) -> list[str]:
    return ["--billing", str(SAMPLE_FOCUS), "--memory-limit", "lots"]


def _zstd(folder: Path) -> list[str]:
    (folder / "bill.csv.zst").write_bytes(b"\x28\xb5\x2f\xfd" + os.urandom(256))
    return ["--billing", str(folder / "bill.csv.zst")]


def _binary(folder: Path) -> list[str]:
    (folder / "bill.csv").write_bytes(os.urandom(4096))
    return ["--billing", str(folder / "bill.csv")]


def _latin1(folder: Path) -> list[str]:
    (folder / "bill.csv").write_bytes(
        "BilledCost,ChargePeriodStart,Résumé\n1,x,é\n".encode("latin-1")
    )
    return ["--billing", str(folder / "bill.csv")]


def _far_timestamps(folder: Path) -> list[str]:
    rows = [
        *hourly_rows(100, BilledCost="1"),
        focus_row(ChargePeriodStart="infinity", ChargePeriodEnd="infinity"),
        focus_row(ChargePeriodStart="20000-01-01 00:00:00", ChargePeriodEnd="20000-01-01 01:00:00"),
        focus_row(ChargePeriodStart="0001-01-01 00:00:00 BC", ChargePeriodEnd="NULL"),
    ]
    return ["--billing", str(write_csv(folder / "bill.csv", rows))]


PAYLOAD = '<script>alert(1)</script>|=HYPERLINK("http://evil/")\u202e[bold]x[/]'


def _injection(folder: Path) -> list[str]:
    rows = hourly_rows(
        30,
        ResourceId=PAYLOAD,
        ResourceName=PAYLOAD,
        ServiceName=PAYLOAD,
        ResourceType="Snapshot",
        Tags=json.dumps({"created": "2023-01-01", PAYLOAD: PAYLOAD}),
    )
    return [
        "--billing",
        str(write_csv(folder / "bill.csv", rows)),
        "--format",
        "html,md,json,csv",
    ]


def _escaped(out: Path) -> None:
    html = (out / "report.html").read_text()
    md = (out / "report.md").read_text()
    assert "<script>" not in html and "<script>" not in md and "\u202e" not in html + md
    rows = list(csv.reader(io.StringIO((out / "recommendations.csv").read_text())))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row[:3])


def _utilization_corrupt(folder: Path) -> list[str]:
    data = bytearray(
        gzip.compress(b"resource_id,timestamp,cpu_pct,mem_pct\n" + b"i-1,2024-09-01,1,1\n" * 5000)
    )
    data[len(data) // 2] ^= 0xFF
    (folder / "u.csv.gz").write_bytes(bytes(data))
    return ["--billing", str(SAMPLE_FOCUS), "--utilization", str(folder / "u.csv.gz")]


def _out_is_a_file(folder: Path) -> list[str]:
    (folder / "taken").write_text("")
    return ["--billing", str(SAMPLE_FOCUS), "--out", str(folder / "taken")]


def _the_same_file_twice(folder: Path) -> list[str]:
    (folder / "again.csv.gz").symlink_to(SAMPLE_FOCUS)
    return ["--billing", str(SAMPLE_FOCUS), str(folder / "again.csv.gz")]


CASES = (
    Case("corrupt gzip block", _corrupt, 2, "corrupt gzip data between byte"),
    Case("truncated gzip", _truncated, 2, "gzip stream ends early"),
    Case("gzip bomb", _gzip_bomb, 2, "a decompression bomb?"),
    Case("64 MiB of empty lines", _empty_lines, 2, "no billing rows could be read"),
    Case("a 4 MiB header line", _endless_line, 2, "the header line is longer than"),
    Case("gzip named .csv", _gzip_named_csv, 0, billed=SAMPLE_BILLED),
    Case("plain text named .gz", _plain_named_gz, 0, billed=SAMPLE_BILLED),
    Case("glob characters in the name", _glob_name, 0, billed="3.00"),
    Case("a FIFO", _fifo, 2, "not a regular file"),
    Case("a link to /dev/zero", _dev_zero, 2, "not a regular file"),
    Case("mixed currencies", _mixed_currencies, 2, "2 currencies: EUR (2 rows), USD (2 rows)"),
    Case("one row in 2100", _year_2100, 0, billed="720.00", check=_monthly_not_zero),
    Case("period 0001 to 9999", _forever, 0, billed="4.61"),
    Case("amounts beyond DECIMAL(38)", _huge_amounts, 0, billed="6.00"),
    Case("Parquet infinity", _parquet_infinity, 2, "not a finite amount"),
    Case("--memory-limit lots", _memory_lots, 2, "--memory-limit 'lots'"),
    Case("zstd", _zstd, 2, "compressed with zstd"),
    Case("random bytes", _binary, 2, "bill.csv"),
    Case("latin-1 text", _latin1, 2, "bill.csv"),
    Case("timestamps past year 9999", _far_timestamps, 0, billed="100.00"),
    Case("injection payloads", _injection, 0, billed="2.88", check=_escaped),
    Case("corrupt utilization gzip", _utilization_corrupt, 2, "u.csv.gz: corrupt gzip data"),
    Case("--out is a file", _out_is_a_file, 2, "cannot write the report there"),
    Case("the same file twice", _the_same_file_twice, 2, "given twice"),
)


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def _run(
    args: list[str], cwd: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [DEVOPS_PLAN, "report", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
    )
    return result, time.monotonic() - started


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """An input folder, an output folder and a private TMPDIR whose leftovers are checked."""
    inputs, temp = tmp_path / "in", tmp_path / "tmp"
    inputs.mkdir()
    temp.mkdir()
    yield inputs, tmp_path / "out", {"TMPDIR": str(temp)}
    assert list(temp.iterdir()) == [], "temporary files left behind"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_billing_input(case: Case, sandbox: tuple[Path, Path, dict[str, str]]) -> None:
    inputs, out, env = sandbox
    args = case.make(inputs)
    before = _files(inputs)
    if "--out" not in args:
        args += (
            ["--out", str(out), "--format", "json"]
            if "--format" not in args
            else ["--out", str(out)]
        )
    result, _ = _run(args, inputs, {**env, **case.env})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == case.exit_code, (result.returncode, result.stderr[-2000:])
    if case.exit_code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and case.message in lines[0], result.stderr
    else:
        data = json.loads((out / "report.json").read_text())
        assert data["totals"]["billed_cost"] == case.billed, data["totals"]
        if case.check:
            case.check(out)
    assert _files(inputs) == before, "a file was written outside the output folder"


def test_two_reports_into_one_folder_at_once(sandbox: tuple[Path, Path, dict[str, str]]) -> None:
    inputs, out, env = sandbox
    args = ["--billing", str(SAMPLE_FOCUS), "--out", str(out), "--format", "html,md,json,csv"]
    command = [DEVOPS_PLAN, "report", *args]
    runs = [
        subprocess.Popen(
            command,
            cwd=inputs,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for run in runs:
        _, errors = run.communicate(timeout=TIME_LIMIT)
        assert run.returncode == 0, errors
    # Each file is whole (written to a temporary name, then renamed): no half-written report.
    assert sorted(p.name for p in out.iterdir()) == [
        "recommendations.csv",
        "report.html",
        "report.json",
        "report.md",
    ]
    assert json.loads((out / "report.json").read_text())["totals"]["billed_cost"] == SAMPLE_BILLED
    assert Decimal(SAMPLE_BILLED) > 0
