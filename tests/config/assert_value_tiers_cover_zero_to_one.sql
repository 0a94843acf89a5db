{#
    The value_tiers seed must cut the percentile range [0, 1] into
    contiguous bands without gaps or overlaps, so every buyer gets one tier.
#}
with

tiers as (

    select
        value_tier,
        lower_percentile,
        upper_percentile,
        lag(upper_percentile) over (order by lower_percentile) as previous_upper
    from {{ ref('value_tiers') }}

),

bounds as (

    select
        min(lower_percentile) as lowest,
        max(upper_percentile) as highest
    from tiers

)

select
    tiers.value_tier,
    'gap or overlap with the previous band' as problem
from tiers
where tiers.previous_upper is not null and tiers.previous_upper != tiers.lower_percentile
union all
select
    'all bands' as value_tier,
    'bands do not span 0 to above 1' as problem
from bounds
where bounds.lowest > 0 or bounds.highest <= 1
