"""One credential, one secret, one name: plan.security.secrets lists a secret per caller and
database or cache; the cost prices that many; each caller's Deployment reads exactly its own
with secretKeyRef; external-secrets.yaml maps each Kubernetes Secret to the secrets manager's
secret of the same credential. And the rule matrix's port for a stateless service is the
container port its Deployment declares (health.port)."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML

from devops_plan import build_plan
from devops_plan.design import Design, parse_design
from devops_plan.plan import Plan
from devops_plan.render.external_secrets import API_VERSION
from devops_plan.render.k8s import artefacts
from devops_plan.render.policies import allowed_edges, lb_blocks

from .test_footprint import BASE, REGION, one

# BASE (api -> db, cache) with a second caller of the database on a port of its own.
WORKER = """
  - name: worker
    kind: stateless
    load: {{peak_rps: 5, cpu_ms: 50, profile: flat}}
    health: {{path: /ready, port: 9000}}
    depends_on: [db]
"""


def planned(extra: str = "", cloud: str = "aws") -> tuple[Design, Plan]:
    text = BASE.replace("depends_on: [db, cache]", "depends_on: [db, cache, worker]") + WORKER
    design = parse_design((text + extra).format(cloud=cloud, region=REGION[cloud]), "t.yaml")
    return design, build_plan(design)


def docs(files: dict[str, str], name: str) -> list[dict[str, Any]]:
    return [d for d in YAML(typ="safe").load_all(files[f"kubernetes/t/{name}"]) if d is not None]


def secret_refs(deployment: dict[str, Any]) -> set[tuple[str, str]]:
    env = deployment["spec"]["template"]["spec"]["containers"][0].get("env", [])
    return {
        (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"]) for e in env
    }


def test_one_secret_per_caller_credential_everywhere() -> None:
    design, plan = planned()
    got = [(x.caller, x.store, x.name, x.kubernetes, x.key) for x in plan.security.secrets]
    assert got == [
        ("api", "db", "t/db/api", "db-api-credentials", "url"),
        ("api", "cache", "t/cache/api", "cache-api-credentials", "url"),
        ("worker", "db", "t/db/worker", "db-worker-credentials", "url"),
    ]
    # The cost prices that many secrets.
    assert one(plan, resource="secrets", component="secrets (").quantity == 3
    # Each store's protection names the secrets of its callers.
    data = {d.service: d for d in plan.security.data}
    assert data["db"].secret == "t/db/api, t/db/worker"
    files = artefacts(plan, design)
    # Each caller's pods read exactly their own credentials, by the plan's names.
    for caller in ("api", "worker"):
        deployment = next(d for d in docs(files, f"{caller}.yaml") if d["kind"] == "Deployment")
        mine = {(x.kubernetes, x.key) for x in plan.security.secrets if x.caller == caller}
        assert secret_refs(deployment) == mine
    # The mapping fills each of those Secrets from the same credential's managed secret.
    mapped = docs(files, "external-secrets.yaml")
    assert {d["apiVersion"] for d in mapped} == {API_VERSION}
    assert [
        (d["spec"]["target"]["name"], d["spec"]["data"][0]["secretKey"],
         d["spec"]["data"][0]["remoteRef"]["key"])
        for d in mapped
    ] == [(x.kubernetes, x.key, x.name) for x in plan.security.secrets]  # fmt: skip
    assert all(d["spec"]["secretStoreRef"]["kind"] == "ClusterSecretStore" for d in mapped)


def test_without_the_secrets_manager_the_team_creates_the_same_secrets() -> None:
    design, plan = planned("security: {{secrets: false}}\n")
    assert [x.name for x in plan.security.secrets] == [None, None, None]
    assert not [i for i in plan.cost.line_items if i.resource == "secrets"]
    files = artefacts(plan, design)
    assert "kubernetes/t/external-secrets.yaml" not in files
    deployment = next(d for d in docs(files, "api.yaml") if d["kind"] == "Deployment")
    assert secret_refs(deployment) == {
        ("db-api-credentials", "url"),
        ("cache-api-credentials", "url"),
    }
    assert "Create each credential's Secret" in files["kubernetes/t/api.yaml"]


def test_a_stateless_rule_is_on_the_container_port() -> None:
    design, plan = planned()
    ports = {(r.source, r.destination): r.port for r in plan.security.rules}
    assert ports[("api", "worker")] == 9000 and ports[("load-balancer", "api")] == 8080
    files = artefacts(plan, design)
    worker = next(d for d in docs(files, "worker.yaml") if d["kind"] == "Deployment")
    declared = worker["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    assert declared == 9000
    policies = docs(files, "network-policies.yaml")
    assert ("api", "worker", 9000) in allowed_edges(policies, set(lb_blocks(plan)))
