"""The engines a build runs on: the dbt runner (DuckDB), its connection plugin, Spark."""
