{#
    The vars and seeds that decide a tier, written once: int_rule_version
    hashes them into rule_version, and a test checks that every threshold
    var of dbt_project.yml's classification sections is listed here. A new
    scheme adds its vars and seeds here.
#}
{% macro rule_inputs() -%}
    {{ return({
        'vars': [
            'reporting_currency', 'scoring_window_days', 'abc_a_cut', 'abc_b_cut',
            'key_account_share', 'mvc_top_share', 'mgc_top_share', 'composite_high_threshold',
            'composite_mid_threshold', 'share_of_wallet_high_threshold',
            'upcoming_volume_large_percentile', 'rfm_bins', 'rfm_lookback_days',
            'clv_time_unit_days', 'clv_horizon_periods', 'clv_annual_discount_rate',
            'clv_profit_margin', 'clv_holdout_days', 'clv_backtest_min_customers',
            'clv_backtest_min_holdout_buyers', 'clv_backtest_min_holdout_non_buyers',
            'clv_backtest_bias_min', 'clv_backtest_bias_max', 'churn_horizon_days',
            'next_order_min_probability_alive', 'cost_per_return', 'cost_per_ticket', 'default_cost_ratio',
            'lifecycle_new_days', 'lifecycle_active_days', 'lifecycle_churn_days',
            'lifecycle_loyal_min_orders', 'lifecycle_at_risk_rhythm_multiple',
            'lifecycle_churn_rhythm_multiple', 'lifecycle_at_risk_min_days', 'days_per_year',
            'days_per_year_for_age', 'composite_missing_indicator_value', 'custom_category_default',
            'cluster_k_min', 'cluster_k_max', 'cluster_sample_size', 'cluster_silhouette_sample_size',
            'cluster_seed', 'rising_star_scheme', 'rising_star_from_tiers', 'rising_star_to_tiers',
        ],
        'seeds': [
            'rfm_segment_map', 'value_tiers', 'composite_weights', 'service_policies',
            'strategy_quadrants', 'demographic_bands', 'credit_ratings', 'sales_regions',
            'custom_category_rules', 'prospect_score_weights', 'prospect_score_points',
            'prospect_grades', 'tier_ranks', 'rfm_segments', 'audience_definitions',
        ],
    }) }}
{%- endmacro %}
