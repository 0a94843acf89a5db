{#
    text_literal(value): `value` as a SQL string literal. Standard SQL doubles a
    quote ('Can''t Lose Them'); Spark reads two adjacent literals there and
    escapes with a backslash instead ('Can\'t Lose Them').
#}
{% macro text_literal(value) -%}
    {{ return(adapter.dispatch('text_literal', 'customer_classification')(value)) }}
{%- endmacro %}

{% macro default__text_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
