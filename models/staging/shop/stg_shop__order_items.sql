with

order_items as (

    select * from {{ ref('base_shop__order_items') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        order_id,
        line_number,
        product_id,
        category,
        quantity,
        unit_price,
        unit_cost,
        quantity * unit_price as line_amount,
        quantity * unit_cost as line_cost,
        _source_row
    from order_items

)

select * from renamed
