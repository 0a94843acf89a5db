{#
    period_replace: a table that only grows or replaces whole periods, written
    straight from the model's query. Config: unique_key, the period column;
    periods_model, the model listing the periods a run computes (every one of
    them is replaced, also one the query no longer has rows for);
    on_schema_change as for incremental models.

    The first run creates the table (contract and all). A later run deletes
    the rows of the run's periods and inserts the query's rows in the same
    transaction. dbt's incremental materialization writes the rows twice, into
    a temporary table and then into the model (1-2 s of ~40 s for a backfill
    batch of ~10M wide rows), and replaces only the periods the query has
    rows for. The query is staged as a temporary view instead, which costs
    nothing and gives the columns for on_schema_change.
#}
{% materialization period_replace, adapter='duckdb', supported_languages=['sql'] -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set period_column = config.require('unique_key') -%}
    {%- set periods = ref(config.require('periods_model')) -%}
    {%- set on_schema_change = incremental_validate_on_schema_change(
        config.get('on_schema_change'), default='ignore'
    ) -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set full_refresh = existing_relation is none or should_full_refresh() or existing_relation.is_view -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if full_refresh %}
        {%- if existing_relation is not none %}
            {%- do adapter.drop_relation(existing_relation) %}
        {%- endif %}
        {%- set build_sql = create_table_as(False, target_relation, compiled_code) %}
    {%- else %}
        {%- if config.get('contract').enforced %}
            {{ get_assert_columns_equivalent(compiled_code) }}
        {%- endif %}
        {%- set staged = api.Relation.create(
            database='temp', schema='main', identifier=this.identifier ~ '__dbt_staged', type='view'
        ) %}
        {%- do run_query('create or replace temp view ' ~ staged.include(database=false, schema=false)
            ~ ' as (\n' ~ compiled_code ~ '\n)') %}
        {%- set dest_columns = process_schema_changes(on_schema_change, staged, existing_relation) %}
        {%- if not dest_columns %}
            {%- set dest_columns = adapter.get_columns_in_relation(existing_relation) %}
        {%- endif %}
        {%- set columns = get_quoted_csv(dest_columns | map(attribute='name')) %}
        {%- set build_sql -%}
            delete from {{ target_relation }}
            where {{ period_column }} in (select {{ period_column }} from {{ periods }});
            insert into {{ target_relation }} ({{ columns }})
            select {{ columns }} from {{ staged.include(database=false, schema=false) }}
        {%- endset %}
    {%- endif %}

    {% call statement('main') -%}
        {{ build_sql }}
    {%- endcall %}

    {%- if not full_refresh %}
        {%- do run_query('drop view if exists ' ~ staged.include(database=false, schema=false)) %}
    {%- endif %}

    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke(existing_relation, full_refresh)) %}
    {%- do persist_docs(target_relation, model) %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{%- endmaterialization %}

{#
    period_replace on Spark: a Parquet table partitioned by the period column.
    A later run drops the partitions of the run's periods and inserts the
    query's rows into their partitions.
#}
{% materialization period_replace, adapter='spark', supported_languages=['sql'] -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set period_column = config.require('unique_key') -%}
    {%- set periods = ref(config.require('periods_model')) -%}

    {{ run_hooks(pre_hooks) }}

    {%- if existing_relation is none or should_full_refresh() %}
        {%- if existing_relation is not none %}
            {%- do adapter.drop_relation(existing_relation) %}
        {%- endif %}
        {%- set build_sql -%}
            create table {{ target_relation }}
            using parquet
            partitioned by ({{ period_column }})
            as {{ compiled_code }}
        {%- endset %}
    {%- else %}
        {%- set listed = run_query('select distinct ' ~ period_column ~ ' from ' ~ periods) %}
        {%- for period in listed.columns[0].values() %}
            {%- do run_query(
                'alter table ' ~ target_relation ~ ' drop if exists partition ('
                ~ period_column ~ " = date '" ~ period ~ "')"
            ) %}
        {%- endfor %}
        {%- set columns = adapter.get_columns_in_relation(existing_relation)
            | map(attribute='name') | reject('equalsto', period_column) | list %}
        {%- set build_sql -%}
            insert into {{ target_relation }} partition ({{ period_column }})
            select {{ columns | join(', ') }}, {{ period_column }}
            from ({{ compiled_code }}) as new_periods
        {%- endset %}
    {%- endif %}

    {% call statement('main') -%}
        {{ build_sql }}
    {%- endcall %}

    {%- do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}

{%- endmaterialization %}
