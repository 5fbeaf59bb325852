"""Validation knows what planning needs: engines, node families and types, storage classes are
checked against the cloud's catalog with a location and a suggestion; `--cloud X` maps node
families to their equivalents on X (data/families.yaml) and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from devops_plan import build_plan, load_catalog, parse_design
from devops_plan.cli import app
from devops_plan.defaults import family_groups
from devops_plan.design.vocabulary import Vocabulary
from devops_plan.engine.families import map_node_types
from devops_plan.engine.vocabulary import shipped_vocabulary, vocabulary_of
from devops_plan.errors import DesignError

from .conftest import DESIGNS

STARTUP = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")
CLOUDS = ("aws", "gcp", "azure")


def _problems(text: str) -> list[str]:
    with pytest.raises(DesignError) as exc:
        parse_design(text, "d.yaml", vocabulary=shipped_vocabulary)
    return [str(p) for p in exc.value.problems]


def test_engine_postgresql_is_rejected_with_its_location_and_a_suggestion() -> None:
    text = STARTUP.replace("engine: postgres\n", "engine: postgresql\n")
    line = text.splitlines().index("    engine: postgresql") + 1
    assert _problems(text) == [
        f"d.yaml:{line}:13: services[1].engine: unknown aws database engine 'postgresql' "
        "(the catalog has aurora-dsql, aurora-postgresql, mysql, postgres); "
        "did you mean 'postgres'?"
    ]


def test_without_a_vocabulary_the_design_file_alone_is_checked() -> None:
    text = STARTUP.replace("engine: postgres\n", "engine: postgresql\n")
    assert parse_design(text, "d.yaml").services[1].engine == "postgresql"  # type: ignore[union-attr]


def test_node_types_cache_engine_and_storage_class_are_checked() -> None:
    text = STARTUP.replace(
        "  platform: kubernetes\n", "  platform: kubernetes\n  node_types: [m6, c6g.larg, m6i]\n"
    ).replace("kind: object_storage\n", "kind: object_storage\n    storage_class: glacier\n")
    text += "  - name: cache\n    kind: cache\n    engine: memcache\n    size: {memory_gib: 1}\n"
    problems = _problems(text)
    assert len(problems) == 4, problems
    assert "defaults.node_types[0]: unknown aws instance family or type 'm6'" in problems[0]
    assert problems[0].endswith("did you mean 'm6i'?")
    assert problems[1].endswith("did you mean 'c6g.large'?")
    assert "services[2].storage_class: unknown aws object storage class 'glacier'" in problems[2]
    assert "(the catalog has archive, standard, standard_ia)" in problems[2]
    assert (
        "services[3].engine: unknown aws cache engine 'memcache' (the catalog has redis)"
        in (problems[3])
    )


def test_every_shipped_design_passes_the_catalog_checks() -> None:
    for path in sorted(DESIGNS.glob("*.yaml")):
        parse_design(path.read_text(encoding="utf-8"), str(path), vocabulary=shipped_vocabulary)


def test_cli_validate_exits_2_with_the_located_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(STARTUP.replace("engine: postgres\n", "engine: postgresql\n"))
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "services[1].engine: unknown aws database engine 'postgresql'" in result.output
    assert "Traceback" not in result.output


def test_vocabulary_is_what_the_catalog_prices() -> None:
    vocab = vocabulary_of(load_catalog("gcp"))
    assert isinstance(vocab, Vocabulary)
    assert {"postgres", "mysql"} <= vocab.database_engines
    assert "n2" in vocab.node_families and "n2-standard-4" in vocab.instance_types


# --- families across clouds -------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_catalog_family_is_filed_and_every_first_choice_is_current(cloud: str) -> None:
    catalog = load_catalog(cloud)
    compute = [p for p in catalog.rows if p.category == "compute" and p.family]
    filed = {f for g in family_groups() for f in g.families[cloud]}
    assert {p.family for p in compute} <= filed
    arch = {p.family: p.arch for p in compute}
    current = {p.family for p in compute if p.generation == "current"}
    for g in family_groups():
        first = g.families[cloud][0]
        assert first in current, (g.klass, g.arch, cloud, first)
        # Same architecture, so the same images run (every group has one on every cloud).
        assert arch[first] == g.arch, (g.klass, g.arch, cloud, first)


def test_families_map_by_class_and_architecture() -> None:
    aws, gcp = load_catalog("aws"), load_catalog("gcp")
    assert map_node_types(("m6i", "r6g.large"), aws, "azure").node_types == ("Dsv5", "Epsv5")
    # GCP's N2 sells high-CPU, standard and high-memory shapes: all three AWS classes.
    assert map_node_types(("n2",), gcp, "aws").node_types == ("m6i", "c6i", "r6i")


def test_plan_on_another_cloud_maps_the_design_s_node_families() -> None:
    text = STARTUP.replace(
        "  platform: kubernetes\n", "  platform: kubernetes\n  node_types: [c6i]\n"
    )
    design = parse_design(text, "d.yaml")
    plan = build_plan(design, cloud="gcp")
    # c6i (AWS compute optimized, x86_64) -> n2 on GCP; the pool is an N2 machine type.
    assert [p.instance_type.split("-")[0] for p in plan.node_pools] == ["n2"]
    assert any(
        w.startswith("defaults.node_types mapped from aws to gcp") and "c6i -> n2" in w
        for w in plan.warnings
    )
    # Planned on its own cloud, nothing is mapped.
    assert not any("mapped from" in w for w in build_plan(design).warnings)
