{{ config(materialized='ephemeral') }}
{# The raw rows of billing.invoices under the project's column names, as text, numbered. #}
{{ select_raw('invoices') }}
