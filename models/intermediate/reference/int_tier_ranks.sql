{#
    The order of every ranked scheme's tiers, best first (1), one row per
    scheme and tier: value tiers, credit ratings and RFM segments by their
    own seeds, the others by the tier_ranks seed. Schemes not listed
    (strategy quadrant, cluster, custom category) have no order: their moves
    are neither upgrades nor downgrades.
#}
with

tier_ranks as (

    select * from {{ ref('tier_ranks') }}

),

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

credit_ratings as (

    select * from {{ ref('credit_ratings') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

unioned as (

    select
        scheme,
        tier,
        tier_rank
    from tier_ranks
    union all
    select
        'value_tier' as scheme,
        value_tier as tier,
        tier_rank
    from value_tiers
    union all
    select
        'credit_rating' as scheme,
        credit_rating as tier,
        rating_order as tier_rank
    from credit_ratings
    union all
    select
        'rfm_segment' as scheme,
        rfm_segment as tier,
        segment_rank as tier_rank
    from rfm_segments

)

select
    scheme,
    tier,
    cast(tier_rank as {{ dbt.type_int() }}) as tier_rank
from unioned
