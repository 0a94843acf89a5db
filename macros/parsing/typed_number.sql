{#
    A raw number of the raw contract (raw_tables()[table].numbers gives its
    type and scale), typed and checked against what is plausible.

    typed_number(table, column, raw): its two staging columns: `<column>`,
    the parsed value (null when blank or unparseable), and
    `is_<column>_unstorable`, true for a text the parse rejected that is a
    number all the same, one too large to be stored (`99999999999999999999`,
    an integer beyond bigint). The check runs only where the plain cast fails
    (the parse's own first step, which the database computes once).

    out_of_range(table, column): true when the value is not plausible: its
    absolute value above var('value_limits')[table][column], or unstorable.
    The base_ models quarantine such a row as out_of_range (or, for an
    optional profile number, repair it), so no implausible value reaches a
    sum or a product, where it could overflow.
#}
{% macro typed_number(table, column, raw=none) -%}
    {%- set raw = raw or column -%}
    {%- set spec = customer_classification.raw_tables()[table].numbers[column] -%}
    {{ customer_classification.parsed_number(table, column, raw) }} as {{ column }},
    case
        when {{ customer_classification.plain_number_cast(raw, spec) }} is null
            then {{ customer_classification.is_unstorable_number(raw, spec.type) }}
        else false
    end as is_{{ column }}_unstorable
{%- endmacro %}

{% macro out_of_range(table, column) -%}
    (abs({{ column }}) > {{ customer_classification.value_limit(table, column) }} or is_{{ column }}_unstorable)
{%- endmacro %}

{#- The cast of the raw text the parse tries first (see parse_decimal, parse_integer). -#}
{% macro plain_number_cast(raw, spec) -%}
    {%- set text = "cast(" ~ raw ~ " as " ~ dbt.type_string() ~ ")" if spec.type == 'integer' else raw -%}
    {%- set data_type = dbt.type_bigint() if spec.type == 'integer' else "decimal(18, " ~ spec.scale ~ ")" -%}
    {{ customer_classification.try_cast(text, data_type) }}
{%- endmacro %}

{# The parse of a raw number, by its type in the raw contract. #}
{% macro parsed_number(table, column, raw) -%}
    {%- set spec = customer_classification.raw_tables()[table].numbers[column] -%}
    {%- if spec.type == 'integer' -%}
        {{ customer_classification.parse_integer(raw) }}
    {%- else -%}
        {{ customer_classification.parse_decimal(raw, spec.scale) }}
    {%- endif -%}
{%- endmacro %}

{# The largest plausible absolute value of a raw number: var('value_limits'). #}
{% macro value_limit(table, column) -%}
    {%- set limits = var('value_limits').get(table, {}) -%}
    {%- if column not in limits -%}
        {{ exceptions.raise_compiler_error(
            "var value_limits has no limit for " ~ table ~ "." ~ column ~ ": add one to dbt_project.yml"
        ) }}
    {%- endif -%}
    {{ limits[column] }}
{%- endmacro %}

{#
    True when a text the parse rejected is a number all the same, one too
    large to be stored: a finite decimal (not NaN or infinity), or digits of
    an integer beyond bigint. Only ever evaluated for the rare rejected text.
#}
{% macro is_unstorable_number(raw, number_type) -%}
    {{ return(adapter.dispatch('is_unstorable_number', 'customer_classification')(raw, number_type)) }}
{%- endmacro %}

{% macro default__is_unstorable_number(raw, number_type) -%}
    {{ exceptions.raise_compiler_error(
        "is_unstorable_number has no portable SQL: add a " ~ adapter.type() ~ "__is_unstorable_number macro"
    ) }}
{%- endmacro %}

{% macro duckdb__is_unstorable_number(raw, number_type) -%}
    {%- set text = customer_classification.clean_text(raw) -%}
    {%- if number_type == 'integer' -%}
        coalesce(regexp_full_match({{ text }}, '{{ customer_classification.value_patterns().integer }}'), false)
    {%- else -%}
        coalesce(isfinite(try_cast({{ text }} as double)), false)
    {%- endif -%}
{%- endmacro %}

{% macro spark__is_unstorable_number(raw, number_type) -%}
    {%- set text = customer_classification.clean_text(raw) -%}
    {%- if number_type == 'integer' -%}
        coalesce({{ text }} rlike '^{{ customer_classification.value_patterns().integer }}$', false)
    {%- else -%}
        coalesce(
            not isnan(try_cast({{ text }} as double))
            and abs(try_cast({{ text }} as double)) < double('infinity'),
            false
        )
    {%- endif -%}
{%- endmacro %}

{#
    An optional number as the base_ models keep it: the parsed value when it
    is usable (not negative, not out of range), else `otherwise` (null; the
    row is repaired, see is_unusable_number).
#}
{% macro usable_number(relation, table, column, otherwise='null') -%}
    case
        when
            {{ relation }}.{{ column }} >= 0
            and {{ relation }}.{{ column }} <= {{ customer_classification.value_limit(table, column) }}
            and not {{ relation }}.is_{{ column }}_unstorable
            then {{ relation }}.{{ column }}
        else {{ otherwise }}
    end
{%- endmacro %}
