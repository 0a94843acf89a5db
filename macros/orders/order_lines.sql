{#
    An order line in the reporting currency, at its order's FX rate: the
    rules int_orders_valid sums per order and int_order_items_checked shows
    per line, written once.

    line_category(items, products): the line's category, else the product's,
    else 'uncategorised'.
    line_amount_reporting(items, fx_rate): quantity x unit price, converted.
    line_cost_reporting(items, products, fx_rate): quantity x unit cost
    (converted), or x the product's standard cost (already in the reporting
    currency) when the line has none.
#}
{% macro line_category(items, products) -%}
    coalesce({{ items }}.category, {{ products }}.category, 'uncategorised')
{%- endmacro %}

{% macro line_amount_reporting(items, fx_rate) -%}
    {{ customer_segments.to_money(items ~ '.line_amount * ' ~ fx_rate) }}
{%- endmacro %}

{% macro line_cost_reporting(items, products, fx_rate) -%}
    {{ customer_segments.to_money(
        items ~ '.quantity * coalesce(' ~ items ~ '.unit_cost * ' ~ fx_rate ~ ', ' ~ products ~ '.unit_cost)'
    ) }}
{%- endmacro %}
