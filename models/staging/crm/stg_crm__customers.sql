{#
    PII leaves here only hashed (email_hash, phone_hash) or masked
    (email_masked); names are dropped. Stored, not a view: hash_pii reads the
    salt from dbt's session, so no view needs it and a reader never sees it.
#}
{{ config(materialized='table') }}
with

customers as (

    select * from {{ ref('base_crm__customers') }}
    where quarantine_reason is null and duplicate_rank = 1

),

cleaned as (

    select
        customer_id,
        case when repair_reason = 'invalid_email' then null else email end as valid_email,
        phone,
        coalesce(customer_type, case when industry is not null then 'b2b' else 'b2c' end)
            as customer_type,
        birth_date,
        coalesce(gender, 'unknown') as gender,
        annual_income,
        education,
        occupation,
        industry,
        business_type,
        company_size,
        country_code,
        city,
        signup_at,
        acquisition_channel,
        referred_by_customer_id,
        repair_reason
    from customers

),

pii_protected as (

    select
        customer_id,
        {{ hash_pii('valid_email') }} as email_hash,
        {{ mask_email('valid_email') }} as email_masked,
        {{ hash_pii('phone') }} as phone_hash,
        customer_type,
        birth_date,
        gender,
        annual_income,
        education,
        occupation,
        industry,
        business_type,
        company_size,
        country_code,
        city,
        signup_at,
        acquisition_channel,
        referred_by_customer_id,
        repair_reason is not null as was_repaired
    from cleaned

)

select * from pii_protected
