{#
    Money in the reporting currency: rounded to cents, decimal(18, 2).
#}
{% macro to_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}
