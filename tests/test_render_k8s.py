"""Kubernetes manifests: valid against the Kubernetes schemas offline, the plan's numbers in
them, zone spread, a disruption budget that keeps the capacity of a zone loss, HPA bounds."""

from __future__ import annotations

import math

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan, parse_design
from devops_plan.design import Platform, load_design
from devops_plan.errors import DesignError
from devops_plan.render.external_secrets import API_VERSION
from devops_plan.render.k8s import Settings, artefacts, hpa_bounds, pdb_min_available

from .conftest import DESIGNS
from .crd_schema import external_secret_validator, schema_errors

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="dev dependency kubernetes-validate is not installed"
)
K8S_VERSION = "1.30.0"
NAMES = ["shop", "payments", "startup"]


def _docs(text):
    return [d for d in YAML(typ="safe").load_all(text) if d is not None]


@pytest.fixture(scope="module", params=NAMES)
def planned(request):
    design = load_design(DESIGNS / f"{request.param}.yaml")
    return design, build_plan(design)


def _by_kind(files):
    out: dict = {}
    for path, text in files.items():
        for doc in _docs(text):
            out.setdefault(doc["kind"], []).append((path, doc))
    return out


def test_every_manifest_validates_against_the_kubernetes_schema(planned):
    design, plan = planned
    files = artefacts(plan, design)
    assert files
    count = 0
    mapped = []
    external_secrets_schema = external_secret_validator()
    for path, text in files.items():
        assert path.startswith(f"kubernetes/{plan.design}/") and path.endswith(".yaml")
        for doc in _docs(text):
            if doc["apiVersion"] == API_VERSION:  # a custom resource: its CRD's schema
                assert schema_errors(external_secrets_schema, doc) == [], path
                mapped.append(doc)
                continue
            # strict: unknown fields are errors too.
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            count += 1
    stateless = [s for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"]
    # Namespace; Deployment, Service, PDB and HPA per service; an Ingress per entrypoint; a
    # default deny of ingress and a policy per service that something calls (every in-cluster
    # service here is reached by the load balancer or a caller); a default deny of egress,
    # DNS for every pod and a policy per in-cluster service that calls something.
    entry = sum(1 for s in stateless if s.entrypoint)
    calling = {r.source for r in plan.security.rules} & {s.name for s in stateless}
    ingress = 1 + len(stateless)
    egress = 2 + len(calling)
    assert count == 1 + 4 * len(stateless) + entry + ingress + egress
    # An ExternalSecret per credential of an in-cluster caller (the secrets manager is on).
    inside = {s.name for s in stateless}
    assert len(mapped) == sum(1 for x in plan.security.secrets if x.caller in inside)


def test_a_broken_manifest_is_caught_by_the_validator(planned):
    # The check above can fail: a misspelt field does not validate.
    design, plan = planned
    files = artefacts(plan, design)
    deployment = _by_kind(files)["Deployment"][0][1]
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_a_broken_external_secret_is_caught_by_its_schema(planned):
    # The ExternalSecret check can fail: each kind of mistake the schema knows is reported.
    design, plan = planned
    mapped = _by_kind(artefacts(plan, design))["ExternalSecret"][0][1]
    validator = external_secret_validator()
    assert schema_errors(validator, mapped) == []
    spec = mapped["spec"]
    spec["data"][0]["remoteRef"]["keys"] = spec["data"][0]["remoteRef"].pop("key")
    spec["secretStoreRef"]["kind"] = "VaultStore"
    spec["target"]["creationPolicy"] = "Always"
    errors = schema_errors(validator, mapped)
    assert any(
        e.startswith("spec.data.0.remoteRef:") and "'key' is a required" in e for e in errors
    )
    assert any(e.startswith("spec.data.0.remoteRef:") and "'keys'" in e for e in errors)
    assert any(e.startswith("spec.secretStoreRef.kind:") for e in errors)
    assert any(e.startswith("spec.target.creationPolicy:") for e in errors)


def test_deployments_carry_the_planned_numbers(planned):
    design, plan = planned
    kinds = _by_kind(artefacts(plan, design))
    deployments = {doc["metadata"]["name"]: doc for _, doc in kinds["Deployment"]}
    for s in plan.services:
        if s.kind != "stateless":
            continue
        d = deployments[s.name]
        assert d["metadata"]["namespace"] == plan.design
        assert d["spec"]["replicas"] == s.replicas
        pod = d["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["resources"]["requests"] == {
            "cpu": f"{s.cpu_request_m}m",
            "memory": f"{s.memory_request_mib}Mi",
        }
        assert container["resources"]["limits"] == {"memory": f"{s.memory_limit_mib}Mi"}
        pool = next(p for p in plan.node_pools if s.name in p.services)
        assert pod["nodeSelector"] == {"eks.amazonaws.com/nodegroup": pool.name}
        zone = [
            c
            for c in pod["topologySpreadConstraints"]
            if c["topologyKey"] == "topology.kubernetes.io/zone"
        ]
        if s.zones >= 2:
            assert zone == [
                {
                    "maxSkew": 1,
                    "minDomains": s.zones,
                    "topologyKey": "topology.kubernetes.io/zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "labelSelector": d["spec"]["selector"],
                }
            ]
        else:
            assert zone == []
        # The selector picks the pods (a subset of their labels); the pods also carry the
        # cost-allocation labels reconcile maps the bill by.
        pod_labels = d["spec"]["template"]["metadata"]["labels"]
        assert d["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert {k: v for k, v in pod_labels.items() if k.startswith("devops-plan/")} == {
            "devops-plan/design": d["metadata"]["labels"]["app.kubernetes.io/part-of"],
            "devops-plan/service": d["metadata"]["name"],
            "devops-plan/component": "node-pool",
        }


def _pods_kept(share: str, replicas: int) -> int:
    # Kubernetes rounds a minAvailable percentage up.
    return math.ceil(int(share.rstrip("%")) * replicas / 100)


def test_disruption_budget_keeps_the_capacity_of_a_zone_loss(planned):
    design, plan = planned
    kinds = _by_kind(artefacts(plan, design))
    budgets = {doc["metadata"]["name"]: doc for _, doc in kinds["PodDisruptionBudget"]}
    for s in plan.services:
        if s.kind != "stateless":
            continue
        spec = budgets[s.name]["spec"]
        if s.zones >= 2:
            kept = _pods_kept(spec["minAvailable"], s.replicas)
            # Exactly the replicas of the zones that are left...
            assert kept == s.replicas * (s.zones - 1) // s.zones
            # ...which carry the peak at the zone-failure utilisation (the sizing's promise).
            capacity = kept * s.sizing.vcpu_per_replica * design.defaults.zone_failure_utilization
            assert capacity >= s.sizing.offered_load_vcpu
            # And a drain can always make progress.
            assert kept < s.replicas
        else:
            assert spec == {"maxUnavailable": 1, "selector": spec["selector"]}


@pytest.mark.parametrize(
    ("zones", "share"), [(1, None), (2, "50%"), (3, "66%"), (4, "75%"), (6, "83%")]
)
def test_pdb_share_is_all_zones_but_one(zones, share):
    assert pdb_min_available(zones) == share
    if share:
        for per_zone in range(1, 40):
            replicas = per_zone * zones
            assert _pods_kept(share, replicas) == replicas - per_zone


def test_hpa_bounds_come_from_the_sizing(planned):
    design, plan = planned
    kinds = _by_kind(artefacts(plan, design))
    hpas = {doc["metadata"]["name"]: doc for _, doc in kinds["HorizontalPodAutoscaler"]}
    for s in plan.services:
        if s.kind != "stateless":
            continue
        spec = hpas[s.name]["spec"]
        assert spec["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": s.name,
        }
        assert spec["maxReplicas"] == s.replicas
        assert spec["minReplicas"] == min(
            s.replicas, math.ceil(s.sizing.n_minimum / s.zones) * s.zones
        )
        target = spec["metrics"][0]["resource"]["target"]["averageUtilization"]
        # At the planned peak the autoscaler asks for the planned replicas (capped at max).
        wanted = math.ceil(s.sizing.offered_load_vcpu / (s.sizing.vcpu_per_replica * target / 100))
        assert wanted >= s.replicas
        assert (low := hpa_bounds(s))[0] <= low[1]


def test_shop_numbers():
    design = load_design(DESIGNS / "shop.yaml")
    plan = build_plan(design)
    web = next(s for s in plan.services if s.name == "web")
    assert hpa_bounds(web) == (3, web.replicas, math.floor(100 * 30 / web.replicas))


def test_manifests_are_deterministic_and_settings_apply():
    design = load_design(DESIGNS / "shop.yaml")
    a = artefacts(build_plan(design), design)
    b = artefacts(build_plan(design), design)
    assert a == b
    assert list(a) == sorted(a)
    custom = artefacts(
        build_plan(design),
        design,
        Settings(
            registry="ghcr.io/acme",
            image_tag="1.2.3",
            namespace="prod",
            labels={"team": "shop", "app.kubernetes.io/name": "ignored"},
        ),
    )
    web = _docs(custom["kubernetes/shop/web.yaml"])[0]
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/acme/web:1.2.3"
    assert web["metadata"]["namespace"] == "prod"
    # Configured labels go on every object and the pods, never replacing the selector's own
    # or the cost-allocation labels reconcile maps a bill by.
    assert web["metadata"]["labels"] == {
        "team": "shop",
        "app.kubernetes.io/name": "web",
        "app.kubernetes.io/part-of": "shop",
        "devops-plan/design": "shop",
        "devops-plan/service": "web",
        "devops-plan/component": "node-pool",
    }
    assert web["spec"]["template"]["metadata"]["labels"]["team"] == "shop"
    assert "team" not in web["spec"]["selector"]["matchLabels"]
    namespace = _docs(custom["kubernetes/shop/namespace.yaml"])[0]
    assert namespace["metadata"]["labels"]["team"] == "shop"
    default_web = _docs(a["kubernetes/shop/web.yaml"])[0]
    image = default_web["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example.com/shop/web:CHANGE-ME"  # the defaults, as before
    assert "&id" not in a["kubernetes/shop/web.yaml"]  # no YAML anchors


def test_image_and_namespace_come_from_the_designs_kubernetes_block():
    text = (DESIGNS / "shop.yaml").read_text(encoding="utf-8")
    digest = "sha256:" + "0" * 64
    extra = f'\nkubernetes:\n  image: "ghcr.io/acme/{{design}}-{{service}}@{digest}"\n  namespace: prod\n'
    design = parse_design(text + extra, "shop.yaml")
    files = artefacts(build_plan(design), design)
    docs = [d for t in files.values() for d in _docs(t)]
    assert {d["metadata"].get("namespace", d["metadata"]["name"]) for d in docs} == {"prod"}
    images = {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]["image"]
        for d in docs
        if d["kind"] == "Deployment"
    }
    assert images and images == {n: f"ghcr.io/acme/shop-{n}@{digest}" for n in images}
    assert not any("CHANGE-ME" in t or "Replace the image" in t for t in files.values())
    # Without the block: the placeholder, and the header says where to set the image.
    plain = load_design(DESIGNS / "shop.yaml")
    web = artefacts(build_plan(plain), plain)["kubernetes/shop/web.yaml"]
    assert "kubernetes.image in the design" in web and ":CHANGE-ME" in web
    # Settings given in code win over the design's block.
    mine = artefacts(build_plan(design), design, Settings(image="x/{service}:1", namespace="qa"))
    web_doc = _docs(mine["kubernetes/shop/web.yaml"])[0]
    assert web_doc["metadata"]["namespace"] == "qa"
    assert web_doc["spec"]["template"]["spec"]["containers"][0]["image"] == "x/web:1"


@pytest.mark.parametrize(
    ("image", "says"),
    [
        ("ghcr.io/acme/{name}:1", "{name}: only {design} and {service}"),
        ("ghcr.io/acme/{service!r}:1", "{service}: only {design} and {service}"),
        ("ghcr.io/acme/{service:1", "unbalanced braces"),
        ("ghcr.io/acme/we b:1", "must be an image reference"),
    ],
)
def test_a_bad_image_is_one_located_line(image, says):
    text = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")
    with pytest.raises(DesignError) as err:
        parse_design(text + f'\nkubernetes:\n  image: "{image}"\n', "startup.yaml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("startup.yaml:") and says in message
    assert "kubernetes.image" in message


def test_designs_without_kubernetes_services_give_no_manifests():
    design = load_design(DESIGNS / "startup.yaml")
    vm = design.model_copy(
        update={"defaults": design.defaults.model_copy(update={"platform": Platform.vm})}
    )
    assert artefacts(build_plan(vm), vm) == {}


def test_the_files_beside_the_services_manifests_are_names_no_service_may_take() -> None:
    # design/checks.py refuses a stateless service of these names (its manifest would
    # overwrite one of them): the list must hold every file export writes there
    from devops_plan.design.checks import MANIFEST_FILES
    from devops_plan.design.environments import environment_design
    from devops_plan.render.environments import artefacts as environment_artefacts

    design = load_design(DESIGNS / "storefront.yaml")
    plan = build_plan(design)
    envs = {name: build_plan(environment_design(design, name)) for name in design.environments}
    paths = [*artefacts(plan, design), *environment_artefacts(plan, design, envs)]
    here = {p.removeprefix(f"kubernetes/{plan.design}/") for p in paths}
    fixed = {p.removesuffix(".yaml") for p in here if "/" not in p} - {
        s.name for s in plan.services
    }
    assert fixed and fixed <= MANIFEST_FILES, fixed
