{#
    lifecycle_stage on hand-made rows at and around each threshold (new 90;
    one-time buyers at risk after 180, churned after 365; repeat buyers at
    risk after 2 x their usual gap, not before 30 days, churned after 4 x
    the gap, not before 365; reactivated after a 365-day gap; loyal 5
    purchases), and rows where two rules hold at once (the first in the rule
    order wins).
#}
with

input_rows as (

    select * from (
        values
        ('no purchase', 0, null, null, null, 'prospect'),
        ('first purchase 90 days ago', 1, 90, 90, null, 'new'),
        ('first purchase 91 days ago', 1, 91, 91, null, 'active'),
        -- a one-time buyer has no rhythm: active 180, churn 365
        ('one purchase 180 days ago', 1, 180, 180, null, 'active'),
        ('one purchase 181 days ago', 1, 181, 181, null, 'at_risk'),
        ('one purchase 365 days ago', 1, 365, 365, null, 'at_risk'),
        ('one purchase 366 days ago', 1, 366, 366, null, 'churned'),
        -- every 90 days (3 purchases over 180): at risk after 2 x 90, churned after max(365, 4 x 90)
        ('buys every 90 days, quiet 60', 3, 240, 60, 90, 'active'),
        ('buys every 90 days, quiet 180', 3, 360, 180, 90, 'active'),
        ('buys every 90 days, quiet 181', 3, 361, 181, 90, 'at_risk'),
        ('buys every 90 days, quiet 365', 3, 545, 365, 90, 'at_risk'),
        ('buys every 90 days, quiet 366', 3, 546, 366, 90, 'churned'),
        -- every 200 days: still only at risk after 401 quiet, churned after 4 x 200
        ('buys every 200 days, quiet 400', 2, 600, 400, 200, 'active'),
        ('buys every 200 days, quiet 401', 2, 601, 401, 200, 'at_risk'),
        ('buys every 200 days, quiet 800', 2, 1000, 800, 200, 'at_risk'),
        ('buys every 200 days, quiet 801', 2, 1001, 801, 200, 'churned'),
        -- every 10 days: 2 x 10 is below the 30-day floor
        ('buys every 10 days, quiet 30', 10, 120, 30, 10, 'loyal'),
        ('buys every 10 days, quiet 31', 10, 121, 31, 10, 'at_risk'),
        ('back after 366 days away', 2, 500, 10, 366, 'reactivated'),
        ('back after 365 days away', 2, 500, 10, 365, 'active'),
        ('five purchases, recent', 5, 500, 10, 30, 'loyal'),
        ('four purchases, recent', 4, 500, 10, 30, 'active'),
        ('five purchases every 75 days, quiet 200', 5, 500, 200, 30, 'at_risk'),
        -- two rules hold at once: the earlier one in the rule order wins
        ('back after 400 days, then quiet 800', 3, 900, 800, 400, 'churned'),
        ('back after 400 days, then quiet 300', 10, 1300, 300, 400, 'at_risk'),
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
