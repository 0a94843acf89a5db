{#
    One row per raw table: where each raw row went. The identity
    raw_rows = clean_rows + rejected_rows + duplicate_rows is tested; a
    failure means a model lost or invented rows. Clean rows are counted where
    they end up (the clean order lines: the lines summed into the valid
    orders), rejected rows in the quarantine: two independent paths.
#}
{%- set tables = [
    ('crm.customers', 'base_crm__customers', 'stg_crm__customers', 'count(*)'),
    ('crm.leads', 'base_crm__leads', 'stg_crm__leads', 'count(*)'),
    ('crm.wallet_estimates', 'base_crm__wallet_estimates', 'stg_crm__wallet_estimates', 'count(*)'),
    ('crm.sales_reps', 'base_crm__sales_reps', 'stg_crm__sales_reps', 'count(*)'),
    ('shop.orders', 'base_shop__orders', 'int_orders_valid', 'count(*)'),
    ('shop.order_items', 'base_shop__order_items', 'int_orders_valid', 'coalesce(cast(sum(line_count) as bigint), 0)'),
    ('shop.products', 'base_shop__products', 'stg_shop__products', 'count(*)'),
    ('web.events', 'base_web__events', 'stg_web__events', 'count(*)'),
    ('billing.invoices', 'base_billing__invoices', 'stg_billing__invoices', 'count(*)'),
    ('support.tickets', 'base_support__tickets', 'stg_support__tickets', 'count(*)'),
    ('finance.fx_rates', 'base_finance__fx_rates', 'stg_finance__fx_rates', 'count(*)'),
] -%}

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

    {%- for source_table, base_model, clean_model, clean_count in tables %}
    select
        '{{ source_table }}' as source_table,
        (select count(*) from {{ ref(base_model) }}) as raw_rows,
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
