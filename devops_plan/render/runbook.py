"""Runbook drafts from the plan: one per service and one for regional failover, in Markdown.

Each names what the plan knows: the alerts that fire (the SLO rules of `render/slo.py`), the
impact (the user path, the downtime budget), diagnosis and resolution steps for the service's
kind and the chosen DR strategy (pilot light: promote the replica, scale the dormant compute,
switch DNS), with escalation and post-incident sections left for people to fill in.
Templates are Jinja files in `devops_plan/templates/runbook/`. Pure and deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..config.models import ExportSettings
from ..design import Design
from ..paths import package_path
from ..plan import NodePoolOut, Plan, ServiceOut
from ..units import format_duration
from . import slo
from .templating import markdown_environment, render_markdown

__all__ = [
    "FAILOVER",
    "Escalation",
    "Settings",
    "TimelineStep",
    "artefacts",
    "escalation",
    "failover_steps",
    "settings_from",
    "template_dir",
    "timeline",
]

FAILOVER = "regional-failover.md"
_STRATEGY_TITLES = {
    "backup_restore": "backup and restore",
    "pilot_light": "pilot light",
    "warm_standby": "warm standby",
    "active_active": "active-active",
}
# Example commands per cloud; <angle brackets> are for the reader to fill in.
_COMMANDS: dict[str, dict[str, str]] = {
    "aws": {
        "promote": "aws rds promote-read-replica --db-instance-identifier <{name}-replica> --region {region}",
        "db_failover": "aws rds reboot-db-instance --db-instance-identifier <{name}> --force-failover",
        "restore": (
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <{name}> "
            "--db-snapshot-identifier <latest copied snapshot> --db-instance-class {cls} --region {region}"
        ),
        "scale_pool": (
            "aws eks update-nodegroup-config --cluster-name <cluster> --nodegroup-name {pool} "
            "--scaling-config minSize={nodes},maxSize={nodes},desiredSize={nodes} --region {region}"
        ),
        "dns": "Route 53: make the {region} failover record primary (or set its weight to 100)",
        "db_status": "aws rds describe-db-instances --db-instance-identifier <{name}>; aws rds describe-events --source-type db-instance --duration 120",
        "cache_status": "aws elasticache describe-replication-groups --replication-group-id <{name}>; aws elasticache describe-events --duration 120",
    },
    "gcp": {
        "promote": "gcloud sql instances promote-replica <{name}-replica>",
        "db_failover": "gcloud sql instances failover <{name}>",
        "restore": "gcloud sql backups restore <latest backup id> --restore-instance=<{name}> --backup-instance=<{name}-source>",
        "scale_pool": (
            "gcloud container clusters resize <cluster> --node-pool {pool} "
            "--num-nodes {nodes_per_zone} --region {region}   # per zone: {nodes} in all"
        ),
        "dns": "Cloud DNS / the global load balancer: point the service at the {region} backends",
        "db_status": "gcloud sql instances describe <{name}>; gcloud sql operations list --instance <{name}>",
        "cache_status": "gcloud redis instances describe <{name}> --region <region>",
    },
    "azure": {
        "promote": "az {engine} flexible-server replica promote --resource-group <rg> --name <{name}-replica>",
        "db_failover": "az {engine} flexible-server restart --resource-group <rg> --name <{name}> --failover Forced",
        "restore": "az {engine} flexible-server geo-restore --resource-group <rg> --name <{name}> --source-server <{name}-source> --location {region}",
        "scale_pool": (
            "az aks nodepool scale --resource-group <rg> --cluster-name <cluster> --name {pool} "
            "--node-count {nodes}"
        ),
        "dns": "Traffic Manager / Front Door: send all traffic to the {region} endpoint",
        "db_status": "az {engine} flexible-server show --resource-group <rg> --name <{name}>",
        "cache_status": "az redis show --resource-group <rg> --name <{name}>",
    },
}


@dataclass(frozen=True)
class Settings:
    """Where the runbooks go, the Kubernetes namespace, and an optional template folder."""

    folder: str = "runbooks"
    namespace: str | None = None
    templates: Path | None = None
    slo: slo.Settings | None = None  # the SLO rules' settings (default: slo.Settings())


def settings_from(export: ExportSettings) -> Settings:
    """The runbooks name the manifests' namespace and the SLO rules' alerts."""
    return Settings(namespace=export.kubernetes.namespace, slo=export.slo)


def template_dir() -> Path:
    """The shipped templates: service.md.j2, regional-failover.md.j2, index.md.j2."""
    return package_path("templates", "runbook")


def _environment(templates: Path | None) -> jinja2.Environment:
    env = markdown_environment(template_dir(), templates, "runbook template folder not found")
    env.filters["g"] = lambda value: format(value, "g")  # 500.0 -> 500
    return env


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    return render_markdown(env, name, context, lambda n, exc: f"runbook template {n}: {exc}")


def _command(plan: Plan, key: str, **values: Any) -> str:
    table = _COMMANDS.get(plan.cloud, _COMMANDS["aws"])
    return table[key].format(**values)


# --- what the plan says about each service --------------------------------------------------


@dataclass(frozen=True)
class _Alert:
    name: str
    severity: str
    windows: str
    threshold: str
    slo: str
    entrypoint: str


def _alerts(plan: Plan, design: Design, settings: Settings) -> list[_Alert]:
    out = []
    for group in slo.rule_groups(plan, design, settings.slo or slo.Settings()):
        for rule in group["rules"]:
            if "alert" not in rule:
                continue
            labels = rule["labels"]
            out.append(
                _Alert(
                    name=rule["alert"],
                    severity=labels["severity"],
                    windows=f"{labels['long_window']} and {labels['short_window']}",
                    threshold=rule["expr"].rsplit("> ", 1)[-1],
                    slo=labels["slo"],
                    entrypoint=labels["service"],
                )
            )
    return out


def _routes(plan: Plan) -> dict[str, dict[str, str | None]]:
    """For each entrypoint, the breadth-first tree of depends_on from it: every service it
    reaches, with the one before it on the shortest chain (the first found, in depends_on
    order). Built once per export: searching again for each service was quadratic in the
    services (a chain of 500 services)."""
    deps = {s.name: s.depends_on for s in plan.services}
    routes: dict[str, dict[str, str | None]] = {}
    for entry in (s.name for s in plan.services if s.entrypoint):
        before: dict[str, str | None] = {entry: None}
        queue = deque([entry])
        while queue:
            name = queue.popleft()
            for nxt in deps.get(name, ()):
                if nxt not in before:
                    before[nxt] = name
                    queue.append(nxt)
        routes[entry] = before
    return routes


def _chain(before: dict[str, str | None], target: str) -> str:
    """The shortest chain of depends_on from the tree's entrypoint to `target`."""
    chain = [target]
    while (up := before[chain[-1]]) is not None:
        chain.append(up)
    return " -> ".join(reversed(chain))


def _pool(plan: Plan, s: ServiceOut) -> NodePoolOut | None:
    return next((p for p in plan.node_pools if s.name in p.services), None)


def failover_steps(plan: Plan) -> list[str]:
    """The chosen DR strategy's recovery steps, in order, with the plan's numbers."""
    steps = _FAILOVER.get(plan.dr.strategy, _active_active_steps)
    return steps(plan)


def _backup_restore_steps(plan: Plan) -> list[str]:
    dr = plan.dr.dr_region
    return [
        f"Provision the infrastructure in {dr} from your Terraform with "
        f"terraform/{plan.design}/terraform.tfvars.json (region set to {dr}).",
        *_restore(plan),
        *_scale(plan, "Create", "with"),
        *_caches_warm(plan),
        _dns(plan),
        _verify(plan),
    ]


def _replica_steps(plan: Plan, scale: str, *, warm_caches: bool) -> list[str]:
    """Pilot light and warm standby: promote the replicas, scale the compute up (and warm the
    caches, which pilot light does not run), switch DNS."""
    caches = _caches_warm(plan) if warm_caches else []
    return [*_promote(plan), *_scale(plan, scale), *caches, _dns(plan), _verify(plan)]


def _active_active_steps(plan: Plan) -> list[str]:
    dr = plan.dr.dr_region
    return [
        f"Confirm that {dr} is serving: its load balancer health checks pass and its error ratio "
        "is within budget; the global DNS or load balancer should already have drained the "
        "failed region (remove it by hand if not).",
        *[
            f"Make sure the writable primary of {s.name} is in {dr}; promote it if the "
            f"primary was in the failed region: `{_command(plan, 'promote', name=s.name, region=dr, engine=s.engine or '')}`."
            for s in _of_kind(plan, "database")
        ],
        *_scale(plan, "Scale the surviving region to carry all traffic: scale"),
        _verify(plan),
    ]


_FAILOVER: dict[str, Callable[[Plan], list[str]]] = {
    "backup_restore": _backup_restore_steps,
    "pilot_light": lambda plan: _replica_steps(
        plan, "Scale the dormant compute: scale", warm_caches=True
    ),
    "warm_standby": lambda plan: _replica_steps(
        plan, "Scale the warm standby up to full size: scale", warm_caches=False
    ),
}


def _of_kind(plan: Plan, kind: str) -> list[ServiceOut]:
    return [s for s in plan.services if s.kind == kind]


def _promote(plan: Plan) -> list[str]:
    """Each database's cross-region replica promoted, losing at most the RPO."""
    dr, rpo = plan.dr.dr_region, format_duration(plan.dr.rpo)
    steps = []
    for s in _of_kind(plan, "database"):
        command = _command(plan, "promote", name=s.name, region=dr, engine=s.engine or "")
        steps.append(
            f"Promote the {dr} replica of {s.name} ({s.engine}, {s.instance_class}) to a standalone "
            f"primary: `{command}`. Writes made in the last {rpo} (RPO) may be lost."
        )
    return steps


def _restore(plan: Plan) -> list[str]:
    """Each database restored in the DR region from its latest copied snapshot."""
    dr = plan.dr.dr_region
    return [
        f"Restore {s.name} in {dr} from the latest cross-region snapshot copy as "
        f"{s.instance_class}{' Multi-AZ' if s.multi_az else ''} with {s.storage_gib:g} GiB: "
        f"`{_command(plan, 'restore', name=s.name, region=dr, cls=s.instance_class, engine=s.engine or '')}`"
        for s in _of_kind(plan, "database")
    ]


def _scale(plan: Plan, what: str, to: str = "to") -> list[str]:
    dr = plan.dr.dr_region
    steps = [
        f"{what} node pool {p.name} in {dr} {to} {p.nodes} x {p.instance_type} "
        f"({p.zones} zone{'s' if p.zones != 1 else ''}): "
        f"`{_command(plan, 'scale_pool', pool=p.name, nodes=p.nodes, nodes_per_zone=p.nodes // max(1, p.zones), region=dr)}`"
        for p in plan.node_pools
    ]
    replicas = ", ".join(f"{s.name} {s.replicas}" for s in _of_kind(plan, "stateless"))
    if replicas:
        steps.append(
            f"Apply the manifests (kubernetes/{plan.design}/) in {dr} and scale the deployments "
            f"to the planned replicas: {replicas}; wait until every pod is ready."
        )
    return steps


def _caches_warm(plan: Plan) -> list[str]:
    return [
        f"Create or scale cache {s.name} ({s.instance_class} x {s.cache_nodes}) in {plan.dr.dr_region}; it "
        "starts cold, so expect higher latency and database load until it warms up."
        for s in _of_kind(plan, "cache")
    ]


def _dns(plan: Plan) -> str:
    return (
        f"Switch DNS: {_command(plan, 'dns', region=plan.dr.dr_region)}; "
        "keep the TTL short (60 s) so clients follow."
    )


def _drain(plan: Plan) -> str:
    return (
        f"Check that the global routing has taken {plan.topology.primary_region} out of "
        "rotation (its health checks fail there); remove it by hand if not."
    )


def _verify(plan: Plan) -> str:
    return (
        f"Verify: the SLO alerts clear and the error ratio over 5m is back under the budget; "
        f"record the time: the recovery must finish within RTO {format_duration(plan.dr.rto_target)}."
    )


# --- the failover's clock, from the plan's RTO ------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One step of the failover as the plan's RTO counts it: what, how long, when it is done
    (from the outage), and what to do in it."""

    kind: str  # detect | decide | work | traffic
    step: str
    seconds: int
    done_at: int
    actions: tuple[str, ...]


def _kind(index: int, count: int, step: str) -> str:
    if index == 0:
        return "detect"
    if index == count - 1:
        return "traffic"
    return "decide" if step.startswith("decide") else "work"


def timeline(plan: Plan) -> list[TimelineStep]:
    """The chosen strategy's RTO steps with their times, which add up to the RTO, and the
    plan's actions under the step they belong to (the work runs in parallel; the slowest
    part is the one the RTO counts)."""
    actions = failover_steps(plan)
    dns, verify = _dns(plan), _verify(plan)
    work = tuple(a for a in actions if a not in (dns, verify))
    # Active-active has no DNS switch to make: the global routing's health checks drain the
    # failed region within the TTL the plan counts.
    traffic = (dns,) if dns in actions else (_drain(plan),)
    out, elapsed = [], 0
    steps = plan.dr.rto_steps
    for i, st in enumerate(steps):
        kind = _kind(i, len(steps), st.step)
        elapsed += st.seconds
        todo = {"work": work, "traffic": traffic}.get(kind, ())
        out.append(TimelineStep(kind, st.step, st.seconds, elapsed, todo))
    return out


@dataclass(frozen=True)
class Escalation:
    """When to escalate (seconds after the first page), to whom, and why."""

    after: int
    who: str
    why: str


def escalation(plan: Plan) -> list[Escalation]:
    """Escalation times from the RTO's own components: detection, the decision it allows,
    the whole RTO, and the RTO target."""
    by_kind = {t.kind: t for t in timeline(plan)}
    detect = by_kind["detect"].seconds if "detect" in by_kind else 0
    rows = [
        Escalation(
            detect,
            "secondary on call",
            "the page is not acknowledged within the "
            f"{format_duration(detect)} the plan allows for detection",
        ),
    ]
    if "decide" in by_kind:
        at = by_kind["decide"].done_at
        rows.append(
            Escalation(
                at,
                "incident commander",
                f"no failover decision {format_duration(at)} "
                "after the outage: the plan's RTO counts on one by then",
            )
        )
    rows.append(
        Escalation(
            plan.dr.rto,
            "engineering lead and the provider's support",
            f"service not restored within the planned RTO of {format_duration(plan.dr.rto)}",
        )
    )
    if plan.dr.rto_target > plan.dr.rto:
        rows.append(
            Escalation(
                plan.dr.rto_target,
                "management (the recovery target is missed)",
                f"the RTO target of {format_duration(plan.dr.rto_target)} is reached",
            )
        )
    return rows


def _context(plan: Plan, design: Design, settings: Settings) -> dict[str, Any]:
    alerts = _alerts(plan, design, settings)
    return {
        "plan": plan,
        "design": design,
        "namespace": settings.namespace or design.kubernetes.namespace or plan.design,
        "strategy_title": _STRATEGY_TITLES.get(plan.dr.strategy, plan.dr.strategy),
        "fmt_duration": format_duration,
        "alerts": alerts,
        "steps": failover_steps(plan),
        "timeline": timeline(plan),
        "escalation": escalation(plan),
        "folder": settings.folder,
    }


def _service_context(
    plan: Plan, s: ServiceOut, base: dict[str, Any], routes: dict[str, dict[str, str | None]]
) -> dict[str, Any]:
    entries = [e for e, before in routes.items() if s.name in before]
    alerts: Sequence[_Alert] = [a for a in base["alerts"] if a.entrypoint in entries]
    path = next((p for p in plan.availability.path if p.component == s.name), None)
    db_command = ""
    if s.kind == "database":
        db_command = _command(plan, "db_status", name=s.name, engine=s.engine or "")
    elif s.kind == "cache":
        db_command = _command(plan, "cache_status", name=s.name, engine=s.engine or "")
    failover = ""
    if s.kind == "database" and s.multi_az:
        failover = _command(plan, "db_failover", name=s.name, engine=s.engine or "")
    return {
        **base,
        "s": s,
        "pool": _pool(plan, s),
        "entrypoints": entries,
        "chains": [_chain(routes[e], s.name) for e in entries],
        "service_alerts": alerts,
        "path_component": path,
        "status_command": db_command,
        "failover_command": failover,
    }


def artefacts(plan: Plan, design: Design, settings: Settings = Settings()) -> dict[str, str]:
    """{"runbooks/<design>/<service>.md", ".../regional-failover.md", ".../README.md": text}."""
    env = _environment(settings.templates)
    base = _context(plan, design, settings)
    folder = f"{settings.folder}/{plan.design}"
    routes = _routes(plan)
    out = {
        f"{folder}/{s.name}.md": _render(
            env, "service.md.j2", _service_context(plan, s, base, routes)
        )
        for s in plan.services
    }
    out[f"{folder}/{FAILOVER}"] = _render(env, "regional-failover.md.j2", base)
    out[f"{folder}/README.md"] = _render(env, "index.md.j2", base)
    return dict(sorted(out.items()))
