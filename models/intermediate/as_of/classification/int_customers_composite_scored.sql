{#
    Composite score (sum of the indicators' contributions, 0-1) and its tier
    (high / mid / low by var thresholds), one row per customer with a purchase
    and as-of date. Contribution = weight x normalised value, as in
    customer_score_contributions; an indicator without a row in the
    composite_weights seed contributes nothing.
#}
with

indicators as (

    select * from {{ ref('int_customer_indicators') }}

),

weights as (

    select * from {{ ref('composite_weights') }}

),

weights_pivoted as (

    select
        {%- for indicator in composite_indicators() %}
        max(case when indicator = '{{ indicator }}' then weight end) as {{ indicator }}_weight,
        max(case when indicator = '{{ indicator }}' then indicator_group end) as {{ indicator }}_group,
        {%- endfor %}
        count(*) as weighted_indicators
    from weights

),

contributions_fixed as (

    -- Decimals, added in one expression: exact, so the score, and the tier
    -- cut from it, cannot depend on the order of the additions.
    select
        {%- for indicator in composite_indicators() %}
        weights_pivoted.{{ indicator }}_group,
        cast(coalesce(
            cast(weights_pivoted.{{ indicator }}_weight * indicators.{{ indicator }}_normalised as {{ type_double() }}),
            0
        ) as decimal(18, 12)) as {{ indicator }}_contribution,
        {%- endfor %}
        indicators.customer_id,
        indicators.as_of_date
    from indicators
    cross join weights_pivoted

),

scores_summed as (

    select
        cast(
            0
            {%- for indicator in composite_indicators() %}
            + {{ indicator }}_contribution
            {%- endfor %}
            as {{ type_double() }}
        ) as composite_score,
        {%- for group in ['financial', 'behavioural', 'relationship'] %}
        cast(
            0
            {%- for indicator in composite_indicators() %}
            + case when {{ indicator }}_group = '{{ group }}' then {{ indicator }}_contribution else 0 end
            {%- endfor %}
            as {{ type_double() }}
        ) as {{ group }}_score,
        {%- endfor %}
        customer_id,
        as_of_date
    from contributions_fixed

),

tiered as (

    select
        *,
        {{ tier_by_thresholds(
            'composite_score', var('composite_high_threshold'), var('composite_mid_threshold')
        ) }} as composite_tier
    from scores_summed

)

select * from tiered
