{#
    The share of population rows meeting `condition` is `expected_share`
    within `tolerance` (or within one row, 1 / population, when the
    population is too small for the tolerance to mean anything). With
    `eligible`, only rows meeting it can meet `condition`, so the share
    expected is at most theirs (no key account among customers without
    revenue in the window).
#}
{% test share_within_tolerance(model, condition, expected_share, tolerance=0.01, population=none, eligible=none) %}
    {{ return(adapter.dispatch('test_share_within_tolerance', 'customer_classification')(model, condition, expected_share, tolerance, population, eligible)) }}
{% endtest %}

{% macro default__test_share_within_tolerance(model, condition, expected_share, tolerance, population, eligible) %}
    with

    counted as (

        select
            count(*) as population_rows,
            count(case when {{ condition }} then 1 end) as matching_rows,
            count(case when {{ eligible or 'true' }} then 1 end) as eligible_rows
        from {{ model }}
        {%- if population %}
        where {{ population }}
        {%- endif %}

    )

    select
        population_rows,
        matching_rows,
        cast(matching_rows as {{ customer_classification.type_double() }}) / population_rows as actual_share,
        least({{ expected_share }}, cast(eligible_rows as {{ customer_classification.type_double() }}) / population_rows)
            as expected_share
    from counted
    where
        population_rows > 0
        and abs(
            cast(matching_rows as {{ customer_classification.type_double() }}) / population_rows
            - least({{ expected_share }}, cast(eligible_rows as {{ customer_classification.type_double() }}) / population_rows)
        )
        > greatest({{ tolerance }}, 1.0 / population_rows)
{% endmacro %}
