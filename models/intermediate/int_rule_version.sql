{#
    The version of the classification rules in force: a hash of every var
    and seed that decides a tier, so two runs with the same rule_version
    used the same rules. One row; rule_config shows what was hashed.
#}
{%- set rule_var_names = [
    'as_of_date', 'reporting_currency', 'scoring_window_days', 'abc_a_cut', 'abc_b_cut',
    'key_account_share', 'mvc_top_share', 'mgc_top_share', 'composite_high_threshold',
    'composite_mid_threshold', 'share_of_wallet_high_threshold',
    'upcoming_volume_large_percentile', 'rfm_bins', 'rfm_lookback_days',
    'clv_time_unit_days', 'clv_horizon_periods', 'clv_annual_discount_rate',
    'clv_profit_margin', 'cost_per_return', 'cost_per_ticket', 'default_cost_ratio',
    'lifecycle_new_days', 'lifecycle_active_days', 'lifecycle_churn_days',
    'lifecycle_loyal_min_orders',
] -%}
{%- set rule_vars = {} -%}
{%- for name in rule_var_names %}{% do rule_vars.update({name: var(name)}) %}{% endfor -%}
{%- set rule_seeds = [
    'rfm_segment_map', 'value_tiers', 'composite_weights', 'service_policies',
    'strategy_quadrants', 'demographic_bands',
] -%}

with

seed_rows as (

    {%- for seed in rule_seeds %}
    select
        '{{ seed }}' as seed_name,
        {{ row_to_json(seed_columns(seed)) }} as row_text
    from {{ ref(seed) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

seeds_aggregated as (

    select
        seed_name,
        {{ dbt.listagg('row_text', "'|'", 'order by row_text') }} as seed_text
    from seed_rows
    group by seed_name

),

config_collected as (

    select {{ dbt.concat([
        "'" ~ tojson(rule_vars, sort_keys=true) ~ "|'",
        dbt.listagg("seed_name || ':' || seed_text", "'|'", 'order by seed_name'),
    ]) }} as rule_config
    from seeds_aggregated

),

hashed as (

    select
        left(md5(rule_config), 12) as rule_version,
        rule_config
    from config_collected

)

select * from hashed
