"""The design file's models: frozen pydantic v2, field names as users write them in YAML.

Services are a discriminated union on `kind`. Loading YAML with line/column locations lives
in `loader.py`; this module is pure.
"""

from __future__ import annotations

import string
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
)

from .base import Model
from .baseline import Network, Security
from .fields import (
    HEALTH_PATH,
    INSTANCE,
    MAX_CALLS,
    MAX_CPU_MS,
    MAX_MEMORY_GIB,
    MAX_MEMORY_MIB,
    MAX_MESSAGE_KIB,
    MAX_MONEY,
    MAX_REPLICAS,
    MAX_RPS,
    MAX_SERVICES,
    MAX_STORAGE_GIB,
    MAX_VCPU,
    SLUG,
    Cloud,
    DeployStrategy,
    DRStrategy,
    Duration,
    Kind,
    Percent,
    Platform,
    Purchase,
    Text,
    Word,
)
from .profile import Profile


class Load(Model):
    peak_rps: float = Field(gt=0, le=MAX_RPS, description="peak requests per second")
    cpu_ms: float = Field(ge=0.001, le=MAX_CPU_MS, description="CPU milliseconds per request")
    cpu_ms_cv: float = Field(
        default=1.0,
        ge=0.05,
        le=4,
        description="variability of the CPU time per request (standard deviation / mean); "
        "1 = exponential, lower for steady work",
    )
    memory_mib: int = Field(
        default=512, gt=0, le=MAX_MEMORY_MIB, description="memory per replica, MiB"
    )
    request_kib: float | None = Field(
        default=None,
        ge=0,
        le=MAX_MESSAGE_KIB,
        description="bytes in per request, KiB (default data/sizing.yaml)",
    )
    response_kib: float | None = Field(
        default=None,
        ge=0,
        le=MAX_MESSAGE_KIB,
        description="bytes out per response, KiB (default data/sizing.yaml)",
    )
    internet_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of responses that leave to the internet (default 1 for an "
        "entrypoint, 0 otherwise)",
    )
    profile: Profile = "diurnal"


class Scaling(Model):
    min_replicas: int | None = Field(
        default=None,
        ge=1,
        le=MAX_REPLICAS,
        description="autoscaling floor (default: the zone-loss and availability floor)",
    )


class Cdn(Model):
    """A CDN in front of an entrypoint: its internet responses leave from the edge."""

    cache_hit_ratio: float = Field(
        default=0, ge=0, lt=1, description="share of edge requests served from the cache"
    )


class Replica(Model):
    cpu: float = Field(default=1, ge=0.01, le=64, description="vCPU per replica")
    memory_mib: int | None = Field(
        default=None, gt=0, le=MAX_MEMORY_MIB, description="memory per replica, MiB"
    )


class DatabaseSize(Model):
    vcpu: float = Field(gt=0, le=MAX_VCPU, description="minimum vCPU")
    memory_gib: float = Field(gt=0, le=MAX_MEMORY_GIB, description="minimum memory, GiB")
    storage_gib: float = Field(default=0, ge=0, le=1_000_000, description="storage, GiB")


class CacheSize(Model):
    memory_gib: float = Field(gt=0, le=MAX_MEMORY_GIB, description="minimum memory, GiB")


class StorageSize(Model):
    storage_gib: float = Field(default=0, ge=0, le=MAX_STORAGE_GIB, description="stored data, GiB")


class Transfer(Model):
    egress_gib_month: float = Field(
        default=0, ge=0, le=MAX_STORAGE_GIB, description="GiB a month out to the internet"
    )


class ServiceBase(Model):
    """What every kind of service has; each kind adds its own fields (below)."""

    name: str = Field(pattern=SLUG, max_length=63)
    description: Text = ""
    entrypoint: bool = False
    depends_on: tuple[Annotated[str, Field(max_length=63)], ...] = Field(
        default=(), max_length=MAX_SERVICES
    )
    availability: Percent | None = Field(default=None, description="override, percent")


MAX_DEPLOY_SECONDS = 86_400  # a deploy that takes longer than a day is not a deploy


class Deploy(Model):
    """How new versions roll out: the strategy, how often and how long the extra capacity a
    deploy needs is held (docs/model.md, "Deploy surge")."""

    strategy: DeployStrategy = Field(
        default=DeployStrategy.rolling, description="rolling | blue_green | canary"
    )
    deploys_per_day: float = Field(default=1, ge=0, le=1000, description="deploys a day")
    duration: Duration = Field(
        default=timedelta(minutes=15),
        description="how long one deploy holds its extra capacity (at most 1d)",
    )
    canary_percent: float = Field(
        default=10, ge=1, le=100, description="canary: share of the replicas the canary runs"
    )

    @field_validator("duration")
    @classmethod
    def _bounded(cls, value: timedelta) -> timedelta:
        seconds = value.total_seconds()
        if not 0 < seconds <= MAX_DEPLOY_SECONDS:
            raise ValueError(f"a deploy lasts more than 0s and at most 1d (got {seconds:g}s)")
        return value


class Health(Model):
    """Where a stateless service answers its liveness and readiness probes (and serves)."""

    path: str = Field(
        default="/healthz",
        pattern=HEALTH_PATH,
        description="HTTP path of the health check, starting with /",
    )
    port: int = Field(default=8080, ge=1, le=65535, description="container port it listens on")


class StatelessService(ServiceBase):
    """Replicas behind a load balancer when an entrypoint: sized from its load."""

    kind: Literal[Kind.stateless]
    load: Load
    replica: Replica | None = None
    purchase: Purchase | None = None
    platform: Platform | None = None
    pool: str = Field(default="default", pattern=SLUG, description="Kubernetes node pool")
    calls: dict[
        Annotated[str, Field(pattern=SLUG, max_length=63)],
        Annotated[float, Field(ge=0, le=MAX_CALLS)],
    ] = Field(
        default_factory=dict,
        max_length=MAX_SERVICES,
        description="calls per request to each dependency (default 1 per depends_on entry)",
    )
    cdn: Cdn | None = None
    scaling: Scaling = Scaling()
    health: Health = Field(default_factory=Health, description="health checks: path and port")
    deploy: Deploy = Deploy()


class CallSize(Model):
    """What one call to a data service carries (defaults per kind in data/sizing.yaml)."""

    request_kib: float | None = Field(default=None, ge=0, le=MAX_MESSAGE_KIB)
    response_kib: float | None = Field(default=None, ge=0, le=MAX_MESSAGE_KIB)


class Backup(Model):
    retention_days: int = Field(default=7, ge=1, le=35, description="automated backups kept")
    pitr: bool = Field(default=True, description="point-in-time recovery (transaction logs)")


class DatabaseService(ServiceBase):
    """A managed relational database: a primary, optional standby and read replicas."""

    kind: Literal[Kind.database]
    engine: Word = Field(default="postgres", description="postgres | mysql")
    size: DatabaseSize
    read_replicas: int = Field(default=0, ge=0, le=15)
    multi_az: bool | None = Field(default=None, description="force Multi-AZ on or off")
    purchase: Purchase | None = None
    backup: Backup = Backup()
    call: CallSize = CallSize()


class CacheService(ServiceBase):
    """A managed in-memory cache: one node, or a primary and a replica per extra zone."""

    kind: Literal[Kind.cache]
    engine: Word = Field(default="redis", description="redis")
    size: CacheSize
    multi_az: bool | None = Field(default=None, description="force Multi-AZ on or off")
    purchase: Purchase | None = None
    call: CallSize = CallSize()


class QueueService(ServiceBase):
    """A managed message queue, priced per operation (sends and receives) in its tier."""

    kind: Literal[Kind.queue]
    messages_million_month: float = Field(
        default=0,
        ge=0,
        le=MAX_STORAGE_GIB,
        description="messages a month, millions (default: the calls its callers make)",
    )
    message_kib: float | None = Field(
        default=None, gt=0, le=MAX_MESSAGE_KIB, description="message size, KiB"
    )
    fifo: bool = Field(default=False, description="ordered, exactly-once queue (AWS FIFO)")
    batch: int = Field(
        default=1, ge=1, le=10, description="messages sent and received per request (SQS batches)"
    )


class LifecycleRule(Model):
    after_days: int = Field(ge=1, le=36_500, description="age at which objects move")
    storage_class: Literal["standard_ia", "archive"]


class ObjectStorageService(ServiceBase):
    """An object storage bucket: stored GiB, requests, lifecycle tiers, egress."""

    kind: Literal[Kind.object_storage]
    size: StorageSize = StorageSize()
    storage_class: Word = Field(default="standard", description="object storage class")
    transfer: Transfer = Transfer()
    object_kib: float | None = Field(
        default=None, gt=0, le=MAX_MESSAGE_KIB, description="average object size"
    )
    write_share: float | None = Field(
        default=None, ge=0, le=1, description="share of calls that write (PUT)"
    )
    retention_days: int | None = Field(
        default=None, ge=1, le=36_500, description="how long objects are kept (needed by lifecycle)"
    )
    lifecycle: tuple[LifecycleRule, ...] = Field(default=(), max_length=10)


# Each kind has its own model, chosen by `kind` (a discriminated union): a database cannot
# carry `load`, a stateless service cannot lack it, and editors complete each kind's keys.
Service = Annotated[
    StatelessService | DatabaseService | CacheService | QueueService | ObjectStorageService,
    Field(discriminator="kind"),
]
DataService = DatabaseService | CacheService
SERVICE_MODELS: dict[Kind, type[ServiceBase]] = {
    Kind.stateless: StatelessService,
    Kind.database: DatabaseService,
    Kind.cache: CacheService,
    Kind.queue: QueueService,
    Kind.object_storage: ObjectStorageService,
}


class Targets(Model):
    availability: Percent = 99.9
    rto: Duration = timedelta(hours=4)
    rpo: Duration = timedelta(hours=1)
    latency_p95_ms: float | None = Field(default=None, gt=0, le=3_600_000)


class Budget(Model):
    monthly: Decimal = Field(
        ge=Decimal("0.01"), le=MAX_MONEY, description="monthly budget in the catalog currency"
    )


class Defaults(Model):
    purchase: Purchase = Purchase.on_demand
    platform: Platform = Platform.kubernetes
    node_types: tuple[Annotated[str, Field(pattern=INSTANCE, max_length=64)], ...] | None = Field(
        default=None,
        max_length=100,
        description="instance types or families allowed for node pools",
    )
    target_utilization: float = Field(default=0.6, ge=0.05, le=1)
    zone_failure_utilization: float = Field(default=0.85, ge=0.05, le=1)


class Observability(Model):
    log_retention_days: int = Field(default=30, ge=1, le=3650)
    log_bytes_per_request: float | None = Field(default=None, ge=0, le=MAX_MESSAGE_KIB * 1024)
    node_log_mib_per_day: float | None = Field(default=None, ge=0, le=MAX_MEMORY_MIB)
    metrics: bool = Field(default=True, description="managed Prometheus metrics")


class NodePoolSettings(Model):
    root_volume_gib: int | None = Field(default=None, ge=1, le=16384)


class DR(Model):
    strategy: DRStrategy | None = Field(default=None, description="force a strategy")
    warm_fraction: float = Field(default=0.25, ge=0.01, le=1)
    backup_retention_days: int = Field(default=7, ge=1, le=3650)
    point_in_time_recovery: bool = Field(
        default=True,
        description="keep point-in-time logs and copy them to the DR region (backup & restore RPO)",
    )
    decision_time: Duration | None = Field(
        default=None,
        description="how long a person takes to decide on a regional failover (default 5m)",
    )
    enabled: bool = Field(
        default=True,
        description="false: no DR copy is deployed or priced (an environment's `dr: none`)",
    )


EnvName = Annotated[str, Field(pattern=SLUG, max_length=63)]


class Environment(Model):
    """One environment as an overlay of the base design: only what it changes
    (design/environments.py applies it; the result is validated like the design)."""

    description: Text = ""
    load_multiplier: float = Field(
        default=1.0, ge=0.001, le=1000, description="every service's peak load multiplied"
    )
    regions: tuple[Annotated[str, Field(max_length=64)], ...] | None = Field(
        default=None, min_length=1, max_length=4
    )
    dr_region: str | None = Field(default=None, max_length=64)
    zones: int | None = Field(default=None, ge=1, le=6)
    purchase: Purchase | None = None
    dr: DRStrategy | Literal["none"] | None = Field(
        default=None, description="a DR strategy, or none (no DR copy)"
    )
    backup_retention_days: int | None = Field(default=None, ge=1, le=3650)
    availability: Percent | None = Field(default=None, description="the availability target")
    rto: Duration | None = Field(default=None, description="the recovery time objective")
    rpo: Duration | None = Field(default=None, description="the recovery point objective")
    node_types: tuple[Annotated[str, Field(pattern=INSTANCE, max_length=64)], ...] | None = Field(
        default=None,
        max_length=100,
        description="instance types or families allowed for node pools ([]: every one)",
    )
    services: dict[EnvName, dict[str, Any]] = Field(
        default_factory=dict,
        max_length=MAX_SERVICES,
        description="per service, keys of the service to change (validated once applied)",
    )


# An image reference (registry/path:tag or @digest) in which {design} and {service} stand for
# the design's and each service's names.
IMAGE = r"^[A-Za-z0-9{][A-Za-z0-9._/:@{}-]*$"
IMAGE_FIELDS = frozenset({"design", "service"})


def _image_template(value: str) -> str:
    try:
        fields = [
            (f, spec, conv) for _, f, spec, conv in string.Formatter().parse(value) if f is not None
        ]
    except ValueError as exc:
        raise ValueError(
            f"unbalanced braces ({exc}): only {{design}} and {{service}} can stand in an image"
        ) from None
    for field, spec, conversion in fields:
        if field not in IMAGE_FIELDS or spec or conversion:
            raise ValueError(f"{{{field}}}: only {{design}} and {{service}} can stand in an image")
    return value


class Kubernetes(Model):
    """What the exported manifests need that the plan cannot know."""

    image: Annotated[str, AfterValidator(_image_template)] | None = Field(
        default=None,
        pattern=IMAGE,
        max_length=255,
        description="container image; {design} and {service} stand for the names "
        "(default: registry.example.com/{design}/{service}:CHANGE-ME, a placeholder)",
    )
    namespace: str | None = Field(
        default=None,
        pattern=SLUG,
        max_length=63,
        description="namespace (default: the design name)",
    )


class Design(Model):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True, max_length=2048)
    name: str = Field(pattern=SLUG, max_length=63)
    description: Text = ""
    cloud: Cloud = Cloud.aws
    regions: tuple[Annotated[str, Field(max_length=64)], ...] = Field(min_length=1, max_length=4)
    dr_region: str | None = Field(default=None, max_length=64)
    zones: int = Field(default=3, ge=1, le=6)
    targets: Targets = Targets()
    budget: Budget | None = None
    defaults: Defaults = Defaults()
    dr: DR = DR()
    network: Network = Network()
    security: Security = Security()
    observability: Observability = Observability()
    node_pools: dict[Annotated[str, Field(pattern=SLUG, max_length=63)], NodePoolSettings] = Field(
        default_factory=dict, max_length=MAX_SERVICES
    )
    kubernetes: Kubernetes = Kubernetes()
    services: tuple[Service, ...] = Field(min_length=1, max_length=MAX_SERVICES)
    environments: dict[EnvName, Environment] = Field(
        default_factory=dict, max_length=16, description="dev, staging, prod...: overlays"
    )

    def service(self, name: str) -> Service:
        for svc in self.services:
            if svc.name == name:
                return svc
        raise KeyError(name)

    @property
    def entrypoints(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.entrypoint)
