{#
    Value class, first rule that holds:
    BZC (below-zero customer) when profit to date is negative; MVC (most
    valuable) when in the top var('mvc_top_share') by profit to date; MGC
    (most growable) when in the top var('mgc_top_share') by predicted growth;
    otherwise 'none'. Growth without a prediction (CLV model not fitted) is
    never top, so such customers can be BZC, MVC or none, not MGC.
#}
{% macro value_class(profit, is_top_profit, is_top_growth) -%}
    {{ return(adapter.dispatch('value_class', 'customer_classification')(profit, is_top_profit, is_top_growth)) }}
{%- endmacro %}

{% macro default__value_class(profit, is_top_profit, is_top_growth) -%}
    case
        when {{ profit }} < 0 then 'BZC'
        when {{ is_top_profit }} then 'MVC'
        when {{ is_top_growth }} then 'MGC'
        else 'none'
    end
{%- endmacro %}
