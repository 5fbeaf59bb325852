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
-- {plausible} is what a plausible row meets (billing/bounds.py: dated in the bill's months,
-- amounts a bill can have); other rows are rejected: the file totals count them, nothing
-- sums their amounts. {where} is the period and currency filter. Both make a grouping key
-- (in_period), not a WHERE clause, so the file totals still see every row; the other
-- figures are read where in_period is TRUE.
-- Each grain leaves the keys of the other NULL and computes every aggregate (one pass
-- feeds both hash tables). `day` and `on_demand_compute` are computed from the grouped
-- keys, once per group rather than once per row.
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  CASE WHEN GROUPING(ResourceId) = 0 THEN 'line' ELSE 'time' END AS grain,
  in_period,
  SourceFile AS source_file,
  CAST(date_trunc('day', ChargePeriodStart) AS DATE) AS day,
  ChargePeriodStart AS period_start,
  ChargePeriodEnd AS period_end,
  (ChargeCategory = 'Usage'
    AND PricingCategory = 'Standard'
    AND ServiceCategory = 'Compute'
    AND lower(ConsumedUnit) IN ('hours', 'hour', 'hrs', '1 hour')) AS on_demand_compute,
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
    (plausible AND ({where})) AS in_period
  FROM (SELECT *, ({plausible}) AS plausible FROM billing) AS checked
) AS b
GROUP BY GROUPING SETS (
  (in_period, ProviderName, ServiceName, ServiceCategory, RegionId, ResourceId,
    ResourceName, ResourceType, InstanceType, UsageType, ChargeDescription, ChargeCategory,
    PricingCategory, Tags, ConsumedUnit),
  (in_period, SourceFile, BillingCurrency, ChargePeriodStart, ChargePeriodEnd, ProviderName,
    ServiceName, ServiceCategory, ChargeCategory, PricingCategory, ConsumedUnit)
)
