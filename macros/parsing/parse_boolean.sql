{#
    true / false / yes / no / 1 / 0 / y / n (any case) to a boolean; else null.
#}
{% macro parse_boolean(column) -%}
    {{ return(adapter.dispatch('parse_boolean', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__parse_boolean(column) -%}
    case lower({{ customer_classification.clean_text(column) }})
        when 'true' then true
        when 't' then true
        when 'yes' then true
        when 'y' then true
        when '1' then true
        when 'false' then false
        when 'f' then false
        when 'no' then false
        when 'n' then false
        when '0' then false
    end
{%- endmacro %}
