with

products as (

    select * from {{ ref('base_shop__products') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        product_id,
        product_name,
        coalesce(category, 'uncategorised') as category,
        list_price,
        unit_cost
    from products

)

select * from renamed
