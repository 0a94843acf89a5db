{#
    Tier coverage of one classification scheme (one column):
    - every row of the base population (`population`, a SQL condition;
      default every row) has exactly one value, and one of `values`;
    - rows outside the population have no value (null);
    - each key appears once, so no customer sits in two tiers.
    `values_from` / `values_column` add the values of a relation's column to
    `values` (categories the user defines in a seed).
    Returns the offending keys with what is wrong.
#}
{% test tier_coverage(model, column_name, values=[], key='customer_id', population=none, values_from=none, values_column=none) %}
    {{ return(adapter.dispatch('test_tier_coverage', 'customer_classification')(model, column_name, values, key, population, values_from, values_column)) }}
{% endtest %}

{% macro default__test_tier_coverage(model, column_name, values, key, population, values_from=none, values_column=none) %}
    {%- set in_population = population if population else 'true' -%}
    with

    checked as (

        select
            {{ key }} as tier_key,
            case
                when not ({{ in_population }}) and {{ column_name }} is not null
                    then 'value outside the base population'
                when ({{ in_population }}) and {{ column_name }} is null
                    then 'no value'
                when ({{ in_population }})
                    {%- if values %} and {{ column_name }} not in (
                        {%- for value in values -%}
                            {{ customer_classification.text_literal(value) if value is string else value }}{{ ", " if not loop.last }}
                        {%- endfor -%}
                    )
                    {%- endif %}
                    {%- if values_from %} and {{ column_name }} not in (select {{ values_column }} from {{ values_from }}){% endif %}
                    then 'value not accepted'
            end as problem
        from {{ model }}

    ),

    {# A group-by, not a window count per row: half the time on a
        million customers. #}
    repeated_keys as (

        select
            {{ key }} as tier_key,
            count(*) as rows_per_key
        from {{ model }}
        group by {{ key }}
        having count(*) > 1

    )

    select
        tier_key,
        problem
    from checked
    where problem is not null

    union all

    select
        tier_key,
        'key appears ' || cast(rows_per_key as {{ dbt.type_string() }}) || ' times' as problem
    from repeated_keys
{% endmacro %}
