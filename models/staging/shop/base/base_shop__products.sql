{%- set columns = ['product_id', 'product_name', 'category', 'list_price', 'unit_cost'] -%}

with

source as (

    {{ select_raw('shop', 'products', columns, required=['product_id']) }}

),

typed as (

    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_name') }} as product_name,
        lower({{ clean_text('category') }}) as category,
        {{ parse_decimal('list_price') }} as list_price,
        {{ parse_decimal('unit_cost') }} as unit_cost,
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
            when product_id is null then 'missing_key'
            when list_price < 0 or unit_cost < 0 then 'negative_price'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['product_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked
