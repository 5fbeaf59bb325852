"""The base of every design model: frozen and closed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Frozen, closed: an unknown key is an error (with a suggestion), not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


__all__ = ["Model"]
