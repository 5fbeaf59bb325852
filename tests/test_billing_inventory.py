"""The inventory: resources grouped from charge lines, the one-line fast path agreeing with
the general grouping, and what kind of thing a resource is."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from devops_plan.billing.inventory import (
    ID_SHAPES,
    LineFeatures,
    build_inventory,
    cloud_of,
    kind_of,
    resource_from_line,
    resource_from_lines,
)
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.spend import ChargeLine, collect_spend
from tests.billing_fixtures import SAMPLE_FOCUS, charge_line


@pytest.fixture(scope="module")
def sample_lines() -> tuple[ChargeLine, ...]:
    with DuckDBEngine.open_files([SAMPLE_FOCUS]) as engine:
        return collect_spend(engine).lines


def _variants() -> list[ChargeLine]:
    """One-line resources of every kind and edge: no quantity, committed, spot, a
    database node, a volume, a snapshot, a NAT gateway, credits, no dates, no tags."""
    vm = charge_line()
    return [
        vm,
        replace(vm, consumed_quantity=None),
        replace(vm, pricing_category="Committed"),
        replace(vm, pricing_category="Dynamic"),
        replace(vm, charge_category="Credit"),
        replace(vm, charge_category=""),
        replace(vm, service_category="Databases"),
        replace(vm, charge_description="db.m5.large instance hour", resource_id="arn:db:1"),
        replace(vm, first_start=None, last_end=None, tags="", resource_name=""),
        replace(vm, tags="not json"),
        charge_line(
            resource_id="vol-0abc",
            charge_description="$0.10 per GB-month of General Purpose SSD (gp2)",
            consumed_unit="GB-Mo",
            consumed_quantity=100.0,
        ),
        charge_line(resource_id="snap-0abc", charge_description="snapshot", consumed_unit="GB-Mo"),
        charge_line(resource_id="nat-0abc", charge_description="NAT Gateway Hour"),
        charge_line(resource_id="nat-0abc", charge_description="NAT data", consumed_unit="GB"),
        charge_line(
            resource_id="arn:aws:lb/app/1",
            service="Elastic Load Balancing",
            consumed_unit="LCU-Hrs",
        ),
    ]


def test_one_line_resources_take_the_fast_path_with_the_same_result(
    sample_lines: tuple[ChargeLine, ...],
) -> None:
    lines = [ln for ln in sample_lines if ln.resource_id] + _variants()
    assert len(lines) > 40
    for line in lines:
        cloud = cloud_of(line.provider)
        fast = resource_from_line(line, cloud, LineFeatures())
        general = resource_from_lines([line], cloud, LineFeatures())
        # repr: the same values of the same types (0 stays int 0, Decimals keep their places)
        assert repr(fast) == repr(general), line


def test_resources_are_grouped_per_provider_and_id_in_order(
    sample_lines: tuple[ChargeLine, ...],
) -> None:
    inventory = build_inventory(sample_lines)
    keys = [(r.provider, r.resource_id) for r in inventory]
    assert keys == sorted({(ln.provider, ln.resource_id) for ln in sample_lines if ln.resource_id})
    assert any(len(r.lines) > 1 for r in inventory)  # the general path is exercised too
    billed = sum((ln.billed_cost for ln in sample_lines if ln.resource_id), Decimal(0))
    assert sum((r.billed_cost for r in inventory), Decimal(0)) == billed


def test_a_machine_with_several_lines() -> None:
    box = charge_line()
    committed = replace(
        box, pricing_category="Committed", consumed_quantity=24.0, billed_cost=Decimal(2)
    )
    transfer = replace(
        box,
        charge_description="data transfer out",
        consumed_unit="GB",
        consumed_quantity=3.5,
        billed_cost=Decimal("0.3"),
        last_end=datetime(2024, 9, 15),
    )
    (machine,) = build_inventory([box, committed, transfer])
    assert machine.kind == "vm" and machine.instance_type == "m5.large"
    assert machine.on_demand_hours == 720.0 and machine.committed_hours == 24.0
    assert machine.gb_processed == 3.5
    assert machine.billed_cost == Decimal("71.42")
    assert machine.list_unit_price == Decimal("0.096")


def test_kind_reads_each_description_on_its_own() -> None:
    """Two descriptions never combine into a phrase neither holds (it once depended on
    the order of a set, so on the run)."""
    lines = [
        charge_line(resource_id="r-1", charge_description="outbound nat", consumed_unit=""),
        charge_line(resource_id="r-1", charge_description="gateway fee", consumed_unit=""),
    ]
    assert kind_of(lines) == "other"
    assert kind_of([replace(lines[0], charge_description="NAT Gateway hours")]) == "nat_gateway"


def test_the_id_shape_decides_before_a_later_kind_is_named() -> None:
    # A snapshot whose description reads like a machine's is still a snapshot.
    snapshot = charge_line(resource_id="snap-0abc", charge_description="m5.large Instance Hour")
    assert kind_of([snapshot]) == "snapshot"
    assert kind_of([charge_line(resource_id="i-0123456789abcdef0", charge_description="x")]) == "vm"
    assert kind_of(
        [charge_line(resource_id="x", charge_description="x", resource_type="Disk")]
    ) == ("volume")


def test_the_quick_id_test_never_hides_a_shape() -> None:
    """Each shape's texts are in every id its pattern matches, so testing them first only
    skips searches that would fail."""
    ids = [
        "snap-0abc",
        "arn:aws:ec2:us-east-1:1:snapshot/snap-0abc",
        "/subscriptions/s/providers/microsoft.compute/snapshots/x",
        "nat-0abc",
        "arn:aws:ec2:us-east-1:1:natgateway/nat-0abc",
        "/subscriptions/s/providers/microsoft.network/natgateways/n",
        "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1",
        "/subscriptions/s/providers/microsoft.network/loadbalancers/lb",
        "vol-0abc",
        "arn:aws:ec2:us-east-1:1:volume/vol-0abc",
        "/subscriptions/s/providers/microsoft.compute/disks/d",
        "i-0123456789abcdef0",
        "arn:aws:ec2:us-east-1:1:instance/i-0123456789abcdef0",
        "/subscriptions/s/providers/microsoft.compute/virtualmachines/vm",
        "//compute.googleapis.com/projects/p/zones/z/instances/vm-1",
    ]
    matched = 0
    for rid in ids:
        for _, shape, texts in ID_SHAPES:
            if shape.search(rid):
                matched += 1
                assert any(t in rid for t in texts), (rid, shape.pattern)
    assert matched >= len(ids)
