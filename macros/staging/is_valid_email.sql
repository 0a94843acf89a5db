{#
    True when the text looks like an email (something@domain.tld, no spaces).
#}
{% macro is_valid_email(column) -%}
    {{ return(adapter.dispatch('is_valid_email', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__is_valid_email(column) -%}
    {{ exceptions.raise_compiler_error(
        "is_valid_email has no portable SQL (regular expressions differ on every engine): "
        ~ "add a " ~ adapter.type() ~ "__is_valid_email macro"
    ) }}
{%- endmacro %}

{% macro duckdb__is_valid_email(column) -%}
    regexp_full_match({{ column }}, '[^@\s]+@[^@\s]+\.[^@\s]+')
{%- endmacro %}

{% macro spark__is_valid_email(column) -%}
    {{ column }} rlike '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'
{%- endmacro %}
