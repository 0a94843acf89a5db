{#
    One row per raw row that did not reach the clean layer as it arrived:
    rejected rows (excluded, with the first rule they broke) and repaired
    rows (kept with the bad value nulled). Row-level rules come from the
    base_ staging models, cross-table rules from the *_checked models; the
    raw values come from the raw rows, looked up by row number, once per
    raw table.
#}
{#- Tables whose base_ model also repairs rows (keeps them with a value nulled). -#}
{%- set repaired_tables = ['customers', 'orders', 'products', 'leads', 'tickets'] -%}
{%- set cross_table_checked = {
    'orders': 'int_orders_checked',
    'order_items': 'int_order_items_checked',
    'invoices': 'int_invoices_checked',
    'wallet_estimates': 'int_wallet_estimates_checked',
    'tickets': 'int_tickets_checked',
    'events': 'int_events_checked',
} -%}

with

{%- for table_name, spec in raw_tables().items() %}
{%- set base_model = 'base_' ~ spec.source ~ '__' ~ table_name %}
{%- set key_columns = ['currency_code', 'rate_date'] if table_name == 'fx_rates' else spec.key %}

{{ table_name }}_rejected as (

    {{ row_level_rejects(
        base_model, key_columns, repair_column='repair_reason' if table_name in repaired_tables else none
    ) }}
    {%- if table_name in cross_table_checked %}
    union all
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        _source_row,
        quarantine_reason as reason_code,
        'rejected' as disposition,
        '{{ cross_table_checked[table_name] }}' as detected_in
    from {{ ref(cross_table_checked[table_name]) }}
    where quarantine_reason is not null
    {%- endif %}

),

{{ table_name }}_quarantined as (

    {{ quarantined_rows(table_name, table_name ~ '_rejected', key_columns) }}

),
{%- endfor %}

unioned as (

    {%- for table_name in raw_tables() %}
    select * from {{ table_name }}_quarantined
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from unioned
