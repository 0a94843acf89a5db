{#
    lifecycle_stage on hand-made rows at and around each threshold
    (new 90, active 180, churn 365, loyal 5 purchases), and rows where two
    rules hold at once (the first in the rule order wins).
#}
with

input_rows as (

    select * from (
        values
        ('no purchase', 0, null, null, null, 'prospect'),
        ('first purchase 90 days ago', 1, 90, 90, null, 'new'),
        ('first purchase 91 days ago', 1, 91, 91, null, 'active'),
        ('last purchase 365 days ago', 3, 700, 365, 30, 'at_risk'),
        ('last purchase 366 days ago', 3, 700, 366, 30, 'churned'),
        ('last purchase 180 days ago', 2, 400, 180, 30, 'active'),
        ('last purchase 181 days ago', 2, 400, 181, 30, 'at_risk'),
        ('back after 366 days away', 2, 500, 10, 366, 'reactivated'),
        ('back after 365 days away', 2, 500, 10, 365, 'active'),
        ('five purchases, recent', 5, 500, 10, 30, 'loyal'),
        ('four purchases, recent', 4, 500, 10, 30, 'active'),
        ('five purchases, lapsing', 5, 500, 200, 30, 'at_risk'),
        -- two rules hold at once: the earlier one in the rule order wins
        ('long gap and long silence', 3, 900, 366, 400, 'churned'),
        ('long gap, silent 200 days', 3, 900, 200, 400, 'at_risk'),
        ('five purchases, back after 400 days', 5, 900, 10, 400, 'reactivated'),
        ('new and five purchases', 5, 60, 1, 10, 'new')
    ) as rows_given (case_name, orders_count, tenure_days, days_since_last_order, gap_days, expected_stage)

),

staged as (

    select
        *,
        {{ lifecycle_stage('orders_count', 'tenure_days', 'days_since_last_order', 'gap_days') }}
            as actual_stage
    from input_rows

)

select * from staged
where actual_stage != expected_stage
