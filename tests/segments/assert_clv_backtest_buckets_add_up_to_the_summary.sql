{#
    The backtest's frequency buckets add up to its summary: per as-of date,
    the buckets' customers to the summary's customers, and customers x mean
    to the summary's actual and predicted purchases (to 1e-6 of a purchase
    per customer). Fails with each as-of date where they do not.
#}
with

buckets as (

    select * from {{ ref('clv_backtest') }}

),

summary as (

    select * from {{ ref('clv_backtest_summary') }}

),

buckets_added as (

    select
        as_of_date,
        sum(customers) as customers,
        sum(customers * actual_purchases_mean) as actual_purchases,
        sum(customers * predicted_purchases_mean) as predicted_purchases
    from buckets
    group by as_of_date

),

mismatches as (

    select
        summary.as_of_date,
        summary.customers as summary_customers,
        buckets_added.customers as bucket_customers,
        summary.actual_purchases as summary_actual_purchases,
        buckets_added.actual_purchases as bucket_actual_purchases,
        summary.predicted_purchases as summary_predicted_purchases,
        buckets_added.predicted_purchases as bucket_predicted_purchases
    from summary
    left join buckets_added
        on summary.as_of_date = buckets_added.as_of_date
    where
        coalesce(buckets_added.customers, 0) <> summary.customers
        or abs(coalesce(buckets_added.actual_purchases, 0) - summary.actual_purchases)
        > 1e-6 * greatest(summary.customers, 1)
        or (summary.predicted_purchases is null) <> (buckets_added.predicted_purchases is null)
        or abs(buckets_added.predicted_purchases - summary.predicted_purchases)
        > 1e-6 * greatest(summary.customers, 1)

)

select * from mismatches
