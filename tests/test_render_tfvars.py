"""terraform.tfvars.json: the plan's sizing, and each region as the DR strategy leaves it."""

from __future__ import annotations

import json

import pytest

from devops_plan import build_plan
from devops_plan.design import DRStrategy, Platform, load_design
from devops_plan.engine.footprint import scaled_count
from devops_plan.render.tfvars import artefacts, tfvars

from .conftest import DESIGNS


def _shop(strategy: str | None = None, **defaults):
    design = load_design(DESIGNS / "shop.yaml")
    if strategy:
        design = design.model_copy(
            update={"dr": design.dr.model_copy(update={"strategy": DRStrategy(strategy)})}
        )
    if defaults:
        design = design.model_copy(update={"defaults": design.defaults.model_copy(update=defaults)})
    return design, build_plan(design)


@pytest.mark.parametrize("name", ["shop", "payments", "startup"])
def test_file_is_sorted_deterministic_json_with_the_sizing(name):
    design = load_design(DESIGNS / f"{name}.yaml")
    plan = build_plan(design)
    files = artefacts(plan, design)
    assert list(files) == [f"terraform/{name}/terraform.tfvars.json"]
    text = files[f"terraform/{name}/terraform.tfvars.json"]
    assert text == artefacts(build_plan(design), design)[f"terraform/{name}/terraform.tfvars.json"]
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for pool in plan.node_pools:
        got = data["node_pools"][pool.name]
        assert (got["instance_type"], got["node_count"]) == (pool.instance_type, pool.nodes)
        assert got["nodes_per_zone"] * pool.zones == pool.nodes
    for s in plan.services:
        if s.kind == "database":
            db = data["databases"][s.name]
            assert (db["instance_class"], db["multi_az"], db["read_replicas"]) == (
                s.instance_class,
                s.multi_az,
                s.read_replicas,
            )
        if s.kind == "stateless":
            assert data["services"][s.name]["replicas"] == s.replicas
            assert data["regions"][plan.topology.primary_region]["replicas"][s.name] == s.replicas
    assert data["primary_region"] == plan.topology.primary_region
    assert data["dr_region"] == plan.dr.dr_region


def test_pilot_light_keeps_the_database_replica_and_no_compute():
    _, plan = _shop("pilot_light")
    dr = tfvars(plan, _shop("pilot_light")[0])["regions"]["us-west-2"]
    assert dr["role"] == "dr"
    assert dr["node_counts"] == {"default": 0}
    assert set(dr["replicas"].values()) == {0}
    assert dr["databases"]["orders-db"] == {
        "cross_region_replica": True,
        "instance_class": "db.m6g.xlarge",
        "multi_az": False,
        "read_replicas": 0,
    }
    assert dr["caches"] == {}


def test_backup_restore_leaves_the_dr_region_empty():
    design, plan = _shop("backup_restore")
    dr = tfvars(plan, design)["regions"]["us-west-2"]
    assert dr["node_counts"] == {"default": 0}
    assert dr["databases"] == {} and dr["caches"] == {}


def test_warm_standby_counts_come_from_the_cost_model():
    design, plan = _shop("warm_standby")
    dr = tfvars(plan, design)["regions"]["us-west-2"]
    # Node counts are the engine's deployments; they are a scaled-down copy.
    pool = plan.node_pools[0]
    assert 0 < dr["node_counts"]["default"] < pool.nodes
    assert dr["node_counts"]["default"] % pool.zones == 0
    assert dr["caches"]["sessions"]["num_nodes"] == 1
    for s in plan.services:
        if s.kind == "stateless":
            assert (
                dr["replicas"][s.name]
                == scaled_count(s.replicas, design.dr.warm_fraction, s.zones)
                < s.replicas
            )


def test_warm_replicas_are_the_vms_the_cost_model_prices():
    # On VMs the cost model prices each warm replica, so its line items count them too.
    design, plan = _shop("warm_standby", platform=Platform.vm)
    dr = tfvars(plan, design)["regions"]["us-west-2"]
    for s in plan.services:
        if s.kind == "stateless":
            items = [
                i
                for i in plan.cost.line_items
                if i.region == "us-west-2" and i.resource == f"vm/{s.name}" and i.unit == "hour"
            ]
            assert items
            assert dr["replicas"][s.name] == round(sum(i.quantity for i in items) / 730)
            assert dr["replicas"][s.name] == scaled_count(
                s.replicas, design.dr.warm_fraction, s.zones
            )


def test_active_active_runs_everything_in_both_regions():
    design, plan = _shop("active_active")
    regions = tfvars(plan, design)["regions"]
    assert set(regions) == {"us-east-1", "us-west-2"}
    primary, second = regions["us-east-1"], regions["us-west-2"]
    assert second["role"] == "serving"
    assert second["node_counts"] == primary["node_counts"]
    assert second["replicas"] == primary["replicas"]
    assert second["caches"] == primary["caches"]
    assert second["databases"]["orders-db"]["multi_az"] is True


@pytest.mark.parametrize("name", ["shop", "startup", "payments"])
def test_every_planned_resource_has_its_cost_allocation_tags(name):
    design = load_design(DESIGNS / f"{name}.yaml")
    plan = build_plan(design)
    tags = tfvars(plan, design)["cost_allocation_tags"]
    assert set(tags) == {li.resource for li in plan.cost.line_items}
    for resource, values in tags.items():
        services = {li.service for li in plan.cost.line_items if li.resource == resource}
        assert set(values["devops-plan/service"].split(",")) == services
        assert values["devops-plan/component"] == resource.split("/", 1)[0]
        assert values["devops-plan/design"] == plan.design
    if name == "shop":
        # The pool's nodes are shared by web and api; their root volumes are platform's.
        assert tags["node-pool/default"]["devops-plan/service"] == "web,api,platform"
