{%- set columns = [
    'lead_id', 'contact_name', 'contact_email', 'company_name', 'country',
    'industry', 'company_size', 'annual_revenue', 'lead_source', 'stage',
    'created_at', 'last_activity_at', 'email_opens', 'site_visits',
    'demo_requested', 'budget_confirmed', 'converted_customer_id',
] -%}
{%- set pii_columns = ['contact_name', 'contact_email'] -%}

with

source as (

    {{ select_raw('crm', 'leads', columns, required=['lead_id']) }}

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
        {{ parse_integer('source.company_size') }} as company_size,
        {{ parse_decimal('source.annual_revenue') }} as annual_revenue,
        lower({{ clean_text('source.lead_source') }}) as lead_source,
        coalesce(lower({{ clean_text('source.stage') }}), 'new') as lead_stage,
        {{ parse_timestamp('source.created_at') }} as created_at,
        {{ parse_timestamp('source.last_activity_at') }} as last_activity_at,
        coalesce({{ parse_integer('source.email_opens') }}, 0) as email_opens,
        coalesce({{ parse_integer('source.site_visits') }}, 0) as site_visits,
        coalesce({{ parse_boolean('source.demo_requested') }}, false) as has_requested_demo,
        coalesce({{ parse_boolean('source.budget_confirmed') }}, false) as has_confirmed_budget,
        {{ clean_text('source.converted_customer_id') }} as converted_customer_id,
        source._source_row,
        source._has_invalid_encoding,
        {{ row_to_json(columns, pii_columns) }} as raw_values
    from source
    left join country_aliases
        on upper({{ clean_text('source.country') }}) = country_aliases.country_alias

),

rules_applied as (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when lead_id is null then 'missing_key'
            when lead_stage not in (
                'new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'
            ) then 'invalid_status'
        end as quarantine_reason
    from typed

),

duplicates_ranked as (

    select
        *,
        {{ duplicate_rank(['lead_id']) }} as duplicate_rank
    from rules_applied

)

select * from duplicates_ranked
