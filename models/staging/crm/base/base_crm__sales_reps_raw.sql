{{ config(materialized='ephemeral') }}
{# The raw rows of crm.sales_reps under the project's column names, as text, numbered. #}
{{ select_raw('sales_reps') }}
