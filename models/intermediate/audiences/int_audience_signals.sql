{#
    The event and ticket signals of the audiences: one row per customer,
    active audience of the audience_definitions seed (of these rules) and as-of date,
    with the product of the latest signal (null for open_complaint), its
    number of qualifying events and date, and how many products qualify.
    marts.audiences adds the rules over the marts (win_back, targeting) and
    applies the target conditions.
    Rules (parameters from the seed row; only data up to the as-of date):
    - cart_abandoned: added to the cart in the last window_days days, at
      least `days` days ago, and no purchase of the product from that day to
      `days` days after it;
    - favourited_not_bought: favourited in the last window_days days, at
      least `days` days ago, and no purchase of the product since;
    - viewed_often: at least min_count views of the product in the last
      `days` days;
    - open_complaint: a complaint ticket opened and not closed by the as-of
      date.
    A purchase is a line of a valid purchase (int_orders_valid).
#}
with

audiences as (

    select * from {{ ref('audience_definitions') }}
    where is_active

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

events as (

    select * from {{ ref('int_events_checked') }}
    where quarantine_reason is null and customer_id is not null

),

purchases as (

    select * from {{ ref('int_orders_valid') }}
    where is_purchase

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

tickets as (

    select * from {{ ref('int_tickets_checked') }}
    where quarantine_reason is null

),

products_bought as (

    select
        purchases.customer_id,
        order_items.product_id,
        purchases.ordered_date
    from order_items
    inner join purchases
        on order_items.order_id = purchases.order_id

),

{# Each product event with the audiences whose rule reads it and the dates
    that rule's parameters set. #}
product_events as (

    select
        events.customer_id,
        events.product_id,
        events.occurred_date,
        as_of.as_of_date,
        audiences.audience,
        audiences.rule,
        audiences.min_count,
        {# a purchase of the product up to this date keeps the customer out #}
        case
            when audiences.rule = 'cart_abandoned'
                then cast({{ dbt.dateadd('day', 'audiences.days', 'events.occurred_date') }} as date)
            else as_of.as_of_date
        end as bought_by_date,
        cast({{ dbt.dateadd('day', '-1 * audiences.days', 'as_of.as_of_date') }} as date) as days_ago_date,
        cast({{ dbt.dateadd('day', '-1 * audiences.window_days', 'as_of.as_of_date') }} as date)
            as window_start_date
    from events
    inner join as_of
        on events.occurred_date <= as_of.as_of_date
    inner join audiences
        on
            (audiences.rule = 'cart_abandoned' and events.event_type = 'add_to_cart')
            or (audiences.rule = 'favourited_not_bought' and events.event_type = 'favorite')
            or (audiences.rule = 'viewed_often' and events.event_type = 'view')
    where events.product_id is not null

),

{# Carts and favourites at least `days` old, in the window, not bought. #}
products_not_bought as (

    select product_events.*
    from product_events
    where
        product_events.rule in ('cart_abandoned', 'favourited_not_bought')
        and product_events.occurred_date <= product_events.days_ago_date
        and product_events.occurred_date > product_events.window_start_date
        and not exists (
            select 1
            from products_bought
            where
                products_bought.customer_id = product_events.customer_id
                and products_bought.product_id = product_events.product_id
                and products_bought.ordered_date >= product_events.occurred_date
                and products_bought.ordered_date <= product_events.bought_by_date
        )

),

recent_views as (

    select product_events.*
    from product_events
    where product_events.rule = 'viewed_often' and product_events.occurred_date > product_events.days_ago_date

),

product_events_qualified as (

    select * from products_not_bought
    union all
    select * from recent_views

),

product_signals as (

    select
        customer_id,
        as_of_date,
        audience,
        product_id,
        count(*) as signal_count,
        max(occurred_date) as signal_date
    from product_events_qualified
    group by customer_id, as_of_date, audience, product_id, rule, min_count
    having rule <> 'viewed_often' or count(*) >= min_count

),

complaint_signals as (

    select
        tickets.customer_id,
        as_of.as_of_date,
        audiences.audience,
        cast(null as {{ dbt.type_string() }}) as product_id,
        count(*) as signal_count,
        max(cast(tickets.opened_at as date)) as signal_date
    from tickets
    inner join as_of
        on
            cast(tickets.opened_at as date) <= as_of.as_of_date
            and (tickets.closed_at is null or cast(tickets.closed_at as date) > as_of.as_of_date)
    inner join audiences
        on audiences.rule = 'open_complaint'
    where tickets.is_complaint
    group by tickets.customer_id, as_of.as_of_date, audiences.audience

),

signals as (

    select * from product_signals
    union all
    select * from complaint_signals

),

{# The latest signal speaks for the customer (then the most events, then
    the product id). #}
signals_ranked as (

    select
        *,
        count(product_id) over (partition by customer_id, as_of_date, audience) as products_count,
        row_number() over (
            partition by customer_id, as_of_date, audience
            order by signal_date desc, signal_count desc, product_id asc
        ) as signal_rank
    from signals

),

final as (

    select
        customer_id,
        as_of_date,
        audience,
        product_id,
        signal_count,
        signal_date,
        case when product_id is not null then products_count end as products_count
    from signals_ranked
    where signal_rank = 1

)

select * from final
