-- The `line` grain of sql/spend.sql on DuckDB over Parquet: spend per charge line, grouped
-- by the resource and a fingerprint of the line's other keys instead of by all fourteen
-- keys. Comparing fourteen strings per row is most of the cost of grouping a large bill;
-- comparing a resource and a 64-bit hash is not. The keys themselves are read afterwards
-- from one row of each line (`representative`: its file and row number, file << 40 | row),
-- by sql/spend_line_keys.sql.
-- Two lines of one resource merge only if their fingerprints collide (64 bits: about one
-- chance in 10^18 for a resource with a few lines); the resource's totals, the file totals
-- and every other grain stay exact either way.
-- The rows are sql/spend_rows.sql with the row columns; line_print is the fingerprint, and
-- the representative expression packs a row's file and number into one BIGINT.
SELECT
  ResourceId AS resource_id,
  line_print,
  in_period,
  min({representative}) AS representative,
  sum(BilledCost) AS billed_cost,
  sum(EffectiveCost) AS effective_cost,
  sum(ListCost) AS list_cost,
  sum(ConsumedQuantity) AS consumed_quantity,
  max(ListUnitPrice) AS list_unit_price,
  count(*) AS row_count,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM (SELECT *, {line_print} AS line_print FROM ({rows}) AS b) AS p
GROUP BY ResourceId, line_print, in_period
