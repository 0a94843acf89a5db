{{ config(materialized='ephemeral') }}
{# The raw rows of crm.leads under the project's column names, as text, numbered. #}
{{ select_raw('leads') }}
