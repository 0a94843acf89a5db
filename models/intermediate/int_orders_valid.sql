{# The orders every mart uses: staged, and passing the cross-table rules. #}
with

orders as (

    select * from {{ ref('int_orders_checked') }}
    where quarantine_reason is null

)

select * from orders
