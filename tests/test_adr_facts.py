"""ADR text follows the numbers: every "lowest monthly cost", "more than the cheapest",
"meets the target" and "misses the target" sentence of every record is checked against the
figures of the option it is written under, on the three examples and their two-region
variants; and the shipped decision texts claim no ranking, ratio or recovery time."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from devops_plan import build_plan
from devops_plan.defaults import decision_texts
from devops_plan.plan import DecisionOut, OptionOut, Plan
from devops_plan.render.adr.render import render_body
from devops_plan.units import parse_duration

from .conftest import DESIGNS, examples_and_second_regions

EXAMPLES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))
MONEY = r"([\d,]+\.\d\d) [A-Z]{3}"


def _plans() -> list[tuple[str, Plan]]:
    return [(name, build_plan(design)) for name, design in examples_and_second_regions()]


PLANS = _plans()


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _sections(body: str) -> dict[str, list[str]]:
    """The bullets under each option of "Pros and Cons of the Options", by option name."""
    part = body.split("## Pros and Cons of the Options", 1)[1].split("## More Information")[0]
    out: dict[str, list[str]] = {}
    name = ""
    for line in part.splitlines():
        if line.startswith("### "):
            name = line[4:].strip()
            out[name] = []
        elif line.startswith("* ") and name:
            out[name].append(line[2:])
    return out


def _check(plan: Plan, decision: DecisionOut, o: OptionOut, line: str) -> int:
    """Check one bullet against the option's numbers; how many claims it made (0 or 1)."""
    cheapest = min(x.monthly_cost for x in decision.options)
    t = plan.targets
    if "lowest monthly cost" in line:
        assert o.monthly_cost == cheapest, line
        return 1
    if m := re.search(rf"costs {MONEY} a month more than the cheapest option", line):
        assert o.monthly_cost - cheapest == _amount(m.group(1)) > 0, line
        return 1
    if m := re.search(r"(meets|misses) the ([\d.]+)% availability target", line):
        assert Decimal(m.group(2)) == Decimal(str(t.availability)), line
        assert o.availability is not None
        assert (o.availability >= t.availability) == (m.group(1) == "meets"), line
        by = re.search(r"(?:by |\()([\d.]+) points", line)
        shown = re.search(r"\(([\d.]+)%\)|with ([\d.]+)%", line)
        assert shown and Decimal(shown.group(1) or shown.group(2)) == Decimal(str(o.availability))
        assert by and Decimal(by.group(1)) == abs(
            Decimal(str(o.availability)) - Decimal(str(t.availability))
        ), line
        return 1
    if m := re.search(r"its (RTO|RPO) of (\S+) (meets|misses) the (\S+) target", line):
        achieved = o.rto if m.group(1) == "RTO" else o.rpo
        target = t.rto if m.group(1) == "RTO" else t.rpo
        assert achieved is not None, line
        assert achieved == parse_duration(m.group(2)) and target == parse_duration(m.group(4))
        assert (achieved <= target) == (m.group(3) == "meets"), line
        return 1
    if m := re.search(r"RTO (\S+), RPO (\S+) \((meets|misses) the DR targets\)", line):
        assert o.rto is not None and o.rpo is not None, line
        assert (parse_duration(m.group(1)), parse_duration(m.group(2))) == (o.rto, o.rpo), line
        met = o.rto <= t.rto and o.rpo <= t.rpo
        assert met == (m.group(3) == "meets"), line
        return 1
    assert not re.search(r"cheapest|lowest|most expensive|meets the|misses the", line), line
    return 0


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=[n for n, _ in PLANS])
def test_every_cost_and_target_sentence_matches_the_options_numbers(name: str, plan: Plan) -> None:
    claims = 0
    for decision in plan.decisions:
        body = render_body(plan, decision)
        sections = _sections(body)
        assert list(sections) == [o.name for o in decision.options], decision.id
        for o in decision.options:
            lines = sections[o.name]
            made = sum(_check(plan, decision, o, line) for line in lines)
            # Every option says where it stands on cost, and on each target that applies.
            figures = (o.rto, o.rpo, o.availability)
            expected = 1 + sum(f is not None for f in figures)
            assert made >= expected, (decision.id, o.name, lines)
            claims += made
    assert claims > 0


def test_the_shipped_decision_texts_claim_no_numbers() -> None:
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, Sequence) and not isinstance(node, str):
            texts.extend(str(x) for x in node)

    walk(decision_texts())
    assert texts
    quantitative = re.compile(
        r"cheap|lowest|highest|largest|most expensive|half|twice|double|near-zero|"
        r"\bRTO\b|\bRPO\b|minutes|hours|\d",
        re.IGNORECASE,
    )
    assert [t for t in texts if quantitative.search(t)] == []


@pytest.mark.parametrize("missing", ["rto", "rpo"])
def test_a_recovery_figure_not_computed_is_said_so_never_shown_or_judged_as_zero(
    missing: str,
) -> None:
    plan = next(p for n, p in PLANS if n == "shop")
    decision = next(d for d in plan.decisions if d.id == "dr-strategy")
    options = tuple(o.model_copy(update={missing: None}) for o in decision.options)
    decision = decision.model_copy(update={"options": options})
    plan = plan.model_copy(update={"decisions": (decision,)})
    body = render_body(plan, decision)
    what = missing.upper()
    assert f"{what} not computed" in body
    assert not re.search(rf"{what} (of )?0s\b", body), body
    for o in decision.options:
        lines = _sections(body)[o.name]
        # Judged on what it has: the other recovery figure and its cost, never the missing one.
        assert not any(f"its {what} of" in line for line in lines), lines
        assert sum(_check(plan, decision, o, line) for line in lines) >= 2
