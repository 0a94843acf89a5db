{#
    The date everything is computed as of: var('as_of_date') when given, else
    the latest valid order date. One row, so every model (and the Python CLV
    models) read the same date and a past month re-runs identically.
#}
with

orders as (

    select max(ordered_date) as latest_order_date
    from {{ ref('int_orders_valid') }}

),

as_of_chosen as (

    select
        {%- if var('as_of_date') %}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        'var as_of_date' as as_of_source,
        {%- else %}
        latest_order_date as as_of_date,
        'latest order date' as as_of_source,
        {%- endif %}
        latest_order_date
    from orders

)

select * from as_of_chosen
