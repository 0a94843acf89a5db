{#
    Equal-rowcount reconciliation: the model's row count (optionally
    filtered) must equal the sum of the row counts of `parts`, each a
    {model: ref(...), where: ...} pair. Fails with one row showing both
    sides when they differ.
#}
{% test rowcount_reconciles(model, parts, where_clause=none) %}
    {{ return(adapter.dispatch('test_rowcount_reconciles', 'customer_segments')(model, parts, where_clause)) }}
{% endtest %}

{% macro default__test_rowcount_reconciles(model, parts, where_clause) %}
    with

    whole as (

        select count(*) as whole_rows
        from {{ model }}
        {%- if where_clause %}
        where {{ where_clause }}
        {%- endif %}

    ),

    parts_counted as (

        select sum(part_rows) as part_rows
        from (
            {%- for part in parts %}
            select count(*) as part_rows
            from {{ part['model'] }}
            {%- if part.get('where') %}
            where {{ part['where'] }}
            {%- endif %}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as counts

    )

    select
        whole.whole_rows,
        parts_counted.part_rows
    from whole
    cross join parts_counted
    where whole.whole_rows != coalesce(parts_counted.part_rows, 0)
{% endmacro %}
