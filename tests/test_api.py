"""The public API is explicit (httpx's test_exported_members): `__all__` is exactly what the
package exports besides its submodules, everything in it resolves, and nothing private leaks."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import devops_plan


def test_all_is_exactly_what_the_package_exports() -> None:
    exported = {
        name
        for name, value in vars(devops_plan).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    lazy = {"design_space", "explore", "run_report"}
    assert devops_plan.__all__ == sorted(devops_plan.__all__)
    assert set(devops_plan.__all__) - {"__version__"} == exported | lazy
    for name in devops_plan.__all__:
        assert getattr(devops_plan, name) is not None, name


def test_submodules_are_the_pipeline() -> None:
    # What a newcomer sees under devops_plan/ is the pipeline, stage by stage.
    for name in (
        "design",
        "catalog",
        "engine",
        "plan",
        "render",
        "export",
        "exploration",
        "billing",
    ):
        assert isinstance(importlib.import_module(f"devops_plan.{name}"), ModuleType)


def test_importing_the_package_loads_no_heavy_libraries() -> None:
    code = "import sys, devops_plan; print(sorted({'pandas','numpy','duckdb','matplotlib'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pipeline_entry_points_are_public() -> None:
    for name in ("load_design", "build_plan", "Plan", "Design", "DesignError", "PriceNotFound"):
        assert name in devops_plan.__all__
    assert callable(devops_plan.explore) and callable(devops_plan.run_report)
