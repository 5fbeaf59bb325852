"""The package as users install it (the quick in-suite check; scripts/wheel_check.py, CI's
wheel job, installs the wheel with each extras set): the wheel's contents and metadata, one
version source, and the core working without any extra's library, which here is blocked
from import rather than uninstalled."""

from __future__ import annotations

import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import devops_plan
from devops_plan.extras import EXTRAS

from .conftest import DESIGNS, ROOT

EXTRA_LIBRARIES = (*EXTRAS, "pyarrow", "jupyterlab")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("devops_plan-*.whl"))


def test_the_wheel_has_its_data_license_and_metadata(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "devops_plan/py.typed",
        "devops_plan/_data/designs/shop.yaml",
        "devops_plan/_data/pricing/aws.csv",
        "devops_plan/_notebooks/plan.ipynb",
        "devops_plan/templates/runbook/service.md.j2",
    ):
        assert needed in names, needed
    shipped = {
        "devops_plan/_data/" + p.relative_to(ROOT / "data").as_posix()
        for p in (ROOT / "data").rglob("*")
        if p.is_file()
    }
    assert shipped <= set(names), sorted(shipped - set(names))  # every table in data/ ships
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    raw = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("dist-info/METADATA")))
    meta = email.message_from_bytes(raw)
    assert meta["Version"] == devops_plan.__version__  # one version source
    assert "License :: OSI Approved :: Apache Software License" in meta.get_all("Classifier", [])
    core = [r for r in meta.get_all("Requires-Dist", []) if "extra ==" not in r]
    assert not [r for r in core if r.split(">")[0].split("[")[0].strip() in EXTRA_LIBRARIES]
    assert set(meta.get_all("Provides-Extra", [])) >= {"notebooks", "billing", "aws", "all"}


def test_the_license_is_apache_2() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "Apache-2.0"} and "version" in project["dynamic"]


# Run a CLI command with every extra's library made unimportable, as in a core install.
_BLOCKED = f"""
import sys
from importlib.abc import MetaPathFinder
class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {EXTRA_LIBRARIES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Block())
sys.argv = ['devops-plan', *sys.argv[1:]]
from devops_plan.cli import main
main()
"""


def core(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCKED, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_core_plans_diffs_and_exports_without_any_extra(tmp_path: Path) -> None:
    assert core("init", "acme", cwd=tmp_path).returncode == 0
    project = tmp_path / "acme"
    for args in (
        ("plan", "design.yaml"),
        ("plan", "design.yaml", "--format", "csv"),
        ("diff", "none", "design.yaml", "--format", "md"),
        ("export", "design.yaml", "--docs", "docs", "--date", "2026-01-01"),
        ("price", "aws", "m5.large"),
        ("config", "show"),
        ("validate", "--example", "payments"),
    ):
        done = core(*args, cwd=project)
        assert done.returncode == 0, (args, done.stderr)
    assert (project / "docs" / "kubernetes" / "shop" / "web.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("explore", "--example", "shop"), "notebooks"),
        (
            ("report", "--billing", str(ROOT / "data" / "billing" / "focus-sample.csv.gz")),
            "billing",
        ),
        (("notebook", "run", "plan", "--example", "shop", "--out", "out"), "notebooks"),
    ],
)
def test_a_command_whose_extra_is_missing_says_which(
    args: tuple[str, ...], extra: str, tmp_path: Path
) -> None:
    done = core(*args, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"pip install 'devops-plan[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_designs_ship_in_the_package_data() -> None:
    from devops_plan.examples import examples

    assert [e.name for e in examples()] == sorted(p.stem for p in DESIGNS.glob("*.yaml"))
