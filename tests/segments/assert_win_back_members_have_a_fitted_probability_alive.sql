{#
    No win_back member is a one-time buyer: without a repeat purchase BG/NBD's
    probability alive is its prior 1.0, not a judgement of the customer, and
    the audience would call long-gone one-time buyers "probably still a
    customer". Fails with each such member.
#}
with

members as (

    select * from {{ ref('audiences') }}
    where rule = 'win_back'

),

clv as (

    select * from {{ ref('customer_clv') }}

),

members_without_repeat_purchases as (

    select
        members.audience,
        members.customer_id,
        clv.repeat_transactions,
        clv.probability_alive
    from members
    inner join clv
        on members.customer_id = clv.customer_id and members.as_of_date = clv.as_of_date
    where clv.repeat_transactions < 1

)

select * from members_without_repeat_purchases
