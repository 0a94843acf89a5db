{#
    What the history is computed from, day by day: one row per day on which
    a valid order was placed or a CRM customer signed up (an undated
    customer counts on var('earliest_date')), with the sum of the hashes of
    those rows. The fingerprint of the data up to an as-of date is the sum of
    the days up to it: a history period whose stored fingerprint differs was
    computed from other data (another company's files, or a correction of an
    order of that time) and is replaced (see remove_stale_history_periods).
#}
with

orders as (

    select * from {{ ref('int_orders_valid') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

rows_hashed as (

    select
        ordered_date as fingerprint_date,
        {{ row_fingerprint([
            'order_id', 'customer_id', 'ordered_at', 'order_status', 'net_revenue', 'gross_margin'
        ]) }} as row_fingerprint
    from orders

    union all

    select
        coalesce(cast(signup_at as date), cast('{{ var("earliest_date") }}' as date)) as fingerprint_date,
        {{ row_fingerprint(['customer_id', 'customer_type', 'country_code']) }} as row_fingerprint
    from customers

),

days_aggregated as (

    select
        fingerprint_date,
        sum(cast(row_fingerprint as decimal(38, 0))) as day_fingerprint
    from rows_hashed
    group by fingerprint_date

)

select * from days_aggregated
