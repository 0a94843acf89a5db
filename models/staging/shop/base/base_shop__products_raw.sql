{{ config(materialized='ephemeral') }}
{# Generated from the raw contract (scripts/segments/core/raw_schema.py) by
   `python -m segments.devtools.raw_dbt_files`; edit the contract there.
   The raw rows of shop.products under the project's column names, as text, numbered. #}
{{ select_raw('products') }}
