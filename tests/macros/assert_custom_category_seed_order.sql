{#
    custom_category over the shipped custom_category_rules seed, which it
    reads itself (in priority order, then name): rows that match two or three
    of the shipped rules get the one of lowest priority. o1 matches
    vip_going_quiet (10) and key_account_paying_late (20); o2 matches
    key_account_paying_late (20) and b2b_growth_account (30); o3 matches only
    b2b_growth_account; o4 none. Fails for each row whose category differs,
    so reading the rules in any other order fails it.
#}
{%- set columns = {
    'value_tier': {'sql': 'rows_given.value_tier', 'type': 'text'},
    'lifecycle_stage': {'sql': 'rows_given.lifecycle_stage', 'type': 'text'},
    'is_key_account': {'sql': 'rows_given.is_key_account', 'type': 'boolean'},
    'credit_rating': {'sql': 'rows_given.credit_rating', 'type': 'text'},
    'customer_type': {'sql': 'rows_given.customer_type', 'type': 'text'},
    'value_class': {'sql': 'rows_given.value_class', 'type': 'text'},
} -%}

with

rows_given as (

    select * from (
        values
        ('o1', 'VIP', 'churned', true, 'D', 'b2b', 'MGC', 'vip_going_quiet'),
        ('o2', 'large', 'active', true, 'C', 'b2b', 'MGC', 'key_account_paying_late'),
        ('o3', 'large', 'active', false, 'A', 'b2b', 'MGC', 'b2b_growth_account'),
        ('o4', 'small', 'active', false, 'A', 'b2c', 'none', '{{ var("custom_category_default") }}')
    ) as rows_given (
        case_name, value_tier, lifecycle_stage, is_key_account, credit_rating, customer_type, value_class,
        expected_category
    )

),

categorized as (

    select
        case_name,
        expected_category,
        {{ custom_category(ref('custom_category_rules'), columns, var('custom_category_default')) }} as category
    from rows_given

)

select *
from categorized
where category <> expected_category
