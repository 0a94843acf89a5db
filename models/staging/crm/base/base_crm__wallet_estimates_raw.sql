{{ config(materialized='ephemeral') }}
{# The raw rows of crm.wallet_estimates under the project's column names, as text, numbered. #}
{{ select_raw('wallet_estimates') }}
