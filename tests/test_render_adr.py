"""ADR drafts: MADR 4 sections and front matter, the plan's numbers in every option, honest
justifications, deterministic dates, user templates, and reading records back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan import build_plan
from devops_plan.design import load_design
from devops_plan.errors import UserError
from devops_plan.plan import DecisionOut, OptionOut, Plan
from devops_plan.render import adr
from devops_plan.units import format_duration

from .conftest import DESIGNS

MADR_SECTIONS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "## More Information",
]


@pytest.fixture(scope="module")
def shop() -> Plan:
    return build_plan(load_design(DESIGNS / "shop.yaml"))


def _decision(plan: Plan, ident: str) -> DecisionOut:
    return next(d for d in plan.decisions if d.id == ident)


def test_one_record_per_decision_and_the_required_ones_exist(shop: Plan) -> None:
    records = adr.render_records(shop)
    assert list(records) == [
        "0001-shop-compute-platform-and-node-instance-types.md",
        "0002-shop-high-availability-zones-and-regions.md",
        "0003-shop-database-deployment-for-orders-db.md",
        "0004-shop-disaster-recovery-strategy.md",
        "0005-shop-purchase-option-for-compute.md",
        "0006-shop-security-baseline.md",
    ]


@pytest.mark.parametrize(
    "ident",
    [
        "compute-platform",
        "ha-topology",
        "database-orders-db",
        "dr-strategy",
        "purchase-option",
        "security-baseline",
    ],
)
def test_madr_sections_front_matter_and_hash(shop: Plan, ident: str) -> None:
    decision = _decision(shop, ident)
    text = adr.render_record(
        shop, decision, date="2025-01-01", decision_makers=["Ana Lima", "ops team"]
    )
    head, body = text[4:].split("\n---\n", 1)
    lines = head.splitlines()
    assert lines[:3] == [
        "status: proposed",
        "date: 2025-01-01",
        'decision-makers: ["Ana Lima", "ops team"]',
    ]
    record = adr.parse_record("0001-x.md", text)
    assert record.generated and not record.edited
    assert record.front["content-hash"] == adr.content_hash(record.body)
    assert record.front["plan-decision"] == ident and record.chosen == decision.chosen
    positions = [body.index(s) for s in MADR_SECTIONS]
    assert positions == sorted(positions)
    assert body.lstrip("\n").startswith(f"# shop: {decision.title}\n")
    assert f'Chosen option: "{decision.chosen}", because ' in body
    for option in decision.options:
        assert f"* {option.name}\n" in body  # Considered Options
        assert f"### {option.name}\n" in body  # Pros and Cons
        assert f"{option.monthly_cost:,.2f} USD" in body
        if option.availability is not None:
            assert f"{option.availability:g}%" in body
        if option.rto is not None:
            assert format_duration(option.rto) in body and format_duration(option.rpo or 0) in body
    options_table = body.split("## Decision Outcome")[0]
    table = [line for line in options_table.splitlines() if line.startswith("| ") and "USD" in line]
    assert len(table) == len(decision.options)
    assert [line.rstrip(" |").endswith(("yes", "no")) for line in table] == [True] * len(table)
    assert [line.rsplit("|", 2)[1].strip() for line in table] == [
        "yes" if o.meets_target else "no" for o in decision.options
    ]


def test_context_comes_from_targets_and_load(shop: Plan) -> None:
    body = adr.render_body(shop, _decision(shop, "dr-strategy"))
    assert "targets availability of 99.95% a month" in body
    assert "RTO 1h losing at most RPO 15m" in body
    assert "p95 latency within 300 ms" in body
    assert "budget of 14,000.00 USD a month" in body
    assert "* peak load: web 1500 rps x 20 ms, api 1500 rps x 45 ms" in body  # a decision driver


def test_dr_record_numbers_and_outcome(shop: Plan) -> None:
    body = adr.render_body(shop, _decision(shop, "dr-strategy"))
    # With the security baseline: 1,677.46 USD in the primary region, 10.00 for the standby's ACL.
    assert "| pilot light (chosen) | 13,687.57 USD | 17m30s | 15m | yes |" in body
    assert "| backup & restore | 13,260.79 USD | 1h50m50s | 15m | no |" in body
    assert (
        "because it is the cheapest considered option that meets the targets (13,687.57 USD a month)"
        in body
    )
    assert (
        "* Good, because it meets the targets: RTO 17m30s, RPO 15m against the RTO 1h, RPO 15m targets"
        in body
    )
    assert (
        "* A failover drill to us-west-2 restores service within RTO 1h and loses at most RPO 15m of data"
        in body
    )
    assert (
        "* Bad, because it costs 1,384.49 USD a month more than the chosen option" in body
    )  # warm standby


def test_date_is_the_catalog_date_unless_given(shop: Plan) -> None:
    records = adr.render_records(shop)
    assert all("\ndate: 2025-01-01\n" in text for text in records.values())
    assert records == adr.render_records(shop)  # byte-identical
    dated = adr.render_records(shop, date="2031-02-03")
    assert all("\ndate: 2031-02-03\n" in text for text in dated.values())
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        adr.render_records(shop, date="03/02/2031")


# --- justification: facts from the numbers, whatever the case ------------------------------


def _opt(
    name: str, cost: str, meets: bool, chosen: bool = False, availability: float = 99.9
) -> OptionOut:
    return OptionOut(
        name=name,
        monthly_cost=Decimal(cost),
        availability=availability,
        meets_target=meets,
        chosen=chosen,
        pros=["Fast"],
        cons=["Costly"],
    )


def _with(plan: Plan, *options: OptionOut) -> tuple[Plan, DecisionOut]:
    chosen = next(o.name for o in options if o.chosen)
    d = DecisionOut(
        id="x", title="X", context="c", chosen=chosen, drivers=[], options=list(options)
    )
    return plan.model_copy(update={"decisions": [d]}), d


def test_justification_cheapest_that_meets(shop: Plan) -> None:
    plan, d = _with(
        shop, _opt("a", "100", False), _opt("b", "200", True, True), _opt("c", "300", True)
    )
    assert (
        adr.justification(plan, d)
        == "it is the cheapest considered option that meets the targets (200.00 USD a month)"
    )


def test_justification_names_a_cheaper_option_that_also_meets(shop: Plan) -> None:
    plan, d = _with(shop, _opt("a", "150", True), _opt("b", "200", True, True))
    text = adr.justification(plan, d)
    assert text.endswith("a also meets them for 50.00 USD less")
    assert (
        "Bad, because a would also meet the targets for 50.00 USD less a month"
        in adr.consequences(plan, d)
    )


def test_justification_when_nothing_meets(shop: Plan) -> None:
    plan, d = _with(
        shop, _opt("a", "100", False, True, 99.5), _opt("b", "200", False, availability=99.8)
    )
    text = adr.justification(plan, d)
    assert text.startswith("no considered option meets the 99.95% availability target")
    assert "the closest is b with availability 99.8% at 200.00 USD" in text


def test_justification_when_the_choice_misses_but_another_meets(shop: Plan) -> None:
    plan, d = _with(shop, _opt("a", "100", False, True), _opt("b", "200", True))
    text = adr.justification(plan, d)
    assert "but it misses the targets" in text and text.endswith(
        "b meets them at 200.00 USD a month"
    )


def test_over_budget_is_a_bad_consequence(shop: Plan) -> None:
    plan, d = _with(shop, _opt("a", "15000.50", True, True))
    assert (
        "Bad, because the plan's 15,000.50 USD a month is over the budget of 14,000.00 USD by 1,000.50 USD"
        in adr.consequences(plan, d)
    )


# --- templates ---------------------------------------------------------------------------------


def test_user_templates_override_the_shipped_ones(shop: Plan, tmp_path: Path) -> None:
    (tmp_path / "record.md.j2").write_text(
        "# {{ title }}\n\nChosen: {{ chosen.name }} at {{ chosen.monthly_cost }}\n"
    )
    records = adr.render_records(shop, templates=tmp_path)
    text = records["0004-shop-disaster-recovery-strategy.md"]
    assert text.endswith(
        "\n# shop: Disaster recovery strategy\n\nChosen: pilot light at 13,687.57 USD\n"
    )
    assert text.startswith("---\nstatus: proposed\n")
    # The index falls back to the shipped template.
    index = adr.render_index([], env=adr.environment(tmp_path))
    assert index.startswith("# Architecture Decision Records\n")


def test_bad_templates_are_user_errors(shop: Plan, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="template folder not found"):
        adr.environment(tmp_path / "missing")
    (tmp_path / "record.md.j2").write_text("# {{ title }\n{% for x in %}\n")
    with pytest.raises(UserError, match=r"record\.md\.j2:1"):
        adr.render_records(shop, templates=tmp_path)
    (tmp_path / "record.md.j2").write_text("{{ no_such_thing }}\n")
    with pytest.raises(UserError, match="no_such_thing"):
        adr.render_records(shop, templates=tmp_path)


# --- reading records back ----------------------------------------------------------------------


def test_parse_adr_tools_record() -> None:
    text = "# 1. Record architecture decisions\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\n## Context\n\nx\n"
    r = adr.parse_record("0001-record-architecture-decisions.md", text)
    assert (r.number, r.title, r.status, r.date) == (
        1,
        "1. Record architecture decisions",
        "Accepted",
        "2024-03-01",
    )
    assert not r.generated


def test_an_edited_body_is_detected(shop: Plan) -> None:
    text = adr.render_record(shop, shop.decisions[0], date="2025-01-01")
    assert not adr.parse_record("0001-a.md", text).edited
    assert adr.parse_record(
        "0001-a.md", text.replace("## Decision Drivers", "## Decision drivers")
    ).edited
    # Front matter changes (status, decision-makers) are not body edits.
    accepted = text.replace("status: proposed", "status: accepted")
    assert not adr.parse_record("0001-a.md", accepted).edited


def test_split_front_matter_separates_the_hashed_body(shop: Plan) -> None:
    body = adr.render_body(shop, shop.decisions[0])
    text = adr.render_record(shop, shop.decisions[0], date="2025-01-01")
    head, rest = adr.split_front_matter(text)
    assert head is not None and head.startswith("status: proposed\n")
    assert rest == body and adr.content_hash(rest) in head
    assert adr.split_front_matter(body) == (None, body)


def test_set_front_matter_changes_one_line_only(shop: Plan) -> None:
    text = adr.render_record(shop, shop.decisions[0], date="2025-01-01")
    status = adr.superseded_status(7, "0007-x.md")
    new = adr.set_front_matter(text, "status", status)
    diff = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert diff == [("status: proposed", 'status: "superseded by [ADR-0007](0007-x.md)"')]
    r = adr.parse_record("0001-a.md", new)
    assert r.superseded and r.status == "superseded by [ADR-0007](0007-x.md)"


def test_index_lists_every_record_in_order(shop: Plan) -> None:
    records = [adr.parse_record(name, text) for name, text in adr.render_records(shop).items()]
    records.append(adr.parse_record("0009-by-hand.md", "# Use a | pipe\n\n## Status\n\nAccepted\n"))
    index = adr.render_index(reversed(records))
    rows = [line for line in index.splitlines() if line.startswith("| [")]
    assert [row[3:7] for row in rows] == ["0001", "0002", "0003", "0004", "0005", "0006", "0009"]
    assert rows[-1] == "| [0009](0009-by-hand.md) | Use a \\| pipe | Accepted |  |"


def test_slugify() -> None:
    assert (
        adr.slugify("shop: High availability: zones and regions")
        == "shop-high-availability-zones-and-regions"
    )
    assert adr.slugify("!!!") == "decision"
    assert len(adr.slugify("x" * 200)) == 60
