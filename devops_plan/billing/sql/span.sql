-- What a bill spans, read before anything is summed (one scan, a few rows back): the rows
-- per calendar month of ChargePeriodStart and per currency, the months their ends fall in
-- (as month numbers) and their largest amounts. billing/bounds.py decides from these which
-- rows are plausible and which currency the report adds up. SQL both DuckDB and Athena
-- (Trino) accept.
SELECT
  year(ChargePeriodStart) AS start_year,
  month(ChargePeriodStart) AS start_month,
  BillingCurrency AS currency,
  count(*) AS row_count,
  min(year(ChargePeriodEnd) * 12 + month(ChargePeriodEnd) - 1) AS first_end_month,
  max(year(ChargePeriodEnd) * 12 + month(ChargePeriodEnd) - 1) AS last_end_month,
  max(abs(CAST(BilledCost AS DOUBLE))) AS max_billed,
  max(abs(CAST(EffectiveCost AS DOUBLE))) AS max_effective,
  max(abs(CAST(ListCost AS DOUBLE))) AS max_list
FROM billing
GROUP BY year(ChargePeriodStart), month(ChargePeriodStart), BillingCurrency
