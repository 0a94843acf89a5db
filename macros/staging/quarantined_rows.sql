{#
    The rows of a base_ staging model that did not make it through as they
    were: rejected (quarantine_reason set) or repaired (kept, a value nulled;
    repair_reason set). One row each, with the raw values it arrived with.
#}
{% macro quarantined_rows(base_model, source_table, key_columns, has_repairs=false) -%}
    select
        '{{ source_table }}' as source_table,
        {{ customer_segments.raw_key(key_columns) }} as raw_key,
        _source_row as source_row_number,
        {%- if has_repairs %}
        coalesce(quarantine_reason, repair_reason) as reason_code,
        case when quarantine_reason is null then 'repaired' else 'rejected' end as disposition,
        {%- else %}
        quarantine_reason as reason_code,
        'rejected' as disposition,
        {%- endif %}
        '{{ base_model }}' as detected_in,
        raw_values
    from {{ ref(base_model) }}
    where
        quarantine_reason is not null
        {%- if has_repairs %}
        or (repair_reason is not null and duplicate_rank = 1)
        {%- endif %}
{%- endmacro %}

{#
    A row's key as one text (parts joined by '|').
#}
{% macro raw_key(key_columns) -%}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- do parts.append('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}
