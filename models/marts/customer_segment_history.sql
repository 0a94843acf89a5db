{#
    One row per customer and period: every scheme's tier and the inputs that
    decided it, as of the period's as-of date. Incremental by whole periods:
    the periods this run computed (one in a build, the current; a batch of
    periods in a backfill) replace their rows, every other period stays, so
    running a period again replaces it and never duplicates it (the
    period_replace materialization: periods_model lists the run's periods).
    Never rebuilt from scratch by --full-refresh (history cannot be
    recomputed from raw files that no longer hold it). A stored period
    computed from other data, rules or period length is removed first
    (remove_stale_history_periods). See the history doc.
#}
{{ config(
    materialized='period_replace',
    unique_key='period_start',
    periods_model='int_as_of_date',
    on_schema_change='append_new_columns',
    full_refresh=false,
    pre_hook="{{ remove_stale_history_periods() }}",
) }}
-- depends_on: {{ ref('int_rule_version') }}

with

periods as (

    select * from {{ ref('int_as_of_date') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

fingerprints as (

    select * from {{ ref('int_daily_fingerprints') }}

),

periods_fingerprinted as (

    select
        periods.period_start,
        periods.as_of_date,
        coalesce(sum(fingerprints.day_fingerprint), 0) as data_fingerprint
    from periods
    left join fingerprints
        on periods.as_of_date >= fingerprints.fingerprint_date
    group by periods.period_start, periods.as_of_date

),

final as (

    select
        periods_fingerprinted.period_start,
        segments.customer_id,
        segments.as_of_date,
        segments.rule_version,
        '{{ var("history_period") }}' as history_period,
        periods_fingerprinted.data_fingerprint,
        segments.customer_type,
        segments.sales_region,
        segments.has_purchased,
        segments.orders_count,
        segments.days_since_last_order,
        segments.lifecycle_stage,
        segments.recency_days,
        segments.frequency,
        segments.monetary,
        segments.r_score,
        segments.f_score,
        segments.m_score,
        segments.rfm_cell,
        segments.rfm_segment,
        segments.window_revenue,
        segments.abc_class,
        segments.is_key_account,
        segments.value_tier,
        segments.value_class,
        segments.revenue_to_date,
        segments.profit_to_date,
        segments.predicted_clv,
        segments.probability_alive,
        segments.composite_score,
        segments.composite_tier,
        segments.share_of_wallet,
        segments.strategy_quadrant,
        segments.credit_rating,
        segments.on_time_share,
        segments.overdue_share,
        segments.cluster_label,
        segments.custom_category
    from segments
    inner join periods_fingerprinted
        on segments.as_of_date = periods_fingerprinted.as_of_date

)

select * from final
