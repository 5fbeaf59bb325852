"""Kubernetes NetworkPolicies from the plan's rule matrix (Plan.security.rules), the one source
of what may talk to what, both ways. Ingress: a default deny in the namespace, then one policy
per in-cluster destination letting in exactly its callers on its port; the load balancer's
traffic comes from the public subnets' blocks (or the provider's published proxy ranges).
Egress: a default deny, DNS to kube-dns for every pod, then one policy per in-cluster caller
letting out exactly its matrix edges: to the destination's pods, to the isolated subnets'
blocks for managed databases and caches, to the private subnets for VMs and priced private
endpoints, and to anywhere outside the VPCs for managed APIs reached through NAT or free
endpoints (a NetworkPolicy cannot name a host; docs/security.md). Where a block is unknown
(the VPC too small to carve it) the edge is allowed by port alone."""

from __future__ import annotations

from typing import Any

from ..plan import Plan, RuleOut

__all__ = [
    "ANYWHERE",
    "DNS_PEER",
    "IDENTITY",
    "allowed_edges",
    "allowed_egress",
    "egress_peers",
    "lb_blocks",
    "network_policies",
    "subnet_blocks",
]

APP_LABEL = "app.kubernetes.io/name"
# Google's front ends and health checkers send a global load balancer's traffic from these
# ranges (Cloud Load Balancing docs, "Firewall rules"); they are not in any subnet.
GOOGLE_FRONT_ENDS = ("35.191.0.0/16", "130.211.0.0/22")
ANYWHERE = "0.0.0.0/0"
# The cluster DNS: CoreDNS (EKS, AKS) and kube-dns (GKE) both carry k8s-app=kube-dns in
# kube-system; the namespace label is set by Kubernetes itself (1.22+).
DNS_PEER: dict[str, Any] = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
}
DNS_PORTS = ({"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53})
# Where a caller of a managed API (reached with the workload's identity, not a password) gets
# its credentials on the node: the EKS Pod Identity Agent (EKS user guide, "Set up the Amazon
# EKS Pod Identity Agent") and the GKE metadata server (GKE docs, Workload Identity with
# network policy). Azure's token comes from Microsoft Entra ID, a host outside the VNet.
IDENTITY = {"aws": ("169.254.170.23/32", 80), "gcp": ("169.254.169.254/32", 80)}
# Where a destination of each kind takes its addresses (the network plan's tiers).
_TIER = {"database": "isolated", "cache": "isolated"}
_MANAGED_APIS = ("queue", "object_storage")


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


def subnet_blocks(plan: Plan, tier: str) -> list[str] | None:
    """Every region's subnets of `tier` (the manifests run in each region's cluster), or
    None when one of them has no block (its VPC is too small to carve it)."""
    subnets = [s for v in plan.network.vpcs for s in v.subnets if s.tier == tier]
    if not subnets or any(s.cidr is None for s in subnets):
        return None
    return list(dict.fromkeys(s.cidr for s in subnets if s.cidr))  # plan order


def _outside(plan: Plan) -> list[dict[str, Any]]:
    """Anywhere but the plan's own VPCs: a managed API's public addresses."""
    return [{"ipBlock": {"cidr": ANYWHERE, "except": [v.cidr for v in plan.network.vpcs]}}]


def _blocks(blocks: list[str] | None) -> list[dict[str, Any]] | None:
    return None if blocks is None else [{"ipBlock": {"cidr": c}} for c in blocks]


def egress_peers(plan: Plan, destination: str) -> list[dict[str, Any]] | None:
    """Where a caller's pods may send to reach `destination` (None: anywhere, by port alone).
    Pods by label; managed databases and caches in the isolated subnets; VMs and a priced
    private endpoint (its interfaces) in the private subnets; other managed APIs outside."""
    d = plan.service(destination)
    if d.kind == "stateless" and d.platform == "kubernetes":
        return [{"podSelector": {"matchLabels": {APP_LABEL: destination}}}]
    if d.kind in _TIER:
        return _blocks(subnet_blocks(plan, _TIER[d.kind]))
    endpoint = f"private-endpoint/{d.kind}"
    if (d.kind == "stateless" and d.platform == "vm") or any(
        i.resource == endpoint for i in plan.cost.line_items
    ):
        return _blocks(subnet_blocks(plan, "private"))
    return _outside(plan) if plan.network.vpcs else None


def _policy(
    namespace: str, name: str, selector: dict[str, Any], kind: str, rules: list[Any] | None = None
) -> dict[str, Any]:
    """A NetworkPolicy of one direction (`kind` Ingress or Egress) for the selected pods; no
    rules: that direction denied."""
    spec = {} if rules is None else {kind.lower(): rules}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"podSelector": selector, "policyTypes": [kind], **spec},
    }


def _identity(plan: Plan, source: str) -> list[dict[str, Any]]:
    """The node-local credentials endpoint, for a caller of a managed API."""
    kinds = {plan.service(r.destination).kind for r in plan.security.rules if r.source == source}
    if plan.cloud not in IDENTITY or not kinds & set(_MANAGED_APIS):
        return []
    cidr, port = IDENTITY[plan.cloud]
    return [{"to": [{"ipBlock": {"cidr": cidr}}], "ports": [{"protocol": "TCP", "port": port}]}]


def _egress(plan: Plan, namespace: str) -> list[dict[str, Any]]:
    """Default deny of egress, DNS for every pod, then each in-cluster caller's edges."""
    out = [
        _policy(namespace, "default-deny-egress", {}, "Egress"),
        _policy(
            namespace, "allow-dns", {}, "Egress", [{"to": [DNS_PEER], "ports": list(DNS_PORTS)}]
        ),
    ]
    inside = _in_cluster(plan)
    for source in [s.name for s in plan.services if s.name in inside]:
        egress = []
        for r in (r for r in plan.security.rules if r.source == source):
            peers = egress_peers(plan, r.destination)
            rule: dict[str, Any] = {"ports": [{"protocol": r.protocol, "port": r.port}]}
            egress.append(rule if peers is None else {"to": peers, **rule})
        egress += _identity(plan, source)
        if egress:
            selector = {"matchLabels": {APP_LABEL: source}}
            out.append(_policy(namespace, f"allow-from-{source}", selector, "Egress", egress))
    return out


def network_policies(plan: Plan, namespace: str) -> list[dict[str, Any]]:
    """Default deny of ingress, one policy per in-cluster destination with a rule in the
    matrix, then the egress policies (`_egress`)."""
    inside = _in_cluster(plan)
    out: list[dict[str, Any]] = [_policy(namespace, "default-deny-ingress", {}, "Ingress")]
    for dest in [s.name for s in plan.services if s.name in inside]:
        rules = [r for r in plan.security.rules if r.destination == dest]
        if not rules:
            continue
        ingress = [
            {"from": _peers(plan, r), "ports": [{"protocol": r.protocol, "port": r.port}]}
            for r in rules
        ]
        selector = {"matchLabels": {APP_LABEL: dest}}
        out.append(_policy(namespace, f"allow-to-{dest}", selector, "Ingress", ingress))
    return out + _egress(plan, namespace)


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


def _peer_name(peer: dict[str, Any]) -> str:
    if peer == DNS_PEER:
        return "kube-dns"
    if "podSelector" in peer:
        return str(peer["podSelector"]["matchLabels"][APP_LABEL])
    block = peer["ipBlock"]
    return str(block["cidr"]) + "".join(f" except {c}" for c in block.get("except", ()))


def allowed_egress(policies: list[dict[str, Any]]) -> set[tuple[str, str, str, int]]:
    """(source, peer, protocol, port) that rendered policies let out: the selected pods' app
    label ('*' for every pod), and a peer's app label, 'kube-dns', a block ('10.0.64.0/24',
    '0.0.0.0/0 except 10.0.0.0/16') or '*' (by port alone). For tests and reviews."""
    edges = set()
    for p in policies:
        source = p["spec"]["podSelector"].get("matchLabels", {}).get(APP_LABEL, "*")
        for rule in p["spec"].get("egress", []):
            peers = [_peer_name(x) for x in rule.get("to", ())] or ["*"]
            for peer in peers:
                for port in rule["ports"]:
                    edges.add((source, peer, str(port["protocol"]), int(port["port"])))
    return edges
