"""`devops-plan export`: numbering, idempotence, people's edits kept, superseding, the manifest
for other artefacts, producers, all-or-nothing writes, dry runs, and the CLI."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import types
from collections.abc import Mapping
from decimal import Decimal
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devops_plan import build_plan
from devops_plan import export as ex
from devops_plan.cli import app
from devops_plan.design import Budget, Design, DRStrategy, load_design
from devops_plan.errors import ExternalError, UserError
from devops_plan.export import decide, writing
from devops_plan.plan import Plan
from devops_plan.render import adr

from .conftest import DESIGNS

SHOP_RECORDS = [
    "0001-shop-compute-platform-and-node-instance-types.md",
    "0002-shop-high-availability-zones-and-regions.md",
    "0003-shop-database-deployment-for-orders-db.md",
    "0004-shop-disaster-recovery-strategy.md",
    "0005-shop-purchase-option-for-compute.md",
    "0006-shop-security-baseline.md",
]


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design(DESIGNS / "shop.yaml")


@pytest.fixture(scope="module")
def plan(design: Design) -> Plan:
    return build_plan(design)


@pytest.fixture(autouse=True)
def no_producers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Other modules' artefacts are tested by their owners; here only the ones a test adds.
    monkeypatch.setattr(decide, "producers", lambda settings=None: {})


def fake_diagram(plan: Plan) -> dict[str, str | bytes]:
    """A stand-in for Graphviz: deterministic bytes that change with the plan."""
    total = f"{plan.cost.monthly_total}"
    return {
        f"{plan.design}.svg": f"<svg>{total}</svg>\n",
        f"{plan.design}.png": total.encode(),
        f"{plan.design}.dot": "digraph {}\n",
    }


def run(plan: Plan, design: Design, docs: Path, **kw: object) -> ex.ExportResult:
    kw.setdefault("render_diagram", fake_diagram)
    return ex.export_docs(plan, design, docs, **kw)  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder`: bytes and mtime in ns; folders too (as empty bytes)."""
    out: dict[str, tuple[bytes, int]] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = (
            p.read_bytes() if p.is_file() else b"",
            p.stat().st_mtime_ns if p.is_file() else 0,
        )
    return out


def with_dr(design: Design, strategy: DRStrategy) -> Design:
    return design.model_copy(update={"dr": design.dr.model_copy(update={"strategy": strategy})})


# --- first export, numbering, idempotence ---------------------------------------------------


def test_first_export_writes_records_index_diagram_and_manifest(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    result = run(plan, design, docs)
    expected = [f"adr/{n}" for n in SHOP_RECORDS] + [
        "adr/README.md",
        "diagrams/shop.dot",
        "diagrams/shop.png",
        "diagrams/shop.svg",
        ".devops-plan-manifest.json",
    ]
    assert list(result.written) == expected
    assert sorted(snapshot(docs)) == sorted([*expected, "adr", "diagrams"])
    index = (docs / "adr/README.md").read_text()
    for name in SHOP_RECORDS:
        assert f"[{name[:4]}]({name})" in index
    manifest = json.loads((docs / ex.MANIFEST).read_text())["files"]
    assert sorted(manifest) == [
        "adr/README.md",
        "diagrams/shop.dot",
        "diagrams/shop.png",
        "diagrams/shop.svg",
    ]
    assert manifest["diagrams/shop.svg"] == ex.sha256((docs / "diagrams/shop.svg").read_bytes())
    assert not [
        p for p in docs.rglob(".*") if p.name != ex.MANIFEST
    ]  # no temp or backup files left


def test_second_export_changes_nothing(plan: Plan, design: Design, tmp_path: Path) -> None:
    run(plan, design, tmp_path)
    before = snapshot(tmp_path)
    result = run(plan, design, tmp_path)
    assert result.written == ()
    assert {c.action for c in result.changes} == {"unchanged"}
    assert snapshot(tmp_path) == before  # same bytes, same mtimes


def test_real_diagram_export_is_idempotent(plan: Plan, design: Design, tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed")
    ex.export_docs(plan, design, tmp_path)
    before = snapshot(tmp_path)
    assert ex.export_docs(plan, design, tmp_path).written == ()
    assert snapshot(tmp_path) == before
    svg = (tmp_path / "diagrams/shop.svg").read_text()
    assert "data:image/png;base64," in svg and "file:" not in svg


def test_numbering_continues_after_existing_records(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-record-architecture-decisions.md").write_text(
        "# 1. Record architecture decisions\n\nDate: 2024-01-05\n\n## Status\n\nAccepted\n"
    )
    (folder / "0012-use-postgres.md").write_text(
        "---\nstatus: accepted\ndate: 2024-06-01\n---\n\n# Use Postgres\n"
    )
    (folder / "notes.md").write_text("not a record\n")
    result = run(plan, design, tmp_path)
    created = [
        c.path for c in result.changes if c.action == "create" and c.path.startswith("adr/0")
    ]
    assert [p.split("/")[1][:4] for p in created] == [
        "0013",
        "0014",
        "0015",
        "0016",
        "0017",
        "0018",
    ]
    index = (folder / "README.md").read_text()
    assert (
        "| [0001](0001-record-architecture-decisions.md) | 1. Record architecture decisions | Accepted | 2024-01-05 |"
        in index
    )
    assert "| [0012](0012-use-postgres.md) | Use Postgres | accepted | 2024-06-01 |" in index
    assert index.index("[0012]") < index.index("[0013]")
    assert (folder / "notes.md").read_text() == "not a record\n"


# --- people's edits are kept ------------------------------------------------------------------


def test_accepted_and_edited_records_are_never_overwritten(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    run(plan, design, tmp_path)
    accepted = tmp_path / "adr" / SHOP_RECORDS[0]
    edited = tmp_path / "adr" / SHOP_RECORDS[1]
    accepted.write_text(accepted.read_text().replace("status: proposed", "status: accepted"))
    edited.write_text(edited.read_text() + "\nWe also asked the DBA team.\n")
    kept = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (accepted, edited)}
    # A new budget changes every record's figures but none of the choices.
    cheaper = design.model_copy(update={"budget": Budget(monthly=Decimal(5000))})
    result = run(build_plan(cheaper), cheaper, tmp_path)
    actions = {c.path: (c.action, c.reason) for c in result.changes}
    assert actions[f"adr/{SHOP_RECORDS[0]}"] == (
        "keep",
        "status is accepted; the plan's figures changed",
    )
    assert actions[f"adr/{SHOP_RECORDS[1]}"] == (
        "keep",
        "edited by hand; the plan's figures changed",
    )
    for p, (data, mtime) in kept.items():
        assert (p.read_bytes(), p.stat().st_mtime_ns) == (data, mtime)
    # An untouched draft with the same choice is refreshed in place, keeping its number.
    assert actions[f"adr/{SHOP_RECORDS[2]}"][0] == "update"
    refreshed = adr.parse_record(SHOP_RECORDS[2], (tmp_path / "adr" / SHOP_RECORDS[2]).read_text())
    assert "over the budget of 5,000.00 USD" in refreshed.body and not refreshed.edited
    assert not [c for c in result.changes if c.action == "create" and c.path.startswith("adr/0")]


def test_edited_or_foreign_tracked_files_are_kept(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "README.md").write_text("# Our decisions\n\nWritten by hand.\n")
    result = run(plan, design, tmp_path)
    assert ("adr/README.md", "keep", "not written by devops-plan") in {
        (c.path, c.action, c.reason) for c in result.changes
    }
    assert (tmp_path / "adr" / "README.md").read_text() == "# Our decisions\n\nWritten by hand.\n"
    svg = tmp_path / "diagrams/shop.svg"
    svg.write_text("<svg>annotated by hand</svg>\n")
    other = with_dr(design, DRStrategy.warm_standby)
    result = run(build_plan(other), other, tmp_path)
    assert ("diagrams/shop.svg", "keep", "edited by hand since devops-plan wrote it") in {
        (c.path, c.action, c.reason) for c in result.changes
    }
    assert svg.read_text() == "<svg>annotated by hand</svg>\n"
    assert ("diagrams/shop.png", "update") in {(c.path, c.action) for c in result.changes}
    manifest = json.loads((tmp_path / ex.MANIFEST).read_text())["files"]
    assert manifest["diagrams/shop.png"] == ex.sha256((tmp_path / "diagrams/shop.png").read_bytes())
    assert "adr/README.md" not in manifest


# --- superseding --------------------------------------------------------------------------------


def test_a_changed_decision_supersedes_the_old_record(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    run(plan, design, tmp_path)
    old = tmp_path / "adr" / SHOP_RECORDS[3]  # dr-strategy: pilot light
    old.write_text(old.read_text().replace("status: proposed", "status: accepted"))
    old_text = old.read_text()
    warm = with_dr(design, DRStrategy.warm_standby)
    result = run(build_plan(warm), warm, tmp_path)
    new_name = "0007-shop-disaster-recovery-strategy.md"
    assert (f"adr/{new_name}", "create") in {(c.path, c.action) for c in result.changes}
    # The old record: only its status line changed, to a link to its successor.
    new_old = old.read_text()
    changed = [
        (a, b) for a, b in zip(old_text.splitlines(), new_old.splitlines(), strict=True) if a != b
    ]
    assert changed == [("status: accepted", f'status: "superseded by [ADR-0007]({new_name})"')]
    new = adr.parse_record(new_name, (tmp_path / "adr" / new_name).read_text())
    assert new.status == "proposed" and new.chosen == "warm standby"
    assert f"Supersedes [ADR-0004]({SHOP_RECORDS[3]})" in new.body
    index = (tmp_path / "adr/README.md").read_text()
    assert (
        f"| [0004]({SHOP_RECORDS[3]}) | shop: Disaster recovery strategy | superseded by [ADR-0007]({new_name}) |"
        in index
    )
    # Running again with the same plan: nothing more to do.
    before = snapshot(tmp_path)
    assert run(build_plan(warm), warm, tmp_path).written == ()
    assert snapshot(tmp_path) == before
    # Going back to pilot light supersedes the new record in turn; the old one stays as it is.
    result = run(plan, design, tmp_path)
    assert ("adr/0008-shop-disaster-recovery-strategy.md", "create") in {
        (c.path, c.action) for c in result.changes
    }
    assert old.read_text() == new_old


def test_dry_run_lists_changes_and_writes_nothing(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    result = run(plan, design, tmp_path / "docs", dry_run=True)
    assert result.dry_run and len(result.written) == 11
    assert not (tmp_path / "docs").exists()
    run(plan, design, tmp_path / "docs")
    before = snapshot(tmp_path)
    warm = with_dr(design, DRStrategy.warm_standby)
    result = run(build_plan(warm), warm, tmp_path / "docs", dry_run=True)
    assert ("adr/0004-shop-disaster-recovery-strategy.md", "supersede") in {
        (c.path, c.action) for c in result.changes
    }
    assert snapshot(tmp_path) == before


# --- all or nothing ---------------------------------------------------------------------------


class FailOn:
    """os.replace that raises on its n-th call (the n-th file moved into place)."""

    def __init__(self, n: int):
        self.n = n
        self.calls = 0

    def __call__(self, src: str | Path, dst: str | Path) -> None:
        self.calls += 1
        if self.calls == self.n:
            raise OSError(28, "No space left on device", str(dst))
        os.replace(src, dst)


def test_a_failure_half_way_leaves_an_empty_folder_empty(
    plan: Plan, design: Design, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "move_into_place", FailOn(2))
    with pytest.raises(ExternalError, match="left as it was"):
        run(plan, design, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("n", [2, 5, 9])
def test_a_failure_half_way_leaves_the_docs_as_they_were(
    plan: Plan, design: Design, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    run(plan, design, tmp_path)
    (tmp_path / "adr" / "0099-by-hand.md").write_text("# Kept\n\n## Status\n\nAccepted\n")
    before = snapshot(tmp_path)
    warm = with_dr(design, DRStrategy.warm_standby)
    fail = FailOn(n)
    monkeypatch.setattr(writing, "move_into_place", fail)
    with pytest.raises(ExternalError):
        run(build_plan(warm), warm, tmp_path)
    assert fail.calls == n  # it did get that far: earlier files had been replaced
    assert snapshot(tmp_path) == before  # ...and were put back, bytes and mtimes


def test_a_failure_while_staging_leaves_no_trace(
    plan: Plan, design: Design, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(plan, design, tmp_path)
    before = snapshot(tmp_path)
    real = os.fdopen
    calls = {"n": 0}

    def fdopen(fd: int, mode: str = "r") -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            os.close(fd)
            raise OSError(5, "Input/output error")
        return real(fd, mode)

    monkeypatch.setattr(os, "fdopen", fdopen)
    warm = with_dr(design, DRStrategy.warm_standby)
    with pytest.raises(ExternalError):
        run(build_plan(warm), warm, tmp_path)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before


# --- producers of other artefacts -------------------------------------------------------------


def k8s_artefacts(plan: Plan, design: Design) -> Mapping[str, str | bytes]:
    return {
        f"k8s/{plan.design}/{s.name}.yaml": f"replicas: {s.replicas}\n"
        for s in plan.services
        if s.kind == "stateless"
    }


def test_producer_artefacts_follow_the_same_rules(
    plan: Plan, design: Design, tmp_path: Path
) -> None:
    result = run(plan, design, tmp_path, extra={"k8s": k8s_artefacts})
    assert {"k8s/shop/web.yaml", "k8s/shop/api.yaml"} <= set(result.written)
    assert "k8s/shop/web.yaml" in json.loads((tmp_path / ex.MANIFEST).read_text())["files"]
    edited = tmp_path / "k8s/shop/web.yaml"
    edited.write_text("replicas: 3  # pinned by ops\n")
    before = snapshot(tmp_path)
    result = run(plan, design, tmp_path, extra={"k8s": k8s_artefacts})
    assert result.written == ()
    assert ("k8s/shop/web.yaml", "keep") in {(c.path, c.action) for c in result.changes}
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "bad", ["../outside.yaml", "/etc/x", "adr/0001-mine.md", ".devops-plan-manifest.json"]
)
def test_producer_paths_must_stay_inside_their_place(
    plan: Plan, design: Design, tmp_path: Path, bad: str
) -> None:
    with pytest.raises(ValueError, match="producer evil"):
        run(plan, design, tmp_path, extra={"evil": lambda p, d: {bad: "x"}})
    assert list(tmp_path.iterdir()) == []


def test_producer_modules_are_discovered_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real discovery, not the autouse stub
    module = types.ModuleType("devops_plan.render.slo")
    module.__spec__ = ModuleSpec("devops_plan.render.slo", None)
    module.artefacts = k8s_artefacts  # type: ignore[attr-defined]
    # The real producers first: a module first imported while the stand-in is in sys.modules
    # (runbook's `from . import slo`) would keep it after the test, for every later test.
    for name in ex.PRODUCERS:
        importlib.import_module(f"devops_plan.render.{name}")
    monkeypatch.setitem(sys.modules, "devops_plan.render.slo", module)
    found = ex.producers()
    assert found["slo"] is k8s_artefacts
    assert set(found) <= set(ex.PRODUCERS)


def test_a_corrupt_manifest_is_a_user_error(plan: Plan, design: Design, tmp_path: Path) -> None:
    (tmp_path / ex.MANIFEST).write_text("{not json")
    with pytest.raises(
        UserError, match=r"\.devops-plan-manifest\.json: not a devops-plan manifest"
    ):
        run(plan, design, tmp_path)


# --- the command line ---------------------------------------------------------------------------


def test_cli_export_dry_run_json_and_errors(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed")
    runner = CliRunner()
    shop = str(DESIGNS / "shop.yaml")
    docs = tmp_path / "docs"
    res = runner.invoke(app, ["export", shop, "--docs", str(docs), "--dry-run", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["dry_run"] is True and len(data["changes"]) == 11 and not docs.exists()
    res = runner.invoke(
        app,
        ["export", shop, "--docs", str(docs), "--date", "2025-03-04", "--decision-maker", "Ana"],
    )
    assert res.exit_code == 0, res.output
    first = (docs / "adr" / SHOP_RECORDS[0]).read_text()
    assert "\ndate: 2025-03-04\n" in first and '\ndecision-makers: ["Ana"]\n' in first
    assert (docs / "diagrams/shop.png").read_bytes().startswith(b"\x89PNG")
    res = runner.invoke(app, ["export", shop, "--docs", str(docs), "--json"])
    assert res.exit_code == 0 and {c["action"] for c in json.loads(res.stdout)["changes"]} == {
        "unchanged"
    }
    res = runner.invoke(app, ["export", shop, "--docs", str(docs), "--date", "tomorrow"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output and "Traceback" not in res.output
    res = runner.invoke(
        app, ["export", shop, "--docs", str(docs), "--templates", str(tmp_path / "nope")]
    )
    assert res.exit_code == 2 and "template folder not found" in res.output
    res = runner.invoke(app, ["export", str(tmp_path / "missing.yaml"), "--docs", str(docs)])
    assert res.exit_code == 2
