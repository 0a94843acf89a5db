{#
    Credit rating of each customer with a purchase, per as-of date: the best rating of the
    credit_ratings seed (lowest rating_order) whose every threshold the
    customer meets; an empty threshold and a null revenue trend (no revenue
    in the prior window) do not count against. Without an invoice due in the
    scoring window the customer is 'unrated', and the reason says why.
#}
with

customers as (

    select * from {{ ref('int_customers_window_activity') }}

),

invoices as (

    select * from {{ ref('int_invoices_aggregated_to_customers') }}

),

ratings as (

    select * from {{ ref('credit_ratings') }}

),

inputs_computed as (

    select
        customers.customer_id,
        customers.as_of_date,
        coalesce(invoices.invoices_count, 0) as credit_invoices,
        cast(invoices.invoices_paid_on_time as {{ type_double() }})
        / nullif(invoices.invoices_due, 0) as on_time_share,
        invoices.avg_days_past_due,
        invoices.worst_days_past_due,
        invoices.overdue_amount,
        cast(invoices.overdue_amount as {{ type_double() }})
        / nullif(invoices.billed_amount, 0) as overdue_share,
        case
            when customers.prior_window_revenue > 0
                then cast(customers.window_revenue as {{ type_double() }}) / customers.prior_window_revenue - 1
        end as revenue_trend,
        case
            when invoices.customer_id is null then 'no_invoices'
            when invoices.invoices_due = 0 then 'no_invoice_due'
        end as credit_unrated_reason
    from customers
    left join invoices
        on customers.customer_id = invoices.customer_id and customers.as_of_date = invoices.as_of_date

),

best_rating_met as (

    select
        inputs_computed.customer_id,
        inputs_computed.as_of_date,
        min(ratings.rating_order) as rating_order
    from inputs_computed
    inner join ratings
        on
            (ratings.min_on_time_share is null or inputs_computed.on_time_share >= ratings.min_on_time_share)
            and (
                ratings.max_avg_days_past_due is null
                or inputs_computed.avg_days_past_due <= ratings.max_avg_days_past_due
            )
            and (
                ratings.max_worst_days_past_due is null
                or inputs_computed.worst_days_past_due <= ratings.max_worst_days_past_due
            )
            and (ratings.max_overdue_share is null or inputs_computed.overdue_share <= ratings.max_overdue_share)
            and (
                ratings.min_revenue_trend is null
                or inputs_computed.revenue_trend is null
                or inputs_computed.revenue_trend >= ratings.min_revenue_trend
            )
    where inputs_computed.credit_unrated_reason is null
    group by inputs_computed.customer_id, inputs_computed.as_of_date

),

rated as (

    select
        inputs_computed.customer_id,
        inputs_computed.as_of_date,
        inputs_computed.credit_invoices,
        inputs_computed.on_time_share,
        inputs_computed.avg_days_past_due,
        inputs_computed.worst_days_past_due,
        inputs_computed.overdue_amount,
        inputs_computed.overdue_share,
        inputs_computed.revenue_trend,
        case
            when inputs_computed.credit_unrated_reason is null then ratings.credit_rating
            else 'unrated'
        end as credit_rating,
        inputs_computed.credit_unrated_reason
    from inputs_computed
    left join best_rating_met
        on
            inputs_computed.customer_id = best_rating_met.customer_id
            and inputs_computed.as_of_date = best_rating_met.as_of_date
    left join ratings
        on best_rating_met.rating_order = ratings.rating_order

)

select * from rated
