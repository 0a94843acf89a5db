{#
    RFM as of each as-of date (one row per customer with a purchase and
    as-of date, scored among the customers of that date), over all history
    or the last var('rfm_lookback_days') days. Scores by value rank (ties equal, see
    value_score); segment from the rfm_segment_map seed on (r_score, fm_score).
    Recency and frequency count purchases only; monetary is net revenue, with
    refunds (credit notes) subtracted on their own date.
#}
{{ config(tags=['per_as_of']) }}
{%- set bins = var('rfm_bins') -%}
{#- Both branches' parents, whichever var('rfm_lookback_days') a run sets: #}
-- depends_on: {{ ref('int_orders_aggregated_to_customers') }}, {{ ref('int_orders_enriched') }}
-- depends_on: {{ ref('int_as_of_date') }}

with

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

{%- if var('rfm_lookback_days') %}

as_of as (

    select
        as_of_date,
        {{ dbt.dateadd('day', -1 * var('rfm_lookback_days'), 'as_of_date') }} as window_start_date
    from {{ ref('int_as_of_date') }}

),

orders as (

    select * from {{ ref('int_orders_enriched') }}
    where is_purchase or is_refund

),

orders_aggregated_to_customers as (

    select
        orders.customer_id,
        as_of.as_of_date,
        max(case when orders.is_purchase then orders.ordered_date end) as last_order_date,
        count(case when orders.is_purchase then 1 end) as frequency,
        {{ to_money('sum(orders.net_revenue)') }} as monetary
    from orders
    inner join as_of
        on orders.as_of_date = as_of.as_of_date
    where orders.ordered_date > as_of.window_start_date
    group by orders.customer_id, as_of.as_of_date
    having count(case when orders.is_purchase then 1 end) > 0

),

{%- else %}

{# All history: the customer's totals to the as-of date (a cancelled order
    adds no revenue, a refund subtracts its own). #}
orders_aggregated_to_customers as (

    select
        customer_id,
        as_of_date,
        last_order_date,
        orders_count as frequency,
        net_revenue as monetary
    from {{ ref('int_orders_aggregated_to_customers') }}
    where orders_count > 0

),

{%- endif %}

recency_computed as (

    select
        *,
        {{ days_between('last_order_date', 'as_of_date') }}
            as recency_days
    from orders_aggregated_to_customers

),

rfm_scores_assigned as (

    select
        *,
        {{ value_score('recency_days', bins, higher_is_better=false, partition_by='as_of_date') }} as r_score,
        {{ value_score('frequency', bins, partition_by='as_of_date') }} as f_score,
        {{ value_score('monetary', bins, partition_by='as_of_date') }} as m_score
    from recency_computed

),

rfm_segments_assigned as (

    select
        rfm_scores_assigned.customer_id,
        rfm_scores_assigned.as_of_date,
        rfm_scores_assigned.last_order_date,
        rfm_scores_assigned.recency_days,
        rfm_scores_assigned.frequency,
        rfm_scores_assigned.monetary,
        rfm_scores_assigned.r_score,
        rfm_scores_assigned.f_score,
        rfm_scores_assigned.m_score,
        cast(floor((rfm_scores_assigned.f_score + rfm_scores_assigned.m_score + 1) / 2.0) as {{ dbt.type_int() }})
            as fm_score,
        {{ dbt.concat([
            dbt.cast('rfm_scores_assigned.r_score', dbt.type_string()),
            dbt.cast('rfm_scores_assigned.f_score', dbt.type_string()),
            dbt.cast('rfm_scores_assigned.m_score', dbt.type_string()),
        ]) }} as rfm_cell
    from rfm_scores_assigned

),

final as (

    select
        rfm_segments_assigned.*,
        segment_map.rfm_segment
    from rfm_segments_assigned
    left join segment_map
        on
            rfm_segments_assigned.r_score = segment_map.r_score
            and rfm_segments_assigned.fm_score = segment_map.fm_score

)

select * from final
