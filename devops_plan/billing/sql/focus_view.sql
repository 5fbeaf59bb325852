-- FOCUS 1.0 / 1.1 / 1.2 rows in the report's canonical columns and types.
-- {raw} is a relation holding every FOCUS column named below (absent optional columns
-- are supplied as NULL by the reader, which also turns a map of tags into JSON text).
-- Money and quantities are cast to the exact decimal types the engine chose: DECIMAL(38,
-- 12), or DECIMAL(18, 12) where the file's statistics prove every value fits (the same
-- values either way). Exact quantities make their sums independent of the order rows
-- are added in, so the same input always gives the same figures.
-- The row placeholder carries the columns identifying a row in its file (RowFile,
-- RowNumber) where the engine reads them (DuckDB over Parquet); else it is empty.
-- Written in the SQL subset DuckDB and Athena (Trino) both accept.
SELECT
  CAST(ProviderName AS VARCHAR) AS ProviderName,
  CAST(ServiceName AS VARCHAR) AS ServiceName,
  CAST(ServiceCategory AS VARCHAR) AS ServiceCategory,
  CAST(RegionId AS VARCHAR) AS RegionId,
  CAST(ResourceId AS VARCHAR) AS ResourceId,
  CAST(ResourceName AS VARCHAR) AS ResourceName,
  CAST(ResourceType AS VARCHAR) AS ResourceType,
  CAST(SkuId AS VARCHAR) AS SkuId,
  CAST(x_InstanceType AS VARCHAR) AS InstanceType,
  CAST(x_UsageType AS VARCHAR) AS UsageType,
  CAST(ChargeDescription AS VARCHAR) AS ChargeDescription,
  CAST(ChargeCategory AS VARCHAR) AS ChargeCategory,
  CAST(PricingCategory AS VARCHAR) AS PricingCategory,
  CAST(CommitmentDiscountId AS VARCHAR) AS CommitmentDiscountId,
  CAST(SubAccountId AS VARCHAR) AS SubAccountId,
  CAST(SubAccountName AS VARCHAR) AS SubAccountName,
  CAST(BillingCurrency AS VARCHAR) AS BillingCurrency,
  CAST(Tags AS VARCHAR) AS Tags,
  CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart,
  CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd,
  -- A quantity that is not a number a bill can hold (text, not finite, 10^15 or more) is
  -- unknown: the row's cost still counts.
  TRY_CAST(CASE WHEN abs(TRY_CAST(ConsumedQuantity AS DOUBLE)) < 1e15
    THEN TRY_CAST(ConsumedQuantity AS DOUBLE) END AS {quantity}) AS ConsumedQuantity,
  CAST(ConsumedUnit AS VARCHAR) AS ConsumedUnit,
  TRY_CAST(ListUnitPrice AS DOUBLE) AS ListUnitPrice,
  CAST(BilledCost AS {money}) AS BilledCost,
  CAST(EffectiveCost AS {money}) AS EffectiveCost,
  CAST(ListCost AS {money}) AS ListCost,
  CAST(SourceFile AS VARCHAR) AS SourceFile{row}
FROM {raw}
