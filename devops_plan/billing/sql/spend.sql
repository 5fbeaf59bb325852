-- Every aggregate the report needs, from ONE scan of `billing`: a GROUPING SETS query
-- whose rows come in four grains, named by the `grain` column.
--   line  spend per resource and charge line (charge description, charge and pricing
--         category, unit, tags): the input of every recommendation, tag hygiene and the
--         top-resources table. Rows without a ResourceId (taxes, support, credits) are
--         kept too, grouped by service and description, so nothing is lost.
--   day   spend per day, provider, service, service category, charge category and
--         currency: totals, the service table, spend over time.
--   hour  spend per provider and charge period (an hour in hourly exports, a day in
--         daily ones), split by whether it is on-demand instance-hour compute usage: the
--         baseline a Savings Plan or reservation would cover.
--   file  every row read, per source file, with no period filter: the proof that no row
--         was dropped and that the report's total equals the inputs' sum.
-- {plausible} is what a plausible row meets (billing/bounds.py: dated in the bill's months,
-- amounts a bill can have); other rows are rejected: the file grain counts them, nothing
-- sums their amounts. {where} is the period and currency filter. Both make a grouping key
-- (in_period), not a WHERE clause, so the file grain still sees every row; the other grains
-- are read where in_period is TRUE.
-- Each grain leaves the keys of the others NULL and computes every aggregate (one pass
-- feeds all four hash tables; the unused aggregates are cheap).
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  CASE
    WHEN GROUPING(ResourceId) = 0 THEN 'line'
    WHEN GROUPING(day) = 0 THEN 'day'
    WHEN GROUPING(ChargePeriodStart) = 0 THEN 'hour'
    ELSE 'file'
  END AS grain,
  in_period,
  SourceFile AS source_file,
  day,
  ChargePeriodStart AS period_start,
  ChargePeriodEnd AS period_end,
  on_demand_compute,
  ProviderName AS provider,
  ServiceName AS service,
  ServiceCategory AS service_category,
  RegionId AS region,
  ResourceId AS resource_id,
  ResourceName AS resource_name,
  ResourceType AS resource_type,
  InstanceType AS instance_type,
  UsageType AS usage_type,
  ChargeDescription AS charge_description,
  ChargeCategory AS charge_category,
  PricingCategory AS pricing_category,
  Tags AS tags,
  ConsumedUnit AS consumed_unit,
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
FROM (
  SELECT
    ProviderName, ServiceName, ServiceCategory, RegionId, ResourceId, ResourceName,
    ResourceType, InstanceType, UsageType, ChargeDescription, ChargeCategory,
    PricingCategory, Tags, ConsumedUnit, BillingCurrency, SourceFile, plausible,
    CASE WHEN plausible THEN ChargePeriodStart END AS ChargePeriodStart,
    CASE WHEN plausible THEN ChargePeriodEnd END AS ChargePeriodEnd,
    CASE WHEN plausible THEN BilledCost END AS BilledCost,
    CASE WHEN plausible THEN EffectiveCost END AS EffectiveCost,
    CASE WHEN plausible THEN ListCost END AS ListCost,
    CASE WHEN plausible THEN ConsumedQuantity END AS ConsumedQuantity,
    ListUnitPrice,
    CASE WHEN plausible THEN CAST(date_trunc('day', ChargePeriodStart) AS DATE) END AS day,
    (plausible AND ({where})) AS in_period,
    (ChargeCategory = 'Usage'
      AND PricingCategory = 'Standard'
      AND ServiceCategory = 'Compute'
      AND lower(ConsumedUnit) IN ('hours', 'hour', 'hrs', '1 hour')) AS on_demand_compute
  FROM (SELECT *, ({plausible}) AS plausible FROM billing) AS checked
) AS b
GROUP BY GROUPING SETS (
  (in_period, ProviderName, ServiceName, ServiceCategory, RegionId, ResourceId,
    ResourceName, ResourceType, InstanceType, UsageType, ChargeDescription, ChargeCategory,
    PricingCategory, Tags, ConsumedUnit),
  (in_period, day, ProviderName, ServiceName, ServiceCategory, ChargeCategory,
    BillingCurrency),
  (in_period, on_demand_compute, ProviderName, ChargePeriodStart, ChargePeriodEnd),
  (SourceFile, BillingCurrency)
)
