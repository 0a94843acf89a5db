with

wallet_estimates as (

    select * from {{ ref('base_crm__wallet_estimates') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        customer_id,
        estimated_annual_spend,
        currency_code,
        estimated_date,
        _source_row
    from wallet_estimates

)

select * from renamed
