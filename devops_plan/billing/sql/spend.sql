-- Every aggregate the report needs, from ONE scan of `billing`: a GROUPING SETS query
-- whose rows come in two grains, named by the `grain` column.
--   line  spend per resource and charge line (charge description, charge and pricing
--         category, unit, tags): the input of every recommendation, tag hygiene and the
--         top-resources table. Rows without a ResourceId (taxes, support, credits) are
--         kept too, grouped by service and description, so nothing is lost.
--   time  spend per charge period (an hour in hourly exports, a day in daily ones),
--         source file, currency, provider, service, service and charge category, pricing
--         category and unit: a few thousand rows from which billing/grains.py adds up,
--         exactly, the spend per day and service (totals, the service table, spend over
--         time), the on-demand compute per charge period (`on_demand_compute`, the
--         baseline a Savings Plan or reservation would cover) and every row read per
--         source file and currency with no period filter (the proof that no row was
--         dropped). Two hash tables per row instead of one per derived grain.
-- The rows (b) are sql/spend_rows.sql: every row of `billing`, its amounts and dates NULL
-- where the row is not plausible, and `in_period` (see there). `on_demand_compute` is
-- sql/on_demand_compute.sql. `line_keys` and `line_columns` are the charge line's keys
-- (sqlfiles.LINE_KEYS: ProviderName AS provider, ... ConsumedUnit AS consumed_unit).
-- Each grain leaves the keys of the other NULL and computes every aggregate (one pass
-- feeds both hash tables). `day` and `on_demand_compute` are computed from the grouped
-- keys, once per group rather than once per row.
-- SQL both DuckDB and Athena (Trino) accept. DuckDB over Parquet reads the same grains with
-- sql/spend_lines.sql and sql/spend_periods.sql instead (billing/sources/fingerprints.py).
SELECT
  CASE WHEN GROUPING(ResourceId) = 0 THEN 'line' ELSE 'time' END AS grain,
  in_period,
  SourceFile AS source_file,
  CAST(date_trunc('day', ChargePeriodStart) AS DATE) AS day,
  ChargePeriodStart AS period_start,
  ChargePeriodEnd AS period_end,
  {on_demand} AS on_demand_compute,
  {line_keys},
  BillingCurrency AS currency,
  sum(BilledCost) AS billed_cost,
  sum(EffectiveCost) AS effective_cost,
  sum(ListCost) AS list_cost,
  sum(ConsumedQuantity) AS consumed_quantity,
  max(ListUnitPrice) AS list_unit_price,
  count(*) AS row_count,
  count(BilledCost) AS billed_rows,
  count(ChargePeriodStart) AS dated_rows,
  sum(CASE WHEN plausible THEN 0 ELSE 1 END) AS implausible_rows,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM ({rows}) AS b
GROUP BY GROUPING SETS (
  (in_period, {line_columns}),
  (in_period, SourceFile, BillingCurrency, ChargePeriodStart, ChargePeriodEnd, ProviderName,
    ServiceName, ServiceCategory, ChargeCategory, PricingCategory, ConsumedUnit)
)
