"""The report's SQL, kept as files in `sql/` and filled in by name.

Placeholders are `{name}`; only values the code builds itself (a relation, a period
filter from parsed dates) are substituted, never text a person typed.
"""

from __future__ import annotations

import re

from ..paths import package_path

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return package_path("billing", "sql", f"{name}.sql").read_text(encoding="utf-8")


def render_sql(name: str, **params: str) -> str:
    """`sql/<name>.sql` with every placeholder replaced; KeyError names a missing one."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in params:
            raise KeyError(f"sql/{name}.sql needs a value for {{{key}}}")
        return params[key]

    return _PLACEHOLDER.sub(fill, sql_text(name))


# The keys of a charge line: the export's column and the field the report reads, in the
# order sql/spend.sql returns them. One list for sql/spend.sql, sql/spend_line_keys.sql and
# the line fingerprint (billing/sources/fingerprints.py), so the three cannot drift apart.
LINE_KEYS = (
    ("ProviderName", "provider"),
    ("ServiceName", "service"),
    ("ServiceCategory", "service_category"),
    ("RegionId", "region"),
    ("ResourceId", "resource_id"),
    ("ResourceName", "resource_name"),
    ("ResourceType", "resource_type"),
    ("InstanceType", "instance_type"),
    ("UsageType", "usage_type"),
    ("ChargeDescription", "charge_description"),
    ("ChargeCategory", "charge_category"),
    ("PricingCategory", "pricing_category"),
    ("Tags", "tags"),
    ("ConsumedUnit", "consumed_unit"),
)
# `{line_keys}` in a select list: each key column named as its field.
LINE_KEYS_SQL = ",\n  ".join(f"{column} AS {field}" for column, field in LINE_KEYS)


def spend_params(where: str, plausible: str, *, row: str = "") -> dict[str, str]:
    """The shared placeholders of sql/spend.sql and of the queries DuckDB runs instead over
    Parquet: `rows` (sql/spend_rows.sql for a period filter and plausibility, with the row
    columns `row` names), `on_demand` (sql/on_demand_compute.sql), and the charge line's
    keys as a select list (`line_keys`) and as columns to group by (`line_columns`)."""
    return {
        "rows": render_sql("spend_rows", where=where, plausible=plausible, row=row),
        "on_demand": render_sql("on_demand_compute"),
        "line_keys": LINE_KEYS_SQL,
        "line_columns": ", ".join(column for column, _ in LINE_KEYS),
    }
