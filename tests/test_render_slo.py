"""Prometheus SLO rules: promtool accepts them, the alerts fire (and stay quiet) as the burn-rate
table says, the thresholds match the table for 99.9% and 99.95%, parameters are honoured."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan
from devops_plan.design import load_design
from devops_plan.render.slo import WINDOWS, Settings, alert_name, artefacts, rule_groups

from .conftest import DESIGNS

# The table: (severity, long window, short window, factor) for a 30-day window.
TABLE = [
    ("page", "1h", "5m", Decimal("14.4")),
    ("page", "6h", "30m", Decimal("6")),
    ("ticket", "1d", "2h", Decimal("3")),
    ("ticket", "3d", "6h", Decimal("1")),
]
EXPECTED = {
    99.9: ["0.0144", "0.006", "0.003", "0.001"],
    99.95: ["0.0072", "0.003", "0.0015", "0.0005"],
}


def _promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool is missing: run `make test` (it installs scripts/test-tools.txt) or "
            "`sudo apt-get install prometheus`"
        )
    return path


def _design(name: str, availability: float | None = None):
    design = load_design(DESIGNS / f"{name}.yaml")
    if availability is not None:
        targets = design.targets.model_copy(update={"availability": availability})
        design = design.model_copy(update={"targets": targets})
    return design


def _rules(design):
    plan = build_plan(design)
    files = artefacts(plan, design)
    assert list(files) == [f"prometheus/{design.name}-slo-rules.yaml"]
    return plan, next(iter(files.values()))


@pytest.mark.parametrize("name", ["shop", "payments", "startup"])
def test_promtool_check_rules_passes(tmp_path, name):
    _, text = _rules(_design(name))
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [_promtool(), "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_rejects_a_broken_rule(tmp_path):
    # The check above can fail: a bad expression is refused.
    _, text = _rules(_design("shop"))
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("sum(rate(", "sum(rate((", 1), encoding="utf-8")
    result = subprocess.run(
        [_promtool(), "check", "rules", str(path)], capture_output=True, check=False
    )
    assert result.returncode != 0


@pytest.mark.parametrize("availability", [99.9, 99.95])
def test_burn_rate_thresholds_match_the_table(availability):
    design = _design("shop", availability)
    plan = build_plan(design)
    groups = rule_groups(plan, design)
    group = next(g for g in groups if g["name"] == "slo:shop:web:availability")
    alerts = [r for r in group["rules"] if "alert" in r]
    assert len(alerts) == 4
    for rule, (severity, long_w, short_w, factor), threshold in zip(
        alerts, TABLE, EXPECTED[availability], strict=True
    ):
        assert rule["alert"] == "ShopWebAvailabilityBudgetBurn"
        assert rule["labels"]["severity"] == severity
        assert (rule["labels"]["long_window"], rule["labels"]["short_window"]) == (long_w, short_w)
        assert Decimal(threshold) == factor * (Decimal(100) - Decimal(str(availability))) / 100
        assert rule["expr"] == (
            f'slo:error_ratio:rate{long_w}{{service="web",slo="availability"}} > {threshold}'
            f' and slo:error_ratio:rate{short_w}{{service="web",slo="availability"}} > {threshold}'
        )


def test_recording_rules_cover_every_window_per_slo():
    design = _design("shop")
    groups = rule_groups(build_plan(design), design)
    # shop: one entrypoint (web), availability and latency (latency_p95_ms: 300).
    assert [g["name"] for g in groups] == ["slo:shop:web:availability", "slo:shop:web:latency"]
    for g in groups:
        records = [r["record"] for r in g["rules"] if "record" in r]
        assert records == [f"slo:error_ratio:rate{w}" for w in WINDOWS]
        assert WINDOWS == ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
        for r in g["rules"]:
            if "record" in r:
                window = r["record"].removeprefix("slo:error_ratio:rate")
                assert r["expr"].count(f"[{window}]") == 2
    latency = groups[1]["rules"][0]["expr"]
    # 300 ms is not one of Prometheus' default buckets: the 0.25 s bucket below it counts.
    assert 'http_request_duration_seconds_bucket{service="web",le="0.25"}[5m]' in latency
    # A p95 target leaves 5% of requests as the budget: 14.4 x 0.05 pages.
    alerts = [r for r in groups[1]["rules"] if "alert" in r]
    assert alerts[0]["expr"].endswith("> 0.72")
    assert alerts[3]["expr"].endswith("> 0.05")


def test_metric_names_and_selectors_are_parameters():
    design = _design("shop")
    settings = Settings(
        requests_metric="istio_requests_total",
        selector='destination_service_name="{service}",namespace="{design}"',
        error_selector='response_code=~"5.*"',
        latency_bucket_metric="istio_request_duration_milliseconds_bucket",
        latency_count_metric="istio_request_duration_milliseconds_count",
    )
    groups = rule_groups(build_plan(design), design, settings)
    expr = groups[0]["rules"][0]["expr"]
    assert expr == (
        'sum(rate(istio_requests_total{destination_service_name="web",namespace="shop",'
        'response_code=~"5.*"}[5m])) / sum(rate(istio_requests_total'
        '{destination_service_name="web",namespace="shop"}[5m]))'
    )
    assert "istio_request_duration_milliseconds_bucket" in groups[1]["rules"][0]["expr"]


def _promtool_test(tmp_path, text: str, error_per_min: int, expected: list[dict]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")
    yaml = YAML()
    test = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {
                        "series": 'http_requests_total{service="web",code="200"}',
                        "values": "0+10000x240",
                    },
                    {
                        "series": 'http_requests_total{service="web",code="500"}',
                        "values": f"0+{error_per_min}x240",
                    },
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "3h",
                        "alertname": "ShopWebAvailabilityBudgetBurn",
                        "exp_alerts": [
                            {"exp_labels": e["labels"], "exp_annotations": e["annotations"]}
                            for e in expected
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "test.yaml"
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(test, f)
    result = subprocess.run(
        [_promtool(), "test", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_fire_on_a_fast_burn_and_stay_quiet_within_budget(tmp_path):
    design = _design("shop")
    plan, text = _rules(design)
    group = next(g for g in rule_groups(plan, design) if g["name"] == "slo:shop:web:availability")
    alerts = [r for r in group["rules"] if "alert" in r]
    every = [{"labels": r["labels"], "annotations": r["annotations"]} for r in alerts]
    assert [
        (a["labels"]["severity"], a["labels"]["long_window"], a["labels"]["short_window"])
        for a in every
    ] == [(s, lw, sw) for s, lw, sw, _ in TABLE]
    # 2% errors: far above every threshold (the highest is 14.4 x 0.05% = 0.72%).
    _promtool_test(tmp_path, text, 204, every)
    # 0.04% errors: within the 0.05% budget, nothing fires.
    _promtool_test(tmp_path, text, 4, [])
    # 0.4% errors: above 6x (0.3%) and below 14.4x (0.72%): the slower page and both tickets.
    _promtool_test(tmp_path, text, 40, every[1:])


def test_rules_are_deterministic_and_named_for_runbooks():
    design = _design("payments")
    a = artefacts(build_plan(design), design)
    assert a == artefacts(build_plan(design), design)
    text = next(iter(a.values()))
    assert "runbook_url: runbooks/payments/gateway.md" in text
    assert (
        alert_name("payments", "gateway", "availability") == "PaymentsGatewayAvailabilityBudgetBurn"
    )
    assert re.search(r"99\.99% of requests succeed over 30d \(error budget 0\.01%\)", text)


def test_latency_counts_with_a_configured_bucket_and_warns_off_a_boundary():
    from devops_plan.render.slo import DEFAULT_BUCKETS_S, latency_bucket, render, warnings

    design = _design("shop")
    plan = build_plan(design)
    assert Decimal("0.3") not in DEFAULT_BUCKETS_S
    (warning,) = warnings(plan, design)
    assert "latency target 300 ms is not a bucket boundary" in warning
    assert 'le="0.25", stricter than the target' in warning and "Add a 0.3 s bucket" in warning
    assert f"# Warning: {warning}\n" in render(plan, design)
    # Buckets from the configuration: with a 0.3 s bucket the target itself counts, no warning.
    own = Settings(latency_buckets=(0.1, 0.3, 1.0))
    assert warnings(plan, design, own) == []
    expr = rule_groups(plan, design, own)[1]["rules"][0]["expr"]
    assert 'le="0.3"' in expr and "Warning" not in render(plan, design, own)
    # Faster than every bucket: the smallest one, looser than the target.
    assert latency_bucket(Decimal("0.001"), DEFAULT_BUCKETS_S) == Decimal("0.005")
    fast = design.model_copy(
        update={"targets": design.targets.model_copy(update={"latency_p95_ms": 1.0})}
    )
    assert "looser than the target" in warnings(build_plan(fast), fast)[0]
