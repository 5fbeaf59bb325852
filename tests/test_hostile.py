"""The hostile-input suite: every generated case (tests/hostile_cases.py) runs as a process of
its own with a time limit and must end in exit 0 with a correct result, or exit 1 or 2 with
one line on stderr and no traceback, writing nothing outside its output folder (`out/`) and
leaving nothing in its temporary folder. The quick default runs a subset of the numbers;
`pytest -m slow` runs every case."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import runs
from .hostile_cases import Case, all_cases, make_special

TIME_LIMIT_S = 60
CASES = all_cases(quick=runs(1, 0) == 1)


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.hostile_runner"])
    return ctx


def _tree(folder: Path, skip: tuple[str, ...]) -> dict[str, bytes | str]:
    """Every entry below `folder` but the `skip` subfolders: file bytes, or what a link points to."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if rel.split("/")[0] in skip:
            continue
        if p.is_symlink():
            out[rel] = "-> " + str(p.readlink())
        elif p.is_file():
            stat = p.stat()  # a sparse 10 GiB case file: its size and head, not its bytes
            with p.open("rb") as handle:
                out[rel] = f"{stat.st_size} {stat.st_mtime_ns} ".encode() + handle.read(65536)
        else:
            out[rel] = "dir" if p.is_dir() else "special"
    return out


def _prepare(case: Case, folder: Path) -> None:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for name, kind in case.special.items():
        make_special(folder / name, kind, folder / "outside")
    for sub in ("tmp", "home"):
        (folder / sub).mkdir(exist_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    _prepare(case, folder)
    before = _tree(folder, ("out", "home", "tmp"))
    env = {
        "TMPDIR": str(folder / "tmp"),
        "HOME": str(folder / "home"),
        "MPLCONFIGDIR": str(folder / "home" / "mpl"),
        "XDG_CACHE_HOME": str(folder / "home" / "cache"),
        "COLUMNS": "200",
    }
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    proc = _context().Process(
        target=_run, args=(list(case.argv), str(folder), str(stdout), str(stderr), env)
    )
    proc.start()
    proc.join(TIME_LIMIT_S)
    hung = proc.is_alive()
    if hung:
        proc.kill()
        proc.join()
    err = stderr.read_text(encoding="utf-8", errors="replace")
    out = stdout.read_text(encoding="utf-8", errors="replace")
    assert not hung, f"{case.name}: still running after {TIME_LIMIT_S}s"
    assert "Traceback" not in err, err[-2000:]
    assert proc.exitcode in case.exits, (proc.exitcode, err[-2000:])
    if proc.exitcode == 0:
        if case.check is not None:
            case.check(folder, out)
    else:
        lines = err.strip().splitlines()
        inputs = tuple(f"{name}:" for name in (*case.files, *case.special))
        located = inputs and all(line.startswith(inputs) for line in lines)
        # One line, or a design's every problem, one located line each.
        assert lines and (len(lines) == 1 or located or not case.one_line), err[-2000:]
        assert all(len(line) < 1000 for line in lines)
        assert "\x1b" not in err and "\u202e" not in err
    assert _tree(folder, ("out", "home", "tmp")) == before, "wrote outside its output folder"
    assert list((folder / "tmp").iterdir()) == [], "left files in its temporary folder"
    shutil.rmtree(folder, ignore_errors=True)


def _run(argv: list[str], cwd: str, stdout: str, stderr: str, env: dict[str, str]) -> None:
    from .hostile_runner import run_cli

    run_cli(argv, cwd, stdout, stderr, env)
