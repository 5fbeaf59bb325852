"""What every `catalog refresh` shares: where the rows fetched are merged in (the base
catalog), how they are checked and accepted (accept.py: all tiers of a product key replaced
at once), the result to report, and the one HTTP edge the public price APIs (Azure, GCP) are read through: JSON over
HTTPS with a timeout, every failure one line (ExternalError, exit 1)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import ExternalError
from .accept import MAX_DROP, Scope, accept, cheapest_per_key, checked
from .files import default_path, read_rows
from .price import Price

TIMEOUT_S = 60


@dataclass
class RefreshResult:
    """What a refresh did: rows fetched and written, and entries it skipped (with why)."""

    out: Path
    fetched: int = 0
    written: int = 0
    replaced: int = 0
    added: int = 0
    skipped: list[str] = field(default_factory=list)


def base_rows(cloud: str, out: Path, base: str | Path | None) -> list[Price]:
    """The catalog the fetched rows are merged into: `base`, else the file at `out` if it
    exists, else the shipped snapshot."""
    path = Path(base) if base is not None else (out if out.exists() else default_path(cloud))
    return read_rows(cloud, path)


def finish(
    base: Sequence[Price],
    fresh: Sequence[Price],
    scope: Scope,
    result: RefreshResult,
    *,
    today: date | None = None,
    max_drop: float = MAX_DROP,
) -> RefreshResult:
    """Check every fetched row like a hand-written one (the others are skipped and listed),
    keep one row per row key, then refuse the answer or merge it over the base and write
    the catalog atomically (accept.py)."""
    good, bad = checked(fresh, today)
    result.skipped += bad
    unique = cheapest_per_key(good)
    result.fetched = len(unique)
    result.written, result.replaced, result.added = accept(
        base, unique, scope, result.out, max_drop=max_drop
    )
    return result


def vm_scope(
    cloud: str, regions: Sequence[str], services: Sequence[str], vms: str, egress: str
) -> Scope:
    """What a refresh of VM shapes (service `vms`) and internet egress replaces, what a drop
    is measured against: the compute category, and the one egress product."""
    categories = ("compute",) if vms in services else ()
    products = (egress,) if "egress" in services else ()
    return Scope(cloud, frozenset(regions), frozenset(categories), frozenset(products))


def get_json(url: str, api: str, *, secret: str = "") -> Any:
    """GET `url` and parse its JSON; one-line ExternalError when the API cannot be reached,
    refuses, or answers something that is not JSON (`secret` never appears in a message)."""
    shown = url.replace(secret, "***") if secret else url
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        detail = _error_detail(exc)
        raise ExternalError(f"{api} refused {_path(shown)}: HTTP {exc.code}{detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ExternalError(f"cannot reach the {api} ({_host(shown)}): {reason}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise ExternalError(
            f"{api} answered {_path(shown)} with something that is not JSON"
        ) from None


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read() or b"{}")
    except ValueError:
        return ""
    error = payload.get("error") if isinstance(payload, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return f": {' '.join(str(message).split())}" if message else ""


def _host(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


__all__ = ["RefreshResult", "base_rows", "finish", "get_json", "vm_scope"]
