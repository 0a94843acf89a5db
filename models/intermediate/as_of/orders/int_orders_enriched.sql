{#
    The valid orders up to each as-of date: what every customer-level model
    counts, one row per order and as-of date it falls before (one as-of date
    in a build; every period of a backfill). A view over int_orders_valid
    (revenue, cost and margin are computed there), so an as-of date in the
    past is a filter, not a rebuild.
#}
{{ config(materialized='view') }}

with

orders as (

    select * from {{ ref('int_orders_valid') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

orders_as_of as (

    select
        orders.*,
        as_of.as_of_date
    from orders
    inner join as_of
        on orders.ordered_date <= as_of.as_of_date

)

select * from orders_as_of
