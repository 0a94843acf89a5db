{#
    Every staged invoice with its amount in the reporting currency (the rate
    of its issue date) and the cross-table rule it breaks, if any:
    unknown_currency, missing_fx_rate, test_account, unknown_customer (see
    cross_table_rules), absurd_amount (above var('max_order_amount') once
    converted). The credit rating reads the clean ones; the quarantine the rest.
#}
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

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

invoices_converted as (

    select
        invoices.*,
        {{ fx_rate('invoices.currency_code', 'fx_rates') }} as fx_rate
    from invoices
    left join fx_rates
        on {{ fx_rate_valid_on('fx_rates', 'invoices.currency_code', 'invoices.issued_date') }}

),

rules_applied as (

    select
        invoices_converted.*,
        {{ converted_money('invoices_converted.amount', 'invoices_converted.fx_rate') }} as amount_reporting,
        case
            {{ currency_rules('invoices_converted.fx_rate', 'invoices_converted.currency_code', 'known_currencies') }}
            {{ customer_rules('invoices_converted.customer_id', 'customers', 'test_accounts', 'crm_size') }}
            when
                {{ converted_money('invoices_converted.amount', 'invoices_converted.fx_rate') }} is null
                then 'absurd_amount'
        end as quarantine_reason
    from invoices_converted
    cross join crm_size
    left join known_currencies
        on invoices_converted.currency_code = known_currencies.currency_code
    left join test_accounts
        on invoices_converted.customer_id = test_accounts.customer_id
    left join customers
        on invoices_converted.customer_id = customers.customer_id

)

select * from rules_applied
