{#
    Strategy matrix per customer with a purchase and as-of date: share of
    wallet (window revenue, annualised, over the estimated annual category
    spend) high or low at var('share_of_wallet_high_threshold'), x upcoming
    purchase volume (BG/NBD expected purchases over the CLV horizon) large at
    or above the var('upcoming_volume_large_percentile') percentile of the
    same as-of date, else small. The strategy_quadrants seed names the four
    cells. Without a wallet estimate made by the as-of date or a purchase
    prediction the quadrant is null and strategy_input_missing says which
    input is missing.
#}
with

activity as (

    select * from {{ ref('int_customers_window_activity') }}

),

wallet_estimates as (

    select * from {{ ref('int_wallet_estimates_checked') }}
    where quarantine_reason is null

),

fx_rates as (

    select * from {{ ref('stg_finance__fx_rates') }}

),

predictions as (

    select * from {{ ref('int_clv_predictions') }}

),

quadrants as (

    select * from {{ ref('strategy_quadrants') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

wallets_converted as (

    select
        wallet_estimates.customer_id,
        as_of.as_of_date,
        wallet_estimates.estimated_annual_spend * {{ fx_rate('wallet_estimates.currency_code', 'fx_rates') }}
            as estimated_annual_spend
    from wallet_estimates
    inner join as_of
        on wallet_estimates.estimated_date <= as_of.as_of_date or wallet_estimates.estimated_date is null
    left join fx_rates
        on {{ fx_rate_valid_on(
            'fx_rates', 'wallet_estimates.currency_code',
            'coalesce(wallet_estimates.estimated_date, as_of.as_of_date)'
        ) }}

),

inputs_joined as (

    select
        activity.customer_id,
        activity.as_of_date,
        cast(
            activity.window_revenue * {{ var('days_per_year') }} / {{ var('scoring_window_days') }}
            / nullif(wallets_converted.estimated_annual_spend, 0) as {{ type_double() }}
        ) as share_of_wallet,
        predictions.expected_purchases,
        case
            when predictions.expected_purchases is not null
                then percent_rank() over (
                    partition by activity.as_of_date, predictions.expected_purchases is null
                    order by predictions.expected_purchases
                )
        end as upcoming_volume_percentile,
        case
            when wallets_converted.estimated_annual_spend is null then 'share_of_wallet'
            when predictions.expected_purchases is null then 'expected_purchases'
        end as strategy_input_missing
    from activity
    left join wallets_converted
        on
            activity.customer_id = wallets_converted.customer_id
            and activity.as_of_date = wallets_converted.as_of_date
    left join predictions
        on activity.customer_id = predictions.customer_id and activity.as_of_date = predictions.as_of_date

),

levels_assigned as (

    select
        *,
        case
            when share_of_wallet >= {{ var('share_of_wallet_high_threshold') }} then 'high'
            when share_of_wallet is not null then 'low'
        end as share_of_wallet_level,
        case
            when upcoming_volume_percentile >= {{ var('upcoming_volume_large_percentile') }} then 'large'
            when upcoming_volume_percentile is not null then 'small'
        end as upcoming_volume_level
    from inputs_joined

),

final as (

    select
        levels_assigned.customer_id,
        levels_assigned.as_of_date,
        levels_assigned.share_of_wallet,
        levels_assigned.share_of_wallet_level,
        levels_assigned.expected_purchases,
        cast(levels_assigned.upcoming_volume_percentile as {{ type_double() }}) as upcoming_volume_percentile,
        levels_assigned.upcoming_volume_level,
        quadrants.strategy_quadrant,
        levels_assigned.strategy_input_missing
    from levels_assigned
    left join quadrants
        on
            levels_assigned.share_of_wallet_level = quadrants.share_of_wallet_level
            and levels_assigned.upcoming_volume_level = quadrants.upcoming_volume_level

)

select * from final
