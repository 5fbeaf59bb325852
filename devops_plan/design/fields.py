"""The design's building blocks: the bounds every number is held to, the patterns names
follow, the field types (durations, percentages, plain text), the enumerations and the frozen
base model. `models.py` builds the design's models from them."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from ..inputs import text_problem
from ..units import format_duration, parse_duration

SLUG = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"
# Engines, storage classes: a word of the catalogs' vocabulary (postgres, standard_ia).
WORD = r"^[a-z0-9][a-z0-9_-]*$"
# Instance types and families as the clouds spell them: m7g, m6i.2xlarge, Standard_D4s_v5.
INSTANCE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
HEALTH_PATH = r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$"  # an HTTP path: RFC 3986 path characters

# Upper bounds that keep every number the model computes finite and every plan fast
# (docs/design-file.md, "Limits"); the loader refuses anything above them with its location.
MAX_DURATION_S = 366 * 86400  # a recovery objective longer than a year is not a target
MAX_SERVICES = 500
MAX_TEXT = 2000  # characters in a description
MAX_RPS = 10_000_000
MAX_CPU_MS = 60_000
MAX_MEMORY_MIB = 1_048_576  # 1 TiB per replica
MAX_MESSAGE_KIB = 1_048_576  # 1 GiB per request, response, message or object
MAX_CALLS = 1_000  # calls per request from one service to one dependency
MAX_VCPU = 1_024
MAX_MEMORY_GIB = 32_768
MAX_STORAGE_GIB = 1_000_000_000  # 1 EiB: object storage; databases are smaller still
MAX_MONEY = 1_000_000_000_000
# The offered load of one stateless service (peak_rps x cpu_ms / 1000), in vCPU, and the
# replicas it takes at the target utilisation: below these the sizing formulas and the node
# packing stay within seconds (checks.py refuses more, with the location).
MAX_OFFERED_VCPU = 100_000
MAX_REPLICAS = 200_000


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    seconds = parse_duration(value)
    if seconds > MAX_DURATION_S:
        raise ValueError(
            f"must be at most {format_duration(MAX_DURATION_S)} (got {str(value)[:40]})"
        )
    return timedelta(seconds=seconds)


def _plain_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(lambda d: int(d.total_seconds()), return_type=int),
    Field(
        json_schema_extra={
            "type": "string",
            "pattern": r"^(\d+(\.\d+)?(ms|s|m|h|d|w)?|(\d+(\.\d+)?(ms|s|m|h|d|w))+)$",
        }
    ),
]
Percent = Annotated[float, Field(gt=0, le=100, description="percent, e.g. 99.95")]
# Free text (descriptions): no control, bidi or surrogate characters, so that it can be
# written into any output; each output still escapes it for its own format.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_plain_text)]
Word = Annotated[str, Field(pattern=WORD, max_length=32)]


class Cloud(StrEnum):
    aws = "aws"
    gcp = "gcp"
    azure = "azure"


class Purchase(StrEnum):
    on_demand = "on_demand"
    spot = "spot"
    reserved_1y = "reserved_1y"
    reserved_3y = "reserved_3y"
    savings_plan_1y = "savings_plan_1y"
    savings_plan_3y = "savings_plan_3y"


class Platform(StrEnum):
    kubernetes = "kubernetes"
    vm = "vm"
    managed = "managed"


class DeployStrategy(StrEnum):
    rolling = "rolling"
    blue_green = "blue_green"
    canary = "canary"


class Kind(StrEnum):
    stateless = "stateless"
    database = "database"
    cache = "cache"
    queue = "queue"
    object_storage = "object_storage"


class DRStrategy(StrEnum):
    backup_restore = "backup_restore"
    pilot_light = "pilot_light"
    warm_standby = "warm_standby"
    active_active = "active_active"
