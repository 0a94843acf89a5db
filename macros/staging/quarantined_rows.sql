{#
    The quarantine, in two steps.

    row_level_rejects(base_model, key_columns, repair_column): the rows of a
    base_ staging model that did not make it through as they were: rejected
    (quarantine_reason set) or, with `repair_column`, repaired (kept with a
    value nulled, and not merged as a duplicate). Columns: the key,
    _source_row, reason_code, disposition, detected_in.

    quarantined_rows(table_name, rows, key_columns): those rows shaped for
    audit.quarantined_rows, each with the raw values it arrived with (PII
    hashed), looked up by row number in base_<source>__<table>_raw. Only the
    few quarantined rows are looked up: no staged row carries a copy of its
    raw text. Call it once per raw table (with every reason of that table in
    `rows`), so the raw rows are read once.
#}
{% macro row_level_rejects(base_model, key_columns, repair_column=none) -%}
    select
        {{ key_columns | join(', ') }},
        _source_row,
        {%- if repair_column %}
        coalesce(quarantine_reason, {{ repair_column }}) as reason_code,
        case when quarantine_reason is null then 'repaired' else 'rejected' end as disposition,
        {%- else %}
        quarantine_reason as reason_code,
        'rejected' as disposition,
        {%- endif %}
        '{{ base_model }}' as detected_in
    from {{ ref(base_model) }}
    where
        quarantine_reason is not null
        {%- if repair_column %}
        or ({{ repair_column }} is not null and duplicate_rank = 1)
        {%- endif %}
{%- endmacro %}

{% macro quarantined_rows(table_name, rows, key_columns) -%}
    {%- set spec = customer_classification.raw_tables()[table_name] -%}
    select
        '{{ spec.source }}.{{ table_name }}' as source_table,
        {#- The key as parsed; where it could not be parsed (a line number 1.5), as written. #}
        coalesce(
            {{ customer_classification.raw_key(key_columns, 'quarantined') }},
            {{ customer_classification.raw_key(spec.key, 'raw_rows', cleaned=true) }}
        ) as raw_key,
        quarantined._source_row as source_row_number,
        quarantined.reason_code,
        quarantined.disposition,
        quarantined.detected_in,
        {{ customer_classification.row_to_json(spec.columns, spec.pii, 'raw_rows') }} as raw_values
    from {{ rows }} as quarantined
    inner join {{ ref('base_' ~ spec.source ~ '__' ~ table_name ~ '_raw') }} as raw_rows
        on quarantined._source_row = raw_rows._source_row
{%- endmacro %}

{#
    A row's key as one text (parts joined by '|'; null when a part is);
    `cleaned`: each part trimmed, blank as null (raw text).
#}
{% macro raw_key(key_columns, relation_alias=none, cleaned=false) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- set part = 'cast(' ~ prefix ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- do parts.append(customer_classification.clean_text(part) if cleaned else part) -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}
