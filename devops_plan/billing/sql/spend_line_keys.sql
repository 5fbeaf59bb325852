-- The keys of the charge lines sql/spend_lines.sql found, read from one row of each line:
-- the rows whose number (the row expression) is in `representatives`, of the files the
-- filter keeps. Per file, a semi join on the row number alone lets DuckDB skip the rest of
-- the file. With the keys, each line's category fingerprint (the key of
-- sql/spend_periods.sql's rows) and whether the line is on-demand compute
-- (sql/on_demand_compute.sql, as sql/spend.sql decides it).
SELECT
  RowFile AS row_file,
  RowNumber AS row_number,
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
  {category_print} AS category_print,
  {on_demand} AS on_demand_compute
FROM billing
SEMI JOIN representatives AS r ON {row} = r.number
WHERE {where}
