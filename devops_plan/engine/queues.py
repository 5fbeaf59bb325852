"""Queues: the operations a queue bills and the tier that carries its peak. Service Bus
Standard throttles a namespace at 1,000 credits a second (one per message sent or received),
so a busier queue runs on Premium messaging units, sized by their throughput; SQS FIFO
queues have a message-rate limit. One rule for the cost model, the plan's warnings and the
deployments."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..design import QueueService
from .context import SECONDS_PER_MONTH, Context


@dataclass(frozen=True)
class QueuePlan:
    """How a queue is bought and why: per operation (its product, operations a month), or
    `units` Premium messaging units; `note` says why the tier changed or a limit is passed."""

    product: str
    operations_per_message: int
    operations_million: float
    peak_messages_per_s: float
    message_kib: float
    batch: int = 1  # messages a request carries (operations_per_message are per request)
    units: int = 0
    note: str = ""


def messages_million(ctx: Context, svc: QueueService) -> float:
    """Messages a month: the design's figure, else the calls its callers make."""
    if svc.messages_million_month:
        return svc.messages_million_month
    return sum(c.monthly_calls for c in ctx.flows.calls_to(svc.name)) / 1e6


def peak_rate(ctx: Context, svc: QueueService, monthly_million: float) -> float:
    """Messages a second at peak: the callers' peak calls, else the monthly average."""
    calls = ctx.flows.calls_to(svc.name)
    if calls:
        return sum(c.peak_per_s for c in calls)
    return monthly_million * 1e6 / SECONDS_PER_MONTH


def queue_plan(ctx: Context, svc: QueueService) -> QueuePlan:
    facts = ctx.facts
    kib = svc.message_kib or ctx.traffic.message_kib
    monthly = messages_million(ctx, svc)
    peak = peak_rate(ctx, svc, monthly)
    batch = svc.batch if facts.queue_batching else 1
    chunks = max(1, math.ceil(kib * batch / facts.queue_chunk_kib - 1e-9))
    per_message = facts.queue_operations_per_message * chunks
    fifo = ctx.catalog.find_role("queue_fifo_requests") if svc.fifo else None
    plan = QueuePlan(
        product=fifo or ctx.catalog.role("queue_requests"),
        operations_per_message=per_message,
        operations_million=monthly * per_message / batch,
        peak_messages_per_s=peak,
        message_kib=kib,
        batch=batch,
    )
    if fifo and facts.queue_fifo_max_messages_per_s and peak > facts.queue_fifo_max_messages_per_s:
        limit = facts.queue_fifo_max_messages_per_s
        return replace(plan, note=f"{svc.name}: a FIFO queue takes at most {limit:,.0f} messages/s "
                     f"with batching; the peak is {peak:,.0f}/s: use high-throughput FIFO or "
                     "a standard queue")  # fmt: skip
    credits = facts.queue_standard_credits_per_s
    if credits is None or peak * facts.queue_credits_per_message <= credits:
        return plan
    return _premium(ctx, svc, plan, credits)


def _premium(ctx: Context, svc: QueueService, plan: QueuePlan, credits: float) -> QueuePlan:
    facts = ctx.facts
    mb_per_s = plan.peak_messages_per_s * plan.message_kib * 1024 / 1e6
    per_unit = facts.queue_premium_mb_per_s or 1.0
    fits = [u for u in facts.queue_premium_units if u * per_unit >= mb_per_s]
    units = fits[0] if fits else facts.queue_premium_units[-1]
    standard = credits / facts.queue_credits_per_message
    why = (
        f"{svc.name}: Service Bus Standard throttles a namespace at {credits:,.0f} credits a "
        f"second ({facts.queue_credits_per_message:g} a message: {standard:,.0f} messages/s); "
        f"the peak is {plan.peak_messages_per_s:,.0f} messages/s ({mb_per_s:,.1f} MB/s), so it "
        f"is priced as Premium with {units} messaging unit(s) of about {per_unit:g} MB/s each"
    )
    if not fits:
        why += "; more than the largest namespace carries: shard the queue over namespaces"
    return replace(plan, units=units, operations_million=0.0, note=why)


__all__ = ["QueuePlan", "messages_million", "peak_rate", "queue_plan"]
