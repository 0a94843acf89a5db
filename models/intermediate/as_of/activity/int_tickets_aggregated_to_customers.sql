{# One row per customer with a support ticket opened up to the as-of date, per as-of date. #}
with

tickets as (

    select * from {{ ref('int_tickets_checked') }}
    where quarantine_reason is null

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

tickets_aggregated_to_customers as (

    select
        tickets.customer_id,
        as_of.as_of_date,
        count(*) as tickets_count,
        count(case when tickets.is_complaint then 1 end) as complaints_count,
        avg(tickets.satisfaction_score) as average_satisfaction
    from tickets
    inner join as_of
        on cast(tickets.opened_at as date) <= as_of.as_of_date
    group by tickets.customer_id, as_of.as_of_date

)

select * from tickets_aggregated_to_customers
