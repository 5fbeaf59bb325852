"""The billing formats the report reads (FOCUS 1.0-1.2, AWS CUR 2.0): their columns, how a
header is recognised, and the reader projection that feeds the shared mapping SQL.

Each format has one mapping file (`sql/focus_view.sql`, `sql/cur2_view.sql`) that both
engines run unchanged. What differs per engine is only how raw columns are read: which
are present, how a map of tags becomes JSON text, where the source file name comes from.
`raw_projection` writes that part for a dialect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ...errors import BillingInputError

Dialect = Literal["duckdb", "trino"]
Kind = Literal["money", "timestamp", "quantity", "text", "tags"]

# Exact decimals: 12 places keep sub-cent unit prices; 38 digits never overflow a sum.
MONEY_SQL = "DECIMAL(38, 12)"
# The same 12 places in 18 digits (a 64-bit integer): the same value for every amount
# below a million, cast and summed faster (DuckDB sums it into a 38-digit total). Used only
# where the file's own statistics prove every value is below NARROW_LIMIT.
NARROW_MONEY_SQL = "DECIMAL(18, 12)"
NARROW_LIMIT = 999_999.0
# Quantities (ConsumedQuantity) are summed exactly too, in the same types: a float sum
# depends on the order rows are added in, which changes between runs of a parallel query.
QUANTITY_SQL = MONEY_SQL
NARROW_QUANTITY_SQL = NARROW_MONEY_SQL


@dataclass(frozen=True)
class BillingFormat:
    """One export format: the raw columns its mapping SQL reads, and their kinds."""

    name: str  # "focus" | "cur2"
    title: str
    view_sql: str  # file in sql/ mapping raw rows onto the canonical columns
    columns: Mapping[str, Kind]  # raw column -> kind; every one is referenced by view_sql
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]]  # raw column -> other names it may carry
    money_columns: tuple[str, ...]  # raw columns view_sql casts to the money type
    quantity_columns: tuple[str, ...]  # raw columns view_sql casts to the quantity type


FOCUS = BillingFormat(
    name="focus",
    title="FOCUS",
    view_sql="focus_view",
    columns={
        "ProviderName": "text",
        "ServiceName": "text",
        "ServiceCategory": "text",
        "RegionId": "text",
        "ResourceId": "text",
        "ResourceName": "text",
        "ResourceType": "text",
        "SkuId": "text",
        "x_InstanceType": "text",
        "x_UsageType": "text",
        "ChargeDescription": "text",
        "ChargeCategory": "text",
        "PricingCategory": "text",
        "CommitmentDiscountId": "text",
        "SubAccountId": "text",
        "SubAccountName": "text",
        "BillingCurrency": "text",
        "Tags": "tags",
        "ChargePeriodStart": "timestamp",
        "ChargePeriodEnd": "timestamp",
        "ConsumedQuantity": "quantity",
        "ConsumedUnit": "text",
        "ListUnitPrice": "quantity",
        "BilledCost": "money",
        "EffectiveCost": "money",
        "ListCost": "money",
    },
    required=("BilledCost", "ChargePeriodStart", "ChargePeriodEnd"),
    # FOCUS 1.3 renames ProviderName; 1.0-preview exports called RegionId "Region".
    aliases={"ProviderName": ("ServiceProviderName",), "RegionId": ("Region",)},
    money_columns=("BilledCost", "EffectiveCost", "ListCost"),
    quantity_columns=("ConsumedQuantity",),
)

CUR2 = BillingFormat(
    name="cur2",
    title="AWS CUR 2.0",
    view_sql="cur2_view",
    columns={
        "line_item_product_code": "text",
        "product_product_family": "text",
        "product_region_code": "text",
        "line_item_resource_id": "text",
        "product_sku": "text",
        "product_instance_type": "text",
        "line_item_usage_type": "text",
        "line_item_line_item_description": "text",
        "line_item_line_item_type": "text",
        "pricing_term": "text",
        "savings_plan_savings_plan_a_r_n": "text",
        "reservation_reservation_a_r_n": "text",
        "line_item_usage_account_id": "text",
        "line_item_usage_account_name": "text",
        "line_item_currency_code": "text",
        "Tags": "tags",
        "line_item_usage_start_date": "timestamp",
        "line_item_usage_end_date": "timestamp",
        "line_item_usage_amount": "quantity",
        "pricing_unit": "text",
        "pricing_public_on_demand_rate": "quantity",
        "pricing_public_on_demand_cost": "quantity",
        "line_item_unblended_cost": "money",
        "savings_plan_savings_plan_effective_cost": "money",
        "reservation_effective_cost": "money",
    },
    required=("line_item_unblended_cost", "line_item_usage_start_date", "line_item_usage_end_date"),
    aliases={"Tags": ("resource_tags",)},
    money_columns=(
        "line_item_unblended_cost",
        "savings_plan_savings_plan_effective_cost",
        "reservation_effective_cost",
        "pricing_public_on_demand_cost",
    ),
    quantity_columns=("line_item_usage_amount",),
)

FORMATS = (FOCUS, CUR2)


def detect_format(columns: Sequence[str], where: str) -> BillingFormat:
    """The format of a file or table from its column names; BillingInputError otherwise."""
    lower = {c.lower() for c in columns}
    if "lineitem/unblendedcost" in lower:
        raise BillingInputError(
            f"{where}: this is a legacy Cost and Usage Report (lineItem/... columns); "
            "export CUR 2.0 or FOCUS from AWS Data Exports instead"
        )
    for fmt in FORMATS:
        if fmt.required[0].lower() in lower:
            missing = [c for c in fmt.required if c.lower() not in lower]
            if missing:
                raise BillingInputError(
                    f"{where}: a {fmt.title} export needs the column(s) {', '.join(missing)}"
                )
            return fmt
    # A header can be any length: a few names, each cut short, say what the file is.
    shown = ", ".join(c if len(c) <= 40 else c[:37] + "..." for c in list(columns)[:6])
    shown += ", ..." if len(columns) > 6 else ""
    separator = next((s for s in ";\t|" if len(columns) == 1 and s in columns[0]), None)
    hint = (
        f"; the header is one column: is the file separated by {separator!r}? Export it "
        "comma-separated"
        if separator
        else ""
    )
    raise BillingInputError(
        f"{where}: not a FOCUS or AWS CUR 2.0 export: expected a BilledCost column (FOCUS) "
        f"or line_item_unblended_cost (CUR 2.0); found columns {shown or '(none)'}{hint}"
    )


def quote(name: str) -> str:
    """A SQL identifier in double quotes (both engines)."""
    return '"' + name.replace('"', '""') + '"'


def _is_nested(sql_type: str) -> bool:
    upper = sql_type.upper()
    return upper.startswith(("MAP", "STRUCT", "ROW", "ARRAY"))


def is_text(sql_type: str) -> bool:
    """Whether a SQL type (DuckDB's or Athena's name) holds text."""
    upper = sql_type.upper()
    return upper.startswith(("VARCHAR", "STRING", "CHAR", "JSON"))


def raw_projection(
    fmt: BillingFormat,
    present: Mapping[str, str],
    dialect: Dialect,
    source_file: str,
) -> list[str]:
    """SELECT items giving every raw column `fmt`'s mapping SQL reads, in a dialect.

    `present` maps the relation's column names to their SQL types. Names match without
    regard to case (Athena lower-cases them). A column that is absent, under its own name
    and its aliases, becomes a typed NULL: FOCUS marks many columns optional and versions
    differ. `source_file` is the SQL expression naming each row's file.
    """
    by_lower = {name.lower(): name for name in present}
    items: list[str] = []
    for column, kind in fmt.columns.items():
        actual = None
        for candidate in (column, *fmt.aliases.get(column, ())):
            actual = by_lower.get(candidate.lower())
            if actual is not None:
                break
        if actual is None:
            null_type = "TIMESTAMP" if kind == "timestamp" else "VARCHAR"
            if kind == "money":
                null_type = MONEY_SQL
            items.append(f"CAST(NULL AS {null_type}) AS {quote(column)}")
            continue
        sql_type = present[actual]
        ref = quote(actual)
        if kind == "tags":
            if _is_nested(sql_type):
                expr = (
                    f"CAST(to_json({ref}) AS VARCHAR)"
                    if dialect == "duckdb"
                    else f"json_format(CAST({ref} AS JSON))"
                )
            else:
                expr = f"CAST({ref} AS VARCHAR)"
        elif kind == "timestamp" and is_text(sql_type):
            # Text: "2024-09-01 00:00:00" or ISO 8601 with a zone ("...T00:00:00Z"), in UTC.
            expr = (
                f"CAST(CAST({ref} AS TIMESTAMPTZ) AS TIMESTAMP)"
                if dialect == "duckdb"
                else f"COALESCE(TRY_CAST({ref} AS TIMESTAMP), "
                f"CAST(try(from_iso8601_timestamp({ref})) AS TIMESTAMP))"
            )
        elif kind == "text":
            expr = f"CAST({ref} AS VARCHAR)"
        else:
            expr = ref
        items.append(f"{expr} AS {quote(column)}")
    items.append(f"{source_file} AS SourceFile")
    return items
