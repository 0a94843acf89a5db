{{ config(materialized='ephemeral') }}
{# The raw rows of shop.orders under the project's column names, as text, numbered. #}
{{ select_raw('orders') }}
