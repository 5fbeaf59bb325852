"""Kubernetes NetworkPolicies from the plan's rule matrix (Plan.security.rules), the one source
of what may talk to what: a default deny of all ingress in the namespace, then one policy per
in-cluster destination letting in exactly its callers on its port. The load balancer's traffic
comes from the public subnets' blocks (or the provider's published proxy ranges)."""

from __future__ import annotations

from typing import Any

from ..plan import Plan, RuleOut

__all__ = ["allowed_edges", "lb_blocks", "network_policies"]

APP_LABEL = "app.kubernetes.io/name"
# Google's front ends and health checkers send a global load balancer's traffic from these
# ranges (Cloud Load Balancing docs, "Firewall rules"); they are not in any subnet.
GOOGLE_FRONT_ENDS = ("35.191.0.0/16", "130.211.0.0/22")


def _in_cluster(plan: Plan) -> set[str]:
    return {s.name for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"}


def lb_blocks(plan: Plan) -> list[str]:
    """Where the load balancer's traffic comes from."""
    if plan.cloud == "gcp":
        return list(GOOGLE_FRONT_ENDS)
    primary = next(v for v in plan.network.vpcs if v.region == plan.topology.primary_region)
    public = [s.cidr for s in primary.subnets if s.tier == "public" and s.cidr]
    return public or [primary.cidr]


def _peers(plan: Plan, rule: RuleOut) -> list[dict[str, Any]]:
    if rule.source == "load-balancer":
        return [{"ipBlock": {"cidr": c}} for c in lb_blocks(plan)]
    return [{"podSelector": {"matchLabels": {APP_LABEL: rule.source}}}]


def network_policies(plan: Plan, namespace: str) -> list[dict[str, Any]]:
    """Default deny, then one policy per in-cluster destination with a rule in the matrix."""
    inside = _in_cluster(plan)
    out: list[dict[str, Any]] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny-ingress", "namespace": namespace},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
        }
    ]
    for dest in [s.name for s in plan.services if s.name in inside]:
        rules = [r for r in plan.security.rules if r.destination == dest]
        if not rules:
            continue
        ingress = [
            {"from": _peers(plan, r), "ports": [{"protocol": r.protocol, "port": r.port}]}
            for r in rules
        ]
        out.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": f"allow-to-{dest}", "namespace": namespace},
                "spec": {
                    "podSelector": {"matchLabels": {APP_LABEL: dest}},
                    "policyTypes": ["Ingress"],
                    "ingress": ingress,
                },
            }
        )
    return out


def allowed_edges(policies: list[dict[str, Any]], lb_blocks: set[str]) -> set[tuple[str, str, int]]:
    """(source, destination, port) that rendered policies let in: a pod selector's app label,
    or 'load-balancer' for an ipBlock in `lb_blocks`. For tests and reviews of edited files."""
    edges = set()
    for p in policies:
        dest = p["spec"]["podSelector"].get("matchLabels", {}).get(APP_LABEL)
        for rule in p["spec"].get("ingress", []):
            for peer in rule["from"]:
                if "podSelector" in peer:
                    source = peer["podSelector"]["matchLabels"][APP_LABEL]
                elif peer["ipBlock"]["cidr"] in lb_blocks:
                    source = "load-balancer"
                else:
                    continue
                for port in rule["ports"]:
                    edges.add((source, dest, int(port["port"])))
    return edges
