{#
    ABC (Pareto) class from the share of total revenue held by customers with
    strictly more revenue (`share_before`): A while that share is below
    a_cut (so A stops once A's revenue reaches the cut), B while below b_cut,
    C otherwise. Customers with equal revenue have the same share_before and
    so the same class. No revenue (or no revenue at all in the population)
    is C.
#}
{% macro abc_class(revenue, share_before, a_cut, b_cut) -%}
    {{ return(adapter.dispatch('abc_class', 'customer_classification')(revenue, share_before, a_cut, b_cut)) }}
{%- endmacro %}

{% macro default__abc_class(revenue, share_before, a_cut, b_cut) -%}
    case
        when coalesce({{ revenue }}, 0) <= 0 or {{ share_before }} is null then 'C'
        when {{ share_before }} < {{ a_cut }} then 'A'
        when {{ share_before }} < {{ b_cut }} then 'B'
        else 'C'
    end
{%- endmacro %}
