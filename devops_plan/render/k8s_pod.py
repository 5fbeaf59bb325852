"""The pod of a stateless service as an operations team can apply it: one container with the
planned requests and limits, liveness and readiness probes on the design's health path and
port, each database and cache credential from its own Secret (`secretKeyRef`, never a
literal; plan.security.secrets names them), and the Pod Security Standards' "restricted"
profile (non-root with a high UID, read-only root filesystem with a writable /tmp, no privilege escalation, all capabilities dropped,
the runtime's default seccomp profile, no service-account token). Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..design import Design, Health, StatelessService
from ..plan import SecretOut, ServiceOut

__all__ = ["RUN_AS_USER", "container", "health_of", "pod_security", "secret_env"]

# A UID no image's system users take (kube-linter and checkov ask for >= 10000).
RUN_AS_USER = 10001
PORT_NAME = "http"


def health_of(design: Design, service: str) -> Health:
    """The design's health check for a stateless service (the defaults when it sets none)."""
    found = next((s for s in design.services if s.name == service), None)
    return found.health if isinstance(found, StatelessService) else Health()


def _env_name(dependency: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", dependency.upper()).strip("_") + "_URL"


def secret_env(secrets: Sequence[SecretOut], s: ServiceOut) -> list[dict[str, Any]]:
    """One variable per database or cache the service depends on: its connection URL, read
    from the service's own credential (plan.security.secrets: the Kubernetes Secret that
    external-secrets.yaml fills from the secrets manager, or the team creates)."""
    return [
        {
            "name": _env_name(x.store),
            "valueFrom": {"secretKeyRef": {"name": x.kubernetes, "key": x.key}},
        }
        for x in secrets
        if x.caller == s.name
    ]


def _probe(health: Health, period_s: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": health.path, "port": PORT_NAME},
        "periodSeconds": period_s,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def container(
    s: ServiceOut,
    design: Design,
    image: str,
    resources: dict[str, Any],
    secrets: Sequence[SecretOut] = (),
) -> dict[str, Any]:
    """The service's one container: image, port, probes, credentials, resources, security."""
    health = health_of(design, s.name)
    spec: dict[str, Any] = {
        "name": s.name,
        "image": image,
        "imagePullPolicy": "Always",
        "ports": [{"name": PORT_NAME, "containerPort": health.port, "protocol": "TCP"}],
    }
    env = secret_env(secrets, s)
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
