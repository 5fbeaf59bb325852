-- On-demand compute spend per charge period (an hour in hourly exports, a day in daily
-- ones): the baseline a Savings Plan or reservation would cover. Only instance-hour
-- usage priced on demand counts. {where} is the period filter.
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  ProviderName AS provider,
  ChargePeriodStart AS period_start,
  ChargePeriodEnd AS period_end,
  sum(EffectiveCost) AS on_demand_cost
FROM billing
WHERE {where}
  AND ChargeCategory = 'Usage'
  AND PricingCategory = 'Standard'
  AND ServiceCategory = 'Compute'
  AND lower(ConsumedUnit) IN ('hours', 'hour', 'hrs', '1 hour')
GROUP BY ProviderName, ChargePeriodStart, ChargePeriodEnd
