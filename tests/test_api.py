"""The public API is explicit: everything in __all__ exists and nothing private leaks."""

from __future__ import annotations

import devops_plan


def test_all_is_explicit_and_importable() -> None:
    assert devops_plan.__all__ == sorted(devops_plan.__all__)
    for name in devops_plan.__all__:
        assert hasattr(devops_plan, name), name
    assert not [n for n in devops_plan.__all__ if n.startswith("_") and n != "__version__"]


def test_pipeline_entry_points_are_public() -> None:
    for name in ("load_design", "build_plan", "Plan", "Design", "DesignError", "PriceNotFound"):
        assert name in devops_plan.__all__
