"""The base of every design model: frozen and closed, and no number written as true or false."""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

_NUMBERS = (int, float, Decimal)


def _leaves(annotation: Any) -> set[Any]:
    """The types a field's annotation admits, through Annotated, unions and Optional (not
    into containers: a container is a leaf)."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(args[0])
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return set().union(*(_leaves(a) for a in args))
    return {annotation}


def _number_only(annotation: Any) -> bool:
    leaves = _leaves(annotation)
    return bool(leaves & set(_NUMBERS)) and not leaves & {bool, str}


def _as_text(value: Any, annotation: Any) -> Any:
    """`value` with true/false where a number goes spelt as text, which the number's own
    validation refuses ("must be a number (got 'true')"), in place or in a mapping's values."""
    if isinstance(value, bool):
        return str(value).lower() if _number_only(annotation) else value
    if isinstance(value, dict):
        for leaf in _leaves(annotation):
            if typing.get_origin(leaf) is dict and any(isinstance(v, bool) for v in value.values()):
                item = typing.get_args(leaf)[1]
                return {k: _as_text(v, item) for k, v in value.items()}
    return value


class Model(BaseModel):
    """Frozen, closed: an unknown key is an error (with a suggestion), not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, data: Any) -> Any:
        """Pydantic reads true as 1 where a number goes: `availability: true` would be a 1%
        target and `zones: true` one zone, silently. Such a value is an error at its key."""
        if not isinstance(data, dict) or not any(isinstance(v, bool | dict) for v in data.values()):
            return data
        fields = cls.model_fields
        return {
            k: _as_text(v, fields[k].annotation) if isinstance(k, str) and k in fields else v
            for k, v in data.items()
        }


__all__ = ["Model"]
