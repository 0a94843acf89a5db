{#
    Every staged support ticket with the cross-table rule it breaks, if any:
    test_account, unknown_customer (see cross_table_rules). The ticket
    aggregates and audiences read the clean ones; the quarantine the rest.
#}
with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

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
        tickets.*,
        case
            {{ customer_rules('tickets.customer_id', 'customers', 'test_accounts', 'crm_size') }}
        end as quarantine_reason
    from tickets
    cross join crm_size
    left join test_accounts
        on tickets.customer_id = test_accounts.customer_id
    left join customers
        on tickets.customer_id = customers.customer_id

)

select * from rules_applied
