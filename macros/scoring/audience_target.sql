{#
    The target conditions of the active audiences of the audience_definitions seed as
    one boolean expression over a row that has an `audience` column: each
    audience's condition (checked by custom_category_condition against the
    same allow-list of documented, non-PII columns), true for an audience
    without one. A condition that is not allowed fails the build naming the
    audience. A mocked seed (unit tests) gives true.
#}
{% macro audience_target(audiences_relation, columns, audience_column) -%}
    {{ return(adapter.dispatch('audience_target', 'customer_classification')(audiences_relation, columns, audience_column)) }}
{%- endmacro %}

{% macro default__audience_target(audiences_relation, columns, audience_column) -%}
    {%- set targets = [] -%}
    {%- set is_mocked = (audiences_relation | string).startswith('__dbt__cte__') -%}
    {%- if execute and not is_mocked and load_relation(audiences_relation) is not none -%}
        {%- set result = run_query(
            'select audience, target from ' ~ audiences_relation
            ~ " where is_active and trim(coalesce(target, '')) <> '' order by audience"
        ) -%}
        {%- for row in result.rows -%}
            {%- set checked = customer_classification.custom_category_condition(row[1], columns) -%}
            {%- if checked.error -%}
                {{ exceptions.raise_compiler_error(
                    "audiences: audience '" ~ row[0] ~ "': " ~ checked.error ~ ". Target: " ~ row[1]
                ) }}
            {%- endif -%}
            {%- do targets.append({'audience': row[0], 'sql': checked.sql}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if targets | length == 0 -%}
        true
    {%- else -%}
    case {{ audience_column }}
        {%- for target in targets %}
        when {{ customer_classification.text_literal(target.audience) }} then coalesce({{ target.sql }}, false)
        {%- endfor %}
        else true
    end
    {%- endif -%}
{%- endmacro %}
