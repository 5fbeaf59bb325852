"""Traffic flows: what a design's load amounts to over a month, from the design and the
usage tables: each stateless service's load profile and monthly requests, the bytes of its
requests and responses and the share that leaves to the internet, and every call along the
dependency graph (calls per request, bytes per call, monthly calls, peak calls a second).
Pure; computed once per planning Context, read by the footprint's traffic declarers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..design import (
    CacheService,
    DatabaseService,
    Design,
    Kind,
    ObjectStorageService,
    QueueService,
    Service,
    StatelessService,
)
from ..units import HOURS_PER_MONTH
from ..usage import Traffic

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
KIB_PER_GIB = 1024 * 1024
FLAT = (1.0,) * 24


@dataclass(frozen=True)
class Load:
    """One stateless service's traffic: its day, its requests and their bytes. Requests a
    month are peak x the profile's mean x seconds in a month; internet GiB are the responses
    that leave to the internet."""

    profile: tuple[float, ...]  # 24 hourly factors of peak_rps
    peak_rps: float
    request_kib: float
    response_kib: float
    internet_share: float
    mean_factor: float = field(init=False)
    monthly_requests: float = field(init=False)
    internet_gib: float = field(init=False)

    def __post_init__(self) -> None:
        mean = sum(self.profile) / len(self.profile)
        requests = self.peak_rps * mean * SECONDS_PER_MONTH
        object.__setattr__(self, "mean_factor", mean)
        object.__setattr__(self, "monthly_requests", requests)
        gib = requests * self.response_kib * self.internet_share / KIB_PER_GIB
        object.__setattr__(self, "internet_gib", gib)


@dataclass(frozen=True)
class Call:
    """Calls from a stateless service to one dependency."""

    caller: str
    callee: str
    callee_kind: Kind
    per_request: float
    request_kib: float
    response_kib: float
    monthly_calls: float
    peak_per_s: float

    @property
    def gib(self) -> float:
        """GiB a month both ways: requests out and responses back."""
        return self.monthly_calls * (self.request_kib + self.response_kib) / KIB_PER_GIB


@dataclass(frozen=True)
class Flows:
    """Every stateless service's load and every call of the design."""

    loads: Mapping[str, Load]
    calls: tuple[Call, ...]
    by_callee: Mapping[str, tuple[Call, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Call]] = {}
        for c in self.calls:
            index.setdefault(c.callee, []).append(c)
        object.__setattr__(
            self, "by_callee", MappingProxyType({k: tuple(v) for k, v in index.items()})
        )

    def calls_to(self, name: str) -> tuple[Call, ...]:
        return self.by_callee.get(name, ())


def profile_of(service: StatelessService, traffic: Traffic) -> tuple[float, ...]:
    p = service.load.profile
    if isinstance(p, str):
        return FLAT if p == "flat" else traffic.diurnal
    return p


def load_of(service: StatelessService, traffic: Traffic) -> Load:
    load = service.load
    share = load.internet_share
    return Load(
        profile=profile_of(service, traffic),
        peak_rps=load.peak_rps,
        request_kib=traffic.request_kib if load.request_kib is None else load.request_kib,
        response_kib=traffic.response_kib if load.response_kib is None else load.response_kib,
        internet_share=(1.0 if service.entrypoint else 0.0) if share is None else share,
    )


def call_size(
    service: Service, traffic: Traffic, loads: Mapping[str, Load] | None = None
) -> tuple[float, float]:
    """(request, response) KiB of one call to `service`."""
    match service:
        case StatelessService():
            own = loads[service.name] if loads is not None else load_of(service, traffic)
            return own.request_kib, own.response_kib
        case DatabaseService() | CacheService():
            default = traffic.calls_kib[service.kind.value]
            req, resp = service.call.request_kib, service.call.response_kib
            return (default[0] if req is None else req, default[1] if resp is None else resp)
        case QueueService():
            kib = service.message_kib or traffic.message_kib
            return kib, kib  # sent, and received by a consumer
        case ObjectStorageService():
            kib = service.object_kib or traffic.object_kib
            share = traffic.write_share if service.write_share is None else service.write_share
            return kib * share, kib * (1 - share)  # writes carry it in, reads out
    return 0.0, 0.0


def flows(design: Design, traffic: Traffic) -> Flows:
    """The design's loads and calls (calls per request default to 1 per dependency)."""
    by_name = {s.name: s for s in design.services}
    loads = {
        s.name: load_of(s, traffic) for s in design.services if isinstance(s, StatelessService)
    }
    calls = []
    for s in design.services:
        if not isinstance(s, StatelessService):
            continue
        load = loads[s.name]
        for dep in s.depends_on:
            per = s.calls.get(dep, 1.0)
            req, resp = call_size(by_name[dep], traffic, loads)
            calls.append(
                Call(
                    caller=s.name,
                    callee=dep,
                    callee_kind=by_name[dep].kind,
                    per_request=per,
                    request_kib=req,
                    response_kib=resp,
                    monthly_calls=load.monthly_requests * per,
                    peak_per_s=load.peak_rps * per,
                )
            )
    return Flows(loads=MappingProxyType(loads), calls=tuple(calls))


__all__ = ["FLAT", "KIB_PER_GIB", "Call", "Flows", "Load", "call_size", "flows", "profile_of"]
