"""Architecture diagrams: what the scene shows for each DR strategy and cloud, and outputs
that are byte-identical, self-contained (icons as data: URIs) and free of overlaps."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest

from devops_plan import build_plan
from devops_plan.design import Design, DRStrategy, load_design
from devops_plan.errors import ExternalError
from devops_plan.plan import Plan
from devops_plan.render import diagram as dg
from devops_plan.render.diagram import Diagram, build_scene, embed_icons, render_diagram, to_dot
from devops_plan.render.diagram.scene import MAX_BOXES_WITH_EDGE_LABELS

from .conftest import DESIGNS, ROOT

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
EXAMPLES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: build_plan(load_design(DESIGNS / f"{name}.yaml")) for name in EXAMPLES}


@pytest.fixture(scope="module")
def rendered(plans: dict[str, Plan]) -> dict[str, Diagram]:
    return {name: render_diagram(plan) for name, plan in plans.items()}


def _with_dr(design: Design, strategy: DRStrategy) -> Design:
    return design.model_copy(update={"dr": design.dr.model_copy(update={"strategy": strategy})})


def _boxes(plan: Plan) -> dict[str, dg.Box]:
    return {b.id: b for b in build_scene(plan).all_boxes()}


# --- determinism and self-contained SVG -------------------------------------------------------


def test_two_renders_are_byte_identical(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    first = render_diagram(plan)
    dg.icon_data_uri.cache_clear()  # the second run re-reads and re-encodes every icon
    second = render_diagram(plan)
    assert first.dot == second.dot
    assert first.svg == second.svg
    assert first.png == second.png


def test_a_fresh_process_renders_the_same_bytes(rendered: dict[str, Diagram]) -> None:
    code = (
        "import hashlib, sys\n"
        "from devops_plan.design import load_design\n"
        "from devops_plan import build_plan\n"
        "from devops_plan.render.diagram import render_diagram\n"
        f"d = render_diagram(build_plan(load_design({str(DESIGNS / 'shop.yaml')!r})))\n"
        "for data in (d.dot.encode(), d.svg.encode(), d.png):\n"
        "    print(hashlib.sha256(data).hexdigest())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    d = rendered["shop"]
    expected = [hashlib.sha256(x).hexdigest() for x in (d.dot.encode(), d.svg.encode(), d.png)]
    assert proc.stdout.split() == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_svg_is_self_contained(
    plans: dict[str, Plan], rendered: dict[str, Diagram], name: str
) -> None:
    svg = rendered[name].svg
    root = ET.fromstring(svg.encode("utf-8"))  # well-formed XML
    assert "file:" not in svg
    assert str(dg.icon_root()) not in svg
    assert not re.search(r'(href|src)="/', svg, re.IGNORECASE)
    images = list(root.iter(f"{SVG}image"))
    assert images, "the diagram has icons"
    for image in images:
        assert image.get(XLINK, "").startswith("data:image/png;base64,")
    defined = {image.get("id") for image in images}
    uses = list(root.iter(f"{SVG}use"))
    boxes = list(build_scene(plans[name]).all_boxes())
    assert len(uses) == len(boxes)  # one icon drawn per box, each a reference to an embedded one
    for use in uses:
        assert use.get(XLINK, "")[1:] in defined


def test_node_ids_come_from_names_not_random(rendered: dict[str, Diagram]) -> None:
    d = rendered["shop"]
    assert not re.search(r"\b[0-9a-f]{32}\b", d.dot)  # diagrams' uuid4().hex node ids
    assert '"us-east-1__svc__web"' in d.dot
    ids = {el.get("id") for el in ET.fromstring(d.svg.encode("utf-8")).iter(f"{SVG}g")}
    assert {"us-east-1__svc__web", "us-east-1__us-east-1b__db__orders-db__standby"} <= ids
    assert "cluster__us-east-1__us-east-1a" in ids
    # Icons are referenced relative to the icon root in the DOT, never by absolute path.
    assert 'SRC="resources/aws/database/rds.png"' in d.dot
    assert str(dg.icon_root()) not in d.dot


def test_embed_icons_rejects_an_unknown_image_form() -> None:
    with pytest.raises(ExternalError):
        embed_icons('<svg><g id="graph0"><image href="x.png"/></g></svg>')


def test_jupyter_reprs(rendered: dict[str, Diagram]) -> None:
    d = rendered["startup"]
    assert d._repr_svg_() == d.svg and d.svg.lstrip().startswith("<?xml")
    assert d._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")
    assert set(d.files()) == {"startup.svg", "startup.png", "startup.dot"}


# --- readability: nothing overlaps -------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_two_boxes_overlap_and_no_edge_label_sits_on_a_box(
    plans: dict[str, Plan], name: str
) -> None:
    source = to_dot(build_scene(plans[name]), plans[name])
    # JSON has no image loader ("No loadimage plugin" warnings): icon cells have a fixed size.
    proc = subprocess.run(
        ["dot", f"-Gimagepath={dg.icon_root()}", "-Tjson"],
        input=source.encode(),
        capture_output=True,
        check=True,
    )
    layout = json.loads(proc.stdout)
    rects = []
    for obj in layout["objects"]:
        if "pos" not in obj or "width" not in obj:
            continue  # clusters
        x, y = (float(v) for v in obj["pos"].split(","))
        w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
        rects.append((obj["name"], x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    assert len(rects) == len(list(build_scene(plans[name]).all_boxes()))
    for (a, ax0, ay0, ax1, ay1), (b, bx0, by0, bx1, by1) in combinations(rects, 2):
        overlap = min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5
        assert not overlap, f"{a} overlaps {b}"
    # Replication, copies and failover routes are labelled; no label's centre is on a box.
    labelled = [e for e in layout.get("edges", []) if "lp" in e or "xlp" in e]
    assert labelled
    for edge in labelled:
        x, y = (float(v) for v in (edge.get("lp") or edge["xlp"]).split(","))
        on = [n for n, x0, y0, x1, y1 in rects if x0 < x < x1 and y0 < y < y1]
        assert not on, f"label of edge {edge.get('id')} sits on {on}"


# --- what the scene shows ---------------------------------------------------------------------


def test_shop_scene_regions_zones_and_numbers(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    scene = build_scene(plan)
    boxes = _boxes(plan)
    primary, dr = scene.groups
    assert primary.label == "us-east-1 · primary region"
    # Cross-zone traffic is marked on the region with its monthly GB and cost.
    traffic = next(i for i in plan.cost.line_items if i.resource == "network")
    assert primary.money[0] == (
        f"{traffic.component}: {traffic.quantity:,.0f} GB/mo, {traffic.monthly_cost:,.2f} USD/mo"
    )
    assert [g.label for g in primary.groups][1:] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert dr.label.startswith("us-west-2 · DR region: pilot light")
    # Services with their replica counts and monthly cost of their share of the pool.
    web = next(s for s in plan.services if s.name == "web")
    assert boxes["us-east-1__svc__web"].lines[0] == f"{web.replicas} pods over 3 zone(s)"
    share = sum(
        i.monthly_cost
        for i in plan.cost.line_items
        if i.service == "web" and i.resource == "node-pool/default" and i.region == "us-east-1"
    )
    assert boxes["us-east-1__svc__web"].money == (f"share of pool default: {share:,.2f} USD/mo",)
    # Node pool: nodes per zone add up to the pool, each labelled instance type x count.
    pool = plan.node_pools[0]
    per_zone = [b for b in boxes.values() if b.role == "node" and b.id.startswith("us-east-1__")]
    assert sum(int(b.lines[0].split(" x ")[0]) for b in per_zone) == pool.nodes
    assert all(b.lines[0].endswith(f"x {pool.instance_type}") for b in per_zone)
    assert (
        f"pool default: {pool.nodes} x {pool.instance_type} nodes, {pool.monthly_cost:,.2f} USD/mo"
        in next(g.text() for g in primary.groups if g.style == "k8s")
    )
    # Database: primary in zone a, Multi-AZ standby in zone b, the read replica in zone c.
    assert "us-east-1__us-east-1a__db__orders-db__primary" in boxes
    assert "us-east-1__us-east-1b__db__orders-db__standby" in boxes
    assert "us-east-1__us-east-1c__db__orders-db__replica-1" in boxes
    # The entrypoint load balancer, reached by users through the failover routing (the DR
    # region keeps an idle load balancer).
    assert "USD/mo: load balancer hours" in " ".join(boxes["us-east-1__lb__web"].money)
    assert dg.Link("users", "routing", "call") in scene.links
    assert dg.Link("routing", "us-east-1__lb__web", "call") in scene.links
    assert dg.Link("routing", "us-west-2__lb__web", "route-dormant", "on failover") in scene.links
    # Replication within the region says whether it is synchronous.
    standby = "us-east-1__us-east-1b__db__orders-db__standby"
    assert dg.Link("us-east-1__us-east-1a__db__orders-db__primary", standby, "sync", "sync") in (
        scene.links
    )
    # Edges from depends_on.
    assert dg.Link("us-east-1__svc__web", "us-east-1__svc__api", "call") in scene.links
    assert (
        dg.Link("us-east-1__svc__api", "us-east-1__us-east-1a__db__orders-db__primary", "call")
        in scene.links
    )


def test_pilot_light_runs_only_the_replica_and_leaves_compute_dormant(
    plans: dict[str, Plan],
) -> None:
    plan = plans["shop"]
    assert plan.dr.strategy == "pilot_light"
    boxes = _boxes(plan)
    replica = boxes["us-west-2__us-west-2a__db__orders-db__replica"]
    assert not replica.dormant and replica.lines[0].startswith("cross-region replica")
    assert boxes["us-west-2__svc__web"].dormant and boxes["us-west-2__svc__api"].dormant
    assert boxes["us-west-2__pool__default"].dormant
    assert boxes["us-west-2__lb__web"].title == "load balancer (idle)"
    links = {(x.tail, x.head): x for x in build_scene(plan).links if x.style != "layout"}
    gb = {i.resource: i.quantity for i in plan.cost.line_items if i.region == "us-east-1"}
    primary = "us-east-1__us-east-1a__db__orders-db__primary"
    # Labelled with the mode, the DR strategy and the monthly GB the cost model prices.
    replication = links[(primary, replica.id)]
    assert replication.style == "async"
    assert replication.label == f"async · pilot light\n{gb['dr-replication/orders-db']:,.0f} GB/mo"
    copies = links[(primary, "us-west-2__backup__orders-db")]
    assert copies.style == "copy"
    assert copies.label == f"copies · pilot light\n{gb['dr-backup/orders-db']:,.0f} GB/mo"


def test_backup_restore_keeps_only_copies() -> None:
    design = _with_dr(load_design(DESIGNS / "shop.yaml"), DRStrategy.backup_restore)
    boxes = _boxes(build_plan(design))
    assert boxes["us-west-2__us-west-2a__db__orders-db__restore"].dormant
    assert not boxes["us-west-2__backup__orders-db"].dormant
    assert "us-west-2__lb__web" not in boxes  # nothing provisioned: no idle load balancer
    running = [b for b in boxes.values() if b.id.startswith("us-west-2__") and not b.dormant]
    assert {b.id for b in running} == {"us-west-2__backup__orders-db", "us-west-2__backup__assets"}


def test_warm_standby_runs_scaled_down_compute() -> None:
    design = _with_dr(load_design(DESIGNS / "shop.yaml"), DRStrategy.warm_standby)
    plan = build_plan(design)
    boxes = _boxes(plan)
    assert boxes["us-west-2__svc__web"].lines[0] == "scaled down (warm)"
    warm_pools = [
        b for b in boxes.values() if b.id.startswith("us-west-2__us-west-2") and b.role == "node"
    ]
    warm_nodes = sum(int(b.lines[0].split(" x ")[0]) for b in warm_pools)
    assert 0 < warm_nodes < plan.node_pools[0].nodes


def test_active_active_draws_two_serving_regions(plans: dict[str, Plan]) -> None:
    plan = plans["payments"]
    scene = build_scene(plan)
    assert [g.style for g in scene.groups] == ["region", "region"]
    assert scene.groups[1].label == "us-west-2 · serving (active-active)"
    boxes = _boxes(plan)
    assert not any(b.dormant for b in boxes.values())
    assert "us-west-2__us-west-2a__db__ledger-db__primary" in boxes
    # A global routing layer in front of both regions: latency routing with health checks.
    assert boxes["routing"].title == "global routing · Route 53"
    assert boxes["routing"].lines[0] == "latency routing, health checks"
    assert dg.Link("users", "routing", "call") in scene.links
    assert dg.Link("routing", "us-east-1__lb__gateway", "call") in scene.links
    assert dg.Link("routing", "us-west-2__lb__gateway", "route") in scene.links
    east, west = (
        "us-east-1__us-east-1a__db__ledger-db__primary",
        "us-west-2__us-west-2a__db__ledger-db__primary",
    )
    link = next(x for x in scene.links if (x.tail, x.head) == (east, west) and x.style == "async")
    assert link.label.startswith("async · active active\n")


@pytest.mark.parametrize(("cloud", "k8s"), [("aws", "EKS"), ("gcp", "GKE"), ("azure", "AKS")])
def test_icons_follow_the_cloud(cloud: str, k8s: str) -> None:
    plan = build_plan(load_design(DESIGNS / "shop.yaml"), cloud=cloud)
    source = to_dot(build_scene(plan), plan)
    assert f'SRC="resources/{cloud}/' in source
    assert 'SRC="resources/k8s/compute/pod.png"' in source  # pods use Kubernetes icons
    assert f"Kubernetes ({k8s})" in source
    assert "resources/onprem/client/users.png" in source
    other = {"aws", "gcp", "azure"} - {cloud}
    assert not any(f"resources/{o}/" in source for o in other)


def _mixed() -> Design:
    """VMs, containers and a queue besides Kubernetes, with a warm standby."""
    return Design.model_validate(
        {
            "name": "mixed",
            "regions": ["us-east-1"],
            "zones": 2,
            "targets": {"availability": 99.9, "rto": "10m", "rpo": "1m"},
            "dr": {"strategy": "warm_standby"},
            "services": [
                {
                    "name": "web",
                    "kind": "stateless",
                    "entrypoint": True,
                    "platform": "vm",
                    "load": {"peak_rps": 200, "cpu_ms": 20},
                    "depends_on": ["api", "jobs"],
                },
                {
                    "name": "api",
                    "kind": "stateless",
                    "platform": "managed",
                    "load": {"peak_rps": 200, "cpu_ms": 20},
                    "depends_on": ["db"],
                },
                {"name": "jobs", "kind": "queue", "messages_million_month": 10},
                {
                    "name": "db",
                    "kind": "database",
                    "engine": "mysql",
                    "size": {"vcpu": 2, "memory_gib": 8, "storage_gib": 100},
                },
            ],
        }
    )


def test_mixed_platforms_and_kinds_render() -> None:
    design = _mixed()
    plan = build_plan(design)
    boxes = _boxes(plan)
    web = next(s for s in plan.services if s.name == "web")
    assert boxes["us-east-1__svc__web"].role == "vm"
    assert (
        boxes["us-east-1__svc__web"].lines[0]
        == f"{web.replicas} x {web.instance_class} over 2 zone(s)"
    )
    assert boxes["us-east-1__svc__api"].role == "containers"
    assert boxes["us-east-1__queue__jobs"].role == "queue"
    # Warm standby: the VM group runs in the DR region with fewer instances than the primary.
    warm = boxes["us-west-2__svc__web"].lines[0]
    assert warm.endswith("over 2 zone(s)") and 0 < int(warm.split(" x ")[0]) < web.replicas
    d = render_diagram(plan)
    assert d.svg.count("<use ") == len(boxes)


def test_renders_when_server_name_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # Voilà sets SERVER_NAME in the kernel; Graphviz then refuses to load icon files.
    monkeypatch.setenv("SERVER_NAME", "127.0.0.1")
    diagram = render_diagram(build_plan(load_design(DESIGNS / "startup.yaml")))
    assert diagram.svg.count("data:image/png;base64,") >= 1


# --- what runs where, read from the plan ------------------------------------------------------


def test_deployments_recover_the_planners_counts(plans: dict[str, Plan]) -> None:
    plan = plans["shop"]
    fleet = dg.deployments(plan)
    primary = fleet[plan.topology.primary_region]
    assert {name: r.count for name, r in primary.pools.items()} == {
        p.name: p.nodes for p in plan.node_pools
    }
    assert {name: r.monthly_cost for name, r in primary.pools.items()} == {
        p.name: p.monthly_cost for p in plan.node_pools
    }
    caches = {s.name: s.cache_nodes for s in plan.services if s.kind == "cache"}
    assert {name: r.count for name, r in primary.caches.items()} == caches
    assert primary.cost("kubernetes") is not None and primary.cost("dr-kubernetes") is None
    # Pilot light: the DR region runs the database replica and a standby control plane only.
    dr = fleet[plan.dr.dr_region]
    assert list(dr.named("dr-db")) == ["orders-db"] and not dr.pools
    assert dr.compute("web") is None and dr.compute("api") is None
    assert dr.cost("dr-kubernetes") is not None and dr.cost("kubernetes") is None
    assert sorted(dr.named("dr-backup")) == ["assets", "orders-db"]
    # The transfer that makes the copies is billed in the primary region.
    assert sorted(primary.named("dr-backup")) == ["assets", "orders-db"]
    assert list(primary.named("dr-replication")) == ["orders-db"]


def test_deployments_count_vm_and_container_replicas() -> None:
    plan = build_plan(_mixed())
    primary = dg.deployments(plan)[plan.topology.primary_region]
    outside_k8s = {
        s.name: s.replicas
        for s in plan.services
        if s.kind == "stateless" and s.platform in ("vm", "managed")
    }
    assert sorted(outside_k8s) == ["api", "web"]
    assert dict(primary.replicas) == outside_k8s


def test_a_long_chain_stacks_its_dr_region_with_one_link_and_keeps_it_below(tmp_path) -> None:
    # A stack link from the primary region to every box of a stacked DR region spans every
    # rank of a chain of calls; on a 500-service chain Graphviz took 40 s per run for them.
    # In a large drawing only the boxes nothing else holds down get one, and every DR box is
    # still below the primary region through ranking links.
    from benchmarks.synthetic import chain_yaml

    path = tmp_path / "chain.yaml"
    path.write_text(chain_yaml(60), encoding="utf-8")
    scene = build_scene(build_plan(load_design(path)))
    assert sum(1 for _ in scene.all_boxes()) > MAX_BOXES_WITH_EDGE_LABELS
    primary, dr = scene.groups[0], scene.groups[1]
    assert dr.style == "dr"
    upper = {b.id for b in _boxes_of(primary)}
    below: dict[str, set[str]] = {}
    for link in scene.links:
        if link.style not in ("sync", "async", "copy"):
            below.setdefault(link.tail, set()).add(link.head)
    reached, queue = set(upper), list(upper)
    while queue:
        for nxt in below.get(queue.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    dr_boxes = {b.id for b in _boxes_of(dr)}
    assert dr_boxes <= reached
    stacks = [link for link in scene.links if link.style == "stack"]
    assert len(stacks) <= 3, [link.head for link in stacks]


def _boxes_of(group: dg.Group) -> list[dg.Box]:
    return [*group.boxes, *(b for inner in group.groups for b in _boxes_of(inner))]
