{#
    Every raw customer row, typed and normalised, with the first rule it
    breaks (quarantine_reason), a repair it needed (repair_reason: the row is
    kept, the bad value nulled) and its rank among rows with the same id.
#}
with

source as (

    select * from {{ ref('base_crm__customers_raw') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

business_types as (

    select * from {{ ref('business_types') }}

),

typed as (

    select
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_text('source.full_name') }} as full_name,
        lower({{ clean_text('source.email') }}) as email,
        {{ clean_text('source.phone') }} as phone,
        lower({{ clean_text('source.customer_type') }}) as customer_type,
        {{ parse_date('source.birth_date', earliest=var('earliest_birth_date')) }} as birth_date,
        lower({{ clean_text('source.gender') }}) as gender,
        {{ typed_number('customers', 'annual_income', 'source.annual_income') }},
        {{ clean_text('source.annual_income') }} is not null as has_annual_income,
        lower({{ clean_text('source.education') }}) as education,
        lower({{ clean_text('source.occupation') }}) as occupation,
        lower({{ clean_text('source.industry') }}) as industry,
        {{ clean_text('source.business_type') }} as business_type_text,
        business_types.business_type,
        {{ typed_number('customers', 'company_size', 'source.company_size') }},
        {{ clean_text('source.company_size') }} is not null as has_company_size,
        {{ clean_text('source.country') }} as country_text,
        country_aliases.country_code,
        {{ clean_text('source.city') }} as city,
        {{ parse_timestamp('source.signup_at') }} as signup_at,
        lower({{ clean_text('source.acquisition_channel') }}) as acquisition_channel,
        {{ clean_text('source.referred_by_customer_id') }} as referred_by_customer_id,
        source._source_row,
        source._has_invalid_encoding
    from source
    left join country_aliases
        on upper({{ clean_text('source.country') }}) = country_aliases.country_alias
    {# Spellings compared in lower case with _ and - read as spaces. #}
    left join business_types
        on
            replace(replace(lower({{ clean_text('source.business_type') }}), '_', ' '), '-', ' ')
            = business_types.spelling

),

rules_applied as {{ materialized_cte() }} (

    select
        *,
        case
            when _has_invalid_encoding then 'invalid_encoding'
            when customer_id is null then 'missing_key'
            when
                {%- for pattern in var('test_account_email_patterns') %}
                email like '{{ pattern }}' or
                {%- endfor %}
                {%- for pattern in var('test_account_name_patterns') %}
                upper(full_name) like '{{ pattern }}' or
                {%- endfor %}
                false
                then 'test_account'
        end as quarantine_reason,
        case
            when email is not null and not {{ is_valid_email('email') }} then 'invalid_email'
            when country_text is not null and country_code is null then 'unknown_country'
            when business_type_text is not null and business_type is null then 'unknown_business_type'
            when
                {{ out_of_range('customers', 'annual_income') }}
                or {{ out_of_range('customers', 'company_size') }}
                then 'out_of_range'
            when
                {{ is_unusable_number('has_annual_income', 'annual_income') }}
                or {{ is_unusable_number('has_company_size', 'company_size') }}
                then 'invalid_optional_number'
        end as repair_reason
    from typed

),

duplicates_ranked as (

    {{ rank_duplicates('rules_applied', ['customer_id']) }}

),

final as (

    select
        rules_applied.customer_id,
        rules_applied.full_name,
        rules_applied.email,
        rules_applied.phone,
        rules_applied.customer_type,
        rules_applied.birth_date,
        rules_applied.gender,
        {{ usable_number('rules_applied', 'customers', 'annual_income') }} as annual_income,
        rules_applied.education,
        rules_applied.occupation,
        rules_applied.industry,
        rules_applied.business_type,
        {{ usable_number('rules_applied', 'customers', 'company_size') }} as company_size,
        rules_applied.country_code,
        rules_applied.city,
        rules_applied.signup_at,
        rules_applied.acquisition_channel,
        rules_applied.referred_by_customer_id,
        rules_applied._source_row,
        rules_applied.quarantine_reason,
        rules_applied.repair_reason,
        {{ duplicate_rank('rules_applied', 'duplicates_ranked') }} as duplicate_rank
    from rules_applied
    left join duplicates_ranked
        on rules_applied._source_row = duplicates_ranked._source_row

)

select * from final
