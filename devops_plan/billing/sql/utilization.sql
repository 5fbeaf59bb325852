-- Per-resource utilization statistics from a utilization CSV read in place by DuckDB
-- (local files only, so DuckDB's quantile_cont is used: linear interpolation, the same
-- rule the CloudWatch path applies in Python). {source} is the CSV reader.
-- A sample outside what a sample can be (a percentage outside 0-100, a count below 0, a
-- value that is not finite, a date outside 1970-9999) is left out and counted.
SELECT
  resource_id,
  count(*) FILTER (WHERE in_range) AS samples,
  min("timestamp") FILTER (WHERE in_range) AS first_sample,
  max("timestamp") FILTER (WHERE in_range) AS last_sample,
  count(cpu_pct) FILTER (WHERE in_range) AS cpu_samples,
  quantile_cont(cpu_pct, 0.95) FILTER (WHERE in_range) AS cpu_p95_pct,
  max(mem_pct) FILTER (WHERE in_range) AS mem_peak_pct,
  count(net_bytes) FILTER (WHERE in_range) AS net_samples,
  sum(net_bytes) FILTER (WHERE in_range) AS net_bytes,
  count(disk_ops) FILTER (WHERE in_range) AS disk_samples,
  sum(disk_ops) FILTER (WHERE in_range) AS disk_ops,
  count(*) FILTER (WHERE NOT in_range) AS out_of_range
FROM (
  SELECT
    *,
    year("timestamp") BETWEEN 1970 AND 9999
      AND (cpu_pct IS NULL OR (isfinite(cpu_pct) AND cpu_pct BETWEEN 0 AND 100))
      AND (mem_pct IS NULL OR (isfinite(mem_pct) AND mem_pct BETWEEN 0 AND 100))
      AND (net_bytes IS NULL OR (isfinite(net_bytes) AND net_bytes >= 0))
      AND (disk_ops IS NULL OR (isfinite(disk_ops) AND disk_ops >= 0)) AS in_range
  FROM {source}
  WHERE resource_id IS NOT NULL AND "timestamp" IS NOT NULL
) AS samples
GROUP BY resource_id
HAVING count(*) FILTER (WHERE in_range) > 0
  OR count(*) FILTER (WHERE NOT in_range) > 0
