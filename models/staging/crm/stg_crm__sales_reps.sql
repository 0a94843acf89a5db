{# Reps' names are personal data the marts do not need: dropped here. #}
with

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        rep_id,
        region,
        capacity_accounts,
        is_active
    from sales_reps

)

select * from renamed
