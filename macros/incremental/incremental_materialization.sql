{#
    The materialization of the incremental models: `incremental`, except on
    Spark, where they are tables rebuilt in full at each build. Their
    strategies (delete+insert, replace_window) delete rows, which dbt-spark
    supports only on Delta, Iceberg or Hudi tables; the local session
    writes Parquet (see docs/operations.md, Spark).
#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_classification')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
