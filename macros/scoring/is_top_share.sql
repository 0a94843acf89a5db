{#
    True for rows ranked within the top `share` of `population` rows
    (rank <= ceil(share x population)), `rank` being rank() by the measure,
    best first. Ties at the boundary share one rank and are all in. Rows
    whose measure is not positive are never in.
#}
{% macro is_top_share(rank, population, share, measure) -%}
    {{ return(adapter.dispatch('is_top_share', 'customer_classification')(rank, population, share, measure)) }}
{%- endmacro %}

{% macro default__is_top_share(rank, population, share, measure) -%}
    (
        coalesce({{ measure }}, 0) > 0
        and {{ rank }} <= ceil({{ share }} * {{ population }})
    )
{%- endmacro %}
