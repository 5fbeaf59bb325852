"""The Plan: the one frozen model every renderer reads, and its JSON (the contract, published
as docs/plan.schema.json). The engine builds it; this module only defines it.

Money is Decimal (serialised as a number), collections are tuples, and kinds, platforms,
purchase options and DR strategies are the design's enums (serialised as their values).
`deployments[region]` says what runs where, so renderers read facts instead of re-deriving
counts from cost line items.
"""

from __future__ import annotations

import json
from typing import Any

from .design import DRStrategy, Purchase
from .engine.availability import AvailabilityReport, PathComponent
from .engine.formulas import ReplicaSizing
from .engine.services import ServicePlan
from .frozen import Frozen, Money


class ServiceOut(ServicePlan):
    """A service as planned, with its monthly cost in every region it runs."""

    monthly_cost: Money


class PoolCandidateOut(Frozen):
    instance_type: str
    nodes: int
    monthly_cost: Money


class NodePoolOut(Frozen):
    name: str
    instance_type: str
    nodes: int
    zones: int
    max_pods: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int
    cpu_utilization: float
    memory_utilization: float
    purchase: Purchase
    services: tuple[str, ...]
    monthly_cost: Money
    candidates: tuple[PoolCandidateOut, ...]
    # The cluster autoscaler's bounds and the nodes in each hour of the load profile.
    min_nodes: int
    hourly_nodes: tuple[int, ...]
    root_volume_gib: int
    surge_nodes: int = 0  # extra nodes while a deploy runs (the largest of its services')


class SuggestionOut(Frozen):
    change: str
    description: str
    achieved: float
    meets_target: bool
    monthly_cost_delta: Money


class AvailabilityOut(AvailabilityReport):
    """The user path's availability, and the cheapest change that meets a missed target."""

    suggestion: SuggestionOut | None


class RecoveryStepOut(Frozen):
    """One step of a failover and the seconds it takes; a strategy's steps add up to its RTO."""

    step: str
    seconds: int


class DROptionOut(Frozen):
    strategy: DRStrategy
    rto: int
    rpo: int
    monthly_cost: Money
    meets_target: bool
    summary: str
    mechanism: str
    rto_steps: tuple[RecoveryStepOut, ...]
    rpo_basis: str


class DROut(Frozen):
    strategy: DRStrategy
    dr_region: str
    rto: int
    rpo: int
    rto_target: int
    rpo_target: int
    meets_target: bool
    forced: bool
    source: str
    mechanism: str
    rto_steps: tuple[RecoveryStepOut, ...]
    rpo_basis: str
    options: tuple[DROptionOut, ...]
    deployed: bool = True  # false: dr.enabled is off (an environment's `dr: none`)


class LineItemOut(Frozen):
    service: str
    resource: str
    component: str
    unit: str
    quantity: float
    unit_price: float
    monthly_cost: Money
    region: str
    purchase: Purchase
    category: str
    product: str
    source: str


class CostOut(Frozen):
    """`monthly_total` prices compute hour by hour as it autoscales over the load profile;
    `peak_provisioned` the same plan with every instance at its peak count all month."""

    currency: str
    monthly_total: Money
    peak_provisioned: Money
    budget: Money | None
    within_budget: bool | None
    by_service: dict[str, Money]
    by_category: dict[str, Money]
    by_purchase: dict[str, Money]
    line_items: tuple[LineItemOut, ...]


class CatalogOut(Frozen):
    """The price catalog the plan used: where it came from, the date of its oldest price the
    plan uses, and whether that is older than the freshness limit (then `warnings` says how
    to refresh it)."""

    source: str
    oldest_price: str
    stale: bool


class OptionOut(Frozen):
    name: str
    monthly_cost: Money
    availability: float | None = None
    rto: int | None = None
    rpo: int | None = None
    meets_target: bool
    chosen: bool
    pros: tuple[str, ...]
    cons: tuple[str, ...]


class DecisionOut(Frozen):
    id: str
    title: str
    context: str
    chosen: str
    drivers: tuple[str, ...]
    options: tuple[OptionOut, ...]


class TargetsOut(Frozen):
    availability: float
    rto: int
    rpo: int
    latency_p95_ms: float | None


class TopologyOut(Frozen):
    primary_region: str
    dr_region: str
    serving_regions: tuple[str, ...]
    zone_names: dict[str, tuple[str, ...]]


class DatabaseDeploymentOut(Frozen):
    """A database instance in one region: the primary (with its standby and read replicas)
    or a cross-region replica kept for DR."""

    instance_class: str
    multi_az: bool
    read_replicas: int
    cross_region_replica: bool


class CacheDeploymentOut(Frozen):
    node_type: str
    nodes: int


class DeploymentOut(Frozen):
    """What runs in one region, as the cost model priced it: nodes per pool and replicas per
    stateless service at the peak (and the fewest in any hour, as they autoscale), database
    and cache instances, and the load balancers."""

    region: str
    role: str  # primary | serving | dr
    zones: tuple[str, ...]
    node_pools: dict[str, int]
    min_node_pools: dict[str, int]
    replicas: dict[str, int]
    min_replicas: dict[str, int]
    databases: dict[str, DatabaseDeploymentOut]
    caches: dict[str, CacheDeploymentOut]
    load_balancers: tuple[str, ...]
    control_plane: bool


class LatencyHopOut(Frozen):
    service: str
    p95_ms: float
    budget_ms: float


class LatencyOut(Frozen):
    """The user path's p95 (the sum of its hops' p95, a bound) against the target."""

    target_ms: float
    achieved_ms: float
    meets_target: bool
    method: str
    path: tuple[LatencyHopOut, ...]


class DeploySurgeOut(Frozen):
    """What one service's deploys add to its node pool (engine/surge.py)."""

    service: str
    strategy: str
    pool: str
    instance_type: str
    surge_pods: int  # at the peak
    pods_per_node: int
    surge_nodes: int  # at the peak
    average_surge_nodes: float  # over the day's hours (deploys spread over the day)
    deploy_hours_month: float
    node_hours_month: float


class SubnetOut(Frozen):
    """One subnet (or secondary range) of a region's network: its tier, zone ("regional" where
    the cloud's subnets span the zones), block, usable addresses and what they are for."""

    tier: str  # public | private | isolated | pods | services
    zone: str
    cidr: str | None  # None when the region's block is too small to hold the plan
    prefix: int
    usable: int
    needed: int
    basis: str


class VpcOut(Frozen):
    """A region's VPC/VNet: its block, the smallest block that holds its subnets, and them."""

    region: str
    cidr: str
    source: str  # network.cidr | network.region_cidrs | default
    needed_prefix: int
    fits: bool
    subnets: tuple[SubnetOut, ...]


class NetworkOut(Frozen):
    """The network plan: how pods are addressed, the headroom subnets are sized with, how the
    regions are connected, and each region's VPC."""

    pods: str
    headroom: str
    cross_region: str
    vpcs: tuple[VpcOut, ...]


class RuleOut(Frozen):
    """One allowed flow: from a source to a destination on a port (least privilege: only the
    edges of depends_on, and the load balancer to each entrypoint)."""

    source: str
    destination: str
    port: int
    protocol: str
    reason: str


class DataProtectionOut(Frozen):
    """How one data store is protected: encryption at rest (its key) and in transit, and the
    secret its callers read its credentials from."""

    service: str
    kind: str
    at_rest: str
    in_transit: str
    secret: str | None
    readers: tuple[str, ...]


class SecretOut(Frozen):
    """One caller's credentials for one database or cache (each caller its own user): the
    secret in the cloud's secrets manager (None when security.secrets is off and the team
    provides them), and the Kubernetes Secret and key the caller's pods read (secretKeyRef)."""

    caller: str
    store: str
    name: str | None
    kubernetes: str
    key: str


class SecurityOut(Frozen):
    """The security baseline: the rule matrix, data protection, the secrets (one per caller
    credential), WAF, flow and audit logs."""

    rules: tuple[RuleOut, ...]
    data: tuple[DataProtectionOut, ...]
    secrets: tuple[SecretOut, ...]
    waf: tuple[str, ...]
    flow_logs: str
    audit: str


class Plan(Frozen):
    design: str
    description: str
    cloud: str
    regions: tuple[str, ...]
    dr_region: str
    zones: int
    purchase: Purchase
    currency: str
    catalog_as_of: str
    catalog: CatalogOut
    targets: TargetsOut
    services: tuple[ServiceOut, ...]
    node_pools: tuple[NodePoolOut, ...]
    availability: AvailabilityOut
    dr: DROut
    cost: CostOut
    decisions: tuple[DecisionOut, ...]
    topology: TopologyOut
    warnings: tuple[str, ...]
    deployments: dict[str, DeploymentOut]
    latency: LatencyOut | None
    deploy_surges: tuple[DeploySurgeOut, ...] = ()
    environment: str = ""  # the environment planned ("" for the base design)
    network: NetworkOut
    security: SecurityOut

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json")
        return data

    def to_json(self) -> str:
        """The plan as JSON: stable key order, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def service(self, name: str) -> ServiceOut:
        return next(s for s in self.services if s.name == name)


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a plan's JSON (docs/plan.schema.json), generated from the models."""
    schema = Plan.model_json_schema(mode="serialization")
    for model in schema["$defs"].values():
        if model.get("type") == "object" and "properties" in model:
            # A key the contract does not name is a change to review, not silently allowed.
            model["additionalProperties"] = False
    schema["additionalProperties"] = False
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "devops-plan plan"
    return schema


def zone_names(cloud: str, region: str, zones: int) -> tuple[str, ...]:
    """Conventional zone names: us-east-1a (AWS), us-central1-a (GCP), eastus-1 (Azure)."""
    letters = "abcdef"
    if cloud == "aws":
        return tuple(f"{region}{letters[i]}" for i in range(zones))
    if cloud == "gcp":
        return tuple(f"{region}-{letters[i]}" for i in range(zones))
    return tuple(f"{region}-{i + 1}" for i in range(zones))


__all__ = [
    "AvailabilityOut",
    "AvailabilityReport",
    "CacheDeploymentOut",
    "CatalogOut",
    "CostOut",
    "DROptionOut",
    "DROut",
    "DataProtectionOut",
    "DatabaseDeploymentOut",
    "DecisionOut",
    "DeploySurgeOut",
    "DeploymentOut",
    "LatencyHopOut",
    "LatencyOut",
    "LineItemOut",
    "Money",
    "NetworkOut",
    "NodePoolOut",
    "OptionOut",
    "PathComponent",
    "Plan",
    "PoolCandidateOut",
    "RecoveryStepOut",
    "ReplicaSizing",
    "RuleOut",
    "SecretOut",
    "SecurityOut",
    "ServiceOut",
    "ServicePlan",
    "SubnetOut",
    "SuggestionOut",
    "TargetsOut",
    "TopologyOut",
    "VpcOut",
    "plan_schema",
    "zone_names",
]
