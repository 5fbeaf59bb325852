-- Per-resource utilization statistics from a utilization CSV read in place by DuckDB
-- (local files only, so DuckDB's quantile_cont is used: linear interpolation, the same
-- rule the CloudWatch path applies in Python). {source} is the CSV reader.
SELECT
  resource_id,
  count(*) AS samples,
  min("timestamp") AS first_sample,
  max("timestamp") AS last_sample,
  count(cpu_pct) AS cpu_samples,
  quantile_cont(cpu_pct, 0.95) AS cpu_p95_pct,
  max(mem_pct) AS mem_peak_pct,
  count(net_bytes) AS net_samples,
  sum(net_bytes) AS net_bytes,
  count(disk_ops) AS disk_samples,
  sum(disk_ops) AS disk_ops,
  count(*) FILTER (WHERE cpu_pct < 0 OR cpu_pct > 100 OR mem_pct < 0 OR mem_pct > 100)
    AS out_of_range
FROM {source}
WHERE resource_id IS NOT NULL AND "timestamp" IS NOT NULL
GROUP BY resource_id
