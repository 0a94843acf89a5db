{#
    An order line in the reporting currency, at its order's FX rate: the
    rules int_orders_valid sums per order and int_order_items_checked shows
    per line, written once.

    line_category(items, products): the line's category, else the product's,
    else 'uncategorised'.
    line_categories(items, products): every category line_category can give
    (one row each).
    line_amount_reporting(items, fx_rate): quantity x unit price, converted.
    line_cost_reporting(items, products, fx_rate): quantity x unit cost
    (converted), or x the product's standard cost (already in the reporting
    currency) when the line has none.
    line_problem(items, products, fx_rate, order_revenue): why a line of a
    valid order is implausible, or null: out_of_range when its amount or
    cost, converted, exceeds var('max_order_amount') (no order is worth
    more); line_exceeds_order when its amount exceeds
    var('max_line_to_order_ratio') times its order's revenue (orders with
    revenue only: not cancelled, not free). Computed in floating point, so
    an absurd line never reaches a decimal product.
#}
{% macro line_category(items, products) -%}
    coalesce({{ items }}.category, {{ products }}.category, 'uncategorised')
{%- endmacro %}

{% macro line_categories(items, products) -%}
    select distinct category
    from (
        select category from {{ items }}
        where category is not null
        union all
        select category from {{ products }}
        where category is not null
        union all
        select 'uncategorised' as category
    ) as listed_categories
{%- endmacro %}

{% macro line_problem(items, products, fx_rate, order_revenue) -%}
    {%- set double = customer_classification.type_double() -%}
    {%- set amount = 'cast(' ~ items ~ '.line_amount as ' ~ double ~ ') * cast(' ~ fx_rate ~ ' as ' ~ double ~ ')' -%}
    {%- set cost -%}
        cast({{ items }}.quantity as {{ double }}) * coalesce(
            cast({{ items }}.unit_cost as {{ double }}) * cast({{ fx_rate }} as {{ double }}),
            cast({{ products }}.unit_cost as {{ double }})
        )
    {%- endset -%}
    case
        when {{ amount }} > {{ var('max_order_amount') }} or {{ cost }} > {{ var('max_order_amount') }}
            then 'out_of_range'
        when
            {{ order_revenue }} > 0
            and {{ amount }} > {{ var('max_line_to_order_ratio') }} * cast({{ order_revenue }} as {{ double }})
            then 'line_exceeds_order'
    end
{%- endmacro %}

{% macro line_amount_reporting(items, fx_rate) -%}
    {{ customer_classification.to_money(items ~ '.line_amount * ' ~ fx_rate) }}
{%- endmacro %}

{% macro line_cost_reporting(items, products, fx_rate) -%}
    {{ customer_classification.to_money(
        items ~ '.quantity * coalesce(' ~ items ~ '.unit_cost * ' ~ fx_rate ~ ', ' ~ products ~ '.unit_cost)'
    ) }}
{%- endmacro %}

{#
    lines_aggregated_to_orders(lines, categories): per order, its lines
    (line_count), units, distinct categories (category_count) and cost
    (items_cost), from `lines` (order_id, category, quantity,
    line_cost_reporting). `categories` holds every category a line has (one
    row each).

    Portable: per order and category, then per order. On DuckDB in one
    group-by: each category is one bit of a bit string, and an order's
    category_count is the number of bits in the OR of its lines' bits (a
    third less time at 14M lines; any number of categories).
#}
{% macro lines_aggregated_to_orders(lines, categories) -%}
    {{ return(adapter.dispatch('lines_aggregated_to_orders', 'customer_classification')(lines, categories)) }}
{%- endmacro %}

{% macro default__lines_aggregated_to_orders(lines, categories) -%}
    select
        order_id,
        cast(sum(line_count) as {{ dbt.type_bigint() }}) as line_count,
        cast(sum(units) as {{ dbt.type_bigint() }}) as units,
        count(*) as category_count,
        sum(items_cost) as items_cost
    from (
        select
            order_id,
            category,
            count(*) as line_count,
            sum(quantity) as units,
            sum(line_cost_reporting) as items_cost
        from {{ lines }}
        group by order_id, category
    ) as lines_aggregated_to_categories
    group by order_id
{%- endmacro %}

{% macro duckdb__lines_aggregated_to_orders(lines, categories) -%}
    select
        order_lines.order_id,
        count(*) as line_count,
        cast(sum(order_lines.quantity) as bigint) as units,
        bit_count(bit_or(category_bits.category_bit)) as category_count,
        sum(order_lines.line_cost_reporting) as items_cost
    from {{ lines }} as order_lines
    inner join ({{ customer_classification.duckdb__category_bit_strings(categories) }}) as category_bits
        on order_lines.category = category_bits.category
    group by order_lines.order_id
{%- endmacro %}

{#
    duckdb__category_bit_strings(categories): each category of `categories` with a bit
    string as long as there are categories, one bit set (DuckDB; used by the
    duckdb__ version above).
#}
{% macro duckdb__category_bit_strings(categories) -%}
    select
        category,
        set_bit(
            bitstring('0', cast(count(*) over () as integer)),
            cast(row_number() over (order by category) - 1 as integer),
            1
        ) as category_bit
    from {{ categories }}
{%- endmacro %}
