"""The names a design may use on a cloud, read from the catalog the planner prices with: the
engines it sells databases and caches as, its instance families and types, and the object
storage classes its roles name. `validate` and the planner's front doors check designs
against it (design/vocabulary.py), so what validates is what plans."""

from __future__ import annotations

from ..catalog import Catalog, load_catalog
from ..design.vocabulary import Vocabulary

_STORAGE_ROLE = "object_storage."


def vocabulary_of(catalog: Catalog) -> Vocabulary:
    """The names `catalog` prices (a few milliseconds on the AWS catalog's 12,000 rows, so
    it is not remembered: no module-global cache)."""
    rows = catalog.rows

    def engines(category: str) -> frozenset[str]:
        return frozenset(p.engine for p in rows if p.category == category and p.engine)

    compute = [p for p in rows if p.category == "compute"]
    return Vocabulary(
        cloud=catalog.cloud,
        database_engines=engines("database"),
        cache_engines=engines("cache"),
        node_families=frozenset(p.family for p in compute if p.family),
        instance_types=frozenset(p.product for p in compute),
        storage_classes=frozenset(
            role.removeprefix(_STORAGE_ROLE)
            for role in catalog.roles()
            if role.startswith(_STORAGE_ROLE)
        ),
    )


def shipped_vocabulary(cloud: str) -> Vocabulary:
    """The vocabulary of the catalog shipped for `cloud`."""
    return vocabulary_of(load_catalog(cloud))
