-- Examples of the rows billing/bounds.py found implausible (dated far outside the bill's
-- months, or with an amount no bill has): they are rejected, counted and shown like
-- unreadable rows. Values as text, so that any date or amount can be shown. {plausible} is
-- the predicate a plausible row meets. SQL both DuckDB and Athena (Trino) accept.
SELECT
  SourceFile AS source_file,
  CAST(ChargePeriodStart AS VARCHAR) AS period_start,
  CAST(ChargePeriodEnd AS VARCHAR) AS period_end,
  ResourceId AS resource_id,
  CAST(BilledCost AS VARCHAR) AS billed_cost,
  CAST(BilledCost AS DOUBLE) AS billed_value,
  CAST(EffectiveCost AS DOUBLE) AS effective_value,
  CAST(ListCost AS DOUBLE) AS list_value
FROM billing
WHERE NOT ({plausible})
ORDER BY SourceFile, ChargePeriodStart, ResourceId, BilledCost
LIMIT {limit}
