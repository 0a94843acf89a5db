{#
    Fails for rows where the SQL expression is not true (false or null).
    Optional `where` limits the rows checked.
#}
{% test expression_is_true(model, expression, where_clause=none) %}
    {{ return(adapter.dispatch('test_expression_is_true', 'customer_classification')(model, expression, where_clause)) }}
{% endtest %}

{% macro default__test_expression_is_true(model, expression, where_clause) %}
    select *
    from {{ model }}
    where
        not coalesce({{ expression }}, false)
        {%- if where_clause %}
        and ({{ where_clause }})
        {%- endif %}
{% endmacro %}
