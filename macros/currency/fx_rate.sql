{#
    Converting to the reporting currency, written once:
    fx_rate(row_currency, fx_rates): the rate of a row (1 in the reporting
    currency, else the rate of the fx_rates row joined to it);
    fx_rate_valid_on(fx_rates, row_currency, on_date): the join condition
    picking the stg_finance__fx_rates row of that currency valid on that date.
#}
{% macro fx_rate(row_currency, fx_rates) -%}
    {{ return(adapter.dispatch('fx_rate', 'customer_classification')(row_currency, fx_rates)) }}
{%- endmacro %}

{% macro default__fx_rate(row_currency, fx_rates) -%}
    case
        when {{ row_currency }} = '{{ var("reporting_currency") }}' then 1
        else {{ fx_rates }}.rate_to_reporting
    end
{%- endmacro %}

{% macro fx_rate_valid_on(fx_rates, row_currency, on_date) -%}
    {{ return(adapter.dispatch('fx_rate_valid_on', 'customer_classification')(fx_rates, row_currency, on_date)) }}
{%- endmacro %}

{% macro default__fx_rate_valid_on(fx_rates, row_currency, on_date) -%}
    {{ row_currency }} = {{ fx_rates }}.currency_code
    and {{ on_date }} >= {{ fx_rates }}.valid_from
    and {{ on_date }} < {{ fx_rates }}.valid_to
{%- endmacro %}

{#
    converted_money(amount, fx_rate): amount x rate, in the reporting
    currency rounded to cents; null when its absolute value would exceed
    var('max_order_amount'), the largest plausible order (the caller
    quarantines the row). Checked in floating point first, so an absurd
    value never reaches the decimal product, which could overflow.
#}
{% macro converted_money(amount, fx_rate) -%}
    case
        when
            abs(cast({{ amount }} as {{ customer_classification.type_double() }}) * cast({{ fx_rate }} as {{ customer_classification.type_double() }}))
            <= {{ var('max_order_amount') }}
            then {{ customer_classification.to_money(amount ~ ' * ' ~ fx_rate) }}
    end
{%- endmacro %}
