{#
    Why each customer scored what it scored: one row per customer and
    indicator of the composite score, with the raw value, its 0-1
    normalisation, the weight in force and the contribution. A view over
    int_customer_indicators (eight rows per customer: stored once, there);
    BI reads it like a table, with its contract.
#}
{{ config(materialized='view') }}
with

indicators as (

    select * from {{ ref('int_customer_indicators') }}

),

final as (

    select
        indicators.customer_id,
        indicators.indicator,
        indicators.indicator_group,
        indicators.as_of_date,
        indicators.raw_value,
        indicators.normalised_value,
        indicators.weight,
        indicators.contribution
    from indicators

)

select * from final
