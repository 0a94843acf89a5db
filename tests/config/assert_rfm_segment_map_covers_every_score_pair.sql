{#
    The RFM segment map must give every (r_score, fm_score) pair of
    var('rfm_bins') scores exactly one segment, and hold no pair outside
    that grid. Returns the offending pairs with how often they are mapped.
#}
with

scores as (

    select cast(generated_number as {{ dbt.type_int() }}) as score
    from ({{ dbt.generate_series(var('rfm_bins')) }}) as series

),

score_pairs as (

    select
        r_scores.score as r_score,
        fm_scores.score as fm_score
    from scores as r_scores
    cross join scores as fm_scores

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

pairs_matched as (

    select
        coalesce(score_pairs.r_score, segment_map.r_score) as r_score,
        coalesce(score_pairs.fm_score, segment_map.fm_score) as fm_score,
        count(segment_map.rfm_segment) as segments_mapped,
        count(score_pairs.r_score) as in_grid
    from score_pairs
    full outer join segment_map
        on
            score_pairs.r_score = segment_map.r_score
            and score_pairs.fm_score = segment_map.fm_score
    group by
        coalesce(score_pairs.r_score, segment_map.r_score),
        coalesce(score_pairs.fm_score, segment_map.fm_score)

)

select * from pairs_matched
where segments_mapped != 1 or in_grid = 0
