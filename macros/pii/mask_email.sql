{#
    An email reduced to what a human may see: first letter and domain
    (`j***@example.com`). Null when the email is null.
#}
{% macro mask_email(column) -%}
    {{ return(adapter.dispatch('mask_email', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__mask_email(column) -%}
    case
        when {{ column }} is not null
            then left({{ column }}, 1) || '***@' || split_part({{ column }}, '@', 2)
    end
{%- endmacro %}

{% macro spark__mask_email(column) -%}
    case
        when {{ column }} is not null
            then concat(left({{ column }}, 1), '***@', split_part({{ column }}, '@', 2))
    end
{%- endmacro %}
