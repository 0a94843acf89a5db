with

orders as (

    select * from {{ ref('base_shop__orders') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date) as ordered_date,
        order_status,
        currency_code,
        {# A refund brings in nothing and pays back its amount, whatever its sign. #}
        case when order_status = 'refund' then 0 else amount end as gross_amount,
        case
            when order_status = 'refund' then abs(amount)
            when order_status = 'returned' then coalesce(returned_amount, amount)
            else coalesce(returned_amount, 0)
        end as returned_amount,
        coalesce(shipping_cost, 0) as shipping_cost,
        order_channel,
        refunds_order_id,
        order_status in ('completed', 'returned') as is_purchase,
        order_status = 'cancelled' as is_cancelled,
        order_status = 'returned' as is_returned,
        order_status = 'refund' as is_refund,
        _source_row
    from orders

)

select * from renamed
