-- The rows the spend queries add up: every row of `billing`, with `plausible` and
-- `in_period` beside it.
-- {plausible} is what a plausible row meets (billing/bounds.py: dated in the bill's months,
-- amounts a bill can have); other rows are rejected: the file totals count them, nothing
-- sums their amounts (their dates and amounts are NULL here). {where} is the period and
-- currency filter. Both make a grouping key (in_period), not a WHERE clause, so the file
-- totals still see every row; the other figures are read where in_period is TRUE.
-- The row placeholder names the columns identifying a row in its file (RowFile,
-- RowNumber) where the engine has them (DuckDB over Parquet); else it is empty.
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  ProviderName, ServiceName, ServiceCategory, RegionId, ResourceId, ResourceName,
  ResourceType, InstanceType, UsageType, ChargeDescription, ChargeCategory,
  PricingCategory, Tags, ConsumedUnit, BillingCurrency, SourceFile, plausible{row},
  CASE WHEN plausible THEN ChargePeriodStart END AS ChargePeriodStart,
  CASE WHEN plausible THEN ChargePeriodEnd END AS ChargePeriodEnd,
  CASE WHEN plausible THEN BilledCost END AS BilledCost,
  CASE WHEN plausible THEN EffectiveCost END AS EffectiveCost,
  CASE WHEN plausible THEN ListCost END AS ListCost,
  CASE WHEN plausible THEN ConsumedQuantity END AS ConsumedQuantity,
  ListUnitPrice,
  (plausible AND ({where})) AS in_period
FROM (SELECT *, ({plausible}) AS plausible FROM billing) AS checked
