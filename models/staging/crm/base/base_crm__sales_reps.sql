{%- set columns = ['rep_id', 'rep_name', 'region', 'capacity_accounts', 'is_active'] -%}

with

source as (

    {{ select_raw('crm', 'sales_reps', columns, required=['rep_id', 'capacity_accounts']) }}

),

typed as (

    select
        {{ clean_text('rep_id') }} as rep_id,
        {{ clean_text('region') }} as region,
        {{ parse_integer('capacity_accounts') }} as capacity_accounts,
        coalesce({{ parse_boolean('is_active') }}, true) as is_active,
        _source_row,
        _has_invalid_encoding,
        {{ row_to_json(columns, ['rep_name']) }} as raw_values
    from source

),

rules_applied as (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when rep_id is null then 'missing_key'
            when capacity_accounts is null then 'invalid_number'
            when capacity_accounts <= 0 then 'non_positive_amount'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['rep_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked
