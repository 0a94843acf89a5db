{{ config(materialized='ephemeral') }}
{# The raw rows of crm.customers under the project's column names, as text, numbered. #}
{{ select_raw('customers') }}
