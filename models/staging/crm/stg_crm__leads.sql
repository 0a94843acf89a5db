{#
    The contact's name and email stay behind; only a hash of the email leaves.
    Stored, not a view: hash_pii reads the salt from dbt's session, so no view
    needs it and a reader never sees it.
#}
{{ config(materialized='table') }}
with

leads as (

    select * from {{ ref('base_crm__leads') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        lead_id,
        {{ hash_pii('contact_email') }} as contact_email_hash,
        company_name,
        country_code,
        industry,
        company_size,
        annual_revenue,
        lead_source,
        lead_stage,
        lead_stage not in ('won', 'lost') as is_open,
        created_at,
        last_activity_at,
        email_opens,
        site_visits,
        has_requested_demo,
        has_confirmed_budget,
        converted_customer_id
    from leads

)

select * from renamed
