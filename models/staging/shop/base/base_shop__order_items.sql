{#
    Every raw order line, typed, with the first row-level rule it breaks and
    its rank among lines with the same (order_id, line_number).
#}
{%- set columns = [
    'order_id', 'line_number', 'product_id', 'category', 'quantity',
    'unit_price', 'unit_cost',
] -%}

with

source as (

    {{ select_raw(
        'shop', 'order_items', columns,
        required=['order_id', 'line_number', 'product_id', 'quantity', 'unit_price'],
    ) }}

),

typed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ parse_integer('line_number') }} as line_number,
        {{ clean_text('product_id') }} as product_id,
        lower({{ clean_text('category') }}) as category,
        {{ parse_integer('quantity') }} as quantity,
        {{ parse_decimal('unit_price') }} as unit_price,
        {{ parse_decimal('unit_cost') }} as unit_cost,
        {{ clean_text('unit_cost') }} as unit_cost_text,
        _source_row,
        _has_invalid_encoding,
        {{ row_to_json(columns) }} as raw_values
    from source

),

rules_applied as (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when order_id is null or line_number is null or product_id is null then 'missing_key'
            when quantity is null or unit_price is null then 'invalid_number'
            when unit_cost is null and unit_cost_text is not null then 'invalid_number'
            when quantity <= 0 then 'non_positive_quantity'
            when unit_price < 0 or unit_cost < 0 then 'negative_price'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['order_id', 'line_number']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked
