{#
    sorted_listagg(measure, delimiter_text): the group's non-null values of
    `measure`, sorted, joined by `delimiter_text` (a SQL string literal); null
    when there are none. dbt.listagg with `order by` on DuckDB; on Spark,
    whose dbt.listagg ignores the order (a warning) and gives '' for no
    values, the collected list is sorted and an empty result is null.
#}
{% macro sorted_listagg(measure, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'customer_classification')(measure, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_text) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ measure) }}
{%- endmacro %}

{% macro spark__sorted_listagg(measure, delimiter_text) -%}
    nullif(array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }}), '')
{%- endmacro %}
