"""What every `catalog refresh` shares: where the rows fetched are merged in (the base
catalog), how they replace its rows (all tiers of a product key at once), the result to
report, and the one HTTP edge the public price APIs (Azure, GCP) are read through: JSON over
HTTPS with a timeout, every failure one line (ExternalError, exit 1)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExternalError
from .files import default_path, read_rows, write_catalog
from .price import Key, Price

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


def merge(base: Sequence[Price], fresh: Sequence[Price]) -> tuple[list[Price], int, int]:
    """`base` with the rows of each product key in `fresh` replacing that key's rows (all
    tiers of a tiered product at once), or added; (rows, keys replaced, keys added)."""
    by_key: dict[Key, list[Price]] = {}
    for p in base:
        by_key.setdefault(p.key, []).append(p)
    new: dict[Key, list[Price]] = {}
    for p in fresh:
        new.setdefault(p.key, []).append(p)
    replaced = sum(1 for key in new if key in by_key)
    by_key.update(new)
    return [p for rows in by_key.values() for p in rows], replaced, len(new) - replaced


def base_rows(cloud: str, out: Path, base: str | Path | None) -> list[Price]:
    """The catalog the fetched rows are merged into: `base`, else the file at `out` if it
    exists, else the shipped snapshot."""
    path = Path(base) if base is not None else (out if out.exists() else default_path(cloud))
    return read_rows(cloud, path)


def cheapest(rows: Iterable[Price]) -> list[Price]:
    """One row per row key: the same product can come back twice (two SKUs or meters for one
    instance type); keep the cheaper, so the outcome does not depend on page order."""
    unique: dict[tuple[Any, ...], Price] = {}
    for p in rows:
        known = unique.get(p.row_key)
        if known is None or (p.unit_price, p.source) < (known.unit_price, known.source):
            unique[p.row_key] = p
    return list(unique.values())


def finish(
    cloud: str, base: Sequence[Price], fresh: Sequence[Price], result: RefreshResult
) -> RefreshResult:
    """Merge the fresh rows into the base and write the catalog atomically."""
    merged, result.replaced, result.added = merge(base, fresh)
    result.fetched = len(fresh)
    write_catalog(cloud, merged, result.out)
    result.written = len(merged)
    return result


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


__all__ = ["RefreshResult", "base_rows", "cheapest", "finish", "get_json", "merge"]
