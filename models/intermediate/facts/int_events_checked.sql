{#
    Every staged web or app event with the cross-table rule it breaks, if
    any: test_account, unknown_customer (see cross_table_rules); an
    anonymous event (no customer) breaks neither. The event aggregates and
    audience signals read the clean ones; the quarantine the rest.
#}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

customers as (

    select customer_id from {{ ref('stg_crm__customers') }}

),

test_accounts as (

    select customer_id from {{ ref('stg_crm__test_accounts') }}

),

crm_size as (

    select count(*) as crm_customers from customers

),

rules_applied as (

    select
        events.*,
        case
            {{ customer_rules('events.customer_id', 'customers', 'test_accounts', 'crm_size') }}
        end as quarantine_reason
    from events
    cross join crm_size
    left join test_accounts
        on events.customer_id = test_accounts.customer_id
    left join customers
        on events.customer_id = customers.customer_id

)

select * from rules_applied
