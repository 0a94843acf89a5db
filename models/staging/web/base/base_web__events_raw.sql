{{ config(materialized='ephemeral') }}
{# The raw rows of web.events under the project's column names, as text, numbered. #}
{{ select_raw('events') }}
