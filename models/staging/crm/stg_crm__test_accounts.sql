{#
    The CRM accounts quarantined as test accounts (their name or email
    matched var('test_account_name_patterns') / var('test_account_email_patterns')):
    int_orders_checked rejects their orders too.
#}
with

customers as (

    select * from {{ ref('base_crm__customers') }}

),

test_accounts as (

    select distinct customer_id
    from customers
    where quarantine_reason = 'test_account'

)

select * from test_accounts
