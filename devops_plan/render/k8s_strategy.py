"""How a service's manifests roll out a new version (`deploy.strategy`, docs/adr/0021):

- rolling: the Deployment's RollingUpdate bounds (maxSurge as the plan prices it, engine/surge.py;
  maxUnavailable one zone's pods when the other zones carry the peak);
- blue_green: two Deployments, `<name>-blue` (live, the planned replicas) and `<name>-green`
  (idle, 0 replicas: scaled up for a deploy), and a Service whose `devops-plan/track` selector is
  the switch;
- canary: the stable Deployment and `<name>-canary` (0 replicas at rest, the canary share during
  a deploy), one Service over both, so traffic splits by pod count.

Plain Kubernetes objects, no controller to install. Pure: objects in, objects out.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from ..design import Design, StatelessService
from ..engine.surge import rolling_surge, surge_pods
from ..plan import ServiceOut

__all__ = ["TRACK", "with_strategy"]

TRACK = "devops-plan/track"
_PORT = 80  # the Service's port when this module adds the Service


def _rolling(s: ServiceOut) -> dict[str, Any]:
    surge = rolling_surge(s.replicas, s.zones)
    down = s.replicas - math.ceil(s.replicas * (s.zones - 1) / s.zones) if s.zones >= 2 else 0
    return {"maxSurge": surge, "maxUnavailable": max(down, 0 if surge else 1)}


def _tracked(deployment: dict[str, Any], name: str, track: str, replicas: int) -> dict[str, Any]:
    out = copy.deepcopy(deployment)
    out["metadata"]["name"] = name
    out["metadata"]["labels"][TRACK] = track
    spec = out["spec"]
    spec["replicas"] = replicas
    spec["selector"]["matchLabels"][TRACK] = track
    spec["template"]["metadata"]["labels"][TRACK] = track
    return out


def _service(deployment: dict[str, Any], selector: dict[str, str]) -> dict[str, Any]:
    meta = deployment["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "labels": dict(meta["labels"]),
        },
        "spec": {
            "type": "ClusterIP",
            "selector": selector,
            "ports": [{"name": "http", "port": _PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def _switch(
    objects: list[dict[str, Any]], deployment: dict[str, Any], selector: dict[str, str]
) -> None:
    """Point the service's Service at `selector` (added when there is none yet)."""
    name = deployment["metadata"]["name"]
    found = next(
        (o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == name), None
    )
    if found is None:
        objects.append(_service(deployment, selector))
    else:
        found["spec"]["selector"] = selector


def _retarget(objects: list[dict[str, Any]], name: str) -> None:
    for o in objects:
        if o["kind"] == "HorizontalPodAutoscaler":
            o["spec"]["scaleTargetRef"]["name"] = name


def with_strategy(
    objects: list[dict[str, Any]], s: ServiceOut, design: Design
) -> list[dict[str, Any]]:
    """The service's objects carrying its deploy strategy."""
    svc = next((x for x in design.services if x.name == s.name), None)
    deploy = svc.deploy if isinstance(svc, StatelessService) else None
    out = [o for o in objects if o["kind"] != "Deployment"]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    if deploy is None or deploy.strategy == "rolling":
        deployment["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": _rolling(s)}
        return [deployment, *out]
    labels = dict(deployment["spec"]["selector"]["matchLabels"])
    name = deployment["metadata"]["name"]
    note = deployment["metadata"].setdefault("annotations", {})
    if deploy.strategy == "blue_green":
        note["devops-plan/deploy"] = (
            f"blue-green: deploy into {name}-green, scale it to {s.replicas}, switch the Service's "
            f"{TRACK} to green, then scale {name}-blue to 0"
        )
        live = _tracked(deployment, f"{name}-blue", "blue", s.replicas)
        idle = _tracked(deployment, f"{name}-green", "green", 0)
        _switch(out, deployment, {**labels, TRACK: "blue"})
        _retarget(out, live["metadata"]["name"])
        return [live, idle, *out]
    canary = surge_pods("canary", s.replicas, s.zones, deploy.canary_percent)
    note["devops-plan/deploy"] = (
        f"canary: deploy into {name}-canary at {canary} replica(s) ({deploy.canary_percent:g}% of "
        f"{s.replicas}); traffic splits by pod count; promote into {name}, then scale the canary to 0"
    )
    stable = _tracked(deployment, name, "stable", s.replicas)
    trial = _tracked(deployment, f"{name}-canary", "canary", 0)
    _switch(out, deployment, labels)
    return [stable, trial, *out]
