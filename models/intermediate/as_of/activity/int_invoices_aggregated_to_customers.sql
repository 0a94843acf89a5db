{#
    Payment behaviour of each customer with an invoice issued in the scoring
    window, as of each as-of date: a payment after the as-of date is not yet
    made. Amounts in the reporting currency (int_invoices_checked converts
    them at the rate of the issue date).
#}
with

invoices as (

    select * from {{ ref('int_invoices_checked') }}
    where quarantine_reason is null

),

as_of as (

    select
        as_of_date,
        {{ dbt.dateadd('day', -1 * var('scoring_window_days'), 'as_of_date') }} as window_start_date
    from {{ ref('int_as_of_date') }}

),

invoices_in_window as (

    select
        invoices.customer_id,
        invoices.due_date,
        invoices.amount_reporting,
        invoices.due_date <= as_of.as_of_date as is_due,
        case when invoices.paid_date <= as_of.as_of_date then invoices.paid_date end as paid_date,
        as_of.as_of_date
    from invoices
    inner join as_of
        on invoices.issued_date > as_of.window_start_date and invoices.issued_date <= as_of.as_of_date

),

{# Days past due: of the payment, or so far for an invoice still unpaid;
    0 when paid by the due date. Only invoices due by the as-of date count. #}
days_past_due_computed as (

    select
        customer_id,
        as_of_date,
        amount_reporting,
        is_due,
        is_due and paid_date is not null and paid_date <= due_date as is_paid_on_time,
        is_due and paid_date is null and due_date < as_of_date as is_overdue,
        case
            when is_due then greatest(
                {{ days_between('due_date', 'coalesce(paid_date, as_of_date)') }}, 0
            )
        end as days_past_due
    from invoices_in_window

),

aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        count(*) as invoices_count,
        sum(case when is_due then 1 else 0 end) as invoices_due,
        sum(case when is_paid_on_time then 1 else 0 end) as invoices_paid_on_time,
        avg(days_past_due) as avg_days_past_due,
        max(days_past_due) as worst_days_past_due,
        {{ to_money('sum(amount_reporting)') }} as billed_amount,
        {{ to_money('sum(case when is_overdue then amount_reporting else 0 end)') }} as overdue_amount
    from days_past_due_computed
    group by customer_id, as_of_date

)

select * from aggregated_to_customers
