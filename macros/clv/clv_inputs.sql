{#
    The BG/NBD and Gamma-Gamma inputs, written once for the main fit
    (int_clv_inputs) and the backtest's calibration fit
    (int_clv_backtest_inputs), so both fit exactly the same definition.
#}

{#
    repeat_average_value(purchase_revenue, first_day_revenue, purchase_days):
    the mean net revenue of the purchase days after the first, from the sum of
    all days minus the first day's, 0 without a repeat day: exactly DuckDB's
    avg over those days (cents summed as integers, divided once as doubles).
#}
{% macro repeat_average_value(purchase_revenue, first_day_revenue, purchase_days) -%}
    {{ return(adapter.dispatch('repeat_average_value', 'customer_classification')(
        purchase_revenue, first_day_revenue, purchase_days)) }}
{%- endmacro %}

{% macro default__repeat_average_value(purchase_revenue, first_day_revenue, purchase_days) -%}
    case
        when {{ purchase_days }} > 1
            then
                cast(({{ purchase_revenue }} - {{ first_day_revenue }}) * 100 as {{ type_double() }})
                / (({{ purchase_days }} - 1) * 100)
        else 0
    end
{%- endmacro %}

{#
    clv_periods(customers, observed_until): the inputs in
    var('clv_time_unit_days') units from a relation of customers with
    purchase_days, first_order_date, last_order_date and
    repeat_average_value; observed_until is its column of the date the
    observation ends (T is counted to it). frequency = repeat transactions,
    recency = first to last transaction, t = first transaction to that date.
#}
{% macro clv_periods(customers, observed_until) -%}
    {{ return(adapter.dispatch('clv_periods', 'customer_classification')(customers, observed_until)) }}
{%- endmacro %}

{% macro default__clv_periods(customers, observed_until) -%}
    {%- set unit = dbt.cast(var('clv_time_unit_days'), type_double()) -%}
    select
        {{ customers }}.*,
        {{ customers }}.purchase_days - 1 as frequency,
        {{ days_between(customers ~ '.first_order_date', customers ~ '.last_order_date') }}
        / {{ unit }} as recency,
        {{ days_between(customers ~ '.first_order_date', customers ~ '.' ~ observed_until) }}
        / {{ unit }} as t
    from {{ customers }}
{%- endmacro %}
