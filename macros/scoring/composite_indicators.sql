{#
    The indicators of the composite score, in order. int_customer_indicators
    computes <indicator>_value and <indicator>_normalised for each; the
    composite_weights seed gives each its group and weight. One list, so the
    indicators, the score and customer_score_contributions cannot disagree.
#}
{% macro composite_indicators() -%}
    {{ return(adapter.dispatch('composite_indicators', 'customer_classification')()) }}
{%- endmacro %}

{% macro default__composite_indicators() -%}
    {{ return([
        'window_revenue',
        'average_order_value',
        'window_orders',
        'category_breadth',
        'active_months',
        'satisfaction',
        'tenure',
        'referrals',
    ]) }}
{%- endmacro %}
