-- The keys of the charge lines sql/spend_lines.sql found, read from one row of each line:
-- the rows whose number (the row expression) is in `representatives`, of the files the
-- filter keeps. Per file, a semi join on the row number alone lets DuckDB skip the rest of
-- the file. With the keys, each line's category fingerprint (the key of
-- sql/spend_periods.sql's rows) and whether the line is on-demand compute
-- (sql/on_demand_compute.sql, as sql/spend.sql decides it). `line_keys` as in sql/spend.sql.
SELECT
  RowFile AS row_file,
  RowNumber AS row_number,
  {line_keys},
  {category_print} AS category_print,
  {on_demand} AS on_demand_compute
FROM billing
SEMI JOIN representatives AS r ON {row} = r.number
WHERE {where}
