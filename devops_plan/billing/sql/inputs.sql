-- Every row read, per source file, with no period filter: the proof that no row was
-- dropped and that the report's total equals the inputs' sum.
-- SQL both DuckDB and Athena (Trino) accept.
SELECT
  SourceFile AS source_file,
  count(*) AS row_count,
  count(BilledCost) AS billed_rows,
  count(ChargePeriodStart) AS dated_rows,
  sum(BilledCost) AS billed_cost,
  min(ChargePeriodStart) AS first_start,
  max(ChargePeriodEnd) AS last_end
FROM billing
GROUP BY SourceFile
