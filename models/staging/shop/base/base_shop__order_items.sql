{#
    Every raw order line, typed, with the first row-level rule it breaks and
    its rank among lines with the same (order_id, line_number).
#}
{{ config(
    materialized=incremental_materialization(),
    unique_key='_source_row',
    incremental_strategy='delete+insert',
    tags=['facts']
) }}
with

source as (

    select * from {{ ref('base_shop__order_items_raw') }}
    {{ raw_rows_to_parse(
        'order_items',
        [clean_text('order_id'), parse_integer('line_number')],
        ['order_id', 'line_number']
    ) }}

),

typed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ typed_number('order_items', 'line_number') }},
        {{ clean_text('line_number') }} is not null as has_line_number,
        {{ clean_text('product_id') }} as product_id,
        lower({{ clean_text('category') }}) as category,
        {{ typed_number('order_items', 'quantity') }},
        {{ typed_number('order_items', 'unit_price') }},
        {{ typed_number('order_items', 'unit_cost') }},
        {{ clean_text('unit_cost') }} as unit_cost_text,
        _source_row,
        _has_invalid_encoding
    from source

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when
                {{ out_of_range('order_items', 'line_number') }}
                or {{ out_of_range('order_items', 'quantity') }}
                or {{ out_of_range('order_items', 'unit_price') }}
                or {{ out_of_range('order_items', 'unit_cost') }}
                then 'out_of_range'
            when line_number is null and has_line_number then 'invalid_number'
            when order_id is null or line_number is null or product_id is null then 'missing_key'
            when quantity is null or unit_price is null then 'invalid_number'
            when unit_cost is null and unit_cost_text is not null then 'invalid_number'
            when quantity <= 0 then 'non_positive_quantity'
            when unit_price < 0 or unit_cost < 0 then 'negative_price'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['order_id', 'line_number']) }}

),

final as (

    select
        rules_applied.order_id,
        rules_applied.line_number,
        rules_applied.product_id,
        rules_applied.category,
        rules_applied.quantity,
        rules_applied.unit_price,
        rules_applied.unit_cost,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final
