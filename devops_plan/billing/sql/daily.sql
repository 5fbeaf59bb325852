-- Spend per day, provider, service and charge category: totals, the spend-over-time
-- chart and the service table. {where} is the period filter.
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  CAST(date_trunc('day', ChargePeriodStart) AS DATE) AS day,
  ProviderName AS provider,
  ServiceName AS service,
  ServiceCategory AS service_category,
  ChargeCategory AS charge_category,
  BillingCurrency AS currency,
  sum(BilledCost) AS billed_cost,
  sum(EffectiveCost) AS effective_cost,
  sum(ListCost) AS list_cost,
  count(*) AS row_count,
  count(BilledCost) AS billed_rows,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM billing
WHERE {where}
GROUP BY
  CAST(date_trunc('day', ChargePeriodStart) AS DATE), ProviderName, ServiceName,
  ServiceCategory, ChargeCategory, BillingCurrency
