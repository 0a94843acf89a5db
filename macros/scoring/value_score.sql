{#
    Score a value 1..bins by its rank among all rows, so that equal values
    always get equal scores (unlike ntile, which splits ties arbitrarily):

        score = 1 + floor(percent_rank * bins), capped at bins
        percent_rank = (rank - 1) / (rows - 1)

    The lowest value scores 1 and the highest `bins`; with
    higher_is_better=false the order is reversed (recency: fewest days = best).
    A single row scores 1. Ties pull a whole group to the score of its first
    member, so heavily tied data (e.g. many one-order customers) may leave
    some scores unused.
#}
{% macro value_score(column, bins, higher_is_better=true, partition_by=none) -%}
    {{ return(adapter.dispatch('value_score', 'customer_classification')(column, bins, higher_is_better, partition_by)) }}
{%- endmacro %}

{% macro default__value_score(column, bins, higher_is_better, partition_by) -%}
    {%- set window -%}
        over (
            {%- if partition_by %}partition by {{ partition_by }} {% endif -%}
            order by {{ column }} {{ 'asc' if higher_is_better else 'desc' }}
        )
    {%- endset -%}
    {%- set rows -%}
        count(*) over ({%- if partition_by %}partition by {{ partition_by }}{% endif -%})
    {%- endset -%}
    case
        when {{ rows }} = 1 then 1
        else least(
            {{ bins }},
            1 + cast(floor(
                cast((rank() {{ window }} - 1) * {{ bins }} as {{ customer_classification.type_double() }})
                / ({{ rows }} - 1)
            ) as {{ dbt.type_int() }})
        )
    end
{%- endmacro %}
