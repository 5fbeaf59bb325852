"""How a service's manifests roll out a new version (`deploy.strategy`, docs/adr/0021):

- rolling: the Deployment as render/k8s.py writes it, its rollingUpdate from `rolling_update`
  (maxSurge by the rule the plan prices, engine/surge.rolling_surge);
- blue_green: two Deployments, `<name>-blue` (live, the planned replicas) and `<name>-green`
  (idle, 0 replicas: scaled up for a deploy), and the service's own Service (k8s.py's) whose
  selector gains `devops-plan/track: blue`: the switch; the autoscaler scales blue;
- canary: the stable Deployment and `<name>-canary` (0 replicas at rest, the canary share during
  a deploy), the Service's selector unchanged, so traffic splits by pod count.

The NetworkPolicy and the PodDisruptionBudget select the service's pods whatever their track.
Plain Kubernetes objects, no controller to install. Pure: objects in, objects out.
"""

from __future__ import annotations

import copy
from typing import Any

from ..design import Design, StatelessService
from ..engine.surge import surge_pods
from ..plan import ServiceOut

__all__ = ["TRACK", "with_strategy"]

TRACK = "devops-plan/track"
NOTE = "devops-plan/deploy"
ROLLING_NOTE = "devops-plan/rolling-update"


def _tracked(deployment: dict[str, Any], name: str, track: str, replicas: int) -> dict[str, Any]:
    out = copy.deepcopy(deployment)
    out["metadata"]["name"] = name
    out["metadata"]["labels"][TRACK] = track
    spec = out["spec"]
    spec["replicas"] = replicas
    spec["selector"]["matchLabels"][TRACK] = track
    spec["template"]["metadata"]["labels"][TRACK] = track
    return out


def _one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind]
    return found


def with_strategy(
    objects: list[dict[str, Any]], s: ServiceOut, design: Design
) -> list[dict[str, Any]]:
    """The service's objects (one Deployment, one Service, ...) carrying its deploy strategy."""
    svc = next((x for x in design.services if x.name == s.name), None)
    deploy = svc.deploy if isinstance(svc, StatelessService) else None
    if deploy is None or deploy.strategy == "rolling":
        return objects
    deployment = _one(objects, "Deployment")
    rest = [o for o in objects if o is not deployment]
    name = deployment["metadata"]["name"]
    notes = deployment["metadata"].setdefault("annotations", {})
    if deploy.strategy == "blue_green":
        notes.pop(ROLLING_NOTE, None)  # each colour is scaled, not rolled
        notes[NOTE] = (
            f"blue-green: deploy into {name}-green, scale it to {s.replicas}, switch the Service's "
            f"{TRACK} to green, then scale {name}-blue to 0"
        )
        live = _tracked(deployment, f"{name}-blue", "blue", s.replicas)
        idle = _tracked(deployment, f"{name}-green", "green", 0)
        _one(rest, "Service")["spec"]["selector"][TRACK] = "blue"
        _one(rest, "HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]["name"] = f"{name}-blue"
        return [live, idle, *rest]
    canary = surge_pods("canary", s.replicas, s.zones, deploy.canary_percent)
    notes[NOTE] = (
        f"canary: deploy into {name}-canary at {canary} replica(s) ({deploy.canary_percent:g}% of "
        f"{s.replicas}); traffic splits by pod count; promote into {name}, then scale the canary to 0"
    )
    stable = _tracked(deployment, name, "stable", s.replicas)
    trial = _tracked(deployment, f"{name}-canary", "canary", 0)
    return [stable, trial, *rest]
