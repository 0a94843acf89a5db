"""What a command runs: a build (load + dbt on a copy, swapped in), a backfill of past
periods, the docs site. Calls the warehouse and the engines, never a command."""
