{#
    Why each customer scored what it scored: one row per customer and
    indicator of the composite score, with the raw value, its 0-1
    normalisation, the weight in force and the contribution (weight x
    normalised value, as int_customers_composite_scored adds them). A view
    unpivoting int_customer_indicators (one row per customer, stored there);
    BI reads it like a table, with its contract. Only the indicators of the
    composite_weights seed are listed.
#}
{{ config(materialized='view') }}
with

indicators as (

    select * from {{ ref('int_customer_indicators') }}

),

weights as (

    select * from {{ ref('composite_weights') }}

),

indicators_unpivoted as (

    {%- for indicator in composite_indicators() %}
    select
        customer_id,
        as_of_date,
        '{{ indicator }}' as indicator,
        {{ indicator }}_value as raw_value,
        {{ indicator }}_normalised as normalised_value
    from indicators
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        indicators_unpivoted.customer_id,
        indicators_unpivoted.indicator,
        weights.indicator_group,
        indicators_unpivoted.as_of_date,
        indicators_unpivoted.raw_value,
        indicators_unpivoted.normalised_value,
        cast(weights.weight as {{ type_double() }}) as weight,
        cast(weights.weight * indicators_unpivoted.normalised_value as {{ type_double() }}) as contribution
    from indicators_unpivoted
    inner join weights
        on indicators_unpivoted.indicator = weights.indicator

)

select * from final
