"""Output paths a person gives: `plan --out`, `notebook run --out`, `explore --csv` and
`catalog refresh --out` end with one line and exit 2 (not a traceback) when the path is an
existing file where a folder is expected (or the reverse), lies under a file, or is in a
read-only folder; nothing is written."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devops_plan.cli import app

from .conftest import DESIGNS

DESIGN = str(DESIGNS / "startup.yaml")


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write into: mode 0555, and immutable when running as root (who
    ignores modes); skipped only where neither can be set."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            folder.chmod(0o755)
            pytest.skip("running as root without chattr: no folder is read-only to root here")
        immutable = True
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr.strip()


def cases(tmp_path: Path, ro: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return [
        (
            ["plan", DESIGN, "--out", str(a_file)],
            f"{a_file}: --out expects a folder, and this is a file",
        ),
        (
            ["plan", DESIGN, "--out", str(a_file / "sub")],
            f"{a_file / 'sub'}: --out: {a_file} is a file, not a folder",
        ),
        (["plan", DESIGN, "--out", str(ro / "sub")], f"{ro}: --out: cannot write here: "),
        (["plan", DESIGN, "--out", str(ro)], f"{ro}: --out: cannot write here: "),
        (
            ["explore", DESIGN, "--csv", str(tmp_path)],
            f"{tmp_path}: --csv expects a file name, and this is a folder",
        ),
        (["explore", DESIGN, "--csv", str(ro / "x.csv")], f"{ro}: --csv: cannot write here: "),
        (
            ["explore", DESIGN, "--csv", str(a_file / "x.csv")],
            f"{a_file}: --csv: {a_file} is a file, not a folder",
        ),
        (
            ["notebook", "run", "plan", "--design", DESIGN, "--out", str(a_file)],
            f"{a_file}: --out expects a folder, and this is a file",
        ),
        (
            ["notebook", "run", "plan", "--design", DESIGN, "--out", str(ro / "nb")],
            f"{ro}: --out: cannot write here: ",
        ),
        (
            ["catalog", "refresh", "aws", "--region", "us-east-1", "--out", str(tmp_path)],
            f"{tmp_path}: --out expects a file name, and this is a folder",
        ),
        (
            ["catalog", "refresh", "aws", "--region", "us-east-1", "--out", str(ro / "aws.csv")],
            f"{ro}: --out: cannot write here: ",
        ),
    ]


def test_bad_output_paths_are_one_line_exit_2(tmp_path: Path, read_only: Path) -> None:
    for args, expected in cases(tmp_path, read_only):
        code, err = invoke(*args)
        assert code == 2, (args, err)
        assert "\n" not in err and err.startswith(expected), (args, err)
    assert sorted(p.name for p in read_only.iterdir()) == []
