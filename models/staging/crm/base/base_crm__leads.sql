{# Every raw lead row, typed, with the first rule it breaks and its duplicate rank. #}
with

source as (

    select * from {{ ref('base_crm__leads_raw') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

typed as (

    select
        {{ clean_text('source.lead_id') }} as lead_id,
        lower({{ clean_text('source.contact_email') }}) as contact_email,
        {{ clean_text('source.company_name') }} as company_name,
        country_aliases.country_code,
        lower({{ clean_text('source.industry') }}) as industry,
        {{ typed_number('leads', 'company_size', 'source.company_size') }},
        {{ clean_text('source.company_size') }} is not null as has_company_size,
        {{ typed_number('leads', 'annual_revenue', 'source.annual_revenue') }},
        {{ clean_text('source.annual_revenue') }} is not null as has_annual_revenue,
        lower({{ clean_text('source.lead_source') }}) as lead_source,
        coalesce(lower({{ clean_text('source.stage') }}), 'new') as lead_stage,
        {{ parse_timestamp('source.created_at') }} as created_at,
        {{ parse_timestamp('source.last_activity_at') }} as last_activity_at,
        {{ typed_number('leads', 'email_opens', 'source.email_opens') }},
        {{ clean_text('source.email_opens') }} is not null as has_email_opens,
        {{ typed_number('leads', 'site_visits', 'source.site_visits') }},
        {{ clean_text('source.site_visits') }} is not null as has_site_visits,
        coalesce({{ parse_boolean('source.demo_requested') }}, false) as has_requested_demo,
        coalesce({{ parse_boolean('source.budget_confirmed') }}, false) as has_confirmed_budget,
        {{ clean_text('source.converted_customer_id') }} as converted_customer_id,
        source._source_row,
        source._has_invalid_encoding
    from source
    left join country_aliases
        on upper({{ clean_text('source.country') }}) = country_aliases.country_alias

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when lead_id is null then 'missing_key'
            when lead_stage not in (
                'new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'
            ) then 'invalid_status'
        end as quarantine_reason,
        case
            when
                {{ out_of_range('leads', 'company_size') }}
                or {{ out_of_range('leads', 'annual_revenue') }}
                or {{ out_of_range('leads', 'email_opens') }}
                or {{ out_of_range('leads', 'site_visits') }}
                then 'out_of_range'
            when
                {{ is_unusable_number('has_company_size', 'company_size') }}
                or {{ is_unusable_number('has_annual_revenue', 'annual_revenue') }}
                or {{ is_unusable_number('has_email_opens', 'email_opens') }}
                or {{ is_unusable_number('has_site_visits', 'site_visits') }}
                then 'invalid_optional_number'
        end as repair_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['lead_id']) }}

),

final as (

    select
        rules_applied.lead_id,
        rules_applied.contact_email,
        rules_applied.company_name,
        rules_applied.country_code,
        rules_applied.industry,
        {{ usable_number('rules_applied', 'leads', 'company_size') }} as company_size,
        {{ usable_number('rules_applied', 'leads', 'annual_revenue') }} as annual_revenue,
        rules_applied.lead_source,
        rules_applied.lead_stage,
        rules_applied.created_at,
        rules_applied.last_activity_at,
        {{ usable_number('rules_applied', 'leads', 'email_opens', otherwise='0') }} as email_opens,
        {{ usable_number('rules_applied', 'leads', 'site_visits', otherwise='0') }} as site_visits,
        rules_applied.has_requested_demo,
        rules_applied.has_confirmed_budget,
        rules_applied.converted_customer_id,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        rules_applied.repair_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final
