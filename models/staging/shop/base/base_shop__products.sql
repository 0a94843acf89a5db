{# Every raw product row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_shop__products_raw') }}

),

typed as (

    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_name') }} as product_name,
        lower({{ clean_text('category') }}) as category,
        {{ typed_number('products', 'list_price') }},
        {{ clean_text('list_price') }} is not null as has_list_price,
        {{ typed_number('products', 'unit_cost') }},
        {{ clean_text('unit_cost') }} is not null as has_unit_cost,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when product_id is null then 'missing_key'
            when list_price < 0 or unit_cost < 0 then 'negative_price'
        end as quarantine_reason,
        case
            when
                {{ out_of_range('products', 'list_price') }}
                or {{ out_of_range('products', 'unit_cost') }}
                then 'out_of_range'
            when
                {{ is_unusable_number('has_list_price', 'list_price') }}
                or {{ is_unusable_number('has_unit_cost', 'unit_cost') }}
                then 'invalid_optional_number'
        end as repair_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['product_id']) }}

),

final as (

    select
        rules_applied.product_id,
        rules_applied.product_name,
        rules_applied.category,
        {{ usable_number('rules_applied', 'products', 'list_price') }} as list_price,
        {{ usable_number('rules_applied', 'products', 'unit_cost') }} as unit_cost,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        rules_applied.repair_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final
