"""Each environment's overlay, rendered by the real kustomize (kubectl kustomize), gives exactly
the environment's own manifests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ruamel.yaml import YAML

from devops_plan.design import load_design
from devops_plan.design.environments import environment_design
from devops_plan.engine import Planner
from devops_plan.engine.environments import plan_environments
from devops_plan.paths import data_path
from devops_plan.render import environments, k8s
from devops_plan.render.kustomize import json_patch

from .crd_schema import external_secret_validator, schema_errors

EXAMPLE = data_path("designs", "storefront.yaml")


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _objects(text: str) -> list[object]:
    return sorted(
        (doc for doc in YAML(typ="safe").load_all(text) if doc),
        key=lambda o: (o["kind"], o["metadata"]["name"]),
    )


def test_json_patch_escapes_and_replaces_lists() -> None:
    ops = json_patch({"a/b": 1, "l": [1], "x": 1}, {"a/b": 2, "l": [2], "y": 3})
    assert {"op": "replace", "path": "/a~1b", "value": 2} in ops
    assert {"op": "replace", "path": "/l", "value": [2]} in ops
    assert {"op": "remove", "path": "/x"} in ops and {"op": "add", "path": "/y", "value": 3} in ops


def test_every_overlay_renders_to_the_environments_manifests(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is installed by scripts/ensure-system-deps.sh test-tools"
    design = load_design(EXAMPLE)
    planner = Planner()
    base = planner.plan(design, decisions=False)
    envs = plan_environments(planner, design, decisions=False)
    _write(tmp_path, k8s.artefacts(base, design))
    files = environments.artefacts(base, design, envs)
    _write(tmp_path, files)
    validator = external_secret_validator()
    overlays = sorted({p.split("/")[2] for p in files if "-environments/" in p})
    assert overlays == ["dev", "staging"]  # prod is the base design: no overlay
    for name in overlays:
        folder = tmp_path / "kubernetes" / "storefront-environments" / name
        run = subprocess.run(
            [kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        mine = k8s.manifests(envs[name], environment_design(design, name))
        expected = sorted(
            (o for objs in mine.values() for o in objs),
            key=lambda o: (o["kind"], o["metadata"]["name"]),
        )
        rendered = _objects(run.stdout)
        assert rendered == expected, name
        # What kustomize renders for the environment is valid for the operator's CRD too.
        mapped = [o for o in rendered if o["kind"] == "ExternalSecret"]  # type: ignore[index]
        assert mapped, name
        for doc in mapped:
            assert schema_errors(validator, doc) == [], (name, doc)  # type: ignore[arg-type]
