{#
    typed_number(table, column, raw): the two staging columns of a raw number
    of the raw contract (raw_tables()[table].numbers gives its type and
    scale): `<column>`, the parsed value (null when blank or unparseable),
    and `is_<column>_out_of_range`, true when the value is a number but not a
    plausible one: its absolute value above var('value_limits')[table][column],
    or a number too large to be stored at all (`99999999999999999999`, an
    integer beyond bigint). The base_ models quarantine such a row as
    out_of_range (or, for an optional profile number, repair it), so no
    implausible value reaches a sum or a product, where it could overflow.
    The parse is written out twice; the database computes it once.
#}
{% macro typed_number(table, column, raw=none) -%}
    {%- set raw = raw or column -%}
    {%- set parsed = customer_segments.parsed_number(table, column, raw) -%}
    {{ parsed }} as {{ column }},
    case
        when {{ parsed }} is not null then abs({{ parsed }}) > {{ customer_segments.value_limit(table, column) }}
        else {{ customer_segments.is_unstorable_number(
            raw, customer_segments.raw_tables()[table].numbers[column].type
        ) }}
    end as is_{{ column }}_out_of_range
{%- endmacro %}

{# The parse of a raw number, by its type in the raw contract. #}
{% macro parsed_number(table, column, raw) -%}
    {%- set spec = customer_segments.raw_tables()[table].numbers[column] -%}
    {%- if spec.type == 'integer' -%}
        {{ customer_segments.parse_integer(raw) }}
    {%- else -%}
        {{ customer_segments.parse_decimal(raw, spec.scale) }}
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
    {{ return(adapter.dispatch('is_unstorable_number', 'customer_segments')(raw, number_type)) }}
{%- endmacro %}

{% macro default__is_unstorable_number(raw, number_type) -%}
    {{ exceptions.raise_compiler_error(
        "is_unstorable_number has no portable SQL: add a " ~ adapter.type() ~ "__is_unstorable_number macro"
    ) }}
{%- endmacro %}

{% macro duckdb__is_unstorable_number(raw, number_type) -%}
    {%- set text = customer_segments.clean_text(raw) -%}
    {%- if number_type == 'integer' -%}
        coalesce(regexp_full_match({{ text }}, '{{ customer_segments.value_patterns().integer }}'), false)
    {%- else -%}
        coalesce(isfinite(try_cast({{ text }} as double)), false)
    {%- endif -%}
{%- endmacro %}

{% macro spark__is_unstorable_number(raw, number_type) -%}
    {%- set text = customer_segments.clean_text(raw) -%}
    {%- if number_type == 'integer' -%}
        coalesce({{ text }} rlike '^{{ customer_segments.value_patterns().integer }}$', false)
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
{% macro usable_number(relation, column, otherwise='null') -%}
    case
        when {{ relation }}.{{ column }} >= 0 and not {{ relation }}.is_{{ column }}_out_of_range
            then {{ relation }}.{{ column }}
        else {{ otherwise }}
    end
{%- endmacro %}
