"""The cost model: components -> line items -> totals, with the one rounding rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_plan.catalog import PURCHASES, Catalog, Price, load_catalog
from devops_plan.engine.cost import (
    CentsMemo,
    CostComponent,
    LineItem,
    price_cents,
    price_components,
    price_options,
    summarize,
    with_purchase,
)
from devops_plan.errors import PriceNotFound

D = Decimal


@pytest.fixture(scope="module")
def aws() -> Catalog:
    return load_catalog("aws")


def comp(
    product: str,
    quantity: str | int,
    per: str = "hour",
    *,
    purchase: str = "on_demand",
    region: str = "us-east-1",
    service: str = "web",
    **extra: object,
) -> CostComponent:
    return CostComponent(
        service=service,
        resource=f"res/{product}",
        component="c",
        product=product,
        region=region,
        purchase=purchase,
        quantity=D(str(quantity)),
        per=per,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def test_hourly_quantity_is_multiplied_by_730(aws: Catalog) -> None:
    [item], missing = price_components([comp("m5.large", 3)], aws)
    assert missing == []
    assert item.quantity == D(2190)
    assert item.unit == "hour"
    assert item.unit_price == D("0.096")
    assert item.monthly_cost == D("210.24")
    assert item.category == "compute"


def test_monthly_quantity_is_taken_as_is(aws: Catalog) -> None:
    [item], _ = price_components([comp("ebs-gp3", 500, "month")], aws)
    assert (item.quantity, item.unit, item.monthly_cost) == (D(500), "GB-month", D("40.00"))


def test_hourly_quantity_of_a_gb_month_product_is_refused(aws: Catalog) -> None:
    with pytest.raises(ValueError, match="per GB-month"):
        price_components([comp("ebs-gp3", 500, "hour")], aws)


def test_rounding_is_half_up_to_the_cent(aws: Catalog) -> None:
    # 0.0225 x 730 = 16.425: half up gives 16.43 (banker's rounding would give 16.42).
    [item], _ = price_components([comp("alb", 1)], aws)
    assert item.monthly_cost == D("16.43")


def test_discount_is_a_fraction_off_the_catalog_price(aws: Catalog) -> None:
    [item], _ = price_components([comp("m5.large", 1, discount=D("0.25"))], aws)
    assert item.unit_price == D("0.096")
    assert item.discount == D("0.25")
    assert item.monthly_cost == D("52.56")  # 70.08 x 0.75
    with pytest.raises(ValueError, match="discount"):
        price_components([comp("m5.large", 1, discount=D("1.5"))], aws)


def test_purchase_fallback_to_on_demand_when_the_product_is_never_sold_that_way(
    aws: Catalog,
) -> None:
    items, missing = price_components(
        [
            comp("db.m6g.large", 1, purchase="spot", engine="postgres", deployment="multi_az"),
            comp("rds-gp3", 100, "month", purchase="reserved_1y", deployment="multi_az"),
            comp("m5.large", 1, purchase="spot"),
        ],
        aws,
    )
    assert missing == []
    db, storage, vm = items
    assert (db.purchase, db.requested_purchase, db.unit_price) == ("on_demand", "spot", D("0.318"))
    assert (storage.purchase, storage.unit_price) == ("on_demand", D("0.23"))
    assert (vm.purchase, vm.unit_price) == ("spot", D("0.0336"))


def _row(product: str, region: str, purchase: str, price: str) -> Price:
    return Price(
        cloud="aws",
        service="AmazonEC2",
        category="compute",
        product=product,
        region=region,
        purchase=purchase,
        unit="hour",
        unit_price=D(price),
        currency="USD",
        vcpu=2,
        memory_gib=8,
        family="m5",
        generation="current",
        arch="x86_64",
        engine="",
        deployment="",
        as_of="2025-01-01",
        source="test",
    )


def test_no_fallback_when_the_option_is_sold_elsewhere_but_not_here() -> None:
    catalog = Catalog(
        "aws",
        [
            _row("m5.large", "us-east-1", "on_demand", "0.096"),
            _row("m5.large", "us-east-1", "spot", "0.03"),
            _row("m5.large", "eu-west-1", "on_demand", "0.107"),
        ],
    )
    items, missing = price_components(
        [comp("m5.large", 1, purchase="spot", region="eu-west-1")], catalog, allow_missing=True
    )
    assert items == []
    assert [(m.product, m.region, m.purchase) for m in missing] == [
        ("m5.large", "eu-west-1", "spot")
    ]
    assert "not sold as spot" in missing[0].detail


def test_every_missing_price_is_reported_together_never_as_zero(aws: Catalog) -> None:
    components = [
        comp("m5.large", 1),
        comp("m5.larg", 1),
        comp("ebs-gp3", 10, "month", region="mars-1"),
    ]
    with pytest.raises(PriceNotFound) as info:
        price_components(components, aws)
    text = str(info.value)
    assert "no price for 2 cost component(s)" in text
    assert "aws m5.larg in us-east-1 (on_demand)" in text and "closest: m5.large" in text
    assert "aws ebs-gp3 in mars-1 (on_demand)" in text
    assert len(info.value.missing) == 2

    items, missing = price_components(components, aws, allow_missing=True)
    assert [i.product for i in items] == ["m5.large"]
    assert len(missing) == 2
    assert summarize(items).monthly_total == D("70.08")


def test_summary_groups_by_service_and_category(aws: Catalog) -> None:
    items, _ = price_components(
        [
            comp("m5.large", 2, service="web"),
            comp("ebs-gp3", 100, "month", service="web"),
            comp("db.m6g.large", 1, service="db", engine="postgres"),
            comp("m5.large", 1, service="worker", category="dr"),
        ],
        aws,
    )
    summary = summarize(items)
    assert summary.by_service == {"db": D("116.07"), "web": D("148.16"), "worker": D("70.08")}
    assert summary.by_category == {
        "block_storage": D("8.00"),
        "compute": D("140.16"),
        "database": D("116.07"),
        "dr": D("70.08"),
    }
    assert summary.monthly_total == D("334.31")
    assert summary.line_items == tuple(items)


def test_price_options_side_by_side(aws: Catalog) -> None:
    components = [comp("m5.large", 2), comp("rds-gp3", 50, "month")]
    options = price_options(components, aws)
    assert list(options) == list(PURCHASES)
    storage = D("5.75")  # 50 x 0.115, on demand under every option
    assert options["on_demand"].monthly_total == D("140.16") + storage
    assert options["reserved_1y"].monthly_total == D("87.60") + storage  # 0.06 x 1460
    for summary in options.values():
        assert summary.line_items[1].purchase == "on_demand"
    assert [c.purchase for c in with_purchase(components, "spot")] == ["spot", "spot"]


# -- property: every total is the exact sum of its rounded line items -----------------

_AWS = load_catalog("aws")
_PRODUCTS = sorted({(p.product, p.region, p.engine, p.deployment) for p in _AWS.rows})


@st.composite
def components(draw: st.DrawFn) -> CostComponent:
    product, region, engine, deployment = draw(st.sampled_from(_PRODUCTS))
    price = _AWS.price(product, region, engine=engine, deployment=deployment)
    per = "month" if price.unit == "GB-month" else draw(st.sampled_from(["hour", "month"]))
    quantity = draw(
        st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False, allow_infinity=False)
    )
    discount = draw(st.sampled_from([D(0), D("0.05"), D("0.125"), D("0.333")]))
    return CostComponent(
        service=draw(st.sampled_from(["web", "api", "db", "cache", "batch"])),
        resource=f"r/{product}",
        component="c",
        product=product,
        region=region,
        purchase=draw(st.sampled_from(PURCHASES)),
        quantity=quantity,
        per=per,  # type: ignore[arg-type]
        engine=engine,
        deployment=deployment,
        category=draw(st.sampled_from(["", "", "dr"])),
        discount=discount,
    )


@st.composite
def billed_components(draw: st.DrawFn) -> CostComponent:
    """A component that may carry an always-on baseline (none, 0, below, at or above its
    quantity), billed split under a commitment."""
    c = draw(components())
    if c.per != "hour":
        return c
    baseline = draw(st.sampled_from([None, D(0), c.quantity / 3, c.quantity, c.quantity + 1]))
    return c._replace(baseline=None if baseline is None else baseline.quantize(D("0.001")))


def _expected_cost(c: CostComponent, item: LineItem) -> Decimal:
    exact = item.quantity * item.unit_price * (1 - c.discount)
    return exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _by_component(design: list[CostComponent], items: list[LineItem]) -> list[list[LineItem]]:
    """The line items of each component, in order: one for an untiered product, one per tier
    reached for a tiered one (their quantities add up to the component's)."""
    groups, rest = [], list(items)
    for c in design:
        quantity = c.quantity * 730 if c.per == "hour" else c.quantity
        group = [rest.pop(0)]
        while sum(i.quantity for i in group) < quantity:
            group.append(rest.pop(0))
        assert sum(i.quantity for i in group) == quantity
        groups.append(group)
    assert rest == []
    return groups


@settings(max_examples=200, deadline=None)
@given(st.lists(components(), min_size=0, max_size=40))
def test_totals_are_exact_sums_of_rounded_line_items(design: list[CostComponent]) -> None:
    items, missing = price_components(design, _AWS)
    assert missing == []  # every sampled product exists; fallback covers the rest
    for c, group in zip(design, _by_component(design, items), strict=True):
        for item in group:
            assert item.monthly_cost == _expected_cost(c, item)
            assert item.monthly_cost.as_tuple().exponent == -2
            assert item.purchase in (c.purchase, "on_demand")
            assert item.source
    summary = summarize(items)
    total = sum((i.monthly_cost for i in items), D(0))
    assert summary.monthly_total == total
    assert sum(summary.by_service.values(), D(0)) == total
    assert sum(summary.by_category.values(), D(0)) == total
    for service, amount in summary.by_service.items():
        assert amount == sum((i.monthly_cost for i in items if i.service == service), D(0))
    # deterministic: the same input prices the same way
    assert price_components(design, _AWS)[0] == items


def _cents(items: list[LineItem]) -> int:
    return sum(int(i.monthly_cost * 100) for i in items)


@settings(max_examples=100, deadline=None)
@given(st.lists(billed_components(), min_size=0, max_size=40))
def test_price_cents_adds_up_the_line_items_price_components_gives(
    design: list[CostComponent],
) -> None:
    memo = CentsMemo()
    expected = _cents(price_components(design, _AWS)[0])
    assert price_cents(design, _AWS) == expected
    assert price_cents(design, _AWS, memo) == expected
    assert price_cents(design, _AWS, memo) == expected  # from the memo, tiers walked again
    assert price_cents(list(reversed(design)), _AWS, memo) == _cents(
        price_components(list(reversed(design)), _AWS)[0]
    )


def test_price_cents_walks_tiers_splits_commitments_and_names_every_missing_price(
    aws: Catalog,
) -> None:
    web = comp("transfer-out", 8000, "month", service="web")
    bucket = comp("transfer-out", 5000, "month", service="assets")
    nodes = comp("m5.large", 9, baseline=D(6), purchase="reserved_1y")
    memo = CentsMemo()
    for parts in ([web, bucket, nodes], [bucket, web], [nodes, bucket, bucket]):
        assert price_cents(parts, aws, memo) == _cents(price_components(parts, aws)[0])
    missing = [comp("no-such-type", 1), comp("also-missing", 1), web]
    with pytest.raises(PriceNotFound) as found:
        price_cents(missing, aws)
    assert "no-such-type" in str(found.value) and "also-missing" in str(found.value)


# -- tiered products: the meter walks the tiers ---------------------------------------------


def test_internet_egress_walks_the_shipped_tiers(aws: Catalog) -> None:
    # 30,000 GB out of us-east-1 in a month: the first 10,240 GB at 0.09 (921.60), the next
    # 19,760 at 0.085 (1,679.60); the 40 TB tier is not reached.
    items, _ = price_components([comp("transfer-out", 30000, "month")], aws)
    assert [(i.quantity, i.unit_price, i.monthly_cost) for i in items] == [
        (D(10240), D("0.09"), D("921.60")),
        (D(19760), D("0.085"), D("1679.60")),
    ]
    assert [i.component for i in items] == ["c (first 10,240 GB)", "c (10,240-51,200 GB)"]
    assert all("out to the internet" in i.source for i in items)


def test_components_of_one_product_share_the_meter_in_order(aws: Catalog) -> None:
    # web sends 8,000 GB, then the bucket 5,000 GB: the bucket's first 2,240 GB finish the
    # first tier, its other 2,760 GB are in the second. A region of its own has its own meter.
    web = comp("transfer-out", 8000, "month", service="web")
    bucket = comp("transfer-out", 5000, "month", service="assets")
    other = comp("transfer-out", 100, "month", region="eu-west-1")
    items, _ = price_components([web, bucket, other], aws)
    assert [(i.service, i.region, i.quantity, i.unit_price) for i in items] == [
        ("web", "us-east-1", D(8000), D("0.09")),
        ("assets", "us-east-1", D(2240), D("0.09")),
        ("assets", "us-east-1", D(2760), D("0.085")),
        ("web", "eu-west-1", D(100), D("0.09")),
    ]
    # The walk equals one component of the total: 13,000 GB = 921.60 + 2,760 x 0.085.
    assert sum(i.monthly_cost for i in items[:3]) == D("921.60") + D("234.60")


def test_the_last_tier_has_no_end_and_an_included_tier_is_free() -> None:
    azure = load_catalog("azure")
    # Service Bus Standard: 13M operations a month included, 87M at 0.80, 2,400M at 0.50,
    # the rest at 0.20: 3,000M operations = 0 + 69.60 + 1,200 + 100 = 1,369.60.
    items, _ = price_components(
        [comp("service-bus-standard-ops", 3000, "month", region="eastus")], azure
    )
    assert [(i.quantity, i.monthly_cost) for i in items] == [
        (D(13), D("0.00")),
        (D(87), D("69.60")),
        (D(2400), D("1200.00")),
        (D(500), D("100.00")),
    ]
    assert items[-1].component.endswith("(over 2,500 million)")


def test_a_zero_quantity_is_one_line_item_in_the_current_tier(aws: Catalog) -> None:
    items, _ = price_components([comp("transfer-out", 0, "month")], aws)
    assert [(i.quantity, i.unit_price, i.monthly_cost) for i in items] == [
        (D(0), D("0.09"), D("0.00"))
    ]


def test_a_meter_carries_usage_between_calls(aws: Catalog) -> None:
    meter: dict = {}
    price_components([comp("transfer-out", 10000, "month")], aws, meter=meter)
    items, _ = price_components([comp("transfer-out", 1000, "month")], aws, meter=meter)
    assert [(i.quantity, i.unit_price) for i in items] == [
        (D(240), D("0.09")),
        (D(760), D("0.085")),
    ]


def test_commitments_cover_only_the_always_on_baseline(aws: Catalog) -> None:
    # 9 m5.large on average over the day, never fewer than 6: reserved, the 6 are committed
    # (0.062 reserved 1y) and the other 3 on demand (0.096); on demand or spot, one item.
    nodes = comp("m5.large", 9, baseline=D(6))
    reserved, _ = price_components(with_purchase([nodes], "reserved_1y"), aws)
    assert [(i.quantity, i.purchase, i.component) for i in reserved] == [
        (D(6 * 730), "reserved_1y", "c, always on"),
        (D(3 * 730), "on_demand", "c, above the always-on count"),
    ]
    rate = aws.price("m5.large", "us-east-1", "reserved_1y").unit_price
    assert reserved[0].monthly_cost == (6 * 730 * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert reserved[1].monthly_cost == D("210.24")  # 3 x 730 x 0.096
    spot, _ = price_components(with_purchase([nodes], "spot"), aws)
    assert [(i.quantity, i.purchase) for i in spot] == [(D(9 * 730), "spot")]
