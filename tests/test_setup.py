"""The set-up scripts behind `make demo` / `make test`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "ensure-system-deps.sh"


def _fake_path(tmp_path: Path, uid: str, with_dot: bool) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "id").chmod(0o755)
    if with_dot:
        (bin_dir / "dot").write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / "dot").chmod(0o755)
    return str(bin_dir)


def _run(path: str, *groups: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    return subprocess.run(
        ["/bin/sh", str(SCRIPT), *groups],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_missing_dot_without_root_stops_with_one_line(tmp_path: Path) -> None:
    proc = _run(_fake_path(tmp_path, "1000", with_dot=False), "graphviz")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "devops-plan needs 'dot': install it with 'sudo apt-get install graphviz' "
        "(or 'brew install graphviz'), then run make again."
    ]


def test_present_dot_is_left_alone(tmp_path: Path) -> None:
    proc = _run(_fake_path(tmp_path, "1000", with_dot=True), "graphviz")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_unknown_group(tmp_path: Path) -> None:
    proc = _run(_fake_path(tmp_path, "1000", with_dot=True), "nonsense")
    assert proc.returncode == 2


def test_ci_runs_exactly_the_readme_test_command_then_lint() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [
        line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make ")
    ]
    assert commands == ["make demo", "make test"]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci[-2:] == ["make test", "make lint"]
