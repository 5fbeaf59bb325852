"""`catalog refresh` does not take the price API on trust: a page that is not a price list (an
HTML page served with HTTP 200), an empty answer, a large drop of products, malformed entries
and implausible prices or dates never replace the current catalog; a stalled endpoint times
out; throttling is retried with botocore's adaptive mode. The HTTP cases run against a server
on loopback, the rest through botocore's Stubber."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from devops_plan.catalog import COLUMNS, load_catalog
from devops_plan.catalog.refresh_aws import PriceListError, make_client, refresh_aws
from devops_plan.errors import ExternalError

from .test_catalog_aws import EC2_PARAMS, ec2_entry, page

Reply = Callable[[http.server.BaseHTTPRequestHandler], None]

BASE_ROWS = [
    ",".join(c for c in COLUMNS if c not in ("tier_start", "tier_end")),  # an untiered catalog
    *(
        f"aws,AmazonEC2,{t},us-east-1,on_demand,hour,0.1,USD,2,8,{t.split('.')[0]},current,"
        "x86_64,2025-01-01,shipped,compute,,"
        for t in ("m5.large", "m6i.large", "c5.large", "r5.large")
    ),
]


@pytest.fixture
def current(tmp_path: Path) -> Path:
    path = tmp_path / "aws.csv"
    path.write_text("\n".join(BASE_ROWS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    replies: list[Reply]
    hits: int


def _handler() -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            server: Any = self.server
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            reply = server.replies[min(server.hits, len(server.replies) - 1)]
            server.hits += 1
            reply(self)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def loopback(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _handler())
    server.replies, server.hits = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()


def _send(status: int, body: str, content_type: str) -> Reply:
    def reply(h: http.server.BaseHTTPRequestHandler) -> None:
        data = body.encode()
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return reply


def _stall(seconds: float) -> Reply:
    def reply(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return reply


def _entries(*types: str) -> list[str]:
    return [ec2_entry(f"SKU{i:013d}", t, "2", "8 GiB", "0.0960000000") for i, t in enumerate(types)]


def test_an_html_page_with_http_200_is_refused_and_the_catalog_kept(
    loopback: _Server, current: Path
) -> None:
    before = current.read_bytes()
    loopback.replies = [_send(200, "<html><body>Service Unavailable</body></html>", "text/html")]
    client = make_client(connect_timeout=2, read_timeout=2, attempts=1)
    with pytest.raises(PriceListError) as info:
        refresh_aws(["us-east-1"], current, services=["ec2"], client=client)
    assert str(info.value) == (
        "AWS Price List API answered GetProducts (AmazonEC2) page 1 with something that is "
        "not a price list (no PriceList; content type 'text/html'); the catalog was left as it was"
    )
    assert current.read_bytes() == before


def test_a_stalled_endpoint_times_out(loopback: _Server, current: Path) -> None:
    before = current.read_bytes()
    loopback.replies = [_stall(10)]
    client = make_client(connect_timeout=1, read_timeout=1, attempts=2)
    started = time.monotonic()
    with pytest.raises(ExternalError, match="Read timeout on endpoint URL"):
        refresh_aws(["us-east-1"], current, services=["ec2"], client=client)
    assert time.monotonic() - started < 8
    assert loopback.hits == 2  # retried once, then gave up
    assert current.read_bytes() == before


def test_throttling_is_retried_adaptively(loopback: _Server, current: Path) -> None:
    throttled = _send(
        400,
        json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}),
        "application/x-amz-json-1.1",
    )
    answer = page(_entries("m5.large", "m6i.large", "c5.large", "r5.large"))
    loopback.replies = [
        throttled,
        throttled,
        _send(200, json.dumps(answer), "application/x-amz-json-1.1"),
    ]
    client = make_client(connect_timeout=2, read_timeout=2, attempts=3)
    assert client.meta.config.retries["mode"] == "adaptive"
    result = refresh_aws(["us-east-1"], current, services=["ec2"], client=client)
    assert loopback.hits == 3
    assert result.fetched == 4
    assert str(load_catalog("aws", current).price("m5.large", "us-east-1").unit_price) == "0.096"


@pytest.fixture
def client(aws_env: None) -> Any:
    import boto3

    return boto3.session.Session().client("pricing", region_name="us-east-1")


def _refresh(client: Any, current: Path, pages: list[dict[str, Any]], **kwargs: Any) -> Any:
    with Stubber(client) as stub:
        for i, p in enumerate(pages):
            params = EC2_PARAMS | ({"NextToken": f"t{i}"} if i else {})
            stub.add_response("get_products", p, params)
        return refresh_aws(["us-east-1"], current, services=["ec2"], client=client, **kwargs)


def test_an_empty_answer_is_refused(client: Any, current: Path) -> None:
    before = current.read_bytes()
    with pytest.raises(ExternalError, match="fetched no prices for us-east-1 \\(compute\\)"):
        _refresh(client, current, [page([])])
    assert current.read_bytes() == before


def test_a_large_drop_of_products_is_refused(client: Any, current: Path) -> None:
    before = current.read_bytes()
    with pytest.raises(ExternalError) as info:
        _refresh(client, current, [page(_entries("m5.large", "m6i.large"))])
    assert str(info.value) == (
        "aws price refresh fetched 2 of the 4 products the current catalog has for us-east-1 "
        "(compute): 2 missing (e.g. c5.large in us-east-1, r5.large in us-east-1) is more than "
        "25%; the catalog was left as it was (--max-drop allows a larger drop)"
    )
    assert current.read_bytes() == before
    # The same answer is accepted when the person allows that drop.
    result = _refresh(client, current, [page(_entries("m5.large", "m6i.large"))], max_drop=0.5)
    assert result.fetched == 2


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "[1, 2]",
            "GetProducts (ec2): malformed entry: the PriceList entry is list, expected an object",
        ),
        (
            json.dumps({"product": "x"}),
            "ec2 entry: malformed entry: product is str, expected an object",
        ),
        (
            json.dumps(
                {
                    "product": {"sku": "S1", "attributes": {"instanceType": "m5.large"}},
                    "terms": {"OnDemand": []},
                }
            ),
            "ec2 sku S1: malformed entry: OnDemand is list, expected an object",
        ),
        (
            json.dumps(
                {
                    "product": {"sku": "S2", "attributes": {"instanceType": "m5.large"}},
                    "terms": {
                        "OnDemand": {
                            "t": {"priceDimensions": {"d": {"unit": "Hrs", "pricePerUnit": "0.1"}}}
                        }
                    },
                }
            ),
            "ec2 sku S2: malformed entry: pricePerUnit is str, expected an object",
        ),
    ],
)
def test_malformed_entries_are_one_clear_error(
    client: Any, current: Path, entry: str, message: str
) -> None:
    before = current.read_bytes()
    with pytest.raises(PriceListError) as info:
        _refresh(client, current, [page([entry])])
    assert str(info.value) == message
    assert current.read_bytes() == before


def test_implausible_entries_are_skipped_and_never_written(client: Any, current: Path) -> None:
    good = _entries("m5.large", "m6i.large", "c5.large")
    zero = ec2_entry("ZEROPRICE0000001", "r5.large", "2", "16 GiB", "0.0000000000")
    future = json.loads(ec2_entry("FUTURE0000000001", "x2.large", "2", "16 GiB", "0.5"))
    future["publicationDate"] = "2999-12-31T00:00:00Z"
    result = _refresh(client, current, [page([*good, zero, json.dumps(future)])], today=None)
    assert any("ZEROPRICE0000001" in s and "compute is never free" in s for s in result.skipped)
    assert any(
        "FUTURE0000000001" in s and "2999-12-31 is in the future" in s for s in result.skipped
    )
    catalog = load_catalog("aws", current)
    assert catalog.price("r5.large", "us-east-1").source == "shipped"  # the old row is kept
    assert catalog.find("x2.large", "us-east-1") is None
