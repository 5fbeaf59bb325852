"""Queueing: response times of a service with `c` servers (replicas x vCPU) under Poisson
arrivals. Exponential service times (cv = 1): the exact M/M/c tail (Erlang C). Other
variability: the Allen-Cunneen approximation of M/G/c (the wait scales by (1 + cv^2) / 2) with
a two-moment gamma fit of the response time for its 95th percentile (Wilson-Hilferty).
docs/model.md, "Latency", has the formulas and their sources.
"""

from __future__ import annotations

import math

Z95 = 1.6448536269514722  # the standard normal's 95th percentile


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    Uses the stable Erlang B recursion; 1.0 when the queue is unstable (a >= c).
    """
    if servers <= 0 or offered_load >= servers:
        return 1.0
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return servers * b / (servers - offered_load * (1 - b))


def response_time_tail(
    t: float, servers: int, arrival_rate: float, service_s: float, wait_prob: float | None = None
) -> float:
    """P(response time > t) in M/M/c: the wait (0 or exponential) plus an exponential service.

    `wait_prob` is Erlang C for these inputs, passed in when the caller already has it.
    """
    mu = 1.0 / service_s
    if wait_prob is None:
        wait_prob = erlang_c(servers, arrival_rate * service_s)
    alpha = servers * mu - arrival_rate  # rate of the conditional wait
    service_tail = math.exp(-mu * t)
    if abs(alpha - mu) < 1e-12 * mu:
        both = (1 + mu * t) * math.exp(-mu * t)
    else:
        both = (mu * math.exp(-alpha * t) - alpha * math.exp(-mu * t)) / (mu - alpha)
    return (1 - wait_prob) * service_tail + wait_prob * both


def gamma_p95(mean: float, cv: float) -> float:
    """The 95th percentile of a gamma distribution with this mean and coefficient of
    variation (Wilson-Hilferty); the mean itself when there is no variability."""
    if cv <= 0:
        return mean
    shape = 1 / cv**2
    root = 1 - 1 / (9 * shape) + Z95 / (3 * math.sqrt(shape))
    return mean * max(0.0, root) ** 3


def service_p95_ms(cpu_ms: float, cv: float = 1.0) -> float:
    """The p95 of the service time alone: what no number of replicas can go below."""
    return math.log(20) * cpu_ms if cv == 1 else gamma_p95(cpu_ms, cv)


def p95_response_ms(servers: int, peak_rps: float, cpu_ms: float, cv: float = 1.0) -> float:
    """95th-percentile response time (ms) with `servers` and a mean service time of cpu_ms
    whose coefficient of variation is `cv`."""
    if cv != 1:
        return _p95_mgc(servers, peak_rps, cpu_ms, cv)
    service_s = cpu_ms / 1000
    if peak_rps * service_s >= servers:
        return math.inf
    wait = erlang_c(servers, peak_rps * service_s)
    lo, hi = 0.0, service_s
    while response_time_tail(hi, servers, peak_rps, service_s, wait) > 0.05:
        hi *= 2
    for _ in range(50):
        mid = (lo + hi) / 2
        if response_time_tail(mid, servers, peak_rps, service_s, wait) > 0.05:
            lo = mid
        else:
            hi = mid
    return hi * 1000


def _p95_mgc(servers: int, peak_rps: float, cpu_ms: float, cv: float) -> float:
    """M/G/c: Allen-Cunneen wait (P(wait) from Erlang C, conditional wait exponential with
    its mean scaled by (1 + cv^2) / 2), service gamma with `cv`; response = their sum, fitted
    by a gamma on its mean and variance."""
    service_s = cpu_ms / 1000
    offered = peak_rps * service_s
    if offered >= servers:
        return math.inf
    waits = erlang_c(servers, offered)
    rate = (servers / service_s - peak_rps) * 2 / (1 + cv**2)  # conditional wait ~ Exp(rate)
    mean_w = waits / rate
    var_w = 2 * waits / rate**2 - mean_w**2
    mean = service_s + mean_w
    var = (cv * service_s) ** 2 + var_w
    return gamma_p95(mean, math.sqrt(var) / mean) * 1000
