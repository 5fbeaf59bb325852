"""What export writes for a design's environments: a kustomize base beside the base design's
manifests and an overlay per environment (kubernetes/<design>-environments/<env>/) whose manifests differ (kustomize.py), and per
environment a Terraform root module with its own terraform.tfvars.json (terraform/).

Pure: the base plan and each environment's plan in, {path under the docs folder: text} out.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config.models import ExportSettings
from ..design import Design
from ..design.environments import environment_design
from ..plan import Plan
from . import k8s, terraform
from .kustomize import base_kustomization, overlay_files

__all__ = ["artefacts"]


def _kubernetes(
    plan: Plan, design: Design, envs: Mapping[str, Plan], settings: ExportSettings
) -> dict[str, str]:
    options = k8s.settings_from(settings)
    if not k8s.artefacts(plan, design, options):
        return {}
    base = k8s.manifests(plan, design, options)
    root = f"{k8s.FOLDER}/{plan.design}"
    out = {f"{root}/kustomization.yaml": base_kustomization(list(base))}
    for name, env_plan in envs.items():
        mine = k8s.manifests(env_plan, environment_design(design, name), options)
        files = overlay_files(base, mine, name, f"../../{plan.design}")
        if set(files) == {"kustomization.yaml"} and "patches" not in files["kustomization.yaml"]:
            continue  # nothing differs: the base is this environment's manifests
        # Beside the base, not inside it: kustomize refuses a base that contains its overlay.
        overlays = f"{k8s.FOLDER}/{plan.design}-environments/{name}"
        out.update({f"{overlays}/{f}": text for f, text in files.items()})
    return out


def artefacts(
    plan: Plan, design: Design, envs: Mapping[str, Plan], settings: ExportSettings | None = None
) -> dict[str, str]:
    """Every environment's files, by path under the docs folder."""
    settings = settings or ExportSettings()
    out = _kubernetes(plan, design, envs, settings)
    for name, env_plan in envs.items():
        out.update(
            terraform.artefacts(env_plan, environment_design(design, name), environment=name)
        )
    return out
