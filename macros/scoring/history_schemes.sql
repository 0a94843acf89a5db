{#
    The schemes the history, segment_summary, tier_migrations and
    segment_outcomes report, in order: each a name and the SQL expression
    of its tier over a row of customer_segment_history (null = the customer
    has no tier in this scheme that period). One list, so the four models
    cannot disagree.
#}
{% macro history_schemes() -%}
    {{ return(adapter.dispatch('history_schemes', 'customer_classification')()) }}
{%- endmacro %}

{% macro default__history_schemes() -%}
    {{ return([
        {'scheme': 'rfm_segment', 'tier': 'rfm_segment'},
        {'scheme': 'abc_class', 'tier': 'abc_class'},
        {'scheme': 'key_account', 'tier':
            "case when is_key_account then 'key account' when is_key_account is not null then 'other' end"},
        {'scheme': 'value_tier', 'tier': 'value_tier'},
        {'scheme': 'value_class', 'tier': 'value_class'},
        {'scheme': 'composite_tier', 'tier': 'composite_tier'},
        {'scheme': 'strategy_quadrant', 'tier': 'strategy_quadrant'},
        {'scheme': 'credit_rating', 'tier': 'credit_rating'},
        {'scheme': 'lifecycle_stage', 'tier': 'lifecycle_stage'},
        {'scheme': 'cluster', 'tier': 'cluster_label'},
        {'scheme': 'custom_category', 'tier': 'custom_category'},
    ]) }}
{%- endmacro %}
