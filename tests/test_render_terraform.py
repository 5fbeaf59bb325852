"""The exported Terraform root modules (AWS and GCP): every .tf parses (python-hcl2), checkov
finds nothing (each skip is in the code with its reason), the tags (GCP: labels) are on every
taggable resource, and the tfvars give every variable the module reads without a default."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from devops_plan.design import load_design
from devops_plan.engine import Planner, PlanOptions
from devops_plan.engine.environments import plan_environments
from devops_plan.paths import data_path
from devops_plan.render import environments, terraform, tfvars
from devops_plan.units import HOURS_PER_MONTH

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
EXAMPLE = data_path("designs", "storefront.yaml")
# Per cloud: each module main.tf calls and the argument its tags (GCP: labels) go in; None for
# one whose resources take none (a GCP VPC network and its peering for private services).
MODULES: dict[str, dict[str, str | None]] = {
    "aws": {"vpc": "tags", "eks": "tags", "rds": "tags", "elasticache": "tags"},
    "gcp": {
        "vpc": None,
        "gke": "cluster_resource_labels",
        "private_service_access": None,
        "sql": "user_labels",
        "sql_mysql": "user_labels",
        "memorystore": "labels",
    },
}
# Resources main.tf declares itself (AWS: the security groups, their ingress and egress rules;
# GCP: the firewall rules, from the internet and the rest, and Spanner's instance and
# database); firewall rules and Spanner databases take no labels.
RESOURCES = {"aws": 3, "gcp": 4}
UNLABELLED = {"google_compute_firewall", "google_spanner_database"}
# Checks checkov runs on a root module whose modules it does not download: at least these
# (it counts a for_each resource once when it cannot expand the keys, as for the security
# groups built from the rule matrix: 18 on AWS).
MIN_PASSED = {"aws": 15, "gcp": 10}


@pytest.fixture(scope="module", params=["aws", "gcp"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    design = load_design(EXAMPLE)
    planner = Planner()
    options = PlanOptions(cloud=request.param)
    base = planner.plan(design, options, decisions=False)
    envs = plan_environments(planner, design, options, decisions=False)
    files = {**terraform.artefacts(base, design), **environments.artefacts(base, design, envs)}
    root = tmp_path_factory.mktemp(f"tf-{request.param}")
    for rel, text in files.items():
        if rel.startswith("terraform/"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
    return root / "terraform" / "storefront"


def _cloud(exported: Path) -> str:
    tfvars = exported / "environments" / "prod" / "terraform.tfvars.json"
    return str(json.loads(tfvars.read_text())["cloud"])


def _unquoted(node: Any) -> Any:
    """python-hcl2 8 keeps the quotes of labels and strings; the checks read them without."""
    if isinstance(node, dict):
        return {k.strip('"'): _unquoted(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_unquoted(v) for v in node]
    return node.strip('"') if isinstance(node, str) else node


def _parse(folder: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for tf in sorted(folder.glob("*.tf")):
        with tf.open() as f:
            for key, value in _unquoted(hcl2.load(f)).items():
                merged.setdefault(key, []).extend(value)
    return merged


def _folders(exported: Path) -> list[Path]:
    return [exported, *sorted((exported / "environments").iterdir())]


def test_every_tf_file_parses_and_declares_what_the_tfvars_give(exported: Path) -> None:
    folders = _folders(exported)
    assert [f.name for f in folders[1:]] == ["dev", "prod", "staging"]
    for folder in folders[1:]:
        parsed = _parse(folder)
        declared = {name for block in parsed["variable"] for name in block}
        values = json.loads((folder / "terraform.tfvars.json").read_text())
        assert set(values) <= declared
        needed = {
            name
            for block in parsed["variable"]
            for name, body in block.items()
            if "default" not in body
        }
        assert needed <= set(values), needed - set(values)
        assert values["environment"] == folder.name
        assert {m for block in parsed["module"] for m in block} == set(MODULES[values["cloud"]])


def test_tags_on_every_taggable_resource(exported: Path) -> None:
    cloud = _cloud(exported)
    parsed = _parse(exported / "environments" / "prod")
    tags = next(block["tags"] for block in parsed["locals"] if "tags" in block)
    assert {"managed-by", "environment", "devops-plan/design"} <= set(tags)
    modules = {n: b for block in parsed["module"] for n, b in block.items()}
    resources = [
        (kind, b)
        for block in parsed["resource"]
        for kind, named in block.items()
        for b in named.values()
    ]
    assert len(resources) == RESOURCES[cloud]
    blocks = [(n, modules[n].get(arg)) for n, arg in MODULES[cloud].items() if arg is not None]
    blocks += [
        (kind, b.get("tags", b.get("labels"))) for kind, b in resources if kind not in UNLABELLED
    ]
    for name, given in blocks:
        # AWS: local.tags; GCP: local.labels (the same tags, keys as GCP allows them).
        text = str(given)
        assert ("local.tags" in text or "local.labels" in text) and "devops-plan" in text, name
    if cloud == "aws":
        assert "local.tags" in str(parsed["provider"][0]["aws"]["default_tags"])
    else:
        assert "local.labels" in str(parsed["provider"][0]["google"]["default_labels"])
        # GCP label keys may not hold '/': devops-plan/service becomes devops-plan_service,
        # which reconcile reads as the same key (billing/reconcile/match.tag_key).
        labels = next(block["labels"] for block in parsed["locals"] if "labels" in block)
        assert 'replace(k, "/", "_")' in str(labels)


def _checkov(folder: Path, cloud: str) -> list[str]:
    """The checks checkov ran on `folder`'s module and what they found (none may fail, each
    skip has its reason beside it in the code)."""
    assert CHECKOV.exists(), (
        "make test installs checkov into .venv-checkov (scripts/policy-tools.txt)"
    )
    run = subprocess.run(
        [str(CHECKOV), "-d", str(folder), "--framework", "terraform", "--skip-download",
         "--output", "json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(run.stdout)
    results = report["results"]
    assert results["failed_checks"] == [], [c["check_id"] for c in results["failed_checks"]]
    assert report["summary"]["passed"] >= MIN_PASSED[cloud], report["summary"]
    for skipped in results["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment", "")) > 20, skipped["check_id"]
    return [c["resource"] for c in results["passed_checks"] + results["skipped_checks"]]


def test_checkov_finds_nothing_and_every_skip_has_a_reason(exported: Path) -> None:
    for folder in _folders(exported):
        _checkov(folder, _cloud(exported))


def test_spanner_gets_its_instance_with_the_planned_nodes_and_passes_checkov(
    tmp_path: Path,
) -> None:
    # No shipped design chooses Spanner (the planner names it where a database must write in
    # two regions): storefront with its database moved to Spanner, on GCP.
    text = EXAMPLE.read_text().replace("engine: postgres", "engine: spanner")
    text = text.replace("cloud: aws", "cloud: gcp").replace("us-east-1", "us-central1")
    (tmp_path / "spanner.yaml").write_text(text)
    design = load_design(tmp_path / "spanner.yaml")
    plan = Planner().plan(design, PlanOptions(), decisions=False)
    values = tfvars.tfvars(plan, design)
    (node_hours,) = [li.quantity for li in plan.cost.line_items
                     if li.resource == "db/db" and li.unit == "hour"]  # fmt: skip
    assert values["databases"]["db"]["engine"] == "spanner"
    assert values["databases"]["db"]["nodes"] * HOURS_PER_MONTH == node_hours
    folder = tmp_path / "module"
    folder.mkdir()
    for rel, text in terraform.artefacts(plan, design).items():
        (folder / Path(rel).name).write_text(text)
    parsed = _parse(folder)
    instances = [b for block in parsed["resource"] for k, b in block.items()
                 if k == "google_spanner_instance"]  # fmt: skip
    instance = instances[0]["db"]
    assert "each.value.nodes" in instance["num_nodes"]
    assert "local.labels" in str(instance["labels"]) and "db/" in str(instance["labels"])
    checked = _checkov(folder, "gcp")
    # checkov has checks for a Spanner database (its key, its drop protection), none for the
    # instance.
    assert "google_spanner_database.db" in checked


def test_same_plan_same_bytes(exported: Path) -> None:
    design = load_design(EXAMPLE)
    plan = Planner().plan(design, PlanOptions(cloud=_cloud(exported)), decisions=False)
    assert terraform.artefacts(plan, design) == terraform.artefacts(plan, design)
    assert (exported / "main.tf").read_text() == terraform.artefacts(plan, design)[
        "terraform/storefront/main.tf"
    ]


def test_azure_gets_tfvars_only() -> None:
    design = load_design(EXAMPLE)
    plan = Planner().plan(design, PlanOptions(cloud="azure"), decisions=False)
    assert terraform.artefacts(plan, design) == {}
