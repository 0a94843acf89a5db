{#
    A history holds one dataset, one set of rules and one period length.

    remove_stale_history_periods(): the pre-hook of customer_segment_history.
    Before a run writes its periods, every stored period computed from other
    data (its data_fingerprint is not the sum of int_daily_fingerprints up
    to its as-of date: other raw files, or a corrected order of that time),
    under other rules (its rule_version is not int_rule_version's) or with
    another period length (var('history_period')) is deleted, so the history
    starts again where it no longer holds: `segments build` names the
    periods removed, `segments backfill` computes them again. A history
    written before the history stored its fingerprints is all removed.

    remove_periods_not_in_history(previous_column): the pre-hook of the
    period tables read from the history (segment_summary, tier_migrations,
    segment_outcomes): their rows of a period the history no longer holds,
    or reading another one it no longer holds (`previous_column`: the period
    moved from, or the next period followed), are deleted with it.
#}
{% macro remove_stale_history_periods() -%}
    {%- set existing = load_relation(this) if execute else none -%}
    {%- if existing is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(existing) | map(attribute='name') | list -%}
    {%- if 'data_fingerprint' not in columns -%}
        {%- set stale = 'select period_start from ' ~ this -%}
    {%- else -%}
        {%- set stale = customer_classification.stale_history_periods() -%}
    {%- endif -%}
    {{ return(adapter.dispatch('remove_periods', 'customer_classification')(this, stale)) }}
{%- endmacro %}

{% macro stale_history_periods() -%}
    select stored.period_start
    from (
        select distinct period_start, as_of_date, rule_version, history_period, data_fingerprint
        from {{ this }}
    ) as stored
    cross join (select rule_version from {{ ref('int_rule_version') }}) as current_rules
    left join (
        select
            stored_dates.as_of_date,
            coalesce(sum(fingerprints.day_fingerprint), 0) as data_fingerprint
        from (select distinct as_of_date from {{ this }}) as stored_dates
        left join {{ ref('int_daily_fingerprints') }} as fingerprints
            on stored_dates.as_of_date >= fingerprints.fingerprint_date
        group by stored_dates.as_of_date
    ) as current_data
        on stored.as_of_date = current_data.as_of_date
    where
        stored.rule_version <> current_rules.rule_version
        or coalesce(stored.history_period <> '{{ var("history_period") }}', true)
        or coalesce(stored.data_fingerprint <> current_data.data_fingerprint, true)
{%- endmacro %}

{#- The statement that deletes the periods `stale` (a query of period_start) from `relation`. -#}
{% macro default__remove_periods(relation, stale) -%}
    delete from {{ relation }} where period_start in ({{ stale }})
{%- endmacro %}

{#- Spark's Parquet tables delete no rows: each stale period's partition is dropped. -#}
{% macro spark__remove_periods(relation, stale) -%}
    {%- for period in run_query(stale).columns[0].values() | unique %}
        {%- do run_query(
            'alter table ' ~ relation ~ " drop if exists partition (period_start = date '" ~ period ~ "')"
        ) %}
    {%- endfor %}
    {{- return('') }}
{%- endmacro %}

{% macro remove_periods_not_in_history(previous_column=none) -%}
    {%- if execute and is_incremental() -%}
    {%- set held = 'select distinct period_start from ' ~ ref('customer_segment_history') -%}
    delete from {{ this }}
    where
        period_start not in ({{ held }})
        {%- if previous_column %}
        or {{ previous_column }} not in ({{ held }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
