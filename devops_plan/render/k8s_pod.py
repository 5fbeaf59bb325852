"""The pod of a stateless service as an operations team can apply it: one container with the
planned requests and limits, liveness and readiness probes on the design's health path and
port, each data dependency's credentials from a Secret (`secretKeyRef`, never a literal),
and the Pod Security Standards' "restricted" profile (non-root with a high UID, read-only
root filesystem with a writable /tmp, no privilege escalation, all capabilities dropped,
the runtime's default seccomp profile, no service-account token). Pure."""

from __future__ import annotations

import re
from typing import Any

from ..design import Design, Health, Kind, StatelessService
from ..plan import ServiceOut

__all__ = ["RUN_AS_USER", "container", "health_of", "pod_security", "secret_env", "secret_name"]

# A UID no image's system users take (kube-linter and checkov ask for >= 10000).
RUN_AS_USER = 10001
PORT_NAME = "http"
# Dependencies that hold credentials an application logs in with; buckets and queues are
# reached with the workload's cloud identity (IRSA, Workload Identity), not a password.
WITH_CREDENTIALS = (Kind.database, Kind.cache)


def health_of(design: Design, service: str) -> Health:
    """The design's health check for a stateless service (the defaults when it sets none)."""
    found = next((s for s in design.services if s.name == service), None)
    return found.health if isinstance(found, StatelessService) else Health()


def secret_name(dependency: str) -> str:
    """The Secret that holds a dependency's credentials: `<dependency>-credentials`."""
    return f"{dependency}-credentials"


def _env_name(dependency: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", dependency.upper()).strip("_") + "_URL"


def secret_env(design: Design, s: ServiceOut) -> list[dict[str, Any]]:
    """One variable per data dependency with credentials: its connection URL, read from
    the key `url` of the Secret `<dependency>-credentials` (which the team creates)."""
    kinds = {x.name: x.kind for x in design.services}
    return [
        {
            "name": _env_name(dep),
            "valueFrom": {"secretKeyRef": {"name": secret_name(dep), "key": "url"}},
        }
        for dep in s.depends_on
        if kinds.get(dep) in WITH_CREDENTIALS
    ]


def _probe(health: Health, period_s: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": health.path, "port": PORT_NAME},
        "periodSeconds": period_s,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def container(
    s: ServiceOut, design: Design, image: str, resources: dict[str, Any]
) -> dict[str, Any]:
    """The service's one container: image, port, probes, credentials, resources, security."""
    health = health_of(design, s.name)
    spec: dict[str, Any] = {
        "name": s.name,
        "image": image,
        "imagePullPolicy": "Always",
        "ports": [{"name": PORT_NAME, "containerPort": health.port, "protocol": "TCP"}],
    }
    env = secret_env(design, s)
    if env:
        spec["env"] = env
    spec.update(
        {
            # Readiness takes a pod out of the Service at once; liveness restarts it only
            # after three missed checks, so a slow dependency does not cause restarts.
            "readinessProbe": _probe(health, 5, 1),
            "livenessProbe": _probe(health, 10, 3),
            "resources": resources,
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "privileged": False,
                "readOnlyRootFilesystem": True,
                "runAsNonRoot": True,
                "runAsUser": RUN_AS_USER,
                "runAsGroup": RUN_AS_USER,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        }
    )
    return spec


def pod_security() -> dict[str, Any]:
    """The pod-level settings of the restricted profile, and the writable /tmp."""
    return {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS_USER,
            "runAsGroup": RUN_AS_USER,
            "fsGroup": RUN_AS_USER,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}],
    }
