"""The public API is explicit (httpx's test_exported_members): `__all__` is exactly what the
package exports besides its submodules, everything in it resolves, and nothing private leaks."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import devops_plan


def test_all_is_exactly_what_the_package_exports() -> None:
    # Every public name loads lazily (devops_plan._LAZY); none is defined any other way.
    exported = {
        name
        for name, value in vars(devops_plan).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    lazy = set(vars(devops_plan)["_LAZY"])
    assert devops_plan.__all__ == sorted(devops_plan.__all__)
    assert exported - {"TYPE_CHECKING"} <= lazy
    assert set(devops_plan.__all__) - {"__version__"} == lazy
    for name in devops_plan.__all__:
        assert getattr(devops_plan, name) is not None, name
    assert set(devops_plan.__all__) <= set(dir(devops_plan))


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


def test_importing_the_package_and_the_cli_loads_no_heavy_libraries() -> None:
    # The CLI starts fast: importing it (every command registered) loads no library a command
    # needs only when it runs; pydantic and the YAML parser load with the first command.
    heavy = "{'pandas','numpy','duckdb','matplotlib','pydantic','ruamel','jinja2','boto3'}"
    for module in ("devops_plan", "devops_plan.cli"):
        code = f"import sys, {module}; print(sorted({heavy} & {{m.split('.')[0] for m in sys.modules}}))"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]", module


def test_pipeline_entry_points_are_public() -> None:
    for name in ("load_design", "build_plan", "Plan", "Design", "DesignError", "PriceNotFound"):
        assert name in devops_plan.__all__
    assert callable(devops_plan.explore) and callable(devops_plan.run_report)
