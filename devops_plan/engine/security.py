"""The security plan: a least-privilege rule matrix from `depends_on` (one rule per edge that
exists, on the destination's port, plus the internet to the load balancer and the load
balancer to each entrypoint), how each data store is protected (its key, TLS, the secret its
callers read), the web application firewall on each entrypoint, flow and audit logs. The one
source for the NetworkPolicies, the security-group rules and the Security baseline ADR."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..design import Design, Kind, Platform, StatelessService
from ..plan import DataProtectionOut, RuleOut, SecretOut, SecurityOut
from .services import ServicePlan

LOAD_BALANCER = "load-balancer"
INTERNET = "internet"
DATA_KINDS = (Kind.database, Kind.cache, Kind.queue, Kind.object_storage)
CREDENTIAL_KINDS = (Kind.database, Kind.cache)  # reached with a password; the rest with IAM
SECRET_KEY = "url"  # the key of a credential's Secret: the connection URL with user and password


def port(s: ServicePlan, ports: Mapping[str, int]) -> int:
    """The port a service listens on: its engine's for databases and caches, HTTPS for
    managed APIs, the container port for stateless services (`ports` maps a stateless
    service's name to its design's health.port, which its container declares)."""
    if s.kind in CREDENTIAL_KINDS and s.engine:
        return ports.get(s.engine, ports.get(s.kind.value, 443))
    if s.kind == Kind.stateless and s.name in ports:
        return ports[s.name]
    return ports[s.kind.value]


def container_ports(design: Design, ports: Mapping[str, int]) -> dict[str, int]:
    """`ports` with each stateless service's container port (its health.port) by name."""
    own = {s.name: s.health.port for s in design.services if isinstance(s, StatelessService)}
    return {**ports, **own}


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
    """One credential per caller and store (each caller its own database user): the secret's
    name in the cloud's secrets manager."""
    return f"{design}/{store}/{caller}"


def kubernetes_secret(caller: str, store: str) -> str:
    """The Kubernetes Secret a caller's pods read the credential from (a DNS label: the
    design's slugs joined by hyphens)."""
    return f"{store}-{caller}-credentials"


def credentials(design: Design) -> list[tuple[str, str]]:
    """(caller, store) for every dependency on a database or cache, in design order: one
    secret each. The plan lists them, the cost prices them, the manifests read them."""
    kinds = {s.name: s.kind for s in design.services}
    return [
        (s.name, d)
        for s in design.services
        for d in s.depends_on
        if kinds.get(d) in CREDENTIAL_KINDS
    ]


def secrets(design: Design) -> tuple[SecretOut, ...]:
    """Each credential's secret: in the secrets manager (unless security.secrets is off), and
    the Kubernetes Secret its caller reads."""
    managed = design.security.secrets
    return tuple(
        SecretOut(
            caller=caller,
            store=store,
            name=secret_name(design.name, caller, store) if managed else None,
            kubernetes=kubernetes_secret(caller, store),
            key=SECRET_KEY,
        )
        for caller, store in credentials(design)
    )


def data_protection(
    design: Design, services: Sequence[ServicePlan]
) -> tuple[DataProtectionOut, ...]:
    """Each data store's key, TLS and secrets (one per caller), as the baseline plans them."""
    sec = design.security
    held = secrets(design)
    out = []
    for s in services:
        if s.kind not in DATA_KINDS:
            continue
        readers = callers(services, s.name)
        names = [x.name for x in held if x.store == s.name and x.name]
        secret = ", ".join(names) if names else None
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
        rules=rule_matrix(services, container_ports(design, ports)),
        data=data_protection(design, services),
        secrets=secrets(design),
        waf=waf,
        flow_logs=f"every VPC/VNet, kept {sec.flow_log_retention_days} days"
        if sec.flow_logs
        else "off (security.flow_logs: false)",
        audit=f"control-plane audit trail kept {sec.audit_log_retention_days} days",
    )


def in_cluster(s: ServicePlan) -> bool:
    """A service whose pods a NetworkPolicy selects."""
    return s.kind == Kind.stateless and s.platform == Platform.kubernetes
