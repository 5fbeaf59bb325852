"""Shared test helpers: paths to the repo's shipped data and the reference data beside it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "data" / "designs"
# shared/ lies beside the checkout (../shared) on developer machines and in CI.
REFERENCE = Path(os.environ.get("DEVOPS_PLAN_REFERENCE", ROOT.parent / "shared" / "reference"))


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as a throw-away author; its stdout, stripped."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def shop_yaml() -> str:
    return (DESIGNS / "shop.yaml").read_text(encoding="utf-8")


# Tests never reach past loopback: botocore must not probe the EC2 instance metadata
# service (169.254.169.254) for credentials.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def examples_and_second_regions() -> list[tuple[str, Any]]:
    """(name, design) of each example design, and of its two-region variant (served
    active-active from its second region) where it has one."""
    from devops_plan import load_design
    from devops_plan.engine.variants import with_second_region

    out: list[tuple[str, Any]] = []
    for path in sorted(DESIGNS.glob("*.yaml")):
        design = load_design(path)
        out.append((path.stem, design))
        second = with_second_region(design)
        if second is not None:
            out.append((f"{path.stem}+second-region", second))
    return out


# Fault and fuzz loops run a quick count by default and a long one under `pytest -m slow`
# (the long run is asked for by the marker expression; make test runs the quick count).
_LONG_RUN = "DEVOPS_PLAN_LONG_RUN"


def pytest_configure(config: pytest.Config) -> None:
    expr = str(config.getoption("markexpr") or "")
    if re.search(r"(?<!not )\bslow\b", expr):
        os.environ[_LONG_RUN] = "1"


def runs(quick: int, long: int) -> int:
    """How many cases a fuzz or fault loop runs: `long` under `pytest -m slow`, else `quick`."""
    return long if os.environ.get(_LONG_RUN) == "1" else quick
