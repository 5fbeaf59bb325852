"""Deploy strategies in the manifests (render/k8s_strategy.py, ADR 0021): a rolling update's
maxSurge is the surge the plan prices; blue-green is two Deployments and the service's one
Service switched by its track; canary a second Deployment behind the same Service."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan
from devops_plan.design import load_design
from devops_plan.engine.surge import rolling_surge
from devops_plan.render.k8s import artefacts, rolling_update
from devops_plan.render.k8s_strategy import TRACK

from .conftest import DESIGNS

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="dev dependency kubernetes-validate is not installed"
)


def _objects(name: str) -> tuple[Any, list[dict[str, Any]]]:
    design = load_design(DESIGNS / f"{name}.yaml")
    plan = build_plan(design, decisions=False)
    docs = [
        d for text in artefacts(plan, design).values() for d in YAML(typ="safe").load_all(text) if d
    ]
    return plan, docs


def _named(docs: list[dict[str, Any]], kind: str, service: str) -> list[dict[str, Any]]:
    return [
        d
        for d in docs
        if d["kind"] == kind
        and d["metadata"].get("labels", {}).get("app.kubernetes.io/name") == service
    ]


def _policy_for(docs: list[dict[str, Any]], service: str) -> dict[str, Any]:
    """The NetworkPolicy of the plan's rule matrix that admits traffic to `service`'s pods
    (its egress policy selects the same pods, but lets nothing in)."""
    (policy,) = [
        d
        for d in docs
        if d["kind"] == "NetworkPolicy"
        and d["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == service
        and "Ingress" in d["spec"]["policyTypes"]
    ]
    return policy


@pytest.mark.parametrize("name", ["startup", "shop", "payments"])
def test_rolling_max_surge_is_the_surge_the_plan_prices(name: str) -> None:
    plan, docs = _objects(name)
    priced = {li.service for li in plan.cost.line_items if li.category == "deploy"}
    for s in plan.services:
        if s.kind != "stateless" or s.platform != "kubernetes":
            continue
        (deployment,) = _named(docs, "Deployment", s.name)
        bounds = deployment["spec"]["strategy"]["rollingUpdate"]
        assert bounds == rolling_update(s)
        assert bounds["maxSurge"] == rolling_surge(s.replicas, s.zones)
        # One zone (startup): a new pod first, priced; three zones: replaced in place, no surge.
        assert (bounds["maxSurge"] > 0) == (s.name in priced), s.name
    if name == "startup":
        assert priced == {"app"}


def test_blue_green_is_two_deployments_and_the_services_switch() -> None:
    plan, docs = _objects("storefront")
    web = plan.service("web")
    deployments = {d["metadata"]["name"]: d for d in _named(docs, "Deployment", "web")}
    assert set(deployments) == {"web-blue", "web-green"}
    blue, green = deployments["web-blue"], deployments["web-green"]
    assert (blue["spec"]["replicas"], green["spec"]["replicas"]) == (web.replicas, 0)
    for d, track in ((blue, "blue"), (green, "green")):
        assert d["spec"]["selector"]["matchLabels"][TRACK] == track
        assert d["spec"]["template"]["metadata"]["labels"][TRACK] == track
        assert "devops-plan/rolling-update" not in d["metadata"]["annotations"]
    # The one Service (render/k8s.py's own: its ports) switched to blue.
    (service,) = _named(docs, "Service", "web")
    assert service["metadata"]["name"] == "web"
    assert service["spec"]["selector"] == {**blue["spec"]["selector"]["matchLabels"]}
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    (hpa,) = _named(docs, "HorizontalPodAutoscaler", "web")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web-blue"
    # The disruption budget and the network policy cover both colours.
    (pdb,) = _named(docs, "PodDisruptionBudget", "web")
    policy = _policy_for(docs, "web")
    assert TRACK not in pdb["spec"]["selector"]["matchLabels"]
    assert TRACK not in policy["spec"]["podSelector"]["matchLabels"]
    (ingress,) = _named(docs, "Ingress", "web")
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "web"


def test_canary_is_a_second_deployment_behind_the_same_service() -> None:
    plan, docs = _objects("storefront")
    api = plan.service("api")
    deployments = {d["metadata"]["name"]: d for d in _named(docs, "Deployment", "api")}
    assert set(deployments) == {"api", "api-canary"}
    assert deployments["api"]["spec"]["replicas"] == api.replicas
    assert deployments["api-canary"]["spec"]["replicas"] == 0
    assert deployments["api"]["spec"]["selector"]["matchLabels"][TRACK] == "stable"
    (service,) = _named(docs, "Service", "api")
    assert TRACK not in service["spec"]["selector"]  # traffic splits by pod count
    # ceil(replicas x 10%) canary pods, as the plan prices them.
    note = deployments["api"]["metadata"]["annotations"]["devops-plan/deploy"]
    (surge,) = [x for x in plan.deploy_surges if x.service == "api"]
    assert f"at {surge.surge_pods} replica(s) (10% of {api.replicas})" in note


def test_strategy_manifests_validate_against_the_kubernetes_schema() -> None:
    _, docs = _objects("storefront")
    for doc in docs:
        if doc["kind"] == "ExternalSecret":  # a custom resource: tests/test_secrets.py checks it
            continue
        kubernetes_validate.validate(doc, "1.30.0", strict=True)
    # Namespace; web: 2 Deployments, Service, PDB, HPA, Ingress; api: 2 Deployments, Service,
    # PDB, HPA and an ExternalSecret per store it reads (db, cache); the rule matrix's
    # NetworkPolicies: default deny of ingress and one per destination (web, api), default
    # deny of egress, DNS and one per caller (web, api).
    assert len(docs) == 1 + 6 + 7 + 3 + 4
