"""Where billing data comes from: DuckDB over export files, Athena, Cost Explorer, and
utilization from CloudWatch or a CSV."""
