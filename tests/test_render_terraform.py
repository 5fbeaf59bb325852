"""The exported Terraform root modules (AWS, Azure and GCP): every .tf parses (python-hcl2),
checkov finds nothing (each skip is in the code with its reason), the tags (GCP: labels) are on
every taggable resource, and the tfvars give every variable the module reads without a
default. Azure's: its tag keys hold no '/', and its NSG rules are the rule matrix's edges."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import hcl2
import pytest

from devops_plan.billing.reconcile import reconcile_spend, spend_for
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.design import load_design
from devops_plan.engine import Planner, PlanOptions
from devops_plan.engine.environments import plan_environments
from devops_plan.paths import data_path
from devops_plan.plan import Plan
from devops_plan.render import environments, terraform, tfvars
from devops_plan.units import HOURS_PER_MONTH
from tests.billing_fixtures import load_generator

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
EXAMPLE = data_path("designs", "storefront.yaml")
# Per cloud: each module main.tf calls and the argument its tags (GCP: labels) go in; None for
# one whose resources take none (a GCP VPC network and its peering for private services).
MODULES: dict[str, dict[str, str | None]] = {
    "aws": {"vpc": "tags", "eks": "tags", "rds": "tags", "elasticache": "tags"},
    "azure": {"aks": "tags"},
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
# database); GCP firewall rules and Spanner databases take no labels, nor do Azure's subnets,
# rules, associations, settings and queues (their parents carry the tags).
RESOURCES = {"aws": 3, "azure": 29, "gcp": 4}
UNLABELLED = {
    "google_compute_firewall",
    "google_spanner_database",
    "azurerm_subnet",
    "azurerm_subnet_network_security_group_association",
    "azurerm_network_security_rule",
    "azurerm_nat_gateway_public_ip_association",
    "azurerm_subnet_nat_gateway_association",
    "azurerm_postgresql_flexible_server_configuration",
    "azurerm_mysql_flexible_server_configuration",
    "azurerm_servicebus_queue",
    "random_password",
}
# The planned component (resource id, up to the service's name) each Azure resource or the
# cluster module's parts is tagged for.
AZURE_COMPONENTS = {
    "azurerm_postgresql_flexible_server": "db/",
    "azurerm_mysql_flexible_server": "db/",
    "azurerm_redis_cache": "cache/",
    "azurerm_servicebus_namespace": "queue/",
    "azurerm_log_analytics_workspace": "observability",
    "azurerm_nat_gateway": "nat-gateway",
    "azurerm_public_ip": "nat-gateway",
    "azurerm_network_watcher_flow_log": "flow-logs",
    "azurerm_virtual_network": "network",
    "aks": "kubernetes",
    "agents": "node-pool/",
    "pools": "node-pool/",
}
# Checks checkov runs on a root module whose modules it does not download: at least these
# (it counts a for_each resource once when it cannot expand the keys, as for the security
# groups built from the rule matrix: 18 on AWS).
MIN_PASSED = {"aws": 15, "azure": 35, "gcp": 10}


@pytest.fixture(scope="module", params=["aws", "azure", "gcp"])
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
    design_key = "devops-plan_design" if cloud == "azure" else "devops-plan/design"
    assert {"managed-by", "environment", design_key} <= set(tags)
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
    if cloud == "azure":
        aks = modules["aks"]
        blocks += [("aks agents", aks["agents_tags"]), ("aks node_pools", aks["node_pools"])]
    for name, given in blocks:
        # AWS: local.tags; GCP: local.labels (the same tags, keys as GCP allows them); Azure:
        # local.tags and the resource's cost-allocation tags (or a service when it has none).
        text = str(given)
        assert ("local.tags" in text or "local.labels" in text) and (
            "devops-plan" in text
            or "lookup(local.cost, " in text
            or "lookup(var.cost_allocation_tags, " in text
        ), name
    if cloud == "azure":
        _azure_tags(parsed, exported / "environments" / "prod")
    elif cloud == "aws":
        assert "local.tags" in str(parsed["provider"][0]["aws"]["default_tags"])
    else:
        assert "local.labels" in str(parsed["provider"][0]["google"]["default_labels"])
        # GCP label keys may not hold '/': devops-plan/service becomes devops-plan_service,
        # which reconcile reads as the same key (billing/reconcile/match.tag_key).
        labels = next(block["labels"] for block in parsed["locals"] if "labels" in block)
        assert 'replace(k, "/", "_")' in str(labels)


def _azure_tags(parsed: dict[str, Any], folder: Path) -> None:
    """Azure has no provider-wide tags: every resource names its own. Tag names may not hold
    <>%&\\?/, so the keys (the module's own and the tfvars' cost-allocation tags) have none,
    and every fallback names a service."""
    local = {k: v for block in parsed["locals"] for k, v in block.items()}
    values = json.loads((folder / "terraform.tfvars.json").read_text())
    keys = set(local["tags"]) | set(local["platform"])
    keys |= {k for tags in values["cost_allocation_tags"].values() for k in tags}
    assert {"devops-plan_design", "devops-plan_service", "devops-plan_component"} <= keys
    assert not [k for k in keys if set(k) & set("<>%&\\?/")], keys
    assert "devops-plan_service" in local["platform"]
    # Each billed resource is tagged for its own planned component (the bill then maps onto
    # it: test_an_azure_bill_tagged_as_the_module_tags_it_reconciles_onto_the_plans_services).
    tagged = {kind: str(b["tags"]) for block in parsed["resource"] for kind, named in
              block.items() for b in named.values() if "tags" in b}  # fmt: skip
    aks = {n: b for block in parsed["module"] for n, b in block.items()}["aks"]
    tagged |= {"aks": str(aks["tags"]), "agents": str(aks["agents_tags"]),
               "pools": str(aks["node_pools"])}  # fmt: skip
    for kind, key in AZURE_COMPONENTS.items():
        assert f'lookup(local.cost, "{key}' in tagged[kind], (kind, tagged[kind])


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


def _azure_export() -> tuple[Plan, dict[str, Any], dict[str, Any]]:
    """shop on Azure: its plan, main.tf's locals and the tfvars."""
    design = load_design(data_path("designs", "shop.yaml"))
    plan = Planner().plan(design, PlanOptions(cloud="azure"), decisions=False)
    files = terraform.artefacts(plan, design)
    main = _unquoted(hcl2.loads(files["terraform/shop/main.tf"]))
    local = {k: v for block in main["locals"] for k, v in block.items()}
    return plan, local, tfvars.tfvars(plan, design)


def test_an_azure_bill_tagged_as_the_module_tags_it_reconciles_onto_the_plans_services(
    tmp_path: Path,
) -> None:
    # Each resource the module tags from cost_allocation_tags, billed for its planned month in
    # the primary region with the tags it carries (the module's own and its cost-allocation
    # tags, keys without '/'): reconcile maps every cent by tag onto the planned component.
    plan, local, values = _azure_export()
    generator = load_generator("make_reconcile_sample")
    assert set(local["tags"]) == {"managed-by", "environment", "devops-plan_design"}
    own = {"managed-by": local["tags"]["managed-by"], "devops-plan_design": plan.design}
    tagged = ("node-pool/", "kubernetes", "observability", "db/", "cache/", "bucket/", "nat-gateway",
              "flow-")  # fmt: skip
    rows: list[dict[str, str]] = []
    planned: dict[tuple[str, str], Decimal] = {}
    for li in plan.cost.line_items:
        if li.region != plan.topology.primary_region or not li.resource.startswith(tagged):
            continue
        tags = {**own, "environment": "default", **values["cost_allocation_tags"][li.resource]}
        cost = f"{li.monthly_cost:f}"
        key = (li.service, li.resource.split("/", 1)[0])
        planned[key] = planned.get(key, Decimal(0)) + li.monthly_cost
        rows.append({
            "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost,
            "BillingCurrency": "USD", "ChargeCategory": "Usage",
            "ChargeDescription": f"{li.product} {li.component}",
            "ChargePeriodStart": "2024-09-01 00:00:00", "ChargePeriodEnd": "2024-10-01 00:00:00",
            "ConsumedQuantity": f"{li.quantity}", "ConsumedUnit": li.unit,
            "PricingCategory": "Standard", "ProviderName": "Microsoft", "RegionId": li.region,
            "ResourceId": f"/subscriptions/x/{li.resource}", "ResourceType": li.category,
            "ServiceCategory": li.category, "ServiceName": li.product,
            "x_InstanceType": li.product, "Tags": json.dumps(tags),
        })  # fmt: skip
    assert {c for _, c in planned} >= {"node-pool", "kubernetes", "db", "cache", "bucket"}
    path = generator.write_bill(rows, tmp_path / "azure.csv.gz")
    with DuckDBEngine.open_files([path]) as engine:
        rec = reconcile_spend(plan, spend_for(engine, plan))
    assert rec.unplanned == ()
    assert rec.billed_total == rec.mapped_total == sum(planned.values())
    by_tag = {(r.service, r.component): r.by_tag for r in rec.rows if r.by_tag}
    assert by_tag.keys() == planned.keys()
    # A pool shared by services is split by their planned shares (to 12 places).
    assert all(abs(by_tag[k] - planned[k]) < Decimal("0.000001") for k in planned), by_tag


def test_azure_nsg_rules_are_the_rule_matrix() -> None:
    # One NSG rule per edge of the security plan's matrix, in its order: the module keys the
    # rules by position over var.security_rules (nothing filtered) and places each endpoint
    # in a subnet of the network plan (or a managed API's service tag).
    plan, local, values = _azure_export()
    rules = str(local["rules"])
    assert rules.startswith("${{for i, r in var.security_rules : ") and " if " not in rules
    assert values["security_rules"] == tfvars.security_rules(plan)
    assert len(values["security_rules"]) == len(plan.security.rules) > 0
    subnets = {s["tier"] for s in values["vpcs"][plan.topology.primary_region]["subnets"]}
    tiers = {**{n: "private" for n in values["services"]}, "load-balancer": "public",
             **{n: "isolated" for n in (*values["databases"], *values["caches"])}}  # fmt: skip
    managed = {*values["buckets"], *values["queues"]}
    for edge, rule in zip(plan.security.rules, values["security_rules"], strict=True):
        assert (rule["source"], rule["destination"]) == (edge.source, edge.destination)
        assert rule["from_port"] == rule["to_port"] == edge.port
        assert rule["source"] == "internet" or tiers[rule["source"]] in subnets
        assert rule["destination"] in managed or tiers[rule["destination"]] in subnets
    for name in ("services", "databases", "caches", "buckets", "queues"):
        assert f"var.{name}" in str(local["tier"]) + str(local["service_tag"]), name


def test_what_the_modules_tag_by_name_is_a_service_the_plan_has() -> None:
    # A tag naming a service the plan has not (the EKS cluster once said `cluster`, the VPC
    # `network`) puts its charges into reconcile's unplanned spend: a module names no service
    # literally but `platform`, the service the plan bills shared parts to, and tags the
    # cluster and the network with their own line items' cost-allocation tags.
    design = load_design(data_path("designs", "shop.yaml"))
    plan = Planner().plan(design, PlanOptions(), decisions=False)
    assert "platform" in {li.service for li in plan.cost.line_items}
    for cloud in terraform.CLOUDS:
        text = terraform.artefacts(
            Planner().plan(design, PlanOptions(cloud=cloud), decisions=False), design
        )["terraform/shop/main.tf"]
        named = set(re.findall(r'"devops-plan[/_]service"\s*=\s*"([^"$]+)"', text))
        assert named <= {"platform"}, (cloud, named)
        assert re.search(
            r'lookup\((var\.cost_allocation_tags|local\.cost_labels|local\.cost), "kubernetes"',
            text,
        ), cloud
