{#
    exact_sum(expression) / exact_avg(expression): the sum or mean of a
    double column computed in decimal(38, 12), then a double again. A sum of
    doubles depends on the order the rows arrive in, which a parallel
    aggregation does not fix: the same data could give a mean that differs in
    its last bit from one build to the next. Twelve decimals are far below
    what the figures mean (purchases, money, probabilities).
#}
{% macro exact_sum(expression) -%}
    {{ return(adapter.dispatch('exact_sum', 'customer_classification')(expression)) }}
{%- endmacro %}

{% macro default__exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 12))) as {{ type_double() }})
{%- endmacro %}

{% macro exact_avg(expression) -%}
    {{ return(adapter.dispatch('exact_avg', 'customer_classification')(expression)) }}
{%- endmacro %}

{% macro default__exact_avg(expression) -%}
    cast(avg(cast({{ expression }} as decimal(38, 12))) as {{ type_double() }})
{%- endmacro %}
