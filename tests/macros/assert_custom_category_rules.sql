{#
    custom_category_case on hand-made rows: the first rule that holds wins
    (r1 matches three rules and gets the first), a customer no rule matches
    gets the default, and every operator of the allow-list works. Then
    custom_category_condition on conditions it must refuse, each with the
    start of the message the build shows.
#}
{%- set columns = {
    'value_tier': {'sql': 'rows_given.value_tier', 'type': 'text'},
    'lifecycle_stage': {'sql': 'rows_given.lifecycle_stage', 'type': 'text'},
    'window_revenue': {'sql': 'rows_given.window_revenue', 'type': 'number'},
    'is_key_account': {'sql': 'rows_given.is_key_account', 'type': 'boolean'},
    'first_order_date': {'sql': 'rows_given.first_order_date', 'type': 'date'},
    'credit_rating': {'sql': 'rows_given.credit_rating', 'type': 'text'},
} -%}
{%- set rules = [
    {'category': 'vip_quiet', 'priority': 10,
        'condition': "value_tier = 'VIP' and lifecycle_stage in ('at_risk', 'churned')"},
    {'category': 'late_key', 'priority': 20, 'condition': "IS_KEY_ACCOUNT and credit_rating in ('C','D')"},
    {'category': 'big_spender', 'priority': 30,
        'condition': "window_revenue >= 5000 or (value_tier = 'large' and not lifecycle_stage = 'churned')"},
    {'category': 'old_timer', 'priority': 40,
        'condition': "first_order_date < '2023-01-01' and credit_rating is null"},
    {'category': 'mid_range', 'priority': 50,
        'condition': "window_revenue between 50 and 99.5 and value_tier not like 'sm%'"},
    {'category': 'isn''t_matched', 'priority': 60, 'condition': "value_tier <> value_tier"},
] -%}
{%- set refused = [
    ("spend > 10", "unknown column 'spend'"),
    ("lower(value_tier) = 'vip'", "unknown column 'lower'"),
    ("value_tier in (select value_tier from customers)", "unknown column 'select'"),
    ("value_tier = 'VIP'; drop table customers", "only column names"),
    ("value_tier = 'VIP' -- all", "only column names"),
    ("value_tier = 'VIP' /* all */", "only column names"),
    ("value_tier = 5", "not a valid condition"),
    ("is_key_account = 'yes'", "not a valid condition"),
    ("window_revenue like '5%'", "not a valid condition"),
    ("window_revenue >", "not a valid condition"),
    ("(value_tier = 'VIP'", "not a valid condition"),
    ("value_tier = 'VIP' value_tier = 'VIP'", "not a valid condition"),
    ("value_tier", "not a valid condition"),
    ("  ", "the condition is empty"),
] -%}

with

rows_given as (

    select * from (
        values
        ('r1 matches vip_quiet, late_key and big_spender', 'VIP', 'at_risk', 5000, true, cast('2024-01-10' as date), 'C', 'vip_quiet'),
        ('r2 at the big_spender edge', 'VIP', 'active', 5000, true, cast('2023-05-01' as date), 'A', 'big_spender'),
        ('r3 old and unrated', 'small', 'churned', 10, false, cast('2022-01-01' as date), null, 'old_timer'),
        ('r4 no rule', 'large', 'churned', 100, false, null, 'D', 'none'),
        ('r5 large and not churned', 'large', 'new', 100, false, null, 'D', 'big_spender'),
        ('r6 between, inclusive', 'medium', 'active', 99.5, false, null, 'B', 'mid_range'),
        ('r7 like excludes it', 'small', 'active', 60, false, null, 'B', 'none')
    ) as rows_given (
        case_name, value_tier, lifecycle_stage, window_revenue, is_key_account, first_order_date, credit_rating,
        expected_category
    )

),

categorized as (

    select
        case_name,
        expected_category,
        {{ custom_category_case(rules, columns, 'none') }} as actual_category
    from rows_given

),

refusals_checked as (

    {%- for condition, expected in refused %}
    select
        {{ customer_classification.text_literal(condition) }} as case_name,
        {{ customer_classification.text_literal(expected) }} as expected_error,
        {{ customer_classification.text_literal(custom_category_condition(condition, columns).error or "accepted") }}
            as actual_error
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    case_name,
    actual_category as problem
from categorized
where actual_category is distinct from expected_category

union all

select
    case_name,
    actual_error as problem
from refusals_checked
where actual_error not like expected_error || '%'
