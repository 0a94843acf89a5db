{#
    Rank of a usable row among the usable rows that share its key: 1 is the
    row kept, later ranks are duplicates merged into it. The last row loaded
    wins (last write wins, as in a change log); rows without a load position
    fall back to their raw content, so the choice is the same on every run.
    Rows already quarantined get no rank.
#}
{% macro duplicate_rank(key_columns, quarantine_reason='quarantine_reason') -%}
    case
        when {{ quarantine_reason }} is null
            then row_number() over (
                partition by {{ key_columns | join(', ') }}, {{ quarantine_reason }} is null
                order by _source_row desc nulls last, raw_values desc
            )
    end
{%- endmacro %}
