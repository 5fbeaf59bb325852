"""A service's load over the day (`load.profile`): flat, the shipped diurnal shape, or 24
hourly factors of the peak, validated where the design is read."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

PROFILES = ("flat", "diurnal")
HOURS_PER_DAY = 24


def _profile(value: Any) -> Any:
    """'flat', 'diurnal', or 24 hourly load factors (0-1 of peak_rps, the busiest hour 1)."""
    if isinstance(value, str):
        if value not in PROFILES:
            raise ValueError(
                f"must be flat, diurnal or a list of 24 hourly factors (got {value!r})"
            )
        return value
    if not isinstance(value, list | tuple):
        raise ValueError("must be flat, diurnal or a list of 24 hourly factors")
    if len(value) != HOURS_PER_DAY:
        raise ValueError(f"must list 24 hourly factors, one per hour of the day (got {len(value)})")
    factors = []
    for i, f in enumerate(value):
        if isinstance(f, bool) or not isinstance(f, int | float) or not 0 <= f <= 1:
            raise ValueError(f"hour {i}: a factor must be a number from 0 to 1 (got {f!r})")
        factors.append(float(f))
    if max(factors) != 1:
        raise ValueError(
            f"the busiest hour must be 1 (the factors scale load.peak_rps; got {max(factors):g})"
        )
    return tuple(factors)


Profile = Annotated[
    str | tuple[float, ...],
    BeforeValidator(_profile),
    Field(
        description="load over the day: flat, diurnal (data/sizing.yaml) or 24 hourly "
        "factors of peak_rps",
        json_schema_extra={
            "anyOf": [
                {"enum": list(PROFILES)},
                {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0, "maximum": 1},
                    "minItems": 24,
                    "maxItems": 24,
                },
            ]
        },
    ),
]


__all__ = ["HOURS_PER_DAY", "PROFILES", "Profile"]
