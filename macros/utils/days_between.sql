{#
    days_between(start_date, end_date): whole days from start to end, a bigint
    on every engine (dbt.datediff gives a bigint on DuckDB, an int on Spark,
    and the contracts say bigint).
#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'customer_classification')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}
