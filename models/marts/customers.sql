{#
    The customer profile: every CRM customer signed up by the as-of date, plus
    any customer known only from orders (when no CRM table was given), one
    row per customer and as-of date (a build has one). PII only hashed or
    masked.
#}
{{ config(tags=['per_as_of'], materialized=view_in_a_backfill()) }}
with

crm_customers as (

    select * from {{ ref('stg_crm__customers') }}

),

order_customers as (

    select * from {{ ref('int_orders_aggregated_to_customers') }}

),

events as (

    select * from {{ ref('int_events_aggregated_to_customers') }}

),

countries as (

    select * from {{ ref('countries') }}

),

sales_regions as (

    select * from {{ ref('sales_regions') }}

),

bands as (

    select * from {{ ref('demographic_bands') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

{# CRM customers signed up by the as-of date, and everyone who ordered. #}
population_listed as (

    select
        crm_customers.customer_id,
        as_of.as_of_date
    from crm_customers
    inner join as_of
        on cast(crm_customers.signup_at as date) <= as_of.as_of_date or crm_customers.signup_at is null
    union all
    select
        customer_id,
        as_of_date
    from order_customers

),

population as (

    select distinct
        customer_id,
        as_of_date
    from population_listed

),

profile_joined as (

    select
        population.customer_id,
        population.as_of_date,
        coalesce(crm_customers.customer_type, 'unknown') as customer_type,
        crm_customers.email_hash,
        crm_customers.email_masked,
        crm_customers.phone_hash,
        coalesce(crm_customers.gender, 'unknown') as gender,
        {{ days_between('crm_customers.birth_date', 'population.as_of_date') }}
        / {{ var('days_per_year_for_age') }} as age_years,
        crm_customers.annual_income,
        crm_customers.company_size,
        crm_customers.education,
        crm_customers.occupation,
        crm_customers.industry,
        case
            when crm_customers.customer_type = 'b2b' then coalesce(crm_customers.business_type, 'unknown')
        end as business_type,
        crm_customers.country_code,
        countries.country_name,
        coalesce(countries.region, 'Unknown') as region,
        coalesce(countries.subregion, 'Unknown') as subregion,
        coalesce(sales_regions.sales_region, 'Unknown') as sales_region,
        crm_customers.city,
        cast(crm_customers.signup_at as date) as signup_date,
        crm_customers.acquisition_channel,
        order_customers.first_order_date,
        order_customers.last_order_date,
        coalesce(order_customers.orders_count, 0) as orders_count,
        order_customers.tenure_days,
        order_customers.days_since_last_order,
        order_customers.gap_before_last_order_days,
        coalesce(events.preferred_device, 'unknown') as preferred_device
    from population
    left join crm_customers
        on population.customer_id = crm_customers.customer_id
    left join order_customers
        on population.customer_id = order_customers.customer_id and population.as_of_date = order_customers.as_of_date
    left join events
        on population.customer_id = events.customer_id and population.as_of_date = events.as_of_date
    left join countries
        on crm_customers.country_code = countries.country_code
    left join sales_regions
        on countries.subregion = sales_regions.subregion

),

bands_assigned as (

    select
        profile_joined.customer_id,
        profile_joined.as_of_date,
        profile_joined.customer_type,
        profile_joined.email_hash,
        profile_joined.email_masked,
        profile_joined.phone_hash,
        profile_joined.gender,
        age_bands.band_label as age_band,
        income_bands.band_label as income_band,
        profile_joined.education,
        profile_joined.occupation,
        profile_joined.industry,
        profile_joined.business_type,
        size_bands.band_label as company_size_band,
        profile_joined.country_code,
        profile_joined.country_name,
        profile_joined.region,
        profile_joined.subregion,
        profile_joined.sales_region,
        profile_joined.city,
        profile_joined.signup_date,
        profile_joined.acquisition_channel,
        profile_joined.first_order_date,
        profile_joined.last_order_date,
        profile_joined.orders_count,
        profile_joined.tenure_days,
        profile_joined.days_since_last_order,
        profile_joined.preferred_device,
        {{ lifecycle_stage(
            'profile_joined.orders_count', 'profile_joined.tenure_days',
            'profile_joined.days_since_last_order', 'profile_joined.gap_before_last_order_days'
        ) }} as lifecycle_stage
    from profile_joined
    left join bands as age_bands
        on
            age_bands.band_type = 'age'
            and profile_joined.age_years >= age_bands.lower_bound
            and profile_joined.age_years < age_bands.upper_bound
    left join bands as income_bands
        on
            income_bands.band_type = 'income'
            and profile_joined.annual_income >= income_bands.lower_bound
            and profile_joined.annual_income < income_bands.upper_bound
    left join bands as size_bands
        on
            size_bands.band_type = 'company_size'
            and profile_joined.company_size >= size_bands.lower_bound
            and profile_joined.company_size < size_bands.upper_bound

)

select * from bands_assigned
