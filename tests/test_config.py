"""One configuration: devops-plan.toml (or [tool.devops-plan] in pyproject.toml) found from
the design's folder upwards, DEVOPS_PLAN_* variables over it, flags over both; every bad
value a located one-line error with exit 2; `config show` says where each value came from;
and the settings reach what is exported."""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from devops_plan.config import load_config, settings_options
from devops_plan.config.models import KubernetesSettings
from devops_plan.errors import ConfigError
from devops_plan.project import config_template

from .conftest import DESIGNS

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from devops_plan.cli import app

    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, toml: str, name: str = "devops-plan.toml") -> Path:
    """A project folder with `toml` at its root and shop.yaml two folders down."""
    (tmp_path / name).write_text(toml, encoding="utf-8")
    design = tmp_path / "designs" / "shop" / "shop.yaml"
    design.parent.mkdir(parents=True)
    shutil.copy(DESIGNS / "shop.yaml", design)
    return design


def test_found_upwards_and_layered_file_env_flags(tmp_path: Path) -> None:
    design = project(
        tmp_path,
        '[kubernetes]\nregistry = "ghcr.io/acme"\nnamespace = "shop-prod"\n'
        '[slo]\nrequests_metric = "istio_requests_total"\n',
    )
    config = load_config(design.parent, environ={})
    k = config.settings.kubernetes
    assert (k.registry, k.namespace) == ("ghcr.io/acme", "shop-prod")
    assert config.origin("kubernetes.registry").where == f"{tmp_path / 'devops-plan.toml'}:2:12"
    assert config.origin("kubernetes.image_tag").kind == "default"
    env = {
        "DEVOPS_PLAN_KUBERNETES_NAMESPACE": "from-env",
        "DEVOPS_PLAN_KUBERNETES_REGISTRY": "env.io",
    }
    config = load_config(design.parent, environ=env, flags={"kubernetes.registry": "flag.io"})
    k = config.settings.kubernetes
    assert (k.registry, k.namespace) == ("flag.io", "from-env")  # flag > env > file
    assert str(config.origin("kubernetes.registry")) == "flag --registry"
    assert str(config.origin("kubernetes.namespace")) == "env DEVOPS_PLAN_KUBERNETES_NAMESPACE"


def test_pyproject_table_and_catalog_relative_to_the_file(tmp_path: Path) -> None:
    design = project(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.devops-plan]\ncatalog = "prices"\n',
        "pyproject.toml",
    )
    config = load_config(design, environ={})
    assert config.settings.catalog == tmp_path / "prices"
    assert config.origin("catalog").where == f"{tmp_path / 'pyproject.toml'}:5:11"
    # A pyproject.toml without the table is passed over; defaults apply.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(design, environ={}).file is None


@pytest.mark.parametrize(
    ("toml", "where", "message"),
    [
        ('[kubernetes]\nnamespace = "Bad_NS"\n', ":2:13: kubernetes.namespace: ", "DNS label"),
        ("[slo]\nlatency_buckets = [0.1, -1]\n", ":2:19: slo.latency_buckets: ", "> 0"),
        ('[output]\nplan = "yaml"\n', ":2:8: output.plan: ", "expected one of table"),
        ('[kubernetes]\nregistry = "x/{team}"\n', ":2:12: kubernetes.registry: ", "{team}"),
        ('[kubernets]\nregistry = "x"\n', ":1:1: kubernets: ", "did you mean 'kubernetes'?"),
        (
            '[slo]\nrequest_metric = "x"\n',
            ":2:18: slo.request_metric: ",
            "expected one of requests_",
        ),
        ("catalog = 3\n", ":1:11: catalog: ", "expected a path (text) (got 3)"),
        ("[output]\nplan = 3\n", ":2:8: output.plan: ", "expected text (got 3)"),
        # pydantic reads true as 1 for a number: these were 1 without a word
        ("[reconcile]\ndrift_pct = true\n", ":2:13: reconcile.drift_pct: ", "a number, not true"),
        ("[slo]\nlatency_buckets = [true]\n", ":2:19: slo.latency_buckets: ", "a number, not"),
        ("[kubernetes]\nregistry = \n", ":2:12: not valid TOML: ", "Invalid value"),
    ],
)
def test_a_bad_file_is_a_located_one_line_error(
    tmp_path: Path, toml: str, where: str, message: str
) -> None:
    design = project(tmp_path, toml)
    with pytest.raises(ConfigError) as exc:
        load_config(design, environ={})
    text = str(exc.value)
    assert text.startswith(str(tmp_path / "devops-plan.toml") + where), text
    assert message in text and len(text.splitlines()) == 1
    code, out, err = run("plan", str(design))
    assert code == 2 and out == "" and err.strip() == text


def test_bad_env_and_flags_name_themselves(tmp_path: Path) -> None:
    design = project(tmp_path, "")
    with pytest.raises(ConfigError, match=r"^DEVOPS_PLAN_OUTPUT_PLAN='yaml': output.plan: "):
        load_config(design, environ={"DEVOPS_PLAN_OUTPUT_PLAN": "yaml"})
    code, _, err = run("export", str(design), "--docs", str(tmp_path / "d"), "--namespace", "Nope!")
    assert code == 2 and err.startswith("--namespace 'Nope!': ") and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--label", "nokey"), "--label 'nokey': expected KEY=VALUE"),
        (("--label", "=x"), "--label '=x': expected KEY=VALUE"),
        (("--label", "a=b=c"), "--label a=b=c: label a='b=c': not a valid Kubernetes label value"),
        (("--latency-bucket", "0.1", "--latency-bucket", "-1"), "--latency-bucket 0.1 -1: "),
    ],
)
def test_a_bad_repeated_flag_is_one_line_as_typed(
    tmp_path: Path, flags: tuple[str, ...], expected: str
) -> None:
    # A KEY=VALUE without its '=' was a ValueError traceback (exit 1); the others printed the
    # parsed value's Python repr ("--label {'a': 'b=c'}", "--latency-bucket ('0.1', '-1')").
    design = project(tmp_path, "")
    code, out, err = run("export", str(design), "--docs", str(tmp_path / "d"), *flags)
    assert code == 2 and err.startswith(expected) and len(err.splitlines()) == 1, err
    assert not (tmp_path / "d").exists() and "Traceback" not in out + err


def test_report_settings_are_validated_when_the_report_runs(tmp_path: Path) -> None:
    design = project(tmp_path, "[report]\nidle_cpu_p95_pct = 500\n")
    config = load_config(design, environ={})  # the plan does not read them
    with pytest.raises(ConfigError, match=r"devops-plan.toml:2:20: report.idle_cpu_p95_pct: "):
        config.report()
    env = {"DEVOPS_PLAN_REPORT_REQUIRED_TAGS": "owner,team"}
    report = load_config(design, environ=env).report({"idle_cpu_p95_pct": "7"})
    assert report.idle_cpu_p95_pct == 7 and report.required_tags == ("owner", "team")
    with pytest.raises(ConfigError, match=r"^DEVOPS_PLAN_REPORT_NO_SUCH: unknown setting"):
        load_config(design, environ={"DEVOPS_PLAN_REPORT_NO_SUCH": "1"}).report()


def _docs(text: str) -> list[dict[str, object]]:
    return [d for d in YAML(typ="safe").load_all(text) if d]


def test_the_toml_changes_the_exported_image_registry_and_slo_metric(tmp_path: Path) -> None:
    design = project(
        tmp_path,
        '[kubernetes]\nregistry = "ghcr.io/acme"\nimage_tag = "{service}-1.4.2"\n'
        'labels = { team = "shop" }\n'
        '[slo]\nrequests_metric = "istio_requests_total"\nlatency_buckets = [0.1, 0.25, 0.5]\n',
    )
    docs = tmp_path / "docs"
    code, _, err = run("export", str(design), "--docs", str(docs), "--date", "2026-01-01")
    assert code == 0, err
    web = _docs((docs / "kubernetes" / "shop" / "web.yaml").read_text())[0]
    spec = web["spec"]["template"]["spec"]  # type: ignore[index]
    assert spec["containers"][0]["image"] == "ghcr.io/acme/web:web-1.4.2"
    assert web["metadata"]["labels"]["team"] == "shop"  # type: ignore[index]
    rules = (docs / "prometheus" / "shop-slo-rules.yaml").read_text()
    assert "istio_requests_total" in rules and "http_requests_total" not in rules
    # The 300 ms latency target counts under the 250 ms bucket, the largest not above it.
    assert 'le="0.25"' in rules and 'le="0.3"' not in rules
    # A flag wins over the file.
    code, _, _ = run(
        "export", str(design), "--docs", str(tmp_path / "docs2"), "--registry", "quay.io/x"
    )
    web = _docs((tmp_path / "docs2" / "kubernetes" / "shop" / "web.yaml").read_text())[0]
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].startswith("quay.io/x/web:")  # type: ignore[index]


def test_catalog_folder_from_the_configuration_prices_the_plan(tmp_path: Path) -> None:
    from devops_plan.catalog.files import default_path

    prices = tmp_path / "prices"
    prices.mkdir()
    with default_path("aws").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The same catalog with every c6g price doubled: the plan (on c6g nodes) must cost more.
    for row in rows:
        if row["product"].startswith("c6g."):
            row["unit_price"] = str(Decimal(row["unit_price"]) * 2)
    with (prices / "aws.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    design = project(tmp_path, 'catalog = "prices"\n')
    code, shipped, _ = run("plan", str(DESIGNS / "shop.yaml"), "--format", "json")
    code2, mine, err = run("plan", str(design), "--format", "json")
    assert code == code2 == 0, err
    assert json.loads(mine)["cost"]["monthly_total"] > json.loads(shipped)["cost"]["monthly_total"]
    code3, flag, _ = run(
        "plan", str(DESIGNS / "shop.yaml"), "--format", "json", "--catalog", str(prices)
    )
    assert (
        code3 == 0
        and json.loads(flag)["cost"]["monthly_total"] == json.loads(mine)["cost"]["monthly_total"]
    )
    code, _, err = run("plan", str(design), "--cloud", "gcp")
    assert code == 2 and "no gcp.csv in this catalog folder" in err


def test_config_show_explains_where_each_value_came_from(tmp_path: Path) -> None:
    design = project(tmp_path, '[kubernetes]\nnamespace = "shop-prod"\n')
    env = {"DEVOPS_PLAN_SLO_REQUESTS_METRIC": "istio_requests_total", "DEVOPS_PLAN_TYPO": "1"}
    code, out, err = run("config", "show", str(design), "--format", "json", env=env)
    assert code == 0
    data = json.loads(out)
    rows = {r["setting"]: r for r in data["settings"]}
    assert data["precedence"] == ["flag", "env", "file", "default"]
    assert rows["kubernetes.namespace"]["from"].endswith("devops-plan.toml:2:13")
    assert rows["slo.requests_metric"]["from"] == "env DEVOPS_PLAN_SLO_REQUESTS_METRIC"
    assert rows["kubernetes.registry"]["from"] == "default"
    assert rows["report.idle_cpu_p95_pct"]["value"] == 5  # every report setting is listed
    assert data["ignored_env"] == ["DEVOPS_PLAN_TYPO"]
    code, out, err = run("config", "show", str(design), env=env)
    assert code == 0 and "flag" in out and "DEVOPS_PLAN_*" in out and "shop-prod" in out
    assert "DEVOPS_PLAN_TYPO names no setting" in err


def test_config_show_of_a_path_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    # a typo in the design path looked the file up from nowhere and showed the defaults
    design = project(tmp_path, '[kubernetes]\nnamespace = "shop-prod"\n')
    code, out, err = run("config", "show", str(design.with_name("shpo.yaml")))
    assert (code, out) == (
        2,
        "",
    ) and err.strip() == f"{design.with_name('shpo.yaml')}: no such file or folder"
    assert run("config", "show", str(design))[0] == 0


def test_every_setting_has_a_flag_and_a_variable_and_the_template_knows_it() -> None:
    options = settings_options()
    assert len({o.env for o in options}) == len(options)
    assert {o.dotted for o in options} >= {
        "catalog",
        "kubernetes.registry",
        "kubernetes.image_tag",
        "kubernetes.namespace",
        "kubernetes.labels",
        "slo.requests_metric",
        "slo.latency_buckets",
        "output.plan",
    }
    # Uncommented, the starter devops-plan.toml is valid and gives exactly the defaults.
    lines = [
        line.removeprefix("# ")
        if "=" in line and line.startswith("# ") and "(" not in line
        else line
        for line in config_template().splitlines()
    ]
    data = tomllib.loads("\n".join(lines))
    assert data["kubernetes"]["registry"] == KubernetesSettings().registry
    assert {k for k in data if k != "report"} | {"catalog"} >= {"kubernetes", "slo", "output"}


def test_the_docs_list_every_setting() -> None:
    from devops_plan.config.options import settings_markdown

    from .conftest import ROOT

    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert settings_markdown(settings_options()) in docs, (
        "docs/configuration.md: paste settings_markdown(settings_options()) into its table"
    )


def _export_web(tmp_path: Path, design: Path, *flags: str) -> dict[str, object]:
    docs = tmp_path / f"docs{len(list(tmp_path.glob('docs*')))}"
    code, _, err = run("export", str(design), "--docs", str(docs), "--date", "2026-01-01", *flags)
    assert code == 0, err
    return _docs((docs / "kubernetes" / "shop" / "web.yaml").read_text())[0]


def _image_and_namespace(web: dict[str, object]) -> tuple[str, str]:
    spec = web["spec"]["template"]["spec"]  # type: ignore[index]
    return spec["containers"][0]["image"], web["metadata"]["namespace"]  # type: ignore[index]


def test_the_designs_kubernetes_block_wins_over_the_file_and_flags_win_over_both(
    tmp_path: Path,
) -> None:
    design = project(
        tmp_path, '[kubernetes]\nregistry = "ghcr.io/team"\nnamespace = "team-default"\n'
    )
    # Without the block: the configuration.
    web = _export_web(tmp_path, design)
    assert _image_and_namespace(web) == ("ghcr.io/team/web:CHANGE-ME", "team-default")
    design.write_text(
        design.read_text(encoding="utf-8")
        + '\nkubernetes:\n  image: "ghcr.io/shop/{service}:2.0"\n  namespace: shop-live\n',
        encoding="utf-8",
    )
    # The design's block over the file (and over a variable).
    env = {"DEVOPS_PLAN_KUBERNETES_NAMESPACE": "from-env"}
    web = _export_web(tmp_path, design)
    assert _image_and_namespace(web) == ("ghcr.io/shop/web:2.0", "shop-live")
    code, _, err = run(
        "export", str(design), "--docs", str(tmp_path / "docs-env"), "--date", "2026-01-01", env=env
    )
    assert code == 0, err
    runbook = (tmp_path / "docs-env" / "runbooks" / "shop" / "web.md").read_text()
    assert "shop-live" in runbook and "from-env" not in runbook
    # Flags over both: a namespace flag, and a registry flag replaces the design's whole image.
    web = _export_web(tmp_path, design, "--namespace", "qa", "--registry", "quay.io/x")
    assert _image_and_namespace(web) == ("quay.io/x/web:CHANGE-ME", "qa")
    web = _export_web(tmp_path, design, "--image", "quay.io/y/{design}-{service}:1")
    assert _image_and_namespace(web) == ("quay.io/y/shop-web:1", "shop-live")
