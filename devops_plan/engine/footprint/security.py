"""Security declarers: customer managed keys and their requests, a secret per dependency
credential and its reads, a web application firewall on each entrypoint, flow logs and the audit
trail with their retention, and the connection between regions that talk (AWS Transit Gateway,
Azure global VNet peering; peering on AWS and GCP's global VPC have no charge of their own).
What a cloud has no meter for (a per-key fee on Azure Key Vault Standard) is not declared."""

from __future__ import annotations

from collections.abc import Sequence

from ...design import Kind
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..security import DATA_KINDS, credentials
from ..services import ServicePlan
from .base import DAYS, component, monthly_requests_million, remembered
from .network import capacity_units_per_hour
from .observability import running

GIB = 1024**3
KEY_REFRESHES_PER_DAY = 24  # a service caches a data key and asks KMS again about hourly
CLUSTER_KEYS = 1  # the cluster's own key (Kubernetes secrets, node volumes)


def security(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    fraction: float,
    share: float,
    category: str,
) -> list[CostComponent]:
    """Keys, secrets, flow logs and the audit trail of one region: declared with its compute
    (like observability), so a caller that declares the data stores on their own (the
    explorer's groups) does not count them twice."""
    if not pools and not any(s.kind == Kind.stateless for s in services):
        return []
    cat = category or "security"
    _, pods = running(services, pools, fraction)
    reads = secret_reads_million(ctx, services, pods)
    out = keys(ctx, region, pools, reads, cat)
    out += secrets(ctx, region, reads, cat)
    # Flow logs and the audit trail read the design and its traffic alone.
    if ctx.design.security.flow_logs and share > 0:
        out += remembered(
            ctx, "flow logs", (region, share, cat), (), lambda: flow_logs(ctx, region, share, cat)
        )
    return out + remembered(ctx, "audit", (region, cat), (), lambda: audit(ctx, region, cat))


def store_count(ctx: Context) -> int:
    """The design's data stores (from the design, whatever subset of services a caller
    declares for: the explorer declares parts of a region separately)."""
    return ctx.remembered(
        "store count", (), (), lambda: sum(1 for s in ctx.design.services if s.kind in DATA_KINDS)
    )


def design_credentials(ctx: Context) -> tuple[tuple[str, str], ...]:
    """`credentials` of the context's design, remembered by the context (every region's keys
    and secrets read them; a variant sharing its declarations keeps each dependency)."""
    return ctx.remembered("credentials", (), (), lambda: tuple(credentials(ctx.design)))


def secret_reads_million(ctx: Context, services: Sequence[ServicePlan], pods: float) -> float:
    """Secret reads a month (millions): each caller's pods read each of their credentials
    `secret_reads_per_pod_per_day` times, in proportion to the caller's share of the pods."""
    creds = design_credentials(ctx)
    if not creds or pods <= 0:
        return 0.0
    replicas = {s.name: s.replicas for s in services if s.kind == Kind.stateless}
    total = sum(replicas.values()) or 1
    per_day = ctx.design.security.secret_reads_per_pod_per_day
    reads = sum(pods * replicas.get(caller, 0) / total for caller, _ in creds) * per_day * DAYS
    return reads / 1e6


def keys(
    ctx: Context,
    region: str,
    pools: Sequence[NodePoolPlan],
    reads_million: float,
    cat: str,
) -> list[CostComponent]:
    """A customer managed key per data store and one for the cluster, and their requests:
    every secret read decrypts once (`reads_million`: secret_reads_million), and each store
    refreshes its data key about hourly."""
    if not ctx.design.security.encryption_at_rest:
        return []
    data = store_count(ctx)
    count = data + (CLUSTER_KEYS if pools else 0)
    if not count:
        return []
    out = []
    if ctx.facts.security.kms_key_month:
        out.append(component("platform", "kms", f"{count} customer managed keys",
                             ctx.catalog.role("kms_key"), region, "on_demand", count, "month",
                             category=cat))  # fmt: skip
    refresh = data * KEY_REFRESHES_PER_DAY * DAYS / 1e6
    requests = refresh + reads_million
    out.append(component("platform", "kms", "key requests", ctx.catalog.role("kms_requests"),
                         region, "on_demand", requests, "month", category=cat))  # fmt: skip
    return out


def secrets(ctx: Context, region: str, reads_million: float, cat: str) -> list[CostComponent]:
    """A secret per dependency credential (caller x database or cache), and its reads
    (`reads_million`: secret_reads_million)."""
    creds = design_credentials(ctx)
    if not ctx.design.security.secrets or not creds:
        return []
    out = []
    if ctx.facts.security.secret_month:
        out.append(component("platform", "secrets", f"{len(creds)} secrets (one per credential)",
                             ctx.catalog.role("secret_month"), region, "on_demand", len(creds),
                             "month", category=cat))  # fmt: skip
    out.append(component("platform", "secrets", "secret reads", ctx.catalog.role("secret_requests"),
                         region, "on_demand", reads_million, "month",
                         category=cat))  # fmt: skip
    return out


def flow_log_gib(ctx: Context, share: float) -> float:
    """Flow log GiB a month: a record at each end of every connection (requests reaching the
    entrypoints and calls between services, `requests_per_connection` to a connection)."""
    flows = ctx.flows
    entry = sum(
        flows.loads[s.name].monthly_requests
        for s in ctx.design.services
        if s.entrypoint and s.name in flows.loads
    )
    calls = sum(c.monthly_calls for c in flows.calls)
    connections = (entry + calls) * share / ctx.traffic.requests_per_connection
    return connections * 2 * ctx.facts.security.flow_log_record_bytes / GIB


def flow_logs(ctx: Context, region: str, share: float, cat: str) -> list[CostComponent]:
    """Flow logs delivered, then kept for `flow_log_retention_days` where the destination
    charges for keeping them (beyond what the cloud keeps at no charge)."""
    gib = flow_log_gib(ctx, share)
    days = ctx.design.security.flow_log_retention_days
    out = [component("platform", "flow-logs", "flow logs delivered", ctx.catalog.role("flow_logs"),
                     region, "on_demand", gib, "month", category=cat)]  # fmt: skip
    if ctx.facts.security.flow_log_store == "object_storage":
        kept, role = days, "object_storage.standard"  # a storage account, from the first day
    else:
        kept, role = days - ctx.facts.log_free_retention_days, "logs_storage"
    if kept > 0:
        out.append(component("platform", "flow-log-storage", f"flow logs kept ({days} days)",
                             ctx.catalog.role(role), region, "on_demand", gib / DAYS * kept,
                             "month", category=stored(cat)))  # fmt: skip
    return out


def stored(cat: str) -> str:
    """Logs kept are the storage product's own category (logs, object storage), as a bill
    shows them; a DR region's stay DR."""
    return "" if cat == "security" else cat


def audit(ctx: Context, region: str, cat: str) -> list[CostComponent]:
    """The audit trail kept beyond what the cloud keeps at no charge."""
    sec, facts = ctx.design.security, ctx.facts.security
    kept = sec.audit_log_retention_days - facts.audit_free_days
    gib_per_day = sec.audit_events_per_day * facts.audit_event_kib / 1024**2
    if kept <= 0 or gib_per_day <= 0:
        return []
    role = "object_storage.standard" if facts.audit_store == "object_storage" else "logs_storage"
    return [component("platform", "audit-trail", f"audit trail kept ({sec.audit_log_retention_days} days)",
                      ctx.catalog.role(role), region, "on_demand", gib_per_day * kept, "month",
                      category=stored(cat))]  # fmt: skip


def waf(
    ctx: Context, s: ServicePlan, region: str, share: float, category: str, *, prefix: str = "waf"
) -> list[CostComponent]:
    """A web application firewall on an entrypoint's load balancer: a web ACL with its rules
    and the requests it inspects, or (Azure) the WAF tier of the gateway over its standard tier."""
    sec = ctx.design.security
    if not (sec.waf and s.entrypoint and s.kind == Kind.stateless):
        return []
    resource, cat = f"{prefix}/{s.name}", category or "security"
    if ctx.facts.security.waf == "gateway_sku":
        out = [component(s.name, resource, "WAF tier hours", ctx.catalog.role("waf_gateway_hour"),
                         region, "on_demand", 1, "hour", category=cat)]  # fmt: skip
        load = ctx.flows.loads.get(s.name)
        if share > 0 and load is not None:
            out.append(component(s.name, resource, "WAF tier capacity units",
                                 ctx.catalog.role("waf_gateway_cu"), region, "on_demand",
                                 capacity_units_per_hour(ctx, load, share), "hour", category=cat))  # fmt: skip
        return out
    rules = sec.waf_managed_rule_groups + sec.waf_rules
    out = [component(s.name, resource, "web ACL", ctx.catalog.role("waf_acl"), region,
                     "on_demand", 1, "month", category=cat)]  # fmt: skip
    if rules:
        out.append(component(s.name, resource, f"{rules} rules ({sec.waf_managed_rule_groups} managed groups)",
                             ctx.catalog.role("waf_rule"), region, "on_demand", rules, "month",
                             category=cat))  # fmt: skip
    if share > 0:
        out.append(component(s.name, resource, "requests inspected", ctx.catalog.role("waf_requests"),
                             region, "on_demand", monthly_requests_million(ctx, s.name, share),
                             "month", category=cat))  # fmt: skip
    return out


def connectivity(ctx: Context, kind: str, gib: float) -> list[CostComponent]:
    """The connection between two regions that talk, with the GiB the plan sends between
    them (an upper bound: managed replication may take the provider's own path)."""
    regions = (ctx.primary, ctx.dr_region)
    out: list[CostComponent] = []
    if kind == "transit_gateway":
        for region in regions:  # a VPC attachment and a peering attachment on each side
            out.append(component("platform", "transit-gateway", "2 attachments (VPC, peering)",
                                 ctx.catalog.role("tgw_attachment"), region, "on_demand", 2,
                                 "hour", category="network"))  # fmt: skip
        out.append(component("platform", "transit-gateway", "data processed",
                             ctx.catalog.role("tgw_gb"), ctx.primary, "on_demand", gib, "month",
                             category="network"))  # fmt: skip
    elif kind == "global_peering":
        out.append(component("platform", "vnet-peering", "data out", ctx.catalog.role("peering_out"),
                             ctx.primary, "on_demand", gib, "month", category="network"))  # fmt: skip
        out.append(component("platform", "vnet-peering", "data in", ctx.catalog.role("peering_in"),
                             ctx.dr_region, "on_demand", gib, "month", category="network"))  # fmt: skip
    return out
