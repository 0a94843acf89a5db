{#
    One row per raw table: where each raw row went. The identity
    raw_rows = clean_rows + rejected_rows + duplicate_rows is tested; a
    failure means a model lost or invented rows. Raw rows are counted in the
    raw table itself, clean rows where they end up (the clean order lines: the
    lines summed into the valid orders), rejected rows in the quarantine:
    independent paths. The tables come from raw_tables(), the raw contract.
#}
{#- Where each table's clean rows end up, when not in its stg_ model: the
    orders and their lines in the valid orders (lines summed as line_count),
    the rows of the other cross-checked tables in their int_<table>_checked. -#}
{%- set passed = 'count(case when quarantine_reason is null then 1 end)' -%}
{%- set clean_counts = {
    'orders': ('int_orders_valid', 'count(*)'),
    'order_items': ('int_orders_valid', 'coalesce(cast(sum(line_count) as ' ~ dbt.type_bigint() ~ '), 0)'),
    'invoices': ('int_invoices_checked', passed),
    'wallet_estimates': ('int_wallet_estimates_checked', passed),
    'tickets': ('int_tickets_checked', passed),
    'events': ('int_events_checked', passed),
} -%}

with

quarantine as (

    select
        source_table,
        count(case when disposition = 'rejected' then 1 end) as rejected_rows,
        count(case when disposition = 'repaired' then 1 end) as repaired_rows
    from {{ ref('quarantined_rows') }}
    group by source_table

),

counted as (

    {%- for table_name, spec in raw_tables().items() %}
    {%- set base_model = 'base_' ~ spec.source ~ '__' ~ table_name %}
    {%- set clean_model, clean_count = clean_counts.get(
        table_name, ('stg_' ~ spec.source ~ '__' ~ table_name, 'count(*)')
    ) %}
    select
        '{{ spec.source }}.{{ table_name }}' as source_table,
        (select count(*) from {{ ref(base_model ~ '_raw') }}) as raw_rows,
        (select {{ clean_count }} from {{ ref(clean_model) }}) as clean_rows,
        (
            select count(*) from {{ ref(base_model) }}
            where duplicate_rank > 1
        ) as duplicate_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

reconciled as (

    select
        counted.source_table,
        counted.raw_rows,
        counted.clean_rows,
        coalesce(quarantine.rejected_rows, 0) as rejected_rows,
        counted.duplicate_rows,
        coalesce(quarantine.repaired_rows, 0) as repaired_rows,
        counted.raw_rows = counted.clean_rows + coalesce(quarantine.rejected_rows, 0)
        + counted.duplicate_rows as is_balanced
    from counted
    left join quarantine
        on counted.source_table = quarantine.source_table

)

select * from reconciled
