{#
    The rows of a raw table that did not make it through as they were, shaped
    for audit.quarantined_rows: one row each, with the raw values it arrived
    with (PII hashed).

    `rows` is a relation of the raw table's rows with `_source_row`, the key
    (`key_columns`, default the contract's key) and `reason_column`; those
    with a reason are rejected. With
    `repair_column`, rows kept with a repair (and not merged as duplicates)
    are listed as repaired. The raw values are looked up by row number in the
    table's raw rows (base_<source>__<table>_raw), only for these few rows:
    no staged row carries a copy of its raw text.
#}
{% macro quarantined_rows(table_name, rows, detected_in, key_columns=none, reason_column='quarantine_reason', repair_column=none) -%}
    {%- set spec = customer_segments.raw_tables()[table_name] -%}
    select
        '{{ spec.source }}.{{ table_name }}' as source_table,
        {{ customer_segments.raw_key(key_columns or spec.key, 'quarantined') }} as raw_key,
        quarantined._source_row as source_row_number,
        {%- if repair_column %}
        coalesce(quarantined.{{ reason_column }}, quarantined.{{ repair_column }}) as reason_code,
        case when quarantined.{{ reason_column }} is null then 'repaired' else 'rejected' end as disposition,
        {%- else %}
        quarantined.{{ reason_column }} as reason_code,
        'rejected' as disposition,
        {%- endif %}
        '{{ detected_in }}' as detected_in,
        {{ customer_segments.row_to_json(spec.columns, spec.pii, 'raw_rows') }} as raw_values
    from {{ rows }} as quarantined
    inner join {{ ref('base_' ~ spec.source ~ '__' ~ table_name ~ '_raw') }} as raw_rows
        on quarantined._source_row = raw_rows._source_row
    where
        quarantined.{{ reason_column }} is not null
        {%- if repair_column %}
        or (quarantined.{{ repair_column }} is not null and quarantined.duplicate_rank = 1)
        {%- endif %}
{%- endmacro %}

{#
    A row's key as one text (parts joined by '|').
#}
{% macro raw_key(key_columns, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- do parts.append('cast(' ~ prefix ~ column ~ ' as ' ~ dbt.type_string() ~ ')') -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}
