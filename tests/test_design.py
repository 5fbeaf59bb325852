"""Design files: the example loads; every kind of mistake is reported with its location."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from devops_plan import DesignError, load_design, parse_design
from devops_plan.design import MAX_DESIGN_BYTES, StatelessService

from .conftest import DESIGNS


def problems(text: str, name: str = "x.yaml") -> list[str]:
    with pytest.raises(DesignError) as info:
        parse_design(text, name)
    return [str(p) for p in info.value.problems]


def test_shop_example_loads_unchanged(shop_yaml: str) -> None:
    d = parse_design(shop_yaml, "shop.yaml")
    assert d.name == "shop"
    assert d.regions == ("us-east-1",)
    assert d.dr_region == "us-west-2"
    assert d.targets.rto == timedelta(hours=1)
    assert d.targets.rpo == timedelta(minutes=15)
    assert d.budget is not None and int(d.budget.monthly) == 14000
    assert [s.name for s in d.services] == ["web", "api", "orders-db", "sessions", "assets"]
    api = d.service("api")
    assert isinstance(api, StatelessService) and api.replica is not None and api.replica.cpu == 1
    assert d.entrypoints[0].name == "web"


@pytest.mark.parametrize("path", sorted(DESIGNS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_design_validates(path: Path) -> None:
    load_design(path)


def test_at_least_three_examples_including_single_zone_and_two_region() -> None:
    designs = [load_design(p) for p in DESIGNS.glob("*.yaml")]
    assert len(designs) >= 3
    assert any(d.zones == 1 for d in designs)
    assert any(len(d.regions) == 2 and d.targets.availability >= 99.99 for d in designs)


def test_negative_load_names_file_line_column_and_yaml_path(shop_yaml: str) -> None:
    text = shop_yaml.replace("peak_rps: 1500, cpu_ms: 45", "peak_rps: -5, cpu_ms: 45")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "peak_rps: -5" in s)
    col = text.splitlines()[line - 1].index("-5") + 1
    assert problems(text, "data/designs/x.yaml") == [
        f"data/designs/x.yaml:{line}:{col}: services[1].load.peak_rps: must be greater than 0 (got -5)"
    ]


def test_unknown_key_suggests_the_right_one(shop_yaml: str) -> None:
    text = shop_yaml.replace("replica: {cpu: 1", "replicsa: {cpu: 1")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "replicsa" in s)
    assert problems(text) == [
        f"x.yaml:{line}:5: services[1].replicsa: unknown key 'replicsa'; did you mean 'replica'?"
    ]


def test_unknown_top_level_key_lists_choices_when_nothing_is_close(shop_yaml: str) -> None:
    msgs = problems(shop_yaml + "zzz: 1\n")
    assert len(msgs) == 1
    assert "zzz: unknown key 'zzz'; expected one of:" in msgs[0]
    assert "services" in msgs[0]


def test_duplicate_service_names(shop_yaml: str) -> None:
    text = shop_yaml.replace("- name: sessions", "- name: api")
    text = text.replace("depends_on: [orders-db, sessions]", "depends_on: [orders-db]")
    first = next(i for i, s in enumerate(text.splitlines(), 1) if "- name: api" in s)
    second = [i for i, s in enumerate(text.splitlines(), 1) if "- name: api" in s][1]
    assert problems(text) == [
        f"x.yaml:{second}:11: services[3].name: duplicate service name 'api' (first at line {first})"
    ]


def test_depends_on_unknown_service(shop_yaml: str) -> None:
    text = shop_yaml.replace(
        "depends_on: [orders-db, sessions]", "depends_on: [orders-db, sesions]"
    )
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "sesions" in s)
    col = text.splitlines()[line - 1].index("sesions") + 1
    assert problems(text) == [
        f"x.yaml:{line}:{col}: services[1].depends_on[1]: unknown service 'sesions'; did you mean 'sessions'?"
    ]


def test_dependency_cycle_is_printed(shop_yaml: str) -> None:
    text = shop_yaml.replace(
        "    read_replicas: 1\n", "    read_replicas: 1\n    depends_on: [web]\n"
    )
    msgs = problems(text)
    assert len(msgs) == 1
    assert msgs[0].endswith("dependency cycle: api -> orders-db -> web -> api")


def test_region_unknown_to_the_cloud(shop_yaml: str) -> None:
    text = shop_yaml.replace("regions: [us-east-1]", "regions: [us-eest-1]")
    assert problems(text) == [
        "x.yaml:5:11: regions[0]: unknown aws region 'us-eest-1'; did you mean 'us-east-1'?"
    ]


def test_region_of_another_cloud(shop_yaml: str) -> None:
    text = shop_yaml.replace("cloud: aws", "cloud: gcp").replace("dr_region: us-west-2", "")
    msgs = problems(text)
    assert msgs == [
        "x.yaml:5:11: regions[0]: unknown gcp region 'us-east-1'; did you mean 'us-east1'?"
    ]


def test_zones_above_what_the_region_has(shop_yaml: str) -> None:
    text = (
        shop_yaml.replace("regions: [us-east-1]", "regions: [eu-west-1]")
        .replace("dr_region: us-west-2", "dr_region: eu-central-1")
        .replace("zones: 3 ", "zones: 5 ")
    )
    assert problems(text) == ["x.yaml:7:8: zones: 5 zones requested but aws eu-west-1 has 3"]


@pytest.mark.parametrize("field,value", [("rto", "soon"), ("rpo", "15 minutes"), ("rto", "-1h")])
def test_rto_rpo_that_do_not_parse(shop_yaml: str, field: str, value: str) -> None:
    old = "rto: 1h" if field == "rto" else "rpo: 15m"
    text = shop_yaml.replace(old, f"{field}: {value}")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith(f"{field}:"))
    assert problems(text) == [
        f"x.yaml:{line}:8: targets.{field}: expected a duration such as 30s, 15m, 1h or 1d (got {value!r})"
    ]


def test_no_entrypoint(shop_yaml: str) -> None:
    text = shop_yaml.replace("    entrypoint: true            # user traffic enters here\n", "")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("services:"))
    assert problems(text) == [
        f"x.yaml:{line + 1}:3: services: no service has entrypoint: true; mark the service user traffic enters"
    ]


def test_all_problems_are_reported_at_once(shop_yaml: str) -> None:
    text = (
        shop_yaml.replace("peak_rps: 1500, cpu_ms: 20", "peak_rps: 0, cpu_ms: 20")
        .replace("replica: {cpu: 1", "replicsa: {cpu: 1")
        .replace("regions: [us-east-1]", "regions: [us-east-9]")
    )
    msgs = problems(text)
    assert len(msgs) == 3
    lines = [int(m.split(":")[1]) for m in msgs]
    assert lines == sorted(lines)


def test_enum_error_suggests(shop_yaml: str) -> None:
    text = shop_yaml.replace("kind: cache", "kind: cahce")
    msgs = problems(text)
    assert len(msgs) == 1
    assert (
        "services[3].kind: must be one of stateless, database, cache, queue or object_storage; "
        in msgs[0]
    )
    assert "did you mean 'cache'? (got 'cahce')" in msgs[0]


def test_yaml_syntax_error_keeps_line_and_column() -> None:
    assert problems("name: x\nzones: a: b\n") == [
        "x.yaml:2:9: YAML syntax error: mapping values are not allowed here"
    ]
    assert problems("name: x\nregions: [a,\n") == [
        "x.yaml:3:1: YAML syntax error: expected the node content, but found '<stream end>'"
    ]


def test_duplicate_yaml_keys(shop_yaml: str) -> None:
    text = shop_yaml.replace("zones: 3 ", "zones: 3\nzones: 2 ")
    assert problems(text) == ["x.yaml:8:1: duplicate key 'zones'; each key may appear once"]


def test_empty_file() -> None:
    assert problems("") == [
        "x.yaml: file is empty; expected a mapping with name, regions and services"
    ]
    assert problems("# only a comment\n") == [
        "x.yaml: file is empty; expected a mapping with name, regions and services"
    ]


def test_list_at_top_level() -> None:
    assert problems("- a\n- b\n") == [
        "x.yaml:1:1: top level is a list; expected a mapping with name, regions and services"
    ]


def test_binary_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DesignError) as info:
        load_design(junk)
    assert str(info.value) == f"{junk}: is not a text file (it contains NUL bytes); expected YAML"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(DesignError, match=r"is not UTF-8 text \(bad byte at offset 9\)"):
        load_design(latin)


def test_fifty_megabyte_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.write(b"name: x\n")
        f.seek(50 * 1024 * 1024)
        f.write(b"\n")
    with pytest.raises(DesignError) as info:
        load_design(big)
    assert str(info.value) == (
        f"{big}: is larger than 512 KiB; expected a design file (YAML, at most 512 KiB)"
    )
    assert big.stat().st_size > MAX_DESIGN_BYTES


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DesignError, match="no such file"):
        load_design(tmp_path / "nope.yaml")
    with pytest.raises(DesignError, match="is a folder"):
        load_design(tmp_path)


def test_required_key_missing_points_at_parent(shop_yaml: str) -> None:
    text = shop_yaml.replace(
        "load: {peak_rps: 1500, cpu_ms: 45, memory_mib: 1024}", "load: {peak_rps: 1500}"
    )
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "load: {peak_rps: 1500}" in s)
    assert problems(text) == [f"x.yaml:{line}:11: services[1].load.cpu_ms: required key is missing"]


def test_design_is_frozen(shop_yaml: str) -> None:
    d = parse_design(shop_yaml)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen models
        d.zones = 2  # type: ignore[misc]


def test_nesting_too_deep_names_the_file_and_place() -> None:
    text = "name: x\nservices: " + "[" * 205 + "]" * 205 + "\n"
    assert problems(text) == ["x.yaml:2:75: nesting is deeper than 64 levels"]


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("availability: 99.95", "availability: true", "targets.availability", "a number"),
        ("zones: 3", "zones: true", "zones", "a whole number"),
        ("read_replicas: 1", "read_replicas: false", "services[2].read_replicas", "a whole number"),
        (
            "depends_on: [orders-db, sessions]",
            "depends_on: [orders-db, sessions]\n    calls: {orders-db: true}",
            "services[1].calls.orders-db",
            "a number",
        ),
    ],
)
@pytest.mark.parametrize("fast", [True, False])
def test_true_or_false_where_a_number_goes_is_an_error(
    shop_yaml: str, old: str, new: str, path: str, expected: str, fast: bool
) -> None:
    # pydantic reads true as 1: `availability: true` planned a 1% target without a word
    text = shop_yaml.replace(old, new, 1)
    assert text != shop_yaml
    word = new.rsplit(" ", 1)[-1].strip("}")
    with pytest.raises(DesignError) as info:
        parse_design(text, "x.yaml", fast=fast)
    [problem] = [str(p) for p in info.value.problems]
    assert (
        problem.startswith("x.yaml:") and f": {path}: must be {expected} (got '{word}')" in problem
    )


@pytest.mark.parametrize(("word", "shown"), [("1", "1"), ('"yes"', "'yes'")])
@pytest.mark.parametrize("fast", [False, True])
def test_an_entrypoint_that_is_not_true_or_false_is_named_where_it_is(
    shop_yaml: str, word: str, shown: str, fast: bool
) -> None:
    # The model read `entrypoint: 1` as true, the check as no entrypoint: the design was
    # refused with "no service has entrypoint: true", which names nothing to fix.
    text = shop_yaml.replace("entrypoint: true", f"entrypoint: {word}", 1)
    assert text != shop_yaml
    with pytest.raises(DesignError) as info:
        parse_design(text, "x.yaml", fast=fast)
    [problem] = [str(p) for p in info.value.problems]
    assert problem.endswith(f"services[0].entrypoint: must be true or false (got {shown})")
    assert problem.startswith("x.yaml:" if fast else "x.yaml:21:17: ")


def test_true_or_false_stays_fine_where_a_bool_goes(shop_yaml: str) -> None:
    text = shop_yaml.replace("read_replicas: 1", "read_replicas: 1\n    multi_az: false")
    db = next(s for s in parse_design(text).services if s.name == "orders-db")
    assert db.multi_az is False  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["namespace", "network-policies", "external-secrets"])
def test_a_service_named_as_a_file_export_writes_is_an_error(shop_yaml: str, name: str) -> None:
    # kubernetes/<design>/<service>.yaml: a service named `namespace` replaced the Namespace
    # object's file, `network-policies` lost its own manifest, without a word
    text = shop_yaml.replace("- name: api", f"- name: {name}").replace("[api]", f"[{name}]")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if f"- name: {name}" in s)
    assert problems(text) == [
        f"x.yaml:{line}:11: services[1].name: {name!r} is a file export writes beside the "
        f"services' manifests (kubernetes/<design>/{name}.yaml); choose another name"
    ]


def test_a_service_named_as_another_services_strategy_deployment_is_an_error(
    shop_yaml: str,
) -> None:
    # web's blue-green deploy adds the Deployments web-blue and web-green: a service of that
    # name made two Deployments of one name in the namespace
    text = (
        shop_yaml.replace(
            "    depends_on: [api]\n",
            "    depends_on: [api]\n    deploy: {strategy: blue_green}\n",
            1,
        )
        .replace("- name: api", "- name: web-green")
        .replace("[api]", "[web-green]")
    )
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "- name: web-green" in s)
    assert problems(text) == [
        f"x.yaml:{line}:11: services[1].name: 'web-green' is the Deployment web's blue_green "
        "deploy adds; choose another name"
    ]
    rolling = text.replace("    deploy: {strategy: blue_green}\n", "")
    assert parse_design(rolling).services[1].name == "web-green"
