{#
    Behavioural and targeting audiences: one row per customer and active
    audience of the audience_definitions seed (as of the build's date) whose rule found
    the customer (int_audience_signals) and whose target condition holds.
    Each row says why: the product, the count and the date of the signal
    (for product rules the latest signal's product), and in words.
#}
{%- set target_columns = custom_category_columns(
    [('customer_segments', 'segments'), ('customers', 'customers')]
) if execute else {} -%}
with

event_signals as (

    select * from {{ ref('int_audience_signals') }}

),

audiences as (

    select * from {{ ref('audience_definitions') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

customers as (

    select * from {{ ref('customers') }}

),

clv as (

    select * from {{ ref('customer_clv') }}

),

rule_version as (

    select rule_version from {{ ref('int_rule_version') }}

),

{# win_back: at least min_count repeat purchases (BG/NBD frequency), so the
    probability alive is the model's judgement of this customer and not the
    1.0 it gives everyone without a repeat purchase; that probability at least
    min_probability_alive; and no purchase for `days` days or more (the count
    is those days, the date the last purchase); targeting: every customer, the
    target decides. #}
mart_signals as (

    select
        segments.customer_id,
        segments.as_of_date,
        audiences.audience,
        cast(null as {{ dbt.type_string() }}) as product_id,
        case when audiences.rule = 'win_back' then customers.days_since_last_order end as signal_count,
        case when audiences.rule = 'win_back' then customers.last_order_date end as signal_date,
        cast(null as {{ dbt.type_bigint() }}) as products_count
    from segments
    inner join customers
        on segments.customer_id = customers.customer_id and segments.as_of_date = customers.as_of_date
    inner join clv
        on segments.customer_id = clv.customer_id and segments.as_of_date = clv.as_of_date
    inner join audiences
        on
            audiences.is_active
            and (
                audiences.rule = 'targeting'
                or (
                    audiences.rule = 'win_back'
                    and clv.repeat_transactions >= audiences.min_count
                    and clv.probability_alive >= audiences.min_probability_alive
                    and customers.days_since_last_order >= audiences.days
                )
            )

),

signals as (

    select * from event_signals
    union all
    select * from mart_signals

),

members as (

    select
        signals.audience,
        signals.customer_id,
        signals.as_of_date,
        audiences.rule,
        signals.product_id as reason_product_id,
        signals.signal_count as reason_count,
        signals.signal_date as reason_date,
        signals.products_count,
        case audiences.rule
            when 'cart_abandoned'
                then
                    'put ' || signals.product_id || ' in the cart on '
                    || cast(signals.signal_date as {{ dbt.type_string() }})
                    || ', not bought within ' || cast(audiences.days as {{ dbt.type_string() }}) || ' days'
            when 'favourited_not_bought'
                then
                    'favourited ' || signals.product_id || ' on '
                    || cast(signals.signal_date as {{ dbt.type_string() }}) || ', not bought since'
            when 'viewed_often'
                then
                    'viewed ' || signals.product_id || ' '
                    || cast(signals.signal_count as {{ dbt.type_string() }}) || ' times in the last '
                    || cast(audiences.days as {{ dbt.type_string() }}) || ' days'
            when 'win_back'
                then
                    'probability alive ' || cast(round(clv.probability_alive, 2) as {{ dbt.type_string() }})
                    || ' with ' || cast(clv.repeat_transactions as {{ dbt.type_string() }})
                    || ' repeat purchase(s), no purchase for ' || cast(signals.signal_count as {{ dbt.type_string() }})
                    || ' days (last on ' || cast(signals.signal_date as {{ dbt.type_string() }}) || ')'
            when 'open_complaint'
                then
                    cast(signals.signal_count as {{ dbt.type_string() }})
                    || ' complaint ticket(s) open, the latest opened on '
                    || cast(signals.signal_date as {{ dbt.type_string() }})
            else 'target: ' || coalesce(audiences.target, 'every customer')
        end as reason,
        rule_version.rule_version
    from signals
    inner join audiences
        on signals.audience = audiences.audience
    inner join segments
        on signals.customer_id = segments.customer_id and signals.as_of_date = segments.as_of_date
    inner join customers
        on signals.customer_id = customers.customer_id and signals.as_of_date = customers.as_of_date
    inner join clv
        on signals.customer_id = clv.customer_id and signals.as_of_date = clv.as_of_date
    cross join rule_version
    where {{ audience_target(ref('audience_definitions'), target_columns, 'signals.audience') }}

)

select * from members
