-- Spend per resource and charge line: the input of every recommendation, the tag
-- hygiene figures and the top-resources table. Rows without a ResourceId (taxes,
-- support, credits) are kept too, grouped by service and SKU, so nothing is lost.
-- {where} is the period filter. SQL both DuckDB and Athena (Trino) accept.
SELECT
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
  sum(BilledCost) AS billed_cost,
  sum(EffectiveCost) AS effective_cost,
  sum(ListCost) AS list_cost,
  sum(ConsumedQuantity) AS consumed_quantity,
  max(ListUnitPrice) AS list_unit_price,
  count(*) AS row_count,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM billing
WHERE {where}
GROUP BY
  ProviderName, ServiceName, ServiceCategory, RegionId, ResourceId, ResourceName,
  ResourceType, InstanceType, UsageType, ChargeDescription, ChargeCategory,
  PricingCategory, Tags, ConsumedUnit
