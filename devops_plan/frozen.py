"""The base of every frozen result model (the engine's results and the Plan built from them)
and Money: a Decimal that JSON shows as a number."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

Money = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class Frozen(BaseModel):
    """Immutable; built by field name, also from other objects' attributes."""

    model_config = ConfigDict(frozen=True, from_attributes=True)
