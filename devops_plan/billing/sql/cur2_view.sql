-- AWS Cost and Usage Report 2.0 rows mapped onto the FOCUS columns the report uses.
-- Follows AWS's own FOCUS mapping for the columns used here: BilledCost is the unblended
-- cost, EffectiveCost the cost after Savings Plans and reservations, ListCost the public
-- on-demand cost. {raw} holds every CUR column named below (absent ones are NULL) and
-- Tags as JSON text (the reader maps resource_tags onto it). Money and quantities are cast
-- to the exact decimal types the engine chose, and the row placeholder is filled, as in
-- focus_view.sql. SQL both engines accept.
SELECT
  'AWS' AS ProviderName,
  CAST(CASE line_item_product_code
    WHEN 'AmazonEC2' THEN 'Amazon Elastic Compute Cloud'
    WHEN 'AmazonS3' THEN 'Amazon Simple Storage Service'
    WHEN 'AmazonRDS' THEN 'Amazon Relational Database Service'
    WHEN 'AmazonVPC' THEN 'Amazon Virtual Private Cloud'
    WHEN 'AWSELB' THEN 'Elastic Load Balancing'
    WHEN 'AmazonCloudWatch' THEN 'AmazonCloudWatch'
    WHEN 'AWSLambda' THEN 'AWS Lambda'
    WHEN 'AmazonDynamoDB' THEN 'Amazon DynamoDB'
    WHEN 'AmazonEKS' THEN 'Amazon Elastic Container Service for Kubernetes'
    WHEN 'AmazonECS' THEN 'Amazon Elastic Container Service'
    WHEN 'AmazonElastiCache' THEN 'Amazon ElastiCache'
    WHEN 'AmazonCloudFront' THEN 'Amazon CloudFront'
    WHEN 'AmazonRoute53' THEN 'Amazon Route 53'
    WHEN 'AmazonEFS' THEN 'Amazon Elastic File System'
    ELSE line_item_product_code END AS VARCHAR) AS ServiceName,
  CAST(CASE
    WHEN product_product_family IN ('Compute Instance', 'Compute Instance (bare metal)',
      'Dedicated Host') THEN 'Compute'
    WHEN line_item_product_code IN ('AWSLambda', 'AmazonECS', 'AmazonEKS') THEN 'Compute'
    WHEN product_product_family IN ('Storage', 'Storage Snapshot', 'System Operation',
      'Provisioned Throughput') THEN 'Storage'
    WHEN line_item_product_code IN ('AmazonS3', 'AmazonEFS', 'AmazonGlacier') THEN 'Storage'
    WHEN product_product_family IN ('Data Transfer', 'NAT Gateway', 'Load Balancer',
      'Load Balancer-Application', 'Load Balancer-Network', 'IP Address') THEN 'Networking'
    WHEN line_item_product_code IN ('AmazonVPC', 'AWSELB', 'AmazonCloudFront',
      'AmazonRoute53') THEN 'Networking'
    WHEN line_item_product_code IN ('AmazonRDS', 'AmazonDynamoDB', 'AmazonElastiCache',
      'AmazonRedshift') THEN 'Databases'
    ELSE 'Other' END AS VARCHAR) AS ServiceCategory,
  CAST(NULLIF(product_region_code, '') AS VARCHAR) AS RegionId,
  CAST(NULLIF(line_item_resource_id, '') AS VARCHAR) AS ResourceId,
  CAST(NULL AS VARCHAR) AS ResourceName,
  CAST(NULLIF(product_product_family, '') AS VARCHAR) AS ResourceType,
  CAST(NULLIF(product_sku, '') AS VARCHAR) AS SkuId,
  CAST(NULLIF(product_instance_type, '') AS VARCHAR) AS InstanceType,
  CAST(NULLIF(line_item_usage_type, '') AS VARCHAR) AS UsageType,
  CAST(line_item_line_item_description AS VARCHAR) AS ChargeDescription,
  CAST(CASE
    WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage',
      'SavingsPlanNegation') THEN 'Usage'
    WHEN line_item_line_item_type IN ('Fee', 'RIFee', 'SavingsPlanRecurringFee',
      'SavingsPlanUpfrontFee') THEN 'Purchase'
    WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
    WHEN line_item_line_item_type = 'Credit' THEN 'Credit'
    ELSE 'Adjustment' END AS VARCHAR) AS ChargeCategory,
  CAST(CASE
    WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
      THEN 'Committed'
    WHEN pricing_term = 'Spot' THEN 'Dynamic'
    WHEN line_item_line_item_type = 'Usage' THEN 'Standard'
    ELSE NULL END AS VARCHAR) AS PricingCategory,
  CAST(COALESCE(NULLIF(savings_plan_savings_plan_a_r_n, ''),
    NULLIF(reservation_reservation_a_r_n, '')) AS VARCHAR) AS CommitmentDiscountId,
  CAST(line_item_usage_account_id AS VARCHAR) AS SubAccountId,
  CAST(line_item_usage_account_name AS VARCHAR) AS SubAccountName,
  CAST(line_item_currency_code AS VARCHAR) AS BillingCurrency,
  CAST(Tags AS VARCHAR) AS Tags,
  CAST(line_item_usage_start_date AS TIMESTAMP) AS ChargePeriodStart,
  CAST(line_item_usage_end_date AS TIMESTAMP) AS ChargePeriodEnd,
  -- A quantity that is not a number a bill can hold (text, not finite, 10^15 or more) is
  -- unknown: the row's cost still counts.
  TRY_CAST(CASE WHEN abs(TRY_CAST(line_item_usage_amount AS DOUBLE)) < 1e15
    THEN TRY_CAST(line_item_usage_amount AS DOUBLE) END AS {quantity}) AS ConsumedQuantity,
  CAST(NULLIF(pricing_unit, '') AS VARCHAR) AS ConsumedUnit,
  TRY_CAST(pricing_public_on_demand_rate AS DOUBLE) AS ListUnitPrice,
  CAST(line_item_unblended_cost AS {money}) AS BilledCost,
  CAST(CASE line_item_line_item_type
    WHEN 'SavingsPlanCoveredUsage'
      THEN CAST(savings_plan_savings_plan_effective_cost AS {money})
    WHEN 'DiscountedUsage' THEN CAST(reservation_effective_cost AS {money})
    WHEN 'SavingsPlanNegation' THEN CAST(0 AS {money})
    WHEN 'SavingsPlanUpfrontFee' THEN CAST(0 AS {money})
    ELSE CAST(line_item_unblended_cost AS {money}) END AS {money})
    AS EffectiveCost,
  TRY_CAST(pricing_public_on_demand_cost AS {money}) AS ListCost,
  CAST(SourceFile AS VARCHAR) AS SourceFile{row}
FROM {raw}
