{{ config(materialized='ephemeral') }}
{# The raw rows of shop.order_items under the project's column names, as text, numbered. #}
{{ select_raw('order_items') }}
