with

order_items as (

    select * from {{ ref('base_shop__order_items') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        {{ dbt.concat(['order_id', "'-'", 'line_number']) }} as order_item_id,
        order_id,
        line_number,
        product_id,
        category,
        quantity,
        unit_price,
        unit_cost,
        quantity * unit_price as line_amount,
        quantity * unit_cost as line_cost
    from order_items

)

select * from renamed
