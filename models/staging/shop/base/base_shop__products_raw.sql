{{ config(materialized='ephemeral') }}
{# The raw rows of shop.products under the project's column names, as text, numbered. #}
{{ select_raw('products') }}
