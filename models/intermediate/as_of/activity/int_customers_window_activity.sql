{#
    One row per customer with a purchase up to the as-of date, per as-of
    date: activity in the scoring window (the last
    var('scoring_window_days') days) and the behaviour and relationship
    facts the composite score uses.
#}
with

orders as {{ materialized_cte(false) }} (

    select * from {{ ref('int_orders_enriched') }}
    where is_purchase or is_refund

),

valid_orders as (

    select * from {{ ref('int_orders_valid') }}
    where is_purchase

),

order_items as {{ materialized_cte(false) }} (

    select * from {{ ref('stg_shop__order_items') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

as_of as (

    select
        as_of_date,
        {{ dbt.dateadd('day', -1 * var('scoring_window_days'), 'as_of_date') }} as window_start_date,
        {{ dbt.dateadd('day', -2 * var('scoring_window_days'), 'as_of_date') }} as prior_window_start_date
    from {{ ref('int_as_of_date') }}

),

{# Distinct months are counted in two steps (group, then count the groups),
    much cheaper than count(distinct) over millions of rows. #}
window_months as (

    select
        orders.customer_id,
        orders.as_of_date,
        {{ dbt.date_trunc('month', 'orders.ordered_date') }} as active_month
    from orders
    inner join as_of
        on orders.as_of_date = as_of.as_of_date
    where orders.ordered_date > as_of.window_start_date and orders.is_purchase
    group by orders.customer_id, orders.as_of_date, {{ dbt.date_trunc('month', 'orders.ordered_date') }}

),

months_aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        count(*) as active_months
    from window_months
    group by customer_id, as_of_date

),

orders_aggregated_to_customers as (

    select
        orders.customer_id,
        orders.as_of_date,
        sum(case when orders.ordered_date > as_of.window_start_date then orders.net_revenue else 0 end)
            as window_revenue,
        sum(
            case
                when
                    orders.ordered_date > as_of.prior_window_start_date
                    and orders.ordered_date <= as_of.window_start_date
                    then orders.net_revenue
                else 0
            end
        ) as prior_window_revenue,
        count(
            case when orders.ordered_date > as_of.window_start_date and orders.is_purchase then orders.order_id end
        ) as window_orders
    from orders
    inner join as_of
        on orders.as_of_date = as_of.as_of_date
    group by orders.customer_id, orders.as_of_date
    {#- A customer with refunds only (the purchases they pay back predate
        the data) is no buyer: in no scheme. #}
    having count(case when orders.is_purchase then 1 end) > 0

),

{# Each category's first purchase by each customer: lines of valid purchases
    up to the latest as-of date, categorised by the same rule as
    int_order_items_checked. A customer's category breadth as of a date is
    the number of its categories first bought by then: every line is read
    once, however many as-of dates there are. #}
purchased_lines as (

    select
        valid_orders.customer_id,
        valid_orders.ordered_date,
        {{ line_category('order_items', 'products') }} as category
    from order_items
    inner join valid_orders
        on order_items.order_id = valid_orders.order_id
    left join products
        on order_items.product_id = products.product_id
    where valid_orders.ordered_date <= (select max(as_of.as_of_date) from as_of)

),

category_firsts as (

    select
        customer_id,
        category,
        min(ordered_date) as first_ordered_date
    from purchased_lines
    group by customer_id, category

),

categories_aggregated_to_customers as (

    select
        category_firsts.customer_id,
        as_of.as_of_date,
        count(*) as category_count
    from category_firsts
    inner join as_of
        on category_firsts.first_ordered_date <= as_of.as_of_date
    group by category_firsts.customer_id, as_of.as_of_date

),

{# Customers referred by each customer who signed up by the as-of date. #}
referrals_aggregated_to_customers as (

    select
        customers.referred_by_customer_id as customer_id,
        as_of.as_of_date,
        count(*) as referrals
    from customers
    inner join as_of
        on cast(customers.signup_at as date) <= as_of.as_of_date or customers.signup_at is null
    where customers.referred_by_customer_id is not null
    group by customers.referred_by_customer_id, as_of.as_of_date

),

final as (

    select
        orders_aggregated_to_customers.customer_id,
        orders_aggregated_to_customers.as_of_date,
        {{ to_money('orders_aggregated_to_customers.window_revenue') }} as window_revenue,
        {{ to_money('orders_aggregated_to_customers.prior_window_revenue') }} as prior_window_revenue,
        orders_aggregated_to_customers.window_orders,
        coalesce(months_aggregated_to_customers.active_months, 0) as active_months,
        coalesce(categories_aggregated_to_customers.category_count, 0) as category_breadth,
        coalesce(referrals_aggregated_to_customers.referrals, 0) as referrals
    from orders_aggregated_to_customers
    left join months_aggregated_to_customers
        on
            orders_aggregated_to_customers.customer_id = months_aggregated_to_customers.customer_id
            and orders_aggregated_to_customers.as_of_date = months_aggregated_to_customers.as_of_date
    left join categories_aggregated_to_customers
        on
            orders_aggregated_to_customers.customer_id = categories_aggregated_to_customers.customer_id
            and orders_aggregated_to_customers.as_of_date = categories_aggregated_to_customers.as_of_date
    left join referrals_aggregated_to_customers
        on
            orders_aggregated_to_customers.customer_id = referrals_aggregated_to_customers.customer_id
            and orders_aggregated_to_customers.as_of_date = referrals_aggregated_to_customers.as_of_date

)

select * from final
