{#
    value_score on hand-computed rows: ten values, five bins,
    score = min(5, 1 + floor(5 * (rank - 1) / 9)).

    value  rank asc  score  | rank desc  score (lower is better)
    10     1         1      | 10         5 (6 capped)
    20     2         1      | 9          5
    30 x3  3         2      | 6          3   <- a three-way tie shares one score
    40     6         3      | 5          3
    50     7         4      | 4          2
    60     8         4      | 3          2
    70     9         5      | 2          1
    80     10        5      | 1          1
    A single row scores 1.
#}
with

input_rows as (

    select * from (
        values
        ('a', 10, 1, 5),
        ('b', 20, 1, 5),
        ('c', 30, 2, 3),
        ('d', 30, 2, 3),
        ('e', 30, 2, 3),
        ('f', 40, 3, 3),
        ('g', 50, 4, 2),
        ('h', 60, 4, 2),
        ('i', 70, 5, 1),
        ('j', 80, 5, 1)
    ) as rows_given (row_id, value_given, expected_high, expected_low)

),

scored as (

    select
        *,
        {{ value_score('value_given', 5) }} as score_high,
        {{ value_score('value_given', 5, higher_is_better=false) }} as score_low
    from input_rows

),

single_row as (

    select {{ value_score('value_given', 5) }} as score_single
    from (select 42 as value_given) as one_row

)

select
    scored.row_id,
    scored.score_high,
    scored.expected_high,
    scored.score_low,
    scored.expected_low
from scored
where scored.score_high != scored.expected_high or scored.score_low != scored.expected_low
union all
select
    'single row',
    single_row.score_single,
    1,
    null,
    null
from single_row
where single_row.score_single != 1
