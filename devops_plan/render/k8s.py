"""Kubernetes manifests from the plan: a namespace enforcing the Pod Security "restricted"
profile; for each stateless service on Kubernetes a Deployment (planned replicas, requests and
limits, zone spread, probes, credentials from Secrets, a restricted security context, rolling
updates that take down at most the pods of one zone), a Service, a PodDisruptionBudget that
keeps the capacity of a zone loss and a HorizontalPodAutoscaler bounded by the sizing; an
Ingress for each entrypoint; each rolled out by its deploy strategy (k8s_strategy.py); the
NetworkPolicies of the plan's rule matrix (`policies`: default deny, then exactly the allowed
flows); the ExternalSecrets that fill each credential's Secret from the secrets manager
(`external_secrets`). The pod itself is `k8s_pod`.

Pure: `artefacts(plan, design, settings)` returns {path under the docs folder: YAML text};
`devops-plan export` writes them. The image registry and tag, the namespace and extra labels
come from `KubernetesSettings` (the `[kubernetes]` section of devops-plan.toml).
Deterministic: no timestamps, a fixed key order, services in plan order.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

from ruamel.yaml import YAML

from ..config.models import ExportSettings, KubernetesSettings
from ..design import Design
from ..engine.autoscale import hpa_target_percent
from ..engine.surge import rolling_surge
from ..plan import Plan, ServiceOut
from .external_secrets import SECRET_STORES, external_secrets
from .k8s_pod import PORT_NAME, container, pod_security
from .k8s_strategy import with_strategy
from .policies import network_policies

__all__ = [
    "FOLDER",
    "SERVICE_PORT",
    "Settings",
    "artefacts",
    "hpa_bounds",
    "manifests",
    "pdb_min_available",
    "rolling_update",
    "settings_from",
]

FOLDER = "kubernetes"
Settings = KubernetesSettings

# The label each managed Kubernetes service puts on the nodes of a node pool.
POOL_LABEL = {
    "aws": "eks.amazonaws.com/nodegroup",
    "gcp": "cloud.google.com/gke-nodepool",
    "azure": "kubernetes.azure.com/agentpool",
}
ZONE_KEY = "topology.kubernetes.io/zone"
HOST_KEY = "kubernetes.io/hostname"
SERVICE_PORT = 80  # what callers reach inside the cluster; the container's port is the design's


PLACEHOLDER_IMAGE = "registry.example.com/{design}/{service}:CHANGE-ME"


def settings_from(export: ExportSettings) -> KubernetesSettings:
    """The part of the export settings the manifests read."""
    return export.kubernetes


def _placeholder(settings: Settings) -> bool:
    """Whether the settings still give the placeholder image (nobody said where images live)."""
    return settings.image_ref("{design}", "{service}") == PLACEHOLDER_IMAGE


def _with_design(settings: Settings, design: Design) -> Settings:
    """The design's `kubernetes:` block fills what the settings leave at their defaults (the
    export's settings already hold it where it wins: `config.load.export_settings`)."""
    k = design.kubernetes
    image = k.image if k.image and _placeholder(settings) else settings.image
    return settings.model_copy(
        update={"image": image, "namespace": settings.namespace or k.namespace}
    )


def _labels(plan: Plan, service: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/part-of": plan.design,
    }


def _cost_labels(plan: Plan, service: str) -> dict[str, str]:
    """The cost-allocation labels `devops-plan reconcile` maps a bill by (docs/reconcile.md):
    the pods run on the node pool the plan prices. Not in selectors, which cannot change."""
    return {
        "devops-plan/design": plan.design,
        "devops-plan/service": service,
        "devops-plan/component": "node-pool",
    }


def _quantity_cpu(millicores: int) -> str:
    return f"{millicores}m"


def _quantity_memory(mib: int) -> str:
    return f"{mib}Mi"


def pdb_min_available(zones: int) -> str | None:
    """The share of pods a voluntary disruption must leave: those of all zones but one.

    With z zones the sizing proved that the replicas of z-1 zones carry the peak; allowing
    evictions down to that share keeps the capacity of a zone loss during drains. Kubernetes
    rounds the percentage up, so it is rounded down here (66% of 54 pods is 36 = 2 zones of
    18). One zone has no zone loss to keep capacity for: None (one pod at a time instead).
    """
    if zones < 2:
        return None
    return f"{math.floor(100 * (zones - 1) / zones)}%"


def hpa_bounds(s: ServiceOut) -> tuple[int, int, int]:
    """(minReplicas, maxReplicas, target CPU %): the plan's own autoscaling numbers
    (engine/autoscale.py), so the HPA scales the way the cost model priced it.

    max: the planned replicas, which the node pools are sized to hold. min: the autoscaling
    floor (`scaling.min_replicas`, else one per zone and two from 99.9%, in whole zones).
    target: the CPU utilisation of the planned replicas at the forecast peak, so the
    autoscaler reaches the planned count exactly when the peak arrives.
    """
    sizing = s.sizing
    if sizing is None:
        return s.replicas, s.replicas, 60
    low = s.min_replicas if s.min_replicas is not None else s.replicas
    return low, s.replicas, hpa_target_percent(sizing, s.replicas)


def rolling_update(s: ServiceOut) -> dict[str, Any]:
    """Rolling-update bounds from the zone-loss headroom: the sizing proved that the pods of
    all zones but one carry the peak, so a rollout may take down one zone's worth of pods at
    a time and needs no extra nodes (maxSurge 0). One zone has no such headroom: one new
    pod at a time, none taken down first. maxSurge is the surge the plan prices
    (engine/surge.rolling_surge): one rule for both."""
    surge = rolling_surge(s.replicas, s.zones)
    if surge:
        return {"maxUnavailable": 0, "maxSurge": surge}
    keep = math.ceil(s.replicas * (s.zones - 1) / s.zones)
    return {"maxUnavailable": max(1, s.replicas - keep), "maxSurge": 0}


def _deployment(
    plan: Plan, design: Design, s: ServiceOut, settings: Settings, namespace: str
) -> dict[str, Any]:
    labels = _labels(plan, s.name)
    selector = {"matchLabels": dict(labels)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": s.name,
            "namespace": namespace,
            "labels": {**labels, **_cost_labels(plan, s.name)},
            "annotations": {
                "devops-plan/replicas": _replica_note(s),
                "devops-plan/rolling-update": (
                    "at most one zone's pods down at a time (the other zones carry the peak)"
                    if s.zones >= 2
                    else "one zone: a new pod first, none down"
                ),
            },
        },
        "spec": {
            "replicas": s.replicas,
            "selector": selector,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": rolling_update(s)},
            "template": {
                "metadata": {"labels": {**settings.labels, **labels, **_cost_labels(plan, s.name)}},
                "spec": _pod_spec(plan, design, s, settings, selector),
            },
        },
    }


def _pod_spec(
    plan: Plan, design: Design, s: ServiceOut, settings: Settings, selector: dict[str, Any]
) -> dict[str, Any]:
    """On the service's node pool, spread over zones and hosts, one container with its
    requests and limits, probes and credentials, restricted."""
    pod_spec: dict[str, Any] = {}
    pool = next((p for p in plan.node_pools if s.name in p.services), None)
    if pool is not None:
        pod_spec["nodeSelector"] = {POOL_LABEL.get(plan.cloud, "devops-plan/pool"): pool.name}
    pod_spec["topologySpreadConstraints"] = _spread(s, selector)
    image = settings.image_ref(plan.design, s.name)
    pod_spec["containers"] = [container(s, design, image, _resources(s), plan.security.secrets)]
    pod_spec.update(pod_security())
    return pod_spec


def _service(plan: Plan, s: ServiceOut, namespace: str) -> dict[str, Any]:
    """A ClusterIP Service in front of the pods: port 80 to the container's port."""
    labels = _labels(plan, s.name)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": s.name, "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(labels),
            "ports": [
                {
                    "name": PORT_NAME,
                    "port": SERVICE_PORT,
                    "targetPort": PORT_NAME,
                    "protocol": "TCP",
                }
            ],
        },
    }


def _ingress(plan: Plan, s: ServiceOut, settings: Settings, namespace: str) -> dict[str, Any]:
    """The way in for an entrypoint: every path to its Service."""
    spec: dict[str, Any] = {}
    if settings.ingress_class:
        spec["ingressClassName"] = settings.ingress_class
    backend = {"service": {"name": s.name, "port": {"number": SERVICE_PORT}}}
    spec["rules"] = [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": s.name, "namespace": namespace, "labels": _labels(plan, s.name)},
        "spec": spec,
    }


def _spread(s: ServiceOut, selector: dict[str, Any]) -> list[dict[str, Any]]:
    """Pods spread evenly over the service's zones (strictly) and over hosts (best effort)."""
    spread: list[dict[str, Any]] = []
    if s.zones >= 2:
        spread.append(
            {
                "maxSkew": 1,
                "minDomains": s.zones,
                "topologyKey": ZONE_KEY,
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": dict(selector),
            }
        )
    spread.append(
        {
            "maxSkew": 1,
            "topologyKey": HOST_KEY,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": dict(selector),
        }
    )
    return spread


def _resources(s: ServiceOut) -> dict[str, Any]:
    """The planned requests, and limits when the design sets them."""
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    if s.cpu_request_m:
        requests["cpu"] = _quantity_cpu(s.cpu_request_m)
    if s.memory_request_mib:
        requests["memory"] = _quantity_memory(s.memory_request_mib)
    if s.cpu_limit_m:
        limits["cpu"] = _quantity_cpu(s.cpu_limit_m)
    if s.memory_limit_mib:
        limits["memory"] = _quantity_memory(s.memory_limit_mib)
    resources: dict[str, Any] = {"requests": requests}
    if limits:
        resources["limits"] = limits
    return resources


def _replica_note(s: ServiceOut) -> str:
    z = s.sizing
    if z is None:
        return f"{s.replicas} planned"
    parts = [f"utilisation {z.n_util}"]
    if z.n_zone is not None:
        parts.append(f"zone loss {z.n_zone}")
    if z.n_latency is not None:
        parts.append(f"latency {z.n_latency}")
    parts.append(f"minimum {z.n_minimum}")
    return (
        f"{s.replicas} = max({', '.join(parts)}) rounded up to {s.zones} zone(s); "
        f"bound by {z.binding}; offered load {z.offered_load_vcpu:g} vCPU at peak"
    )


def _pdb(plan: Plan, s: ServiceOut, namespace: str) -> dict[str, Any]:
    share = pdb_min_available(s.zones)
    spec: dict[str, Any] = {"minAvailable": share} if share is not None else {"maxUnavailable": 1}
    spec["selector"] = {"matchLabels": _labels(plan, s.name)}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": s.name, "namespace": namespace, "labels": _labels(plan, s.name)},
        "spec": spec,
    }


def _hpa(plan: Plan, s: ServiceOut, namespace: str) -> dict[str, Any]:
    low, high, target = hpa_bounds(s)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": s.name, "namespace": namespace, "labels": _labels(plan, s.name)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": s.name},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": target},
                    },
                }
            ],
        },
    }


def manifests(
    plan: Plan, design: Design, settings: Settings = Settings()
) -> dict[str, list[dict[str, Any]]]:
    """{file name: Kubernetes objects}: a namespace, then one file per Kubernetes service."""
    settings = _with_design(settings, design)
    namespace = settings.namespace or plan.design
    out: dict[str, list[dict[str, Any]]] = {
        "namespace.yaml": [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": namespace,
                    "labels": {
                        "app.kubernetes.io/part-of": plan.design,
                        # Pod Security admission rejects any pod that is not "restricted".
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": "latest",
                    },
                },
            }
        ]
    }
    for s in plan.services:
        if s.kind != "stateless" or s.platform != "kubernetes":
            continue
        objects = [
            _deployment(plan, design, s, settings, namespace),
            _service(plan, s, namespace),
            _pdb(plan, s, namespace),
            _hpa(plan, s, namespace),
        ]
        if s.entrypoint:
            objects.append(_ingress(plan, s, settings, namespace))
        out[f"{s.name}.yaml"] = with_strategy(objects, s, design)
    out["network-policies.yaml"] = network_policies(plan, namespace)
    mapped = external_secrets(plan, namespace)
    if mapped:
        out["external-secrets.yaml"] = mapped
    if settings.labels:
        # The configured labels on every object, never replacing those the selectors, the
        # Pod Security admission or cost allocation use.
        for objs in out.values():
            for obj in objs:
                metadata = obj["metadata"]
                metadata["labels"] = {**settings.labels, **metadata.get("labels", {})}
    return out


def _todo(plan: Plan, placeholder: bool) -> str:
    """What the team does before applying: the image, and where the credentials come from."""
    steps = ["Replace the image (kubernetes.image in the design)."] if placeholder else []
    inside = {s.name for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"}
    held = [x for x in plan.security.secrets if x.caller in inside]
    if any(x.name for x in held):
        steps.append(
            "external-secrets.yaml fills each credential's Secret from the secrets manager "
            f"(External Secrets Operator, ClusterSecretStore {SECRET_STORES[plan.cloud]})."
        )
    elif held:
        steps.append("Create each credential's Secret the Deployments name (key: url).")
    steps.append("Edit freely (export keeps edited files).")
    return "".join(
        f"# {line}\n" for line in textwrap.wrap(" ".join(steps), 96, break_on_hyphens=False)
    )


def _dump(objects: list[dict[str, Any]], header: str) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # never fold a long annotation across lines
    yaml.representer.ignore_aliases = lambda *_: True  # plain repeated labels, no &id001
    buf = io.StringIO()
    buf.write(header)
    yaml.dump_all(objects, buf)
    return buf.getvalue()


def artefacts(plan: Plan, design: Design, settings: Settings = Settings()) -> dict[str, str]:
    """{"kubernetes/<design>/<file>.yaml": text} for `devops-plan export`."""
    regions = ", ".join(plan.topology.serving_regions)
    placeholder = _placeholder(_with_design(settings, design))
    header = (
        f"# Generated by devops-plan from the plan of {plan.design!r} ({plan.cloud}); apply in "
        f"each serving region: {regions}.\n" + _todo(plan, placeholder)
    )
    if not any(s.kind == "stateless" and s.platform == "kubernetes" for s in plan.services):
        return {}
    return {
        f"{FOLDER}/{plan.design}/{name}": _dump(objects, header)
        for name, objects in sorted(manifests(plan, design, settings).items())
    }
