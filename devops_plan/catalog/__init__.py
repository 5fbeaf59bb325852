"""Price catalogs: the Price rows, the Catalog that looks them up, and the refresh adapters.

The shipped catalogs live in data/pricing/<cloud>.csv; `load_catalog` reads one.
"""

from __future__ import annotations

from .files import (
    CATALOG_ENV,
    catalog_path,
    clear_cache,
    default_path,
    format_catalog,
    load_catalog,
    read_roles,
    read_rows,
    write_catalog,
)
from .lookup import Catalog
from .price import (
    ARCHES,
    BASE_REGIONS,
    CATEGORIES,
    CLOUDS,
    COLUMNS,
    DEPLOYMENTS,
    ENGINES,
    GENERATIONS,
    HOURLY_UNITS,
    PURCHASES,
    REQUIRED_COLUMNS,
    UNITS,
    Price,
    is_burstable,
)

__all__ = [
    "ARCHES",
    "BASE_REGIONS",
    "CATALOG_ENV",
    "CATEGORIES",
    "CLOUDS",
    "COLUMNS",
    "DEPLOYMENTS",
    "ENGINES",
    "GENERATIONS",
    "HOURLY_UNITS",
    "PURCHASES",
    "REQUIRED_COLUMNS",
    "UNITS",
    "Catalog",
    "Price",
    "catalog_path",
    "clear_cache",
    "default_path",
    "format_catalog",
    "is_burstable",
    "load_catalog",
    "read_roles",
    "read_rows",
    "write_catalog",
]
