-- The `time` grain of sql/spend.sql on DuckDB over Parquet: spend per charge period, file,
-- currency and category, the categories (provider, service, service and charge category,
-- pricing category, unit) grouped by a fingerprint and the file by its index: a few
-- thousand rows, from which billing/grains.py adds up the days, compute hours and files.
-- The fingerprints are resolved to their categories from the charge lines, which hold
-- every category the bill has; a fingerprint two categories share is found there, and
-- the report then runs sql/spend.sql instead.
-- The rows are sql/spend_rows.sql with the row columns; category_print the fingerprint.
SELECT
  in_period,
  RowFile AS file_index,
  BillingCurrency AS currency,
  CAST(date_trunc('day', ChargePeriodStart) AS DATE) AS day,
  ChargePeriodStart AS period_start,
  ChargePeriodEnd AS period_end,
  category_print,
  sum(BilledCost) AS billed_cost,
  sum(EffectiveCost) AS effective_cost,
  sum(ListCost) AS list_cost,
  count(*) AS row_count,
  count(BilledCost) AS billed_rows,
  count(ChargePeriodStart) AS dated_rows,
  sum(CASE WHEN plausible THEN 0 ELSE 1 END) AS implausible_rows,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM (SELECT *, {category_print} AS category_print FROM ({rows}) AS b) AS p
GROUP BY in_period, RowFile, BillingCurrency, ChargePeriodStart, ChargePeriodEnd,
  category_print
