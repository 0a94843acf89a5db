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
{%- for name in rule_var_names -%}
    {%- do rule_vars.update({name: var(name)}) -%}
{%- endfor -%}
{%- set rule_seeds = [
    'rfm_segment_map', 'value_tiers', 'composite_weights', 'service_policies',
    'strategy_quadrants', 'demographic_bands',
] -%}

with

{% for seed in rule_seeds %}
{{ seed }}_rows as (

    select {{ dbt.listagg('row_text', "'|'", 'order by row_text') }} as seed_text
    from (
        select {{ row_to_json(seed_columns(seed)) }} as row_text
        from {{ ref(seed) }}
    ) as seed_rows

),

{% endfor %}
config_collected as (

    select
        '{{ tojson(rule_vars, sort_keys=true) }}'
        {%- for seed in rule_seeds %}
        || '|{{ seed }}:' || coalesce({{ seed }}_rows.seed_text, '')
        {%- endfor %} as rule_config
    from {{ rule_seeds[0] }}_rows
    {%- for seed in rule_seeds[1:] %}
    cross join {{ seed }}_rows
    {%- endfor %}

),

hashed as (

    select
        left(md5(rule_config), 12) as rule_version,
        rule_config
    from config_collected

)

select * from hashed
