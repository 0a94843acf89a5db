{{ config(materialized='ephemeral') }}
{# The raw rows of support.tickets under the project's column names, as text, numbered. #}
{{ select_raw('tickets') }}
