{#
    Every staged wallet estimate with the cross-table rule it breaks, if
    any: unknown_currency, missing_fx_rate (an estimate dated before the
    currency's first rate), test_account, unknown_customer (see
    cross_table_rules). An undated estimate is converted at the rate of each
    as-of date (int_customers_strategy_quadrants), so only its currency is
    checked here.
#}
with

wallet_estimates as (

    select * from {{ ref('stg_crm__wallet_estimates') }}

),

fx_rates as (

    select * from {{ ref('stg_finance__fx_rates') }}

),

customers as (

    select customer_id from {{ ref('stg_crm__customers') }}

),

test_accounts as (

    select customer_id from {{ ref('stg_crm__test_accounts') }}

),

known_currencies as (

    select distinct currency_code from fx_rates

),

crm_size as (

    select count(*) as crm_customers from customers

),

estimates_converted as (

    select
        wallet_estimates.*,
        case
            when wallet_estimates.estimated_date is null then 1
            else {{ fx_rate('wallet_estimates.currency_code', 'fx_rates') }}
        end as fx_rate
    from wallet_estimates
    left join fx_rates
        on {{ fx_rate_valid_on('fx_rates', 'wallet_estimates.currency_code', 'wallet_estimates.estimated_date') }}

),

rules_applied as (

    select
        estimates_converted.customer_id,
        estimates_converted.estimated_annual_spend,
        estimates_converted.currency_code,
        estimates_converted.estimated_date,
        estimates_converted._source_row,
        case
            when
                known_currencies.currency_code is null
                and estimates_converted.currency_code <> '{{ var("reporting_currency") }}'
                then 'unknown_currency'
            when estimates_converted.fx_rate is null then 'missing_fx_rate'
            {{ customer_rules('estimates_converted.customer_id', 'customers', 'test_accounts', 'crm_size') }}
        end as quarantine_reason
    from estimates_converted
    cross join crm_size
    left join known_currencies
        on estimates_converted.currency_code = known_currencies.currency_code
    left join test_accounts
        on estimates_converted.customer_id = test_accounts.customer_id
    left join customers
        on estimates_converted.customer_id = customers.customer_id

)

select * from rules_applied
