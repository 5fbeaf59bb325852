"""The recommendation rules: from spend, utilization and the price catalog to findings with
estimated monthly savings. Pure functions; no file, network or clock.

Savings are priced from the shipped catalog; where the catalog lacks the product being
paid for, from the bill's own list price (ListUnitPrice); where neither has a price, the
finding is kept with no savings figure rather than an invented one. A resource can get
several recommendations (idle, smaller, newer, spot); they are alternatives, so only the
largest counts towards the total. The commitment is sized on the on-demand baseline left
after those per-resource savings, so nothing is counted twice.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property

from ...catalog import Catalog, Price
from ...units import HOURS_PER_MONTH, round_cents
from ..commitments import Commitment, hourly_series, plan_commitment
from ..inventory import Resource, build_inventory, cloud_of, is_hours, parse_tags
from ..settings import ReportSettings
from ..sources.utilization import ResourceUsage, Utilization
from ..spend import Spend

_ZERO = Decimal(0)
_MONTH = Decimal(HOURS_PER_MONTH)

KINDS: dict[str, str] = {
    "idle": "Idle resources",
    "rightsizing": "Rightsizing",
    "modernization": "Modernization",
    "spot": "Spot",
    "waste": "Storage and network waste",
    "commitment": "Commitments",
    "tag_hygiene": "Tag hygiene",
}
CONFIDENCE = ("high", "medium", "low")
# Per-resource kinds that change what a machine costs per hour (the commitment baseline).
_COMPUTE_KINDS = ("idle", "rightsizing", "modernization", "spot")


@dataclass(frozen=True)
class Recommendation:
    """One finding: what, why (evidence), what to do, and what it is worth per month."""

    kind: str
    resource_id: str
    resource_name: str
    provider: str
    region: str
    service: str
    finding: str
    action: str
    evidence: str
    current_monthly_cost: Decimal
    estimated_monthly_savings: Decimal | None  # None: no price to compute it from
    confidence: str
    price_source: str
    counted: bool = True  # False when a larger recommendation on the resource is counted
    note: str = ""


@dataclass(frozen=True)
class TagHygiene:
    """How much taggable spend lacks the required tags."""

    required: tuple[str, ...]
    taggable_cost: Decimal
    untagged_cost: Decimal
    untagged: tuple[
        tuple[str, str, str, tuple[str, ...], Decimal], ...
    ]  # id, provider, service, missing, billed
    malformed_resources: int

    @property
    def share(self) -> Decimal:
        return self.untagged_cost / self.taggable_cost if self.taggable_cost else _ZERO


@dataclass(frozen=True)
class Findings:
    recommendations: tuple[Recommendation, ...]
    tag_hygiene: TagHygiene
    commitments: tuple[tuple[str, tuple[Commitment, ...]], ...]  # provider -> every option
    notes: tuple[str, ...]


# -- formatting evidence -------------------------------------------------------------


def fmt_money(value: Decimal, currency: str = "USD", places: int = 2) -> str:
    sign = "-" if value < 0 else ""
    amount = f"{abs(value):,.{places}f}"
    return f"{sign}${amount}" if currency == "USD" else f"{sign}{amount} {currency}"


def _rate(value: Decimal, currency: str) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def _per_hour(value: Decimal) -> Decimal:
    """An hourly rate shown to the tenth of a cent."""
    return value.quantize(Decimal("0.001"))


def _spec(p: Price) -> str:
    vcpu = f"{p.vcpu:g} vCPU" if p.vcpu is not None else "? vCPU"
    mem = f"{p.memory_gib:g} GiB" if p.memory_gib is not None else "? GiB"
    return f"{p.product} ({vcpu}, {mem}, {_rate(p.unit_price, p.currency)}/h)"


def _catalog_source(p: Price) -> str:
    return f"catalog {p.cloud} {p.as_of}"


def _usage_text(u: ResourceUsage) -> str:
    parts = []
    if u.cpu_p95_pct is not None:
        parts.append(f"P95 CPU {u.cpu_p95_pct:.1f}%")
    if u.mem_peak_pct is not None:
        parts.append(f"peak memory {u.mem_peak_pct:.1f}%")
    if u.net_mb_per_day is not None:
        parts.append(f"network {u.net_mb_per_day:.2f} MB/day")
    return ", ".join(parts) + f" over {u.days:.1f} days ({u.samples} samples)"


# -- the rule context ----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    spend: Spend
    utilization: Utilization
    catalogs: Mapping[str, Catalog]
    settings: ReportSettings
    currency: str
    # Catalog searches repeat for every machine of a type; remembered per report.
    cache: dict[tuple[str, ...], list[Price]] = field(default_factory=dict)
    # Each rule asks for a resource's utilization; looked up once per resource id.
    usages: dict[str, ResourceUsage | None] = field(default_factory=dict)

    @cached_property
    def spot_rules(self) -> _SpotRules:
        return _SpotRules.of(self.settings)

    def usage(self, r: Resource) -> ResourceUsage | None:
        rid = r.resource_id
        if rid not in self.usages:
            self.usages[rid] = self.utilization.find(rid)
        return self.usages[rid]

    def monthly(self, amount: Decimal) -> Decimal:
        return round_cents(self.spend.monthly(amount))

    def hours_per_month(self, hours: float) -> Decimal:
        period = self.spend.period.hours
        return Decimal(str(hours)) * _MONTH / period if period > 0 else _ZERO

    def price(self, r: Resource, product: str, purchase: str = "on_demand") -> Price | None:
        catalog = self.catalogs.get(r.cloud or "")
        if catalog is None or not product or not r.region:
            return None
        return catalog.find(product, r.region, purchase)


def _rec(
    r: Resource,
    ctx: _Context,
    kind: str,
    *,
    finding: str,
    action: str,
    evidence: str,
    savings: Decimal | None,
    confidence: str,
    price_source: str,
    current: Decimal | None = None,
) -> Recommendation:
    return Recommendation(
        kind=kind,
        resource_id=r.resource_id,
        resource_name=r.name,
        provider=r.provider,
        region=r.region,
        service=r.service,
        finding=finding,
        action=action,
        evidence=evidence,
        current_monthly_cost=current if current is not None else ctx.monthly(r.billed_cost),
        estimated_monthly_savings=None if savings is None else round_cents(savings),
        confidence=confidence,
        price_source=price_source,
    )


def _current_hourly(r: Resource, ctx: _Context) -> tuple[Decimal | None, Price | None, str]:
    """The machine's on-demand hourly price: catalog first, else the bill's list price."""
    p = ctx.price(r, r.instance_type)
    if p is not None:
        return p.unit_price, p, _catalog_source(p)
    if r.list_unit_price is not None and r.list_unit_price > 0:
        return r.list_unit_price, None, "billing list price (ListUnitPrice)"
    return None, None, ""


def _generation_number(family: str) -> int:
    digits = re.findall(r"\d+", family)
    return int(digits[0]) if digits else 0


def _cheapest(candidates: Iterable[Price]) -> Price | None:
    """Cheapest by price; among equal prices the newest generation, then by name."""
    ordered = sorted(
        candidates, key=lambda p: (p.unit_price, -_generation_number(p.family), p.product)
    )
    return ordered[0] if ordered else None


# -- rules -----------------------------------------------------------------------------


def _enough_data(u: ResourceUsage | None, ctx: _Context) -> bool:
    return u is not None and u.days >= ctx.settings.min_days and u.cpu_p95_pct is not None


def idle_machine(r: Resource, ctx: _Context) -> list[Recommendation]:
    u = ctx.usage(r)
    if r.kind != "vm" or u is None or not _enough_data(u, ctx):
        return []
    assert u.cpu_p95_pct is not None
    s = ctx.settings
    if u.cpu_p95_pct >= s.idle_cpu_p95_pct:
        return []
    if u.net_mb_per_day is not None and u.net_mb_per_day > s.idle_network_mb_per_day:
        return []
    measured = u.net_mb_per_day is not None
    monthly = ctx.monthly(r.billed_cost)
    return [
        _rec(
            r,
            ctx,
            "idle",
            finding=(
                f"Idle machine: P95 CPU {u.cpu_p95_pct:.1f}% (< {s.idle_cpu_p95_pct:g}%)"
                + (
                    f" and {u.net_mb_per_day:.2f} MB/day of network"
                    if measured
                    else "; network not measured"
                )
            ),
            action="Stop or terminate it (snapshot its volumes first if the data matters)",
            evidence=_usage_text(u) + f"; billed {fmt_money(monthly, ctx.currency)} a month",
            savings=monthly,
            confidence="high" if measured else "medium",
            price_source="billed cost",
        )
    ]


def rightsize_machine(r: Resource, ctx: _Context) -> list[Recommendation]:
    u = ctx.usage(r)
    if r.kind != "vm" or not r.instance_type or not _enough_data(u, ctx) or u is None:
        return []
    if r.on_demand_hours <= 0:
        return []
    current = ctx.price(r, r.instance_type)
    catalog = ctx.catalogs.get(r.cloud or "")
    if current is None or catalog is None or current.vcpu is None or current.memory_gib is None:
        return []
    assert u.cpu_p95_pct is not None
    s = ctx.settings
    grow = 1 + s.headroom
    need_vcpu = current.vcpu * u.cpu_p95_pct / 100 * grow
    # Without a memory measurement the memory cannot shrink.
    need_mem = (
        current.memory_gib * u.mem_peak_pct / 100 * grow
        if u.mem_peak_pct is not None
        else current.memory_gib
    )

    def smaller(p: Price) -> bool:
        # Rightsizing means less capacity; a same-size move is modernization's business.
        return p.unit_price < current.unit_price and (
            (p.vcpu or 0) < (current.vcpu or 0) or (p.memory_gib or 0) < (current.memory_gib or 0)
        )

    same = [
        p
        for p in catalog.products(
            r.region,
            category="compute",
            family=current.family,
            min_vcpu=need_vcpu,
            min_memory_gib=need_mem,
        )
        if smaller(p)
    ]
    target = _cheapest(same)
    scope = "same family"
    if target is None:
        burstable = current.family.startswith("t")
        across = [
            p
            for p in catalog.products(
                r.region,
                category="compute",
                min_vcpu=need_vcpu,
                min_memory_gib=need_mem,
                arch=current.arch or None,
                generation="current",
            )
            if smaller(p) and (burstable or not p.family.startswith("t"))
        ]
        target = _cheapest(across)
        scope = "another family"
    if target is None:
        return []
    hours = ctx.hours_per_month(r.on_demand_hours)
    savings = (current.unit_price - target.unit_price) * hours
    mem_text = (
        f"peak memory {u.mem_peak_pct:.1f}%"
        if u.mem_peak_pct is not None
        else "memory not measured (kept as is)"
    )
    return [
        _rec(
            r,
            ctx,
            "rightsizing",
            finding=(f"Oversized: P95 CPU {u.cpu_p95_pct:.1f}%, {mem_text} on {current.product}"),
            action=f"Resize to {target.product} ({scope})",
            evidence=(
                f"{_usage_text(u)}; needs {need_vcpu:.2f} vCPU and {need_mem:.2f} GiB with "
                f"{s.headroom:.0%} head room; {_spec(current)} -> {_spec(target)}; "
                f"{hours:.1f} on-demand hours a month"
            ),
            savings=savings,
            confidence="high" if u.mem_peak_pct is not None else "medium",
            price_source=_catalog_source(target),
        )
    ]


def modernize_machine(r: Resource, ctx: _Context) -> list[Recommendation]:
    if r.kind != "vm" or not r.instance_type or r.on_demand_hours <= 0:
        return []
    current = ctx.price(r, r.instance_type)
    catalog = ctx.catalogs.get(r.cloud or "")
    if current is None or catalog is None or current.generation != "previous":
        return []
    if current.vcpu is None or current.memory_gib is None:
        return []
    key = ("newer", catalog.cloud, r.region, current.product)
    if key not in ctx.cache:
        ctx.cache[key] = [
            p
            for p in catalog.products(
                r.region,
                category="compute",
                min_vcpu=current.vcpu,
                min_memory_gib=current.memory_gib,
                generation="current",
            )
            if p.family[:1] == current.family[:1]
        ]
    newer: list[Price] = ctx.cache[key]
    same_arch = _cheapest(p for p in newer if p.arch == current.arch)
    other_arch = _cheapest(p for p in newer if p.arch != current.arch)
    hours = ctx.hours_per_month(r.on_demand_hours)
    options = [
        (p, conf)
        for p, conf in ((same_arch, "high"), (other_arch, "medium"))
        if p is not None and p.unit_price < current.unit_price
    ]
    if not options:
        return []
    target, confidence = options[0]
    alternative = ""
    if len(options) > 1:
        alt = options[1][0]
        alt_savings = round_cents((current.unit_price - alt.unit_price) * hours)
        alternative = (
            f"; {alt.product} ({alt.arch}) would save "
            f"{fmt_money(alt_savings, ctx.currency)} a month but needs {alt.arch} builds"
        )
    arch_note = (
        "" if target.arch == current.arch else f" ({target.arch}: needs {target.arch} builds)"
    )
    return [
        _rec(
            r,
            ctx,
            "modernization",
            finding=f"Previous-generation machine {current.product}",
            action=f"Move to {target.product}{arch_note}",
            evidence=(
                f"{_spec(current)} -> {_spec(target)}; {hours:.1f} on-demand hours a month"
                + alternative
            ),
            savings=(current.unit_price - target.unit_price) * hours,
            confidence=confidence,
            price_source=_catalog_source(target),
        )
    ]


def modernize_volume(r: Resource, ctx: _Context) -> list[Recommendation]:
    if r.kind != "volume" or r.volume_type != "gp2" or r.cloud != "aws" or r.gb_months <= 0:
        return []
    gp2 = ctx.price(r, "ebs-gp2")
    gp3 = ctx.price(r, "ebs-gp3")
    if gp2 is not None:
        current_price, source = gp2.unit_price, _catalog_source(gp2)
    elif r.list_unit_price is not None:
        current_price, source = r.list_unit_price, "billing list price (ListUnitPrice)"
    else:
        current_price, source = None, ""
    gb = ctx.hours_per_month(r.gb_months)  # GB-months per 730-hour month
    finding = "gp2 volume: gp3 gives the same baseline performance for less"
    action = "Change the volume type to gp3 (online, no detach)"
    if current_price is None or gp3 is None:
        return [
            _rec(
                r,
                ctx,
                "modernization",
                finding=finding,
                action=action,
                evidence=f"{gb:.1f} GB-month a month; no catalog price for gp3 in {r.region}",
                savings=None,
                confidence="high",
                price_source="",
            )
        ]
    return [
        _rec(
            r,
            ctx,
            "modernization",
            finding=finding,
            action=action,
            evidence=(
                f"{gb:.1f} GB-month a month at {_rate(current_price, ctx.currency)} (gp2) -> "
                f"{_rate(gp3.unit_price, ctx.currency)} (gp3) per GB-month; gp3 includes "
                "3,000 IOPS and 125 MB/s"
            ),
            savings=(current_price - gp3.unit_price) * gb,
            confidence="high",
            price_source=f"{source}; {_catalog_source(gp3)}",
        )
    ]


@dataclass(frozen=True)
class _SpotRules:
    """The user's spot rules, lower-cased and compiled once per report."""

    tags: tuple[tuple[str, str, frozenset[str]], ...]  # key, its lower case, values
    names: tuple[tuple[str, Callable[[str], re.Match[str] | None]], ...]

    @classmethod
    def of(cls, s: ReportSettings) -> _SpotRules:
        return cls(
            tags=tuple(
                (key, key.lower(), frozenset(v.lower() for v in values))
                for key, values in sorted(s.spot_tags.items())
            ),
            # fnmatch.fnmatch's own steps (normcase, translate), compiled once.
            names=tuple(
                (pattern, re.compile(fnmatch.translate(os.path.normcase(pattern.lower()))).match)
                for pattern in s.spot_name_patterns
            ),
        )


def _spot_eligible(r: Resource, rules: _SpotRules) -> str:
    tags = {k.lower(): v.lower() for k, v in (r.tags or {}).items()}
    for key, lower, values in rules.tags:
        value = tags.get(lower)
        if value is not None and value in values:
            return f"tag {key}={value}"
    texts = [os.path.normcase(t.lower()) for t in (r.name, r.resource_id) if t]
    for pattern, match in rules.names:
        for text in texts:
            if match(text) is not None:
                return f"name matches {pattern}"
    return ""


def spot_machine(r: Resource, ctx: _Context) -> list[Recommendation]:
    if r.kind != "vm" or r.on_demand_hours <= 0:
        return []
    why = _spot_eligible(r, ctx.spot_rules)
    if not why:
        return []
    hours = ctx.hours_per_month(r.on_demand_hours)
    current, _, current_source = _current_hourly(r, ctx)
    spot = ctx.price(r, r.instance_type, "spot")
    finding = f"Interruptible workload on on-demand capacity ({why})"
    action = "Run it on spot capacity (with interruption handling)"
    if current is None or spot is None:
        return [
            _rec(
                r,
                ctx,
                "spot",
                finding=finding,
                action=action,
                evidence=f"{hours:.1f} on-demand hours a month; no spot price for "
                f"{r.instance_type or 'this machine'} in {r.region}",
                savings=None,
                confidence="medium",
                price_source="",
            )
        ]
    return [
        _rec(
            r,
            ctx,
            "spot",
            finding=finding,
            action=action,
            evidence=(
                f"{r.instance_type}: {_rate(current, ctx.currency)}/h on demand -> "
                f"{_rate(spot.unit_price, ctx.currency)}/h typical spot; "
                f"{hours:.1f} on-demand hours a month"
            ),
            savings=(current - spot.unit_price) * hours,
            confidence="medium",
            price_source=f"{current_source}; {_catalog_source(spot)} (spot, typical)",
        )
    ]


def _created(r: Resource, s: ReportSettings) -> date | None:
    tags = {k.lower(): v for k, v in (r.tags or {}).items()}
    for key in s.snapshot_created_tags:
        text = tags.get(key.lower())
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                continue
    return None


def storage_and_network_waste(r: Resource, ctx: _Context) -> list[Recommendation]:
    s = ctx.settings
    monthly = ctx.monthly(r.billed_cost)
    if monthly <= 0:
        return []
    cost_text = f"billed {fmt_money(monthly, ctx.currency)} a month"
    if r.kind == "volume":
        u = ctx.usage(r)
        if (
            u is None
            or u.disk_ops_per_day is None
            or u.days < s.min_days
            or u.disk_ops_per_day >= s.idle_volume_ops_per_day
        ):
            return []
        return [
            _rec(
                r,
                ctx,
                "waste",
                finding=f"Unused volume: {u.disk_ops_per_day:.2f} disk operations a day "
                "(likely unattached)",
                action="Snapshot it if needed, then delete it",
                evidence=f"{u.disk_ops_per_day:.2f} ops/day over {u.days:.1f} days; {cost_text}",
                savings=monthly,
                confidence="medium",
                price_source="billed cost",
            )
        ]
    if r.kind == "snapshot":
        end = ctx.spend.period.end.date()
        created = _created(r, s)
        if created is not None:
            age = (end - created).days
            basis = f"created {created.isoformat()} (tag)"
        elif r.first_start is not None:
            age = (end - r.first_start.date()).days
            basis = f"billed since {r.first_start.date().isoformat()} (at least)"
        else:
            return []
        if age < s.snapshot_max_age_days:
            return []
        return [
            _rec(
                r,
                ctx,
                "waste",
                finding=f"Old snapshot: {age} days old (> {s.snapshot_max_age_days})",
                action="Delete it unless a retention rule needs it",
                evidence=f"{basis}; {cost_text}",
                savings=monthly,
                confidence="medium",
                price_source="billed cost",
            )
        ]
    billed_days = (
        (r.last_end - r.first_start).total_seconds() / 86400
        if r.first_start is not None and r.last_end is not None
        else 0.0
    )
    if r.kind in ("nat_gateway", "load_balancer") and billed_days < s.min_days:
        return []  # a short look at an idle gateway proves nothing
    if r.kind == "nat_gateway":
        gb_month = ctx.hours_per_month(r.gb_processed)
        if gb_month >= Decimal(str(s.idle_nat_gb_per_month)):
            return []
        return [
            _rec(
                r,
                ctx,
                "waste",
                finding=f"Idle NAT gateway: {gb_month:.3f} GB processed a month",
                action="Delete it (or share one gateway per VPC)",
                evidence=f"{r.gb_processed:.3f} GB processed in the period; {cost_text}",
                savings=monthly,
                confidence="medium",
                price_source="billed cost",
            )
        ]
    if r.kind == "load_balancer":
        hours = ctx.spend.period.hours
        lcu_per_hour = Decimal(str(r.lcu_hours)) / hours if hours > 0 else _ZERO
        if lcu_per_hour >= Decimal(str(s.idle_lb_lcu_per_hour)):
            return []
        return [
            _rec(
                r,
                ctx,
                "waste",
                finding=f"Idle load balancer: {lcu_per_hour:.4f} capacity units an hour",
                action="Delete it if nothing routes through it",
                evidence=f"{r.lcu_hours:.3f} LCU-hours in {hours:.0f} hours; {cost_text}",
                savings=monthly,
                confidence="medium",
                price_source="billed cost",
            )
        ]
    return []


PER_RESOURCE_RULES = (
    idle_machine,
    rightsize_machine,
    modernize_machine,
    modernize_volume,
    spot_machine,
    storage_and_network_waste,
)
# The kinds of resource each rule can flag (it returns nothing for the others), so a
# resource meets only the rules that can apply to it. A rule not listed sees every kind.
_RULE_KINDS: dict[Callable[[Resource, _Context], list[Recommendation]], frozenset[str]] = {
    idle_machine: frozenset({"vm"}),
    rightsize_machine: frozenset({"vm"}),
    modernize_machine: frozenset({"vm"}),
    modernize_volume: frozenset({"volume"}),
    spot_machine: frozenset({"vm"}),
    storage_and_network_waste: frozenset({"volume", "snapshot", "nat_gateway", "load_balancer"}),
}


def _rules_for(kind: str) -> tuple[Callable[[Resource, _Context], list[Recommendation]], ...]:
    """PER_RESOURCE_RULES that can flag a resource of `kind`, in their order."""
    return tuple(
        rule for rule in PER_RESOURCE_RULES if kind in _RULE_KINDS.get(rule, frozenset({kind}))
    )


# -- de-duplication, commitments, tags ---------------------------------------------------


def _count_once(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Per resource, only the largest saving counts; the others are marked as overlapping."""
    order = list(KINDS)
    by_resource: dict[tuple[str, str], list[Recommendation]] = {}
    for rec in recs:
        by_resource.setdefault((rec.provider, rec.resource_id), []).append(rec)
    out: list[Recommendation] = []
    for group in by_resource.values():
        ranked = sorted(
            group,
            key=lambda r: (
                -(r.estimated_monthly_savings if r.estimated_monthly_savings is not None else -1),
                order.index(r.kind),
            ),
        )
        best = ranked[0]
        counted = best.estimated_monthly_savings is not None
        out.append(best if best.counted == counted else replace(best, counted=counted))
        for other in ranked[1:]:
            out.append(
                replace(
                    other,
                    counted=False,
                    note=f"overlaps with the {KINDS[best.kind].lower()} recommendation on this "
                    "resource; not added to the total",
                )
            )
    return out


def _discounts(
    resources: Sequence[Resource], catalog: Catalog, options: Sequence[str]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per option: (spend-weighted discount off on-demand, share of spend it was priced on)."""
    weights: list[tuple[Resource, Price, Decimal]] = []
    total = _ZERO
    for r in resources:
        cost = sum(
            (
                ln.effective_cost
                for ln in r.lines
                if ln.pricing_category == "Standard" and is_hours(ln)
            ),
            _ZERO,
        )
        if cost <= 0:
            continue
        total += cost
        od = catalog.find(r.instance_type, r.region, "on_demand") if r.instance_type else None
        if od is not None and od.unit_price > 0:
            weights.append((r, od, cost))
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for option in options:
        priced = [
            (cost, p.unit_price / od.unit_price)
            for r, od, cost in weights
            if (p := catalog.find(r.instance_type, r.region, option)) is not None
        ]
        weight = sum((c for c, _ in priced), _ZERO)
        if weight > 0 and total > 0:
            ratio = sum((c * q for c, q in priced), _ZERO) / weight
            out[option] = (1 - ratio, weight / total)
    return out


def commitment_recommendations(
    inventory: Sequence[Resource], counted: Sequence[Recommendation], ctx: _Context
) -> tuple[list[Recommendation], list[tuple[str, tuple[Commitment, ...]]], list[str]]:
    recs: list[Recommendation] = []
    plans: list[tuple[str, tuple[Commitment, ...]]] = []
    notes: list[str] = []
    period = ctx.spend.period
    providers = sorted({h.provider for h in ctx.spend.compute_hours})
    for provider in providers:
        cloud = cloud_of(provider)
        catalog = ctx.catalogs.get(cloud or "")
        if catalog is None:
            notes.append(f"{provider}: no price catalog, so no commitment was sized")
            continue
        machines = [
            r
            for r in inventory
            if r.provider == provider and r.kind == "vm" and r.on_demand_hours > 0
        ]
        machine_ids = {(r.provider, r.resource_id) for r in machines}
        discounts = _discounts(machines, catalog, ctx.settings.commitment_options)
        if not discounts:
            notes.append(
                f"{provider}: the catalog prices no commitment for the machines billed on demand"
            )
            continue
        series = hourly_series(
            [(h.start, h.end, h.cost) for h in ctx.spend.compute_hours if h.provider == provider],
            period.start,
            period.end,
        )
        if not series:
            continue
        # Per-resource savings already counted would shrink the baseline; take them out first.
        already = (
            sum(
                (
                    rec.estimated_monthly_savings or _ZERO
                    for rec in counted
                    if rec.counted
                    and rec.kind in _COMPUTE_KINDS
                    and (rec.provider, rec.resource_id) in machine_ids
                ),
                _ZERO,
            )
            / _MONTH
        )
        adjusted = [max(v - already, _ZERO) for v in series]
        options = tuple(
            plan_commitment(adjusted, option, discount)
            for option, (discount, _) in sorted(discounts.items())
        )
        plans.append((provider, options))
        best = max(options, key=lambda c: (c.net_savings_per_hour, -len(c.purchase)))
        if round_cents(best.net_savings_per_hour * _MONTH) < ctx.settings.min_monthly_savings:
            continue
        coverage_of_spend = discounts[best.purchase][1]
        confidence = "medium"
        if period.days < ctx.settings.min_days or coverage_of_spend < Decimal("0.5"):
            confidence = "low"
        baseline_monthly = round_cents(sum(series, _ZERO) / Decimal(len(series)) * _MONTH)
        others = "; ".join(
            f"{c.purchase}: {fmt_money(round_cents(c.net_savings_per_hour * _MONTH), ctx.currency)}"
            for c in options
            if c is not best
        )
        recs.append(
            Recommendation(
                kind="commitment",
                resource_id=f"{provider} on-demand compute",
                resource_name="",
                provider=provider,
                region="all",
                service="Compute",
                finding=(f"Steady on-demand compute: {best.coverage:.0%} of it could be committed"),
                action=(
                    f"Buy a {best.purchase.replace('_', ' ')} commitment of "
                    f"{_rate(best.commitment_per_hour, ctx.currency)}/h"
                ),
                evidence=(
                    f"on-demand compute averages {_rate(_per_hour(best.baseline_per_hour), ctx.currency)}/h"
                    f" after the other recommendations; the commitment covers "
                    f"{_rate(_per_hour(best.level_per_hour), ctx.currency)}/h of it at "
                    f"{best.discount:.1%} off ({best.coverage:.0%} coverage, "
                    f"{best.utilization:.0%} used on average); it breaks even when "
                    f"{best.break_even_utilization:.0%} of it is used; "
                    f"discount priced on {coverage_of_spend:.0%} of on-demand machine spend"
                    + (f"; other options: {others}" if others else "")
                ),
                current_monthly_cost=baseline_monthly,
                estimated_monthly_savings=round_cents(best.net_savings_per_hour * _MONTH),
                confidence=confidence,
                price_source=f"catalog {catalog.cloud} {catalog.as_of}",
            )
        )
    return recs, plans, notes


def tag_hygiene(spend: Spend, settings: ReportSettings, top: int) -> TagHygiene:
    required = settings.required_tags
    # Per distinct Tags text: whether it is malformed, and the required tags it lacks.
    seen: dict[str, tuple[bool, tuple[str, ...]]] = {}
    taggable = _ZERO
    untagged = _ZERO
    per_resource: dict[tuple[str, str], tuple[str, tuple[str, ...], Decimal]] = {}
    malformed: set[tuple[str, str]] = set()
    for line in spend.lines:
        if not line.resource_id:
            continue
        taggable += line.billed_cost
        found = seen.get(line.tags)
        if found is None:
            tags = parse_tags(line.tags)
            present = {k.lower() for k, v in (tags or {}).items() if v.strip()}
            found = seen[line.tags] = (
                tags is None,
                tuple(t for t in required if t.lower() not in present),
            )
        is_malformed, missing = found
        if is_malformed:
            malformed.add((line.provider, line.resource_id))
        if missing:
            untagged += line.billed_cost
            key = (line.provider, line.resource_id)
            _, was_missing, cost = per_resource.get(key, (line.service, (), _ZERO))
            merged = tuple(t for t in required if t in was_missing or t in missing)
            per_resource[key] = (line.service, merged, cost + line.billed_cost)
    ranked = sorted(per_resource.items(), key=lambda kv: (-kv[1][2], kv[0]))[:top]
    return TagHygiene(
        required=tuple(required),
        taggable_cost=taggable,
        untagged_cost=untagged,
        untagged=tuple(
            (rid, provider, service, missing, cost)
            for (provider, rid), (service, missing, cost) in ranked
        ),
        malformed_resources=len(malformed),
    )


def _tag_recommendation(h: TagHygiene, ctx: _Context) -> list[Recommendation]:
    if h.untagged_cost <= 0:
        return []
    listed = ", ".join(rid for rid, *_ in h.untagged[:5])
    return [
        Recommendation(
            kind="tag_hygiene",
            resource_id="(resources without required tags)",
            resource_name="",
            provider="all",
            region="all",
            service="",
            finding=(f"{h.share:.1%} of taggable spend lacks the tag(s) {', '.join(h.required)}"),
            action="Tag these resources (and enforce tags at creation)",
            evidence=(
                f"{fmt_money(ctx.monthly(h.untagged_cost), ctx.currency)} a month of "
                f"{fmt_money(ctx.monthly(h.taggable_cost), ctx.currency)} cannot be attributed; "
                f"largest: {listed}"
            ),
            current_monthly_cost=ctx.monthly(h.untagged_cost),
            estimated_monthly_savings=None,
            confidence="high",
            price_source="billed cost",
            counted=False,
            note="no direct saving; makes spend attributable",
        )
    ]


def _sort_key(rec: Recommendation) -> tuple[object, ...]:
    savings = (
        rec.estimated_monthly_savings if rec.estimated_monthly_savings is not None else Decimal(-1)
    )
    return (not rec.counted, -savings, list(KINDS).index(rec.kind), rec.provider, rec.resource_id)


def recommend(
    spend: Spend,
    utilization: Utilization,
    catalogs: Mapping[str, Catalog],
    settings: ReportSettings | None = None,
    inventory: Sequence[Resource] | None = None,
) -> Findings:
    """Every recommendation for the spend, sorted by counted savings (largest first).

    `inventory` is `build_inventory(spend.lines)`, passed in when the caller has it already.
    """
    settings = settings or ReportSettings()
    ctx = _Context(spend, utilization, catalogs, settings, spend.currency)
    if inventory is None:
        inventory = build_inventory(spend.lines)
    rules = {kind: _rules_for(kind) for kind in {r.kind for r in inventory}}
    per_resource = [
        rec
        for r in inventory
        for rule in rules[r.kind]
        for rec in rule(r, ctx)
        if rec.estimated_monthly_savings is None
        or rec.estimated_monthly_savings >= settings.min_monthly_savings
    ]
    counted = _count_once(per_resource)
    commitment_recs, plans, notes = commitment_recommendations(inventory, counted, ctx)
    hygiene = tag_hygiene(spend, settings, settings.top_resources)
    all_recs = counted + commitment_recs + _tag_recommendation(hygiene, ctx)
    machines = [r for r in inventory if r.kind == "vm" and r.on_demand_hours > 0]
    unmeasured = [r for r in machines if ctx.usage(r) is None]
    if machines and unmeasured:
        notes.append(
            f"{len(unmeasured)} of {len(machines)} machines have no utilization data: "
            "they were not checked for idleness or rightsizing"
        )
    short = [r for r in machines if (u := ctx.usage(r)) is not None and u.days < settings.min_days]
    if short:
        notes.append(
            f"{len(short)} machine(s) have less than {settings.min_days:g} days of utilization "
            "data: not enough to rightsize or call idle"
        )
    unpriced = sorted(
        {
            r.instance_type
            for r in machines
            if r.instance_type and ctx.price(r, r.instance_type) is None
        }
    )
    if unpriced:
        notes.append("instance types not in the catalog: " + ", ".join(unpriced))
    return Findings(
        recommendations=tuple(sorted(all_recs, key=_sort_key)),
        tag_hygiene=hygiene,
        commitments=tuple(plans),
        notes=tuple(notes),
    )


def savings_by_kind(recs: Iterable[Recommendation]) -> list[tuple[str, Decimal]]:
    """Counted savings per kind, in the report's kind order (kinds without savings omitted)."""
    totals: dict[str, Decimal] = {}
    for rec in recs:
        if rec.counted and rec.estimated_monthly_savings is not None:
            totals[rec.kind] = totals.get(rec.kind, _ZERO) + rec.estimated_monthly_savings
    return [(k, totals[k]) for k in KINDS if k in totals]
