{#
    The composite score's inputs, one row per customer with a purchase and
    as-of date: each indicator of composite_indicators() as measured
    (<indicator>_value) and normalised to 0-1 by percent rank among the
    customers of the same as-of date (<indicator>_normalised; ties equal,
    0 = lowest, 1 = highest). A customer with no value for an indicator
    (satisfaction, never asked) gets var('composite_missing_indicator_value'),
    neutral by default. Wide: the score adds eight columns of a row instead
    of grouping eight rows per customer (customer_score_contributions has
    the long form).
#}
{{ config(materialized=view_in_a_backfill()) }}
{%- set missing_value = var('composite_missing_indicator_value') %}
with

activity as (

    select * from {{ ref('int_customers_window_activity') }}

),

history as (

    select * from {{ ref('int_customers_value_history') }}

),

tickets as (

    select * from {{ ref('int_tickets_aggregated_to_customers') }}

),

indicators_measured as (

    select
        activity.customer_id,
        activity.as_of_date,
        cast(activity.window_revenue as {{ type_double() }}) as window_revenue_value,
        cast(history.average_order_value as {{ type_double() }}) as average_order_value_value,
        cast(activity.window_orders as {{ type_double() }}) as window_orders_value,
        cast(activity.category_breadth as {{ type_double() }}) as category_breadth_value,
        cast(activity.active_months as {{ type_double() }}) as active_months_value,
        cast(tickets.average_satisfaction as {{ type_double() }}) as satisfaction_value,
        cast(history.tenure_days as {{ type_double() }}) as tenure_value,
        cast(activity.referrals as {{ type_double() }}) as referrals_value
    from activity
    left join history
        on activity.customer_id = history.customer_id and activity.as_of_date = history.as_of_date
    left join tickets
        on activity.customer_id = tickets.customer_id and activity.as_of_date = tickets.as_of_date

),

{# Percent rank = rows with a lower value / (rows - 1), 0 with one row: the
    numbers percent_rank() gives, computed on the distinct values of each
    indicator (most have few: orders, months, categories, satisfaction), so
    only those are sorted, not every customer eight times. #}
{% for indicator in composite_indicators() %}
{{ indicator }}_counted as (

    select
        as_of_date,
        {{ indicator }}_value as raw_value,
        count(*) as value_rows
    from indicators_measured
    where {{ indicator }}_value is not null
    group by as_of_date, {{ indicator }}_value

),

{{ indicator }}_ranked as (

    select
        as_of_date,
        raw_value,
        case
            when sum(value_rows) over (partition by as_of_date) > 1
                then
                    cast(coalesce(sum(value_rows) over (
                        partition by as_of_date
                        order by raw_value
                        rows between unbounded preceding and 1 preceding
                    ), 0) as {{ type_double() }})
                    / (sum(value_rows) over (partition by as_of_date) - 1)
            else 0
        end as normalised_value
    from {{ indicator }}_counted

),

{% endfor %}
indicators_normalised as (

    select
        {%- for indicator in composite_indicators() %}
        indicators_measured.{{ indicator }}_value,
        coalesce({{ indicator }}_ranked.normalised_value, {{ missing_value }}) as {{ indicator }}_normalised,
        {%- endfor %}
        indicators_measured.customer_id,
        indicators_measured.as_of_date
    from indicators_measured
    {% for indicator in composite_indicators() %}
    left join {{ indicator }}_ranked
        on
            indicators_measured.as_of_date = {{ indicator }}_ranked.as_of_date
            and indicators_measured.{{ indicator }}_value = {{ indicator }}_ranked.raw_value
    {% endfor %}

)

select * from indicators_normalised
