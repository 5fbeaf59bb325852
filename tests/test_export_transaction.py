"""An export is a transaction on its docs folder: one export at a time (a lock), a journal that
lets the next run finish or undo an export killed at any point (the renames included), record
numbers of any width, no symbolic link followed out of the folder, hand-written front matter
read with the design limits. Exports are killed (SIGKILL) at random points and at every rename,
a few hundred times, and the folder is always exactly its old state or its new one, with
consistent supersede links."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from devops_plan import build_plan
from devops_plan import export as ex
from devops_plan.cli import app
from devops_plan.design import Design, DRStrategy, load_design
from devops_plan.errors import UserError
from devops_plan.export import guard, journal, writing
from devops_plan.plan import Plan
from devops_plan.render import adr

from .conftest import DESIGNS, runs

SHOP = load_design(DESIGNS / "shop.yaml")
WARM = SHOP.model_copy(
    update={"dr": SHOP.dr.model_copy(update={"strategy": DRStrategy.warm_standby})}
)
STARTUP = load_design(DESIGNS / "startup.yaml")
PLANS: dict[str, tuple[Plan, Design]] = {
    "shop": (build_plan(SHOP), SHOP),
    "warm": (build_plan(WARM), WARM),
    "startup": (build_plan(STARTUP), STARTUP),
}


def fake_diagram(plan: Plan) -> dict[str, str | bytes]:
    total = f"{plan.cost.monthly_total}"
    return {f"{plan.design}.svg": f"<svg>{total}</svg>\n", f"{plan.design}.png": total.encode()}


def export(name: str, docs: Path, **kw: Any) -> ex.ExportResult:
    plan, design = PLANS[name]
    return ex.export_docs(plan, design, docs, render_diagram=fake_diagram, extra={}, **kw)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def supersede_problems(docs: Path) -> list[str]:
    """Every `superseded by` link answered by a `Supersedes` link, and the other way round."""
    records = {
        p.name: adr.parse_record(p.name, p.read_text()) for p in (docs / "adr").glob("[0-9]*.md")
    }
    problems = []
    for r in records.values():
        m = re.search(r"\[ADR-(\d+)\]\(([^)]+)\)", r.status) if r.superseded else None
        if m is not None:
            newer = records.get(m.group(2))
            back = f"Supersedes [ADR-{r.number:04d}]({r.filename})"
            if newer is None or back not in newer.body:
                problems.append(f"{r.filename} says {r.status} without the link back")
        for old in re.findall(r"Supersedes \[ADR-\d+\]\(([^)]+)\)", r.body):
            if old not in records or f"({r.filename})" not in records[old].status:
                problems.append(f"{r.filename} supersedes {old}, which does not say so")
    return problems


# --- numbering, links, limits, lock -------------------------------------------------------------


def test_record_numbers_grow_past_four_digits(tmp_path: Path) -> None:
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "9999-by-hand.md").write_text("# By hand\n\n## Status\n\nAccepted\n")
    result = export("startup", tmp_path)
    created = sorted(c.path for c in result.changes if c.action == "create" and "/1" in c.path)
    assert created[0].startswith("adr/10000-startup-")
    index = (tmp_path / "adr" / "README.md").read_text()
    assert "[10000](10000-startup-" in index and "[9999](9999-by-hand.md)" in index
    again = export("startup", tmp_path)
    assert again.written == ()


@pytest.mark.parametrize("what", ["folder", "file", "adr-folder", "record"])
def test_a_symbolic_link_is_never_followed_out_of_the_folder(tmp_path: Path, what: str) -> None:
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    outside.mkdir()
    export("shop", docs)
    before = files(docs)
    if what == "folder":
        shutil.rmtree(docs / "diagrams")
        link = docs / "diagrams"
        link.symlink_to(outside, target_is_directory=True)
    elif what == "file":
        link = docs / "diagrams" / "shop.svg"
        link.unlink()
        (outside / "victim.svg").write_text("mine")
        link.symlink_to(outside / "victim.svg")
    elif what == "adr-folder":
        shutil.move(docs / "adr", outside / "adr")
        link = docs / "adr"
        link.symlink_to(outside / "adr", target_is_directory=True)
    else:
        link = docs / "adr" / "0099-elsewhere.md"
        (outside / "secret.md").write_text("# Secret\n")
        link.symlink_to(outside / "secret.md")
    outside_before = files(outside)
    with pytest.raises(UserError) as info:
        export("warm", docs)
    message = str(info.value)
    assert "\n" not in message and str(link) in message and "symbolic link" in message
    assert files(outside) == outside_before
    assert {k: v for k, v in files(docs).items() if not k.startswith(("diagrams", "adr"))} == {
        k: v for k, v in before.items() if not k.startswith(("diagrams", "adr"))
    }


def test_the_cli_names_the_link_in_one_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "diagrams").symlink_to(tmp_path, target_is_directory=True)
    result = CliRunner().invoke(app, ["export", str(DESIGNS / "startup.yaml"), "--docs", str(docs)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"{docs / 'diagrams'}: is a symbolic link (to {tmp_path}); export does not follow links "
        f"out of {docs}: replace it with a real folder or file"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_front_matter_bombs_and_special_files_do_not_hang(tmp_path: Path) -> None:
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefg", "bcdefgh", strict=True)
    ]
    bomb += ["status: *h", "---", "", "# Bomb", ""]
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "0007-bomb.md").write_text("\n".join(bomb))
    started = time.monotonic()
    export("startup", tmp_path)
    assert time.monotonic() - started < 30
    assert (tmp_path / "adr" / "0007-bomb.md").read_text() == "\n".join(bomb)  # kept as written
    os.mkfifo(tmp_path / "adr" / "0008-pipe.md")
    with pytest.raises(UserError, match=r"0008-pipe.md: is a named pipe \(FIFO\)"):
        export("startup", tmp_path)


def test_a_second_export_waits_for_the_lock_then_gives_up_in_one_line(tmp_path: Path) -> None:
    export("startup", tmp_path)
    with guard.locked(tmp_path):
        started = time.monotonic()
        with pytest.raises(UserError) as info:
            export("shop", tmp_path, lock_timeout_s=0.3)
        assert 0.3 <= time.monotonic() - started < 5
    assert str(info.value) == (
        f"{tmp_path}: another export is writing into this folder; waited 0.3s for it to "
        "finish (try again when it has)"
    )
    export("shop", tmp_path)  # free again


def test_a_stale_journal_is_finished_and_old_strays_are_swept(tmp_path: Path) -> None:
    export("shop", tmp_path)
    (tmp_path / "adr" / ".README.md.0123456789ab.bak").write_text("old")
    (tmp_path / "diagrams" / ".shop.svg.a1b2c3d4.tmp").write_text("half")
    (tmp_path / "adr" / ".notes.bak").write_text("a person's own file")
    export("warm", tmp_path)
    left = {p.name for p in tmp_path.rglob(".*") if p.is_file()}
    assert left == {".devops-plan-manifest.json", ".notes.bak"}


def test_a_damaged_journal_is_one_line(tmp_path: Path) -> None:
    export("shop", tmp_path)
    (tmp_path / journal.JOURNAL).write_text(
        '{"phase": "prepared", "entries": [{"target": "../x"}]}'
    )
    with pytest.raises(UserError, match="not a devops-plan journal"):
        export("shop", tmp_path)
    (tmp_path / journal.JOURNAL).write_text(
        '{"phase": "prepared", "made_dirs": [], "entries": '
        '[{"target": "../../etc/x", "staged": "a", "backup": null}]}'
    )
    with pytest.raises(UserError, match=r"names '\.\./\.\./etc/x', not a path inside"):
        export("shop", tmp_path)


def test_dry_run_refuses_while_a_journal_is_pending(tmp_path: Path) -> None:
    export("shop", tmp_path)
    (tmp_path / journal.JOURNAL).write_text('{"phase": "staging", "entries": [], "made_dirs": []}')
    with pytest.raises(UserError, match="run export without --dry-run"):
        export("warm", tmp_path, dry_run=True)
    assert ex.repair(tmp_path) == ["undid an interrupted export (0 file(s))"]
    assert export("warm", tmp_path, dry_run=True).dry_run


# --- killed exports -------------------------------------------------------------------------------


def _killer(n: int) -> Any:
    calls = {"n": 0}

    def move(src: str | Path, dst: str | Path) -> None:
        calls["n"] += 1
        if calls["n"] == n:
            os.kill(os.getpid(), 9)
        os.replace(src, dst)

    return move


def _child(docs: str, name: str, kill_at_rename: int) -> None:
    """Runs in a forked process: one export, optionally killing itself at the n-th rename."""
    if kill_at_rename:
        writing.move_into_place = _killer(kill_at_rename)
    export(name, Path(docs))


def _repair_child(docs: str) -> None:
    ex.repair(docs)


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


@pytest.fixture(scope="module")
def states(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    base = tmp_path_factory.mktemp("states")
    old = base / "old"
    export("shop", old)
    (old / "adr" / "0099-by-hand.md").write_text("# Kept\n\n## Status\n\nAccepted\n")
    new = base / "new"
    shutil.copytree(old, new)
    result = export("warm", new)
    assert {c.action for c in result.changes} >= {"create", "update", "supersede"}
    assert supersede_problems(new) == []
    return old, files(old), files(new)


def _check(docs: Path, old: Mapping[str, bytes], new: Mapping[str, bytes], what: str) -> None:
    ex.repair(docs)
    now = files(docs)
    assert now in (old, new), (
        what,
        sorted(set(now) ^ set(old)),
        sorted(set(now) ^ set(new)),
    )
    assert supersede_problems(docs) == [], what


@pytest.mark.slow
def test_exports_killed_at_every_rename_end_old_or_new(states: Any, tmp_path: Path) -> None:
    pristine, old, new = states
    ctx = _context()
    renames = sum(1 for k in new if old.get(k) != new[k]) + 1  # + the manifest may change
    outcomes = set()
    for n in range(1, renames + 2):
        docs = tmp_path / f"r{n}"
        shutil.copytree(pristine, docs)
        proc = ctx.Process(target=_child, args=(str(docs), "warm", n))
        proc.start()
        proc.join(60)
        _check(docs, old, new, f"killed at rename {n} (exit {proc.exitcode})")
        outcomes.add("new" if files(docs) == new else "old")
    assert outcomes == {"new"}  # every file was staged before the first rename: rolled forward


@pytest.mark.slow
def test_exports_killed_at_random_points_end_old_or_new(states: Any, tmp_path: Path) -> None:
    pristine, old, new = states
    ctx = _context()
    started = time.monotonic()
    timing = tmp_path / "timing"
    shutil.copytree(pristine, timing)
    proc = ctx.Process(target=_child, args=(str(timing), "warm", 0))
    proc.start()
    proc.join(60)
    whole = time.monotonic() - started
    rng = random.Random(2026)
    outcomes = {"old": 0, "new": 0}
    # Kills land at random points of a window that follows how long an export takes now: on a
    # busy machine one timing run says little, so a kill that found the export unfinished
    # widens the window and one that came after it narrows it, keeping kills on both sides.
    scale = 1.2
    for i in range(runs(80, 1000)):
        docs = tmp_path / f"k{i}"
        shutil.copytree(pristine, docs)
        proc = ctx.Process(target=_child, args=(str(docs), "warm", 0))
        proc.start()
        time.sleep(rng.uniform(0, whole * scale))
        proc.kill()
        proc.join(60)
        if i % 5 == 0:  # sometimes the repair itself is killed too
            fixer = ctx.Process(target=_repair_child, args=(str(docs),))
            fixer.start()
            time.sleep(rng.uniform(0, 0.02))
            fixer.kill()
            fixer.join(60)
        _check(docs, old, new, f"kill {i}")
        ended = "new" if files(docs) == new else "old"
        outcomes[ended] += 1
        scale = max(0.5, scale * 0.9) if ended == "new" else min(20.0, scale * 1.1)
        shutil.rmtree(docs)
    assert outcomes["old"] and outcomes["new"], outcomes  # the kills landed on both sides


@pytest.mark.slow
def test_concurrent_exports_never_interleave(tmp_path: Path) -> None:
    ctx = _context()
    for round_ in range(runs(4, 20)):
        docs = tmp_path / f"c{round_}"
        docs.mkdir()
        procs = [
            ctx.Process(target=_child, args=(str(docs), name, 0)) for name in ("shop", "startup")
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        numbers = [int(p.name[:4]) for p in (docs / "adr").glob("[0-9]*.md")]
        assert sorted(numbers) == list(range(1, 13)), sorted(numbers)  # 6 shop + 6 startup
        index = (docs / "adr" / "README.md").read_text()
        assert all(f"[{n:04d}]" in index for n in numbers)
        assert {p.name for p in docs.rglob(".*") if p.is_file()} == {".devops-plan-manifest.json"}
