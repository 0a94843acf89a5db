{{ config(materialized='ephemeral') }}
{# The raw rows of finance.fx_rates under the project's column names, as text, numbered. #}
{{ select_raw('fx_rates') }}
