{#
    The model's key: unique and never null, checked in one pass (one test
    node and one scan instead of `unique` + `not_null`, which matters on
    tables of millions of rows). On a column (`- primary_key`) or on the model
    with `columns: [a, b]` for a composite key. Fails for each key value that
    repeats or has a null part.
#}
{% test primary_key(model, column_name=none, columns=none) %}
    {{ return(adapter.dispatch('test_primary_key', 'customer_classification')(model, column_name, columns)) }}
{% endtest %}

{% macro default__test_primary_key(model, column_name, columns) %}
    {{ customer_classification.key_failures(model, columns or [column_name]) }}
{% endmacro %}

{#- On DuckDB repeated keys are found first, and only the rows of those keys
    (and those with a null part) are then grouped by the key, so the failing
    rows are exactly those of the portable version. A single-column key is
    sorted and each value compared with the one before (at 14M rows a third of
    the time of a group-by: row numbers arrive nearly sorted); a composite key
    is grouped by its hash (an 8-byte group-by key instead of the texts). #}
{% macro duckdb__test_primary_key(model, column_name, columns) %}
    {%- set key = columns or [column_name] -%}
    {%- if key | length == 1 -%}
        {%- set repeated -%}
            {{ key[0] }} in (
                select key_value from (
                    select
                        {{ key[0] }} as key_value,
                        lag({{ key[0] }}) over (order by {{ key[0] }}) as previous_value
                    from {{ model }}
                ) as sorted_keys
                where key_value = previous_value
            )
        {%- endset -%}
    {%- else -%}
        {%- set key_hash = 'hash(' ~ key | join(', ') ~ ')' -%}
        {%- set repeated = key_hash ~ ' in (select ' ~ key_hash ~ ' from ' ~ model ~ ' group by 1 having count(*) > 1)' -%}
    {%- endif -%}
    {{ customer_classification.key_failures(model, key, repeated) }}
{% endmacro %}

{#- The key values of `model` that repeat or have a null part, with their
    count; with `candidates`, only among the rows it selects (and those with
    a null part). #}
{% macro key_failures(model, key, candidates=none) %}
    {%- set null_parts -%}
        {%- for column in key %} or {{ column }} is null{% endfor -%}
    {%- endset -%}
    select
        {{ key | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    {%- if candidates %}
    where {{ candidates }}{{ null_parts }}
    {%- endif %}
    group by {{ key | join(', ') }}
    having count(*) > 1{{ null_parts }}
{% endmacro %}
