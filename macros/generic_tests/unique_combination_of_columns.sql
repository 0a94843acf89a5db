{#
    Fails for each combination of the columns that appears more than once.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'customer_segments')(model, combination_of_columns)) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endmacro %}
