"""Sizing formulas against hand-computed cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_plan.defaults import sizing_rules
from devops_plan.engine.formulas import (
    NodeShape,
    PodGroup,
    kube_reserved_cpu_m,
    latency_replicas,
    node_shape,
    nodes_lower_bound,
    pack_first_fit_decreasing,
    pods_fit,
    size_replicas,
)
from devops_plan.engine.queueing import erlang_c, p95_response_ms

AWS = sizing_rules().allocatable["aws"]
GCP = sizing_rules().allocatable["gcp"]
AZURE = sizing_rules().allocatable["azure"]


def test_issue_example_web_gives_54_replicas() -> None:
    r = size_replicas(
        peak_rps=1500,
        cpu_ms=20,
        vcpu_per_replica=1,
        zones=3,
        availability_target=99.95,
        latency_target_ms=300,
    )
    assert r.offered_load_vcpu == 30
    assert r.n_util == 50  # ceil(30 / 0.6)
    assert r.n_zone == 53  # ceil(30 / 0.85 * 3 / 2) = ceil(52.94)
    assert r.replicas == 54  # rounded up to a multiple of 3
    assert r.binding == "zone_loss"


def test_api_gives_120_replicas() -> None:
    r = size_replicas(
        peak_rps=1500,
        cpu_ms=45,
        vcpu_per_replica=1,
        zones=3,
        availability_target=99.95,
        latency_target_ms=300,
    )
    assert (r.n_util, r.n_zone, r.replicas) == (113, 120, 120)


def test_per_replica_vcpu_divides_the_load() -> None:
    r = size_replicas(
        peak_rps=3000,
        cpu_ms=25,
        vcpu_per_replica=2,
        zones=3,
        availability_target=99.99,
        latency_target_ms=200,
    )
    # A = 75; n_util = ceil(75 / 1.2) = 63; n_zone = ceil(75 / 1.7 * 1.5) = 67 -> 69
    assert (r.n_util, r.n_zone, r.replicas) == (63, 67, 69)


@pytest.mark.parametrize(
    "target,zones,expected",
    [(99.0, 1, 1), (99.9, 1, 2), (99.95, 2, 2), (99.0, 3, 3)],
)
def test_minimum_replicas(target: float, zones: int, expected: int) -> None:
    r = size_replicas(
        peak_rps=1,
        cpu_ms=1,
        vcpu_per_replica=1,
        zones=zones,
        availability_target=target,
        latency_target_ms=None,
    )
    assert r.replicas == expected
    assert r.binding == "minimum"


def test_single_zone_has_no_zone_loss_rule() -> None:
    r = size_replicas(
        peak_rps=40,
        cpu_ms=30,
        vcpu_per_replica=1,
        zones=1,
        availability_target=99.0,
        latency_target_ms=500,
    )
    assert r.n_zone is None
    assert r.replicas == 2  # ceil(1.2 / 0.6)


def test_erlang_c_known_value() -> None:
    # c = 2, a = 1: Erlang B = 0.2, Erlang C = 2 * 0.2 / (2 - 0.8) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(3, 3.0) == 1.0  # unstable


def test_mm1_p95_is_exponential() -> None:
    # M/M/1 response time ~ Exp(mu - lambda): p95 = ln(20) / (100 - 50) s
    assert p95_response_ms(1, 50, 10) == pytest.approx(math.log(20) / 50 * 1000, rel=1e-6)


def test_latency_replicas_is_smallest_that_meets() -> None:
    n = latency_replicas(1000, 100, 1, 350)
    assert n is not None
    assert p95_response_ms(n, 1000, 100) <= 350
    assert p95_response_ms(n - 1, 1000, 100) > 350


def test_unreachable_latency_target() -> None:
    # p95 of an exponential service alone is ln(20) * 100 ms ~ 300 ms
    assert latency_replicas(10, 100, 1, 250) is None
    r = size_replicas(
        peak_rps=10,
        cpu_ms=100,
        vcpu_per_replica=1,
        zones=1,
        availability_target=99,
        latency_target_ms=250,
    )
    assert not r.latency_reachable


def test_latency_can_bind() -> None:
    # One replica at 50% load: M/M/1 p95 = ln(20) / (10 - 5) s = 599 ms > 400 ms.
    r = size_replicas(
        peak_rps=5,
        cpu_ms=100,
        vcpu_per_replica=1,
        zones=1,
        availability_target=99.0,
        latency_target_ms=400,
    )
    assert r.binding == "latency"
    assert r.n_latency is not None and r.n_latency > r.n_util
    assert r.replicas == r.n_latency
    assert r.p95_ms <= 400


def test_eks_m5_large_allocatable_from_the_issue() -> None:
    s = node_shape("m5.large", 2, 8, AWS)
    assert (s.max_pods, s.allocatable_cpu_m, s.allocatable_memory_mib) == (29, 1930, 7518)
    assert s.pod_slots == 27  # two daemonset pods


def test_eks_larger_nodes() -> None:
    s = node_shape("m5.xlarge", 4, 16, AWS)
    # 4 ENIs x 14 + 2 = 58 pods; 60 + 10 + 5 + 5 = 80m reserved; 255 + 11 * 58 + 100 MiB
    assert (s.max_pods, s.allocatable_cpu_m, s.allocatable_memory_mib) == (58, 3920, 15391)
    s = node_shape("c6g.4xlarge", 16, 32, AWS)
    assert s.max_pods == 234
    assert s.allocatable_cpu_m == 16000 - 110
    assert node_shape("t3.large", 2, 8, AWS).max_pods == 35


def test_kube_reserved_cpu_ladder() -> None:
    assert kube_reserved_cpu_m(1) == 60
    assert kube_reserved_cpu_m(2) == 70
    assert kube_reserved_cpu_m(4) == 80
    assert kube_reserved_cpu_m(16) == 110


def test_gke_and_aks_rules() -> None:
    g = node_shape("e2-standard-2", 2, 8, GCP)
    # 25% of 4 GiB + 20% of 4 GiB = 1.8 GiB = 1843.2 MiB; minus 100 MiB eviction
    assert (g.max_pods, g.allocatable_memory_mib) == (110, math.floor(8192 - 1843.2 - 100))
    a = node_shape("Standard_D4s_v5", 4, 16, AZURE)
    assert a.allocatable_memory_mib == 16384 - (20 * 110 + 50) - 100


def test_ffd_packs_by_the_tightest_resource() -> None:
    shape = node_shape("m5.large", 2, 8, AWS)
    # 1930m per node: one 1000m pod each
    assert pack_first_fit_decreasing([PodGroup("a", 1000, 512, 5)], shape) == 5
    # 500m pods: three per node (1500m of 1930m)
    assert pack_first_fit_decreasing([PodGroup("a", 500, 512, 7)], shape) == 3
    # Mixed: big ones first, small ones fill the gaps
    groups = [PodGroup("small", 400, 256, 4), PodGroup("big", 1500, 1024, 2)]
    assert pack_first_fit_decreasing(groups, shape) == 3
    assert nodes_lower_bound(groups, shape) == 3  # ceil(4600m / 1930m)


def test_ffd_respects_pod_slots() -> None:
    shape = node_shape("m5.large", 2, 8, AWS)
    assert pack_first_fit_decreasing([PodGroup("tiny", 10, 10, 54)], shape) == 2  # 27 per node


def test_pod_too_big_for_the_node() -> None:
    shape = node_shape("m5.large", 2, 8, AWS)
    assert pack_first_fit_decreasing([PodGroup("huge", 2000, 512, 1)], shape) is None


def _naive_ffd(groups: list[PodGroup], shape: NodeShape) -> int | None:
    """First fit decreasing one pod at a time, every bin scanned: the reference."""
    order = sorted(
        (g for g in groups if g.pods > 0),
        key=lambda g: (
            -max(g.cpu_m / shape.allocatable_cpu_m, g.memory_mib / shape.allocatable_memory_mib),
            g.service,
        ),
    )
    bins: list[list[int]] = []  # [cpu, mem, slots] left
    for g in order:
        if not pods_fit(g, shape):
            return None
        for _ in range(g.pods):
            for b in bins:
                if b[0] >= g.cpu_m and b[1] >= g.memory_mib and b[2] >= 1:
                    b[0] -= g.cpu_m
                    b[1] -= g.memory_mib
                    b[2] -= 1
                    break
            else:
                bins.append(
                    [
                        shape.allocatable_cpu_m - g.cpu_m,
                        shape.allocatable_memory_mib - g.memory_mib,
                        shape.pod_slots - 1,
                    ]
                )
    return len(bins)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(50, 4000), st.integers(64, 16000), st.integers(0, 40)),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["m5.large", "m5.xlarge", "c5.2xlarge", "r5.4xlarge"]),
)
def test_ffd_in_runs_equals_pod_by_pod(pods: list[tuple[int, int, int]], node: str) -> None:
    vcpu, gib = {"m5.large": (2, 8), "m5.xlarge": (4, 16), "c5.2xlarge": (8, 16)}.get(
        node, (16, 128)
    )
    shape = node_shape(node, vcpu, gib, AWS)
    groups = [PodGroup(f"s{i}", c, m, n) for i, (c, m, n) in enumerate(pods)]
    assert pack_first_fit_decreasing(groups, shape) == _naive_ffd(groups, shape)
