"""The security plan: a least-privilege rule matrix from `depends_on` (one rule per edge that
exists, on the destination's port, plus the internet to the load balancer and the load
balancer to each entrypoint), how each data store is protected (its key, TLS, the secret its
callers read), the web application firewall on each entrypoint, flow and audit logs. The one
source for the NetworkPolicies, the security-group rules and the Security baseline ADR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..design import Design, Kind, Platform
from ..plan import DataProtectionOut, RuleOut, SecurityOut
from .services import ServicePlan

LOAD_BALANCER = "load-balancer"
INTERNET = "internet"
DATA_KINDS = (Kind.database, Kind.cache, Kind.queue, Kind.object_storage)
CREDENTIAL_KINDS = (Kind.database, Kind.cache)  # reached with a password; the rest with IAM


def port(s: ServicePlan, ports: Mapping[str, int]) -> int:
    """The port a service listens on: its engine's for databases and caches, HTTPS for
    managed APIs, the container port for stateless services."""
    if s.kind in CREDENTIAL_KINDS and s.engine:
        return ports.get(s.engine, ports.get(s.kind.value, 443))
    return ports[s.kind.value]


def rule_matrix(services: Sequence[ServicePlan], ports: Mapping[str, int]) -> tuple[RuleOut, ...]:
    """Every allowed flow, in plan order: the internet to the load balancer and the load
    balancer to each entrypoint, then each service to each of its dependencies."""
    by_name = {s.name: s for s in services}
    out: list[RuleOut] = []
    entrypoints = [s for s in services if s.entrypoint and s.kind == Kind.stateless]
    if entrypoints:
        out.append(RuleOut(source=INTERNET, destination=LOAD_BALANCER, port=ports["listener"],
                           protocol="TCP", reason="HTTPS from users to the load balancer"))  # fmt: skip
    for s in entrypoints:
        out.append(RuleOut(source=LOAD_BALANCER, destination=s.name, port=port(s, ports),
                           protocol="TCP", reason="entrypoint ingress from the load balancer"))  # fmt: skip
    for s in services:
        for dep in s.depends_on:
            d = by_name[dep]
            out.append(RuleOut(source=s.name, destination=dep, port=port(d, ports),
                               protocol="TCP", reason=f"{s.name} depends_on {dep} ({d.kind.value})"))  # fmt: skip
    return tuple(out)


def callers(services: Sequence[ServicePlan], name: str) -> tuple[str, ...]:
    return tuple(s.name for s in services if name in s.depends_on)


def secret_name(design: str, caller: str, store: str) -> str:
    """One credential per caller and store (each caller its own database user)."""
    return f"{design}/{store}/{caller}"


def data_protection(
    design: Design, services: Sequence[ServicePlan]
) -> tuple[DataProtectionOut, ...]:
    """Each data store's key, TLS and secrets (one per caller), as the baseline plans them."""
    sec = design.security
    out = []
    for s in services:
        if s.kind not in DATA_KINDS:
            continue
        readers = callers(services, s.name)
        secret = None
        if s.kind in CREDENTIAL_KINDS and sec.secrets and readers:
            secret = ", ".join(secret_name(design.name, c, s.name) for c in readers)
        out.append(DataProtectionOut(
            service=s.name,
            kind=s.kind.value,
            at_rest=f"customer managed key {design.name}/{s.name}" if sec.encryption_at_rest
            else "the provider's own key (encryption_at_rest: false)",
            in_transit="TLS required" if sec.encryption_in_transit
            else "not enforced (encryption_in_transit: false)",
            secret=secret,
            readers=readers,
        ))  # fmt: skip
    return tuple(out)


def credentials(services: Sequence[ServicePlan]) -> list[tuple[str, str]]:
    """(caller, store) for every dependency on a database or cache: one secret each."""
    kinds = {s.name: s.kind for s in services}
    return [(s.name, d) for s in services for d in s.depends_on if kinds.get(d) in CREDENTIAL_KINDS]


def security_plan(
    design: Design, services: Sequence[ServicePlan], ports: Mapping[str, int]
) -> SecurityOut:
    sec = design.security
    waf = tuple(
        f"{LOAD_BALANCER}/{s.name}: a web ACL with {sec.waf_managed_rule_groups} managed rule "
        f"group(s) and {sec.waf_rules} rule(s)"
        for s in services
        if sec.waf and s.entrypoint and s.kind == Kind.stateless
    )
    return SecurityOut(
        rules=rule_matrix(services, ports),
        data=data_protection(design, services),
        waf=waf,
        flow_logs=f"every VPC/VNet, kept {sec.flow_log_retention_days} days"
        if sec.flow_logs
        else "off (security.flow_logs: false)",
        audit=f"control-plane audit trail kept {sec.audit_log_retention_days} days",
    )


def in_cluster(s: ServicePlan) -> bool:
    """A service whose pods a NetworkPolicy selects."""
    return s.kind == Kind.stateless and s.platform == Platform.kubernetes
