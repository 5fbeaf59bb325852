"""The names a design may use on its cloud (database and cache engines, node families and
instance types, object storage classes), and the located check of a design against them.

The design layer does not read catalogs: whoever validates (the CLI, the planner's front
doors) builds a Vocabulary from the cloud's catalog and engine table
(`engine.vocabulary.vocabulary_of`) and passes it in, so a custom catalog is checked against
its own names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .locations import Loc

Add = Callable[..., None]  # add(loc, message)


@dataclass(frozen=True)
class Vocabulary:
    cloud: str
    database_engines: frozenset[str]
    cache_engines: frozenset[str]
    node_families: frozenset[str]
    instance_types: frozenset[str]
    storage_classes: frozenset[str]


MAX_NAME = 64  # the longest engine, class or instance name the schema accepts

VocabularyFor = Callable[[str], Vocabulary]  # cloud -> its vocabulary


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _checkable(name: Any) -> bool:
    # A name longer than any catalog's is the schema's to refuse (its length limit, one short
    # line); quoting it here would repeat it whole, and a close-match search on it is slow.
    return isinstance(name, str) and len(name) <= MAX_NAME


def _expected(known: Iterable[str], limit: int = 12) -> str:
    names = sorted(known)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# kind -> (the key naming a catalog word, the Vocabulary field that lists them, what it is)
_NAMED = {
    "database": ("engine", "database_engines", "database engine"),
    "cache": ("engine", "cache_engines", "cache engine"),
    "object_storage": ("storage_class", "storage_classes", "object storage class"),
}


def vocabulary_problems(data: dict[str, Any], vocab: Vocabulary, add: Add) -> None:
    """Report through `add` every engine, node type and storage class `vocab` does not know."""
    services = data.get("services")
    for i, svc in enumerate(services if isinstance(services, list) else []):
        kind = svc.get("kind") if isinstance(svc, dict) else None
        checked = _NAMED.get(kind) if isinstance(kind, str) else None  # a list is unhashable
        if checked is not None:
            key, field, what = checked
            known = getattr(vocab, field)
            _check(add, ("services", i, key), svc.get(key), known, what, vocab.cloud)
    defaults = data.get("defaults")
    types = defaults.get("node_types") if isinstance(defaults, dict) else None
    known = vocab.node_families | vocab.instance_types
    for j, name in enumerate(types if isinstance(types, list) else []):
        if _checkable(name) and name not in known:
            # Families first in the hint: 'm6' is more likely 'm6i' than 'm6i.large'.
            hint = did_you_mean(name, vocab.node_families) or did_you_mean(name, known)
            add(
                ("defaults", "node_types", j),
                f"unknown {vocab.cloud} instance family or type {name!r} "
                f"(the catalog's families: {_expected(vocab.node_families)}){hint}",
            )


def _check(add: Add, loc: Loc, name: Any, known: frozenset[str], what: str, cloud: str) -> None:
    # An absent key takes the model's default, which the planner checks when it prices it.
    if not _checkable(name) or name in known:
        return
    has = f"the catalog has {_expected(known)}" if known else "the catalog has none"
    add(loc, f"unknown {cloud} {what} {name!r} ({has}){did_you_mean(name, known)}")
