"""Exported Kubernetes manifests pass a policy linter and the Pod Security "restricted" profile.

checkov (PyPI, installed by `make test` into .venv-checkov) runs every Kubernetes check of
the profile in scripts/checkov-kubernetes.yaml on the manifests of the three examples and
their two-region variants: zero findings. A manifest broken on purpose is caught. The Pod
Security Standards' "restricted" rules (kubernetes.io/docs/concepts/security/pod-security-
standards) are checked here too, rule by rule, on every pod template.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan, load_design
from devops_plan.design import Design
from devops_plan.engine.variants import with_second_region
from devops_plan.render.k8s import artefacts

from .conftest import DESIGNS, ROOT

PROFILE = ROOT / "scripts" / "checkov-kubernetes.yaml"
EXAMPLES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))


def _checkov() -> str:
    for candidate in (
        os.environ.get("CHECKOV", ""),
        str(ROOT / ".venv-checkov" / "bin" / "checkov"),
        shutil.which("checkov") or "",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("checkov is not installed: `make policy-tools` (make test does) installs it")


def _designs() -> list[tuple[str, Design]]:
    out = []
    for name in EXAMPLES:
        design = load_design(DESIGNS / f"{name}.yaml")
        out.append((name, design))
        second = with_second_region(design)
        if second is not None:
            out.append((f"{name}-two-regions", second.model_copy(update={"name": f"{name}-two"})))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("manifests")
    for name, design in _designs():
        for path, text in artefacts(build_plan(design), design).items():
            target = folder / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return folder


def _run(checkov: str, folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [checkov, "--config-file", str(PROFILE), "-d", str(folder), "-o", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    start = done.stdout.find("{")
    assert start >= 0, done.stdout[-2000:] + done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout[start:])
    return report


def test_checkov_finds_nothing_in_the_exported_manifests(exported: Path) -> None:
    report = _run(_checkov(), exported)
    summary = report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})"
        for c in report["results"]["failed_checks"]
    ]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 300  # the checks did run, on every file
    assert summary["resource_count"] >= 40


def test_checkov_catches_a_manifest_broken_on_purpose(tmp_path: Path) -> None:
    design = load_design(DESIGNS / "shop.yaml")
    files = artefacts(build_plan(design), design)
    text = next(t for p, t in files.items() if p.endswith("/web.yaml"))
    broken = text.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
    broken = broken.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")
    assert broken != text
    (tmp_path / "web.yaml").write_text(broken, encoding="utf-8")
    failed = {c["check_id"] for c in _run(_checkov(), tmp_path)["results"]["failed_checks"]}
    assert {"CKV_K8S_20", "CKV_K8S_22"} <= failed


# --- Pod Security Standards, "restricted" ------------------------------------------------------

_ALLOWED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def restricted_violations(pod: dict[str, Any]) -> list[str]:
    """What in a pod spec breaks the "restricted" profile (empty when nothing does)."""
    out = [f"{key} is set" for key in ("hostNetwork", "hostPID", "hostIPC") if pod.get(key)]
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= _ALLOWED_VOLUMES:
            out.append(f"volume {volume['name']} is {kinds}")
    for c in [*pod.get("initContainers", []), *pod["containers"]]:
        out += [f"container {c['name']}: {v}" for v in _container_violations(c, pod)]
    return out


def _container_violations(c: dict[str, Any], pod: dict[str, Any]) -> list[str]:
    sc, pod_sc = c.get("securityContext", {}), pod.get("securityContext", {})
    caps = sc.get("capabilities", {})
    seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {})).get("type")
    rules = {
        "privileged": bool(sc.get("privileged")),
        "allowPrivilegeEscalation is not false": sc.get("allowPrivilegeEscalation") is not False,
        "runAsNonRoot is not true": sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True,
        "runs as UID 0": sc.get("runAsUser", pod_sc.get("runAsUser")) == 0,
        f"seccompProfile is {seccomp}": seccomp not in ("RuntimeDefault", "Localhost"),
        "capabilities do not drop ALL": "ALL" not in caps.get("drop", []),
        f"adds capabilities {caps.get('add')}": bool(
            set(caps.get("add", [])) - {"NET_BIND_SERVICE"}
        ),
        "hostPort": any(p.get("hostPort") for p in c.get("ports", [])),
    }
    return [what for what, broken in rules.items() if broken]


def _pods(design: Design) -> list[dict[str, Any]]:
    yaml = YAML(typ="safe", pure=True)
    return [
        doc["spec"]["template"]["spec"]
        for text in artefacts(build_plan(design), design).values()
        for doc in yaml.load_all(text)
        if doc and doc["kind"] == "Deployment"
    ]


@pytest.mark.parametrize(("name", "design"), _designs(), ids=[n for n, _ in _designs()])
def test_every_pod_meets_the_restricted_profile(name: str, design: Design) -> None:
    pods = _pods(design)
    assert pods
    for pod in pods:
        assert restricted_violations(pod) == []
        assert pod["automountServiceAccountToken"] is False
        assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True


def test_the_restricted_check_can_fail() -> None:
    pod = _pods(load_design(DESIGNS / "shop.yaml"))[0]
    pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    pod["containers"][0]["securityContext"]["capabilities"] = {"add": ["SYS_ADMIN"]}
    pod["hostNetwork"] = True
    found = restricted_violations(pod)
    assert len(found) == 4, found
