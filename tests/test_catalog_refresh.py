"""`catalog refresh azure|gcp` against recorded API responses served on loopback: the rows
they write, planning with the refreshed catalog (`plan --catalog DIR`), and one clear line
(exit 1) without network or credentials, or for an answer the parser cannot use."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from devops_plan import build_plan, load_design
from devops_plan.catalog import catalog_path, load_catalog
from devops_plan.catalog.refresh_azure import refresh_azure
from devops_plan.catalog.refresh_gcp import refresh_gcp
from devops_plan.cli import app
from devops_plan.errors import CatalogError, ExternalError

from .conftest import DESIGNS, ROOT

RECORDINGS = Path(__file__).parent / "recordings"
Route = Callable[[str, dict[str, list[str]]], tuple[int, Any]]


class _Handler(http.server.BaseHTTPRequestHandler):
    route: Route
    seen: list[str]

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        self.seen.append(self.path)
        status, body = self.route(parts.path, urllib.parse.parse_qs(parts.query))
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Route], tuple[str, list[str]]]]:
    """Serve a route function on 127.0.0.1 (a free port); returns (base URL, requests seen)."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(route: Route) -> tuple[str, list[str]]:
        seen: list[str] = []
        handler = type("Handler", (_Handler,), {"route": staticmethod(route), "seen": seen})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _recording(name: str, base: str = "") -> Any:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8").replace("{base}", base))


def _azure_route(base: str) -> Route:
    def route(path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        assert query["api-version"] == ["2023-01-01-preview"]
        filter_ = query["$filter"][0]
        if "Bandwidth" in filter_:
            return 200, _recording("azure/egress-eastus.json")
        if "$skip" in query:
            return 200, _recording("azure/vm-eastus-2.json")
        return 200, _recording("azure/vm-eastus-1.json", f"{base}/api/retail/prices")

    return route


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- Azure ----------------------------------------------------------------------------------


def test_azure_refresh_writes_rows_from_the_recorded_pages(serve: Any, tmp_path: Path) -> None:
    holder: dict[str, str] = {}
    base, seen = serve(lambda p, q: _azure_route(holder["base"])(p, q))
    holder["base"] = base
    out = tmp_path / "azure.csv"
    # The recording prices 3 of the 57 shapes the catalog has in eastus: allow the drop.
    result = refresh_azure(["eastus"], out, url=f"{base}/api/retail/prices", max_drop=1)
    catalog = load_catalog("azure", out)
    d2 = {p: catalog.price("Standard_D2s_v5", "eastus", p).unit_price for p in
          ("on_demand", "spot", "reserved_1y", "savings_plan_1y", "savings_plan_3y")}  # fmt: skip
    # The reservation's term price over the hours of a year: 526 / 8,760 = 0.060046.
    assert d2 == {
        "on_demand": Decimal("0.098"),
        "spot": Decimal("0.0196"),
        "reserved_1y": Decimal("0.060046"),
        "savings_plan_1y": Decimal("0.0844"),
        "savings_plan_3y": Decimal("0.0588"),
    }
    # The second page (NextPageLink) was followed.
    assert catalog.price("Standard_D4s_v5", "eastus").unit_price == Decimal("0.196")
    assert any("$skip=100" in s for s in seen)
    # Egress keeps the API's tiers, its free first 100 GB included.
    first = catalog.price("egress-internet", "eastus")
    tiers = [(str(t.tier_start), str(t.tier_end), str(t.unit_price)) for t in catalog.tiers(first)]
    assert tiers == [
        ("0", "100", "0"),
        ("100", "10240", "0.087"),
        ("10240", "51200", "0.083"),
        ("51200", "153600", "0.07"),
        ("153600", "None", "0.05"),
    ]
    assert catalog.price("Standard_D2s_v5", "eastus").as_of == "2026-09-01"
    # Other regions keep the shipped rows; unknown and Windows meters are skipped, named.
    shipped = load_catalog("azure")
    assert catalog.price("Standard_D2s_v5", "westeurope") == shipped.price(
        "Standard_D2s_v5", "westeurope"
    )
    assert len(result.skipped) == 2
    assert any("Standard_X99_v9" in s for s in result.skipped)
    assert any("Windows" in s for s in result.skipped)
    assert result.written == len(catalog.rows)


def test_azure_and_gcp_answers_missing_most_products_are_refused(
    serve: Any, tmp_path: Path
) -> None:
    """The same acceptance as the AWS refresh (accept.py): the recordings lack most of the
    shapes the shipped catalog has, so without --max-drop nothing is written."""
    holder: dict[str, str] = {}
    base, _ = serve(lambda p, q: _azure_route(holder["base"])(p, q))
    holder["base"] = base
    out = tmp_path / "azure.csv"
    with pytest.raises(ExternalError, match=r"^azure price refresh fetched 3 of the 57 products"):
        refresh_azure(["eastus"], out, url=f"{base}/api/retail/prices")
    assert not out.exists()
    gcp_base, _ = serve(_gcp_route)
    with pytest.raises(ExternalError, match=r"^gcp price refresh fetched \d+ of the \d+ products"):
        refresh_gcp(["us-central1"], tmp_path / "gcp.csv", url=f"{gcp_base}/v1",
                    env={"GOOGLE_API_KEY": "test-key"})  # fmt: skip
    assert not (tmp_path / "gcp.csv").exists()


def test_plan_with_a_refreshed_catalog_folder_uses_its_prices(
    serve: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder: dict[str, str] = {}
    base, _ = serve(lambda p, q: _azure_route(holder["base"])(p, q))
    holder["base"] = base
    folder = tmp_path / "catalogs"
    monkeypatch.setenv("DEVOPS_PLAN_AZURE_PRICES_URL", f"{base}/api/retail/prices")
    refreshed = CliRunner().invoke(
        app,
        ["catalog", "refresh", "azure", "--region", "eastus", "--out", str(folder / "azure.csv"),
         "--max-drop", "100"],
    )  # fmt: skip
    assert refreshed.exit_code == 0, refreshed.output
    design = load_design(DESIGNS / "startup.yaml")
    shipped = build_plan(design, cloud="azure", region="eastus")
    fresh = build_plan(design, cloud="azure", region="eastus", catalog_dir=folder)
    assert fresh.catalog.source == str(folder / "azure.csv")
    egress = [i for i in fresh.cost.line_items if i.product == "egress-internet"]
    assert egress[0].unit_price == 0  # the refreshed free first 100 GB
    assert fresh.cost.monthly_total < shipped.cost.monthly_total
    # The same through the CLI and through the environment.
    cli = CliRunner().invoke(
        app, ["plan", str(DESIGNS / "startup.yaml"), "--cloud", "azure", "--region", "eastus",
              "--catalog", str(folder), "--json"],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["cost"]["monthly_total"] == float(fresh.cost.monthly_total)
    monkeypatch.setenv("DEVOPS_PLAN_CATALOG", str(folder))
    assert catalog_path("azure") == folder / "azure.csv"
    assert build_plan(design, cloud="azure", region="eastus").cost == fresh.cost


def test_a_catalog_folder_without_the_cloud_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"no gcp.csv in this catalog folder"):
        catalog_path("gcp", tmp_path)
    result = CliRunner().invoke(
        app, ["plan", str(DESIGNS / "startup.yaml"), "--cloud", "gcp", "--catalog", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "no gcp.csv in this catalog folder" in result.stderr


def test_azure_without_network_is_one_line_exit_1(tmp_path: Path) -> None:
    env = {**os.environ, "DEVOPS_PLAN_AZURE_PRICES_URL": f"http://127.0.0.1:{_closed_port()}/x"}
    done = subprocess.run(
        [sys.executable, "-c", "from devops_plan.cli import main; main()", "catalog", "refresh", "azure", "--region",
         "eastus", "--out", str(tmp_path / "azure.csv")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cannot reach the Azure Retail Prices API (http://127.0.0.1:")
    assert not (tmp_path / "azure.csv").exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((400, {"error": {"code": "BadRequest", "message": "Invalid  filter"}}), r"refused .*HTTP 400: Invalid filter"),
        ((200, b"<html>"), "not JSON"),
        ((200, {"Items": "nope"}), "without an Items list"),
        ((200, {"Items": [{"armSkuName": "Standard_D2s_v5", "armRegionName": "eastus",
                           "type": "Consumption", "unitPrice": "cheap", "meterId": "m-1"}]}),
         r"meter m-1 \(Standard_D2s_v5\): malformed price 'cheap'"),
    ],
)  # fmt: skip
def test_azure_bad_answers_write_nothing(
    serve: Any, tmp_path: Path, answer: tuple[int, Any], message: str
) -> None:
    base, _ = serve(lambda p, q: answer)
    out = tmp_path / "azure.csv"
    with pytest.raises(ExternalError, match=message):
        refresh_azure(["eastus"], out, services=("vm",), url=f"{base}/prices")
    assert not out.exists()


# -- GCP ------------------------------------------------------------------------------------


def _gcp_route(path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    if query.get("key") != ["test-key"]:
        return 403, {
            "error": {"code": 403, "message": "API key not valid. Please pass a valid API key."}
        }
    assert path == "/v1/services/6F81-5844-456A/skus"
    page = "skus-2.json" if query.get("pageToken") == ["page-2"] else "skus-1.json"
    return 200, _recording(f"gcp/{page}")


def test_gcp_refresh_prices_shapes_from_core_and_ram_rates(serve: Any, tmp_path: Path) -> None:
    base, seen = serve(_gcp_route)
    out = tmp_path / "gcp.csv"
    result = refresh_gcp(["us-central1"], out, url=f"{base}/v1", env={"GOOGLE_API_KEY": "test-key"},
                         max_drop=1)  # fmt: skip
    catalog = load_catalog("gcp", out)
    # n2-standard-4: 4 vCPU x 0.0325 + 16 GiB x 0.0044 = 0.2004; spot 4 x 0.00787 + 16 x
    # 0.001055 = 0.04836; 1-year commitment 4 x 0.019992 + 16 x 0.002679 = 0.122832.
    n2 = {p: catalog.price("n2-standard-4", "us-central1", p).unit_price
          for p in ("on_demand", "spot", "reserved_1y")}  # fmt: skip
    assert n2 == {
        "on_demand": Decimal("0.2004"),
        "spot": Decimal("0.04836"),
        "reserved_1y": Decimal("0.122832"),
    }
    # The second page: n2d-standard-2 = 2 x 0.0283 + 8 x 0.00383 = 0.08724.
    assert catalog.price("n2d-standard-2", "us-central1").unit_price == Decimal("0.08724")
    assert any("pageToken=page-2" in s for s in seen)
    first = catalog.price("egress-internet", "us-central1")
    assert [(str(t.tier_start), str(t.unit_price)) for t in catalog.tiers(first)] == [
        ("0", "0.12"),
        ("1024", "0.11"),
        ("10240", "0.08"),
    ]
    # Families the recording does not price (e2, t2a) keep the shipped rows.
    shipped = load_catalog("gcp")
    assert catalog.price("e2-standard-4", "us-central1") == shipped.price(
        "e2-standard-4", "us-central1"
    )
    assert result.fetched > 0 and result.written == len(catalog.rows)
    # The key never appears in what was asked for logs: it is sent, but masked in messages.
    assert all("key=test-key" in s for s in seen)


def test_gcp_without_a_key_is_one_line_exit_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GOOGLE_API_KEY"}
    done = subprocess.run(
        [sys.executable, "-c", "from devops_plan.cli import main; main()", "catalog", "refresh", "gcp", "--region",
         "us-central1", "--out", str(tmp_path / "gcp.csv")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "no Google Cloud API key found: set GOOGLE_API_KEY to an API key allowed to call the "
        "Cloud Billing API (cloudbilling.googleapis.com)"
    ]


def test_gcp_with_a_wrong_key_is_one_line_without_the_key(serve: Any, tmp_path: Path) -> None:
    base, _ = serve(_gcp_route)
    with pytest.raises(ExternalError) as info:
        refresh_gcp(["us-central1"], tmp_path / "gcp.csv", url=f"{base}/v1",
                    env={"GOOGLE_API_KEY": "wrong-key"})  # fmt: skip
    text = str(info.value)
    assert text == (
        "Cloud Billing Catalog API refused /v1/services/6F81-5844-456A/skus: HTTP 403: "
        "API key not valid. Please pass a valid API key."
    )
    assert "wrong-key" not in text


def test_gcp_without_network_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(
        ExternalError, match=r"^cannot reach the Cloud Billing Catalog API \(http://127"
    ):
        refresh_gcp(["us-central1"], tmp_path / "gcp.csv",
                    url=f"http://127.0.0.1:{_closed_port()}/v1", env={"GOOGLE_API_KEY": "k"})  # fmt: skip


def test_unknown_services_and_no_region_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="unknown GCP service 'sql'"):
        refresh_gcp(
            ["us-central1"], tmp_path / "g.csv", services=("sql",), env={"GOOGLE_API_KEY": "k"}
        )
    with pytest.raises(CatalogError, match="unknown Azure service 'sql'"):
        refresh_azure(["eastus"], tmp_path / "a.csv", services=("sql",))
    with pytest.raises(CatalogError, match="at least one --region"):
        refresh_azure([], tmp_path / "a.csv")
