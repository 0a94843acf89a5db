{#
    The composite score's inputs, one row per customer with a purchase,
    indicator and as-of date: raw value, value normalised to 0-1 by percent
    rank among the customers of the same as-of date (ties equal; 0 = lowest, 1 = highest), weight from the
    composite_weights seed and contribution = weight x normalised value.
    A customer with no value for an indicator (satisfaction, never asked)
    gets var('composite_missing_indicator_value'), neutral by default.
#}
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

weights as (

    select * from {{ ref('composite_weights') }}

),

facts_joined as (

    select
        activity.*,
        history.average_order_value,
        history.tenure_days,
        tickets.average_satisfaction
    from activity
    left join history
        on activity.customer_id = history.customer_id and activity.as_of_date = history.as_of_date
    left join tickets
        on activity.customer_id = tickets.customer_id and activity.as_of_date = tickets.as_of_date

),

indicators_unpivoted as (

    {%- for indicator, column in [
        ('window_revenue', 'window_revenue'),
        ('average_order_value', 'average_order_value'),
        ('window_orders', 'window_orders'),
        ('category_breadth', 'category_breadth'),
        ('active_months', 'active_months'),
        ('satisfaction', 'average_satisfaction'),
        ('tenure', 'tenure_days'),
        ('referrals', 'referrals'),
    ] %}
    select
        customer_id,
        as_of_date,
        '{{ indicator }}' as indicator,
        cast({{ column }} as {{ type_double() }}) as raw_value
    from facts_joined
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

{# Percent rank = rows with a lower value / (rows - 1), 0 with one row: the
    numbers percent_rank() gives, computed on the distinct values of each
    indicator (most have few: orders, months, categories, satisfaction), so
    only those are sorted, not eight rows per customer. #}
values_counted as (

    select
        as_of_date,
        indicator,
        raw_value,
        count(*) as value_rows
    from indicators_unpivoted
    where raw_value is not null
    group by as_of_date, indicator, raw_value

),

values_ranked as (

    select
        as_of_date,
        indicator,
        raw_value,
        case
            when sum(value_rows) over (partition by as_of_date, indicator) > 1
                then
                    cast(coalesce(sum(value_rows) over (
                        partition by as_of_date, indicator
                        order by raw_value
                        rows between unbounded preceding and 1 preceding
                    ), 0) as {{ type_double() }})
                    / (sum(value_rows) over (partition by as_of_date, indicator) - 1)
            else 0
        end as normalised_value
    from values_counted

),

indicators_normalised as (

    select
        indicators_unpivoted.customer_id,
        indicators_unpivoted.as_of_date,
        indicators_unpivoted.indicator,
        indicators_unpivoted.raw_value,
        coalesce(
            values_ranked.normalised_value, {{ var('composite_missing_indicator_value') }}
        ) as normalised_value
    from indicators_unpivoted
    left join values_ranked
        on
            indicators_unpivoted.as_of_date = values_ranked.as_of_date
            and indicators_unpivoted.indicator = values_ranked.indicator
            and indicators_unpivoted.raw_value = values_ranked.raw_value

),

contributions_computed as (

    select
        indicators_normalised.customer_id,
        indicators_normalised.as_of_date,
        indicators_normalised.indicator,
        weights.indicator_group,
        indicators_normalised.raw_value,
        cast(indicators_normalised.normalised_value as {{ type_double() }}) as normalised_value,
        cast(weights.weight as {{ type_double() }}) as weight,
        cast(weights.weight * indicators_normalised.normalised_value as {{ type_double() }})
            as contribution
    from indicators_normalised
    inner join weights
        on indicators_normalised.indicator = weights.indicator

)

select * from contributions_computed
