"""Build the wheel, install it into fresh virtual environments outside the checkout, once per
extras set, and use it there as a team would: init, plan, diff, export, and with the extras
`notebook run`, `explore` and `report`; the core alone must stay under 250 MB installed and
say which extra a command needs instead of failing. Exit 1 naming the first step that fails.

Run: python scripts/wheel_check.py [--extras core,notebooks,billing,aws,all] [--keep DIR]
(`make wheel-test`; CI's wheel job runs it.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # CI runs this script with a Python that has no devops-plan

from devops_plan.extras import EXTRAS as EXTRA_LIBRARIES  # noqa: E402  (stdlib-only module)

EXTRAS = ("core", "notebooks", "billing", "aws", "all")
CORE_LIMIT_MB = 250
# What the core install must not pull in: the extras' libraries.
NOT_IN_CORE = (*(name.lower() for name in EXTRA_LIBRARIES), "pyarrow", "jupyterlab")


class Failed(Exception):
    pass


def sh(args: list[str], cwd: Path, env: dict[str, str] | None = None, expect: int = 0) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != expect:
        raise Failed(
            f"{' '.join(args)} (in {cwd}) exited {done.returncode}, expected {expect}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout + done.stderr


def build_wheel(into: Path) -> Path:
    sh(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(into), str(ROOT)],
        into,
    )
    wheel = next(into.glob("devops_plan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "devops_plan/py.typed",
        "devops_plan/_data/designs/shop.yaml",
        "devops_plan/_data/pricing/aws.csv",
        "devops_plan/_notebooks/plan.ipynb",
    ):
        if needed not in names:
            raise Failed(f"{wheel.name} lacks {needed}")
    if not any(n.endswith("LICENSE") and ".dist-info/" in n for n in names):
        raise Failed(f"{wheel.name} lacks its LICENSE")
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    core = [
        line
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    for name in NOT_IN_CORE:
        if any(name in line.lower() for line in core):
            raise Failed(f"the core requires {name}: {core}")
    for field in (
        "Classifier: License :: OSI Approved :: Apache Software License",
        "License: Apache-2.0",
    ):
        if field not in metadata:
            raise Failed(f"METADATA lacks {field!r}")
    return wheel


def site_packages_mb(venv: Path) -> float:
    found = next(venv.glob("lib/python3*/site-packages"))
    total = sum(p.stat().st_size for p in found.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 1e6


def _env(venv: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEVOPS_PLAN_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def use(extra: str, venv: Path, work: Path) -> None:
    """A team's first steps, in an empty folder outside the checkout."""
    env = _env(venv)
    dp = str(venv / "bin" / "devops-plan")
    sh([dp, "--version"], work, env)
    sh([dp, "init", "acme"], work, env)
    project = work / "acme"
    sh([dp, "plan", "design.yaml"], project, env)
    sh([dp, "plan", "design.yaml", "--format", "csv", "--out", "items.csv"], project, env)
    sh([dp, "diff", "none", "design.yaml", "--format", "md"], project, env)
    sh([dp, "export", "design.yaml", "--docs", "docs", "--date", "2026-01-01"], project, env)
    sh([dp, "examples"], project, env)
    sample = sh(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from devops_plan.paths import data_path; print(data_path('billing', 'focus-sample.csv.gz'))",
        ],
        project,
        env,
    ).strip()
    has = {"notebooks": extra in ("notebooks", "all"), "billing": extra in ("billing", "all")}
    if has["notebooks"]:
        sh(
            [
                dp,
                "notebook",
                "run",
                "plan",
                "--design",
                "design.yaml",
                "--out",
                "out/plan",
                "--html",
                "--no-progress",
            ],
            project,
            env,
        )
        sh([dp, "explore", "design.yaml", "--top", "3"], project, env)
    else:
        out = sh([dp, "explore", "design.yaml"], project, env, expect=1)
        if "devops-plan[notebooks]" not in out or "Traceback" in out:
            raise Failed(f"explore without the notebooks extra: {out}")
    if has["billing"]:
        sh([dp, "report", "--billing", sample, "--out", "out/report"], project, env)
    else:
        out = sh([dp, "report", "--billing", sample, "--out", "out/report"], project, env, expect=1)
        if "devops-plan[billing]" not in out or "Traceback" in out:
            raise Failed(f"report without the billing extra: {out}")
    if extra in ("aws", "all"):
        sh([str(venv / "bin" / "python"), "-c", "import boto3"], project, env)


def check(extra: str, wheel: Path, base: Path) -> str:
    started = time.perf_counter()
    venv = base / f"venv-{extra}"
    sh([sys.executable, "-m", "venv", str(venv)], base)
    spec = str(wheel) if extra == "core" else f"{wheel}[{extra}]"
    sh([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", spec], base)
    size = site_packages_mb(venv)
    if extra == "core" and size > CORE_LIMIT_MB:
        raise Failed(f"the core install is {size:.0f} MB; the limit is {CORE_LIMIT_MB} MB")
    work = base / f"work-{extra}"
    work.mkdir()
    use(extra, venv, work)
    return f"{extra:<10} {size:7.0f} MB installed   {time.perf_counter() - started:6.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default=",".join(EXTRAS))
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args(argv)
    wanted = [e for e in args.extras.split(",") if e]
    base = args.keep or Path(tempfile.mkdtemp(prefix="devops-plan-wheel-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        wheel = build_wheel(base)
        print(f"built {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB)", flush=True)
        for extra in wanted:
            print(check(extra, wheel, base), flush=True)
        print(f"all in {time.perf_counter() - started:.0f} s")
    except Failed as exc:
        print(f"wheel check failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
