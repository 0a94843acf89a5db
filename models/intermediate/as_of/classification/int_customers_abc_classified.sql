{#
    ABC class and key-account flag per customer with a purchase and as-of
    date, on net revenue in the scoring window, ranked among the customers of
    the same as-of date. See abc_class and is_top_share.
#}
with

activity as (

    select
        customer_id,
        as_of_date,
        window_revenue
    from {{ ref('int_customers_window_activity') }}

),

revenue_ranked as (

    select
        customer_id,
        as_of_date,
        window_revenue,
        rank() over (partition by as_of_date order by window_revenue desc) as revenue_rank,
        count(*) over (partition by as_of_date) as buyers,
        sum(window_revenue) over (partition by as_of_date) as total_revenue,
        -- revenue of every customer with at least this customer's revenue
        sum(window_revenue) over (
            partition by as_of_date
            order by window_revenue desc range between unbounded preceding and current row
        ) as revenue_through_ties,
        count(*) over (partition by as_of_date, window_revenue) as tied_customers
    from activity

),

shares_computed as (

    select
        *,
        case
            when total_revenue > 0
                then (revenue_through_ties - window_revenue * tied_customers) / total_revenue
        end as revenue_share_before
    from revenue_ranked

),

classified as (

    select
        customer_id,
        as_of_date,
        window_revenue,
        revenue_rank,
        cast(revenue_share_before as {{ type_double() }}) as revenue_share_before,
        {{ abc_class('window_revenue', 'revenue_share_before', var('abc_a_cut'), var('abc_b_cut')) }}
            as abc_class,
        {{ is_top_share('revenue_rank', 'buyers', var('key_account_share'), 'window_revenue') }}
            as is_key_account
    from shares_computed

)

select * from classified
