"""The exported root modules read the tfvars as export writes them (docs/export.md, "Terraform
root module"): every value has the type its variable declares (tests/tf_types.py), for every
cloud with a module; and what the module builds from them, evaluated by `terraform console`
(no providers, no network: the locals alone), is the plan's: one firewall or security-group
rule key per rule of the matrix, and the network plan's subnets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from devops_plan.design import load_design
from devops_plan.engine import Planner, PlanOptions
from devops_plan.engine.environments import plan_environments
from devops_plan.paths import data_path
from devops_plan.plan import Plan
from devops_plan.render import environments, terraform, tfvars
from tests.tf_types import tfvars_mismatches

DESIGNS = ("shop", "startup", "payments", "storefront/prod", "storefront/dev")
LOCALS = re.compile(r"^locals \{\n.*?^\}\n", re.DOTALL | re.MULTILINE)
# Per cloud, what `terraform console` prints of the module's locals: the rule keys its
# resources' for_each take, and the subnets it hands the network module.
EVALUATE = {
    "aws": "jsonencode({ rules = [keys(local.ingress), keys(local.egress)], "
    "groups = local.service_groups, subnets = local.subnets, cidr = local.cidr })",
    "gcp": "jsonencode({ rules = [keys(local.internet), keys(local.firewall)], "
    "subnets = { private = [local.nodes], pods = [local.pods], services = [local.services], "
    "isolated = [local.isolated] } })",
}


def _module(case: str, cloud: str) -> tuple[Plan, dict[str, Any], dict[str, str]]:
    """(plan, tfvars, {file name: text}) of a design's root module on `cloud`, or of one
    environment's (`design/env`)."""
    name, _, env = case.partition("/")
    design = load_design(data_path("designs", f"{name}.yaml"))
    planner, options = Planner(), PlanOptions(cloud=cloud)
    plan = planner.plan(design, options, decisions=False)
    if not env:
        files = terraform.artefacts(plan, design)
        folder = f"terraform/{name}/"
        values = tfvars.tfvars(plan, design)
    else:
        envs = plan_environments(planner, design, options, decisions=False)
        files = environments.artefacts(plan, design, envs)
        folder = f"terraform/{name}/environments/{env}/"
        values = json.loads(files[folder + "terraform.tfvars.json"])
        plan = next(p for n, p in envs.items() if n == env)
    module = {k.removeprefix(folder): v for k, v in files.items() if k.startswith(folder)}
    return plan, values, {k: v for k, v in module.items() if "/" not in k}


def _variables(text: str) -> list[dict[str, Any]]:
    parsed = hcl2.loads(text)
    return [{k.strip('"'): v for k, v in block.items()} for block in parsed["variable"]]


@pytest.mark.parametrize("cloud", terraform.CLOUDS)
@pytest.mark.parametrize("case", DESIGNS)
def test_the_tfvars_have_the_types_the_module_declares(case: str, cloud: str) -> None:
    _, values, module = _module(case, cloud)
    assert tfvars_mismatches(_variables(module["variables.tf"]), values) == []


def test_the_type_check_finds_a_rule_shaped_unlike_its_variable() -> None:
    # The defect this guards against: rules typed with `port` while the tfvars write
    # from_port/to_port (Terraform drops the extra attributes and fails on the missing one).
    old = 'variable "security_rules" {\n  type = list(object({ source = string, port = number }))\n}\n'
    rules = [{"source": "internet", "from_port": 443}]
    found = tfvars_mismatches(_variables(old), {"security_rules": rules})
    assert found == [
        "security_rules[0]: attribute 'from_port' is not declared",
        "security_rules[0]: missing attribute 'port'",
    ]


def _console(folder: Path, module: dict[str, str], values: dict[str, Any], cloud: str) -> Any:
    """The module's locals evaluated by Terraform itself, from the tfvars (which `terraform
    console` also checks against the variables' types)."""
    if shutil.which("terraform") is None:
        pytest.skip(
            "terraform is not installed, and no package registry make installs from carries it "
            "(https://developer.hashicorp.com/terraform/install); test_the_tfvars_have_the_types_the_module_declares still "
            "checks the values against the declared types"
        )
    (folder / "variables.tf").write_text(module["variables.tf"])
    (folder / "locals.tf").write_text(LOCALS.search(module["main.tf"]).group(0))  # type: ignore[union-attr]
    (folder / "terraform.tfvars.json").write_text(json.dumps(values))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    run = subprocess.run(
        ["terraform", "console"], input=EVALUATE[cloud], cwd=folder, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(json.loads(run.stdout))


@pytest.mark.parametrize("cloud", terraform.CLOUDS)
@pytest.mark.parametrize("case", DESIGNS)
def test_the_module_builds_one_rule_per_matrix_rule_and_the_planned_subnets(
    case: str, cloud: str, tmp_path: Path
) -> None:
    assert cloud in EVALUATE, f"say in EVALUATE what {cloud}'s module builds its rules from"
    plan, values, module = _module(case, cloud)
    built = _console(tmp_path, module, values, cloud)
    matrix = [f"{r.source}-{r.destination}-tcp-{r.port}-{r.port}" for r in plan.security.rules]
    assert len(set(matrix)) == len(matrix)
    assert set().union(*built["rules"]) == set(matrix)
    if cloud == "aws":
        # Every party but the internet and the managed APIs has a group, so each rule's
        # lookups resolve: ingress on the destination's, egress on the source's.
        apis = {s.name for s in plan.services if s.kind in ("queue", "object_storage")}
        parties = {p for r in plan.security.rules for p in (r.source, r.destination)}
        assert parties - {"internet"} - apis <= set(built["groups"])
        ingress, egress = (set(keys) for keys in built["rules"])
        for r, key in zip(plan.security.rules, matrix, strict=True):
            assert (key in ingress) == (r.destination not in apis), key
            assert (key in egress) == (r.source != "internet"), key
    else:
        internet, firewall = built["rules"]
        assert not set(internet) & set(firewall)
    vpc = next(v for v in plan.network.vpcs if v.region == plan.topology.primary_region)
    zones = list(values["regions"][plan.topology.primary_region]["availability_zones"])
    for tier, cidrs in built["subnets"].items():
        planned = sorted(
            (s for s in vpc.subnets if s.tier == tier),
            key=lambda s: zones.index(s.zone) if s.zone in zones else 0,
        )
        assert cidrs == [s.cidr for s in planned], tier
    assert built.get("cidr", vpc.cidr) == vpc.cidr
