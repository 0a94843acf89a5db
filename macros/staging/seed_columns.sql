{#
    The column names of a seed (or any ref), for hashing its content.
    Empty at parse time, when relations are not looked up.
#}
{% macro seed_columns(seed_name) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(ref(seed_name)) -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names if names else ['seed_not_built']) }}
{%- endmacro %}
