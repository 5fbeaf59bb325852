"""The external-secrets mapping of the plan's credentials: for each secret the secrets manager
holds (plan.security.secrets) whose caller runs on Kubernetes, an ExternalSecret (External
Secrets Operator, API external-secrets.io/v1) that creates the Kubernetes Secret the caller's
pods read with `secretKeyRef`, from the secret of the same credential in the cloud's secrets
manager. One credential, one name in the plan, the cost and the manifests. Pure."""

from __future__ import annotations

from typing import Any

from ..plan import Plan

__all__ = ["API_VERSION", "SECRET_STORES", "external_secrets"]

API_VERSION = "external-secrets.io/v1"
# The ClusterSecretStore each cloud's secrets manager is reached through (the team creates it
# once per cluster, with the workload identity that may read the design's secrets).
SECRET_STORES = {
    "aws": "aws-secrets-manager",
    "gcp": "gcp-secret-manager",
    "azure": "azure-key-vault",
}
REFRESH = "1h"  # a rotated password reaches the pods' Secret within the hour


def external_secrets(plan: Plan, namespace: str) -> list[dict[str, Any]]:
    """One ExternalSecret per managed credential of an in-cluster caller, in plan order."""
    inside = {s.name for s in plan.services if s.kind == "stateless" and s.platform == "kubernetes"}
    return [
        {
            "apiVersion": API_VERSION,
            "kind": "ExternalSecret",
            "metadata": {
                "name": x.kubernetes,
                "namespace": namespace,
                "labels": {
                    "app.kubernetes.io/name": x.caller,
                    "app.kubernetes.io/part-of": plan.design,
                },
            },
            "spec": {
                "refreshInterval": REFRESH,
                "secretStoreRef": {"kind": "ClusterSecretStore", "name": SECRET_STORES[plan.cloud]},
                "target": {"name": x.kubernetes, "creationPolicy": "Owner"},
                "data": [{"secretKey": x.key, "remoteRef": {"key": x.name, "property": x.key}}],
            },
        }
        for x in plan.security.secrets
        if x.name is not None and x.caller in inside
    ]
