-- Whether a charge line (or a time row's category) is on-demand compute: usage of a compute
-- service at its standard price, billed in hours. The baseline a Savings Plan or
-- reservation would cover. One rule for sql/spend.sql and sql/spend_line_keys.sql.
(ChargeCategory = 'Usage'
  AND PricingCategory = 'Standard'
  AND ServiceCategory = 'Compute'
  AND lower(ConsumedUnit) IN ('hours', 'hour', 'hrs', '1 hour'))
