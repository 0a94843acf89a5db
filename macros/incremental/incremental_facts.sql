{#
    Incremental facts: the large tables (the parsed raw orders, order lines
    and events, and the valid orders) process only what changed since their
    last run, and give the rows a full refresh gives.

    raw_rows_to_parse(table_name, raw_keys, keys): what follows `select * from
    <the raw table>` in a base_ model, in an incremental run. Raw tables only grow
    (`segments build --append`), and `_source_row` numbers their rows in load
    order, so the rows to parse are:
    - the rows loaded since the last run (`_source_row` above the table's);
    - the rows already parsed whose key (`keys`, as stored; `raw_keys`, the
      same as parsed from raw text) a new row repeats: the last row loaded
      wins, so the whole key's rows are ranked again (a correction is a row
      sent again);
    - the rows quarantined as future_date (`timestamp`: the model's time
      column) that are due now: the one rule that depends on when it runs.
    Nothing in a full refresh. In a run the last row parsed and the rows to
    parse again (when not too many) are looked up first and written into the
    query as numbers: a filter holding a sub-query is applied after every raw
    row is decoded, a filter on numbers as the files are read (at 8M orders
    1.6 s per read against a few ms). The rows parsed again follow the new
    ones with union all (an `or` would decode every raw row), read by
    select_raw, not through the model's ephemeral base_..._raw: a CTE read
    twice is materialised, every raw row. A unit test (fixtures, not
    tables) keeps the sub-queries.
#}
{% macro raw_rows_to_parse(table_name, raw_keys, keys, timestamp=none) -%}
    {{ return(adapter.dispatch('raw_rows_to_parse', 'customer_classification')(table_name, raw_keys, keys, timestamp)) }}
{%- endmacro %}

{% macro default__raw_rows_to_parse(table_name, raw_keys, keys, timestamp) -%}
    {%- if is_incremental() %}
    {%- set parsed_through = customer_classification.value_in_a_run(
        '(select coalesce(max(_source_row), 0) from ' ~ this ~ ')', dbt.type_bigint()
    ) %}
    {%- set parsed_again -%}
        select parsed._source_row
        from {{ this }} as parsed
        where
            {%- if timestamp %}
            (
                parsed.quarantine_reason = 'future_date'
                and parsed.{{ timestamp }} <= {{ customer_classification.future_date_cutoff() }}
            )
            or
            {%- endif %}
            ({{ keys | join(', ') }}) in (
                select {{ raw_keys | join(', ') }}
                from ({{ customer_classification.select_raw(table_name) }}) as raw_rows
                where _source_row > {{ parsed_through }}
            )
    {%- endset %}
    {%- if customer_classification.in_a_run() %}
        {%- set rows = run_query(parsed_again).columns[0].values() %}
        {#- beyond that many numbers the query text costs more than the sub-query #}
        {%- if rows | length <= 100000 %}
            {%- set parsed_again = rows | join(', ') %}
        {%- endif %}
    {%- endif %}
    where _source_row > {{ parsed_through }}
    {%- if parsed_again %}
    union all
    select * from ({{ customer_classification.select_raw(table_name) }}) as parsed_again
    where _source_row in ({{ parsed_again }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#
    value_in_a_run(expression, type): in a run, the value of the scalar
    sub-query `expression`, looked up now and written as a literal of `type`
    (a filter on a value is applied as the rows are read, one holding a
    sub-query after every row is decoded and joined); elsewhere (compiling a
    unit test, whose inputs are fixtures, not tables) the sub-query itself.
#}
{% macro value_in_a_run(expression, type) -%}
    {%- if not customer_classification.in_a_run() -%}
        {{ return(expression) }}
    {%- endif -%}
    {%- set value = run_query('select ' ~ expression).columns[0].values()[0] -%}
    {{ return('cast(' ~ ("'" ~ value ~ "'" if value is not none else 'null') ~ ' as ' ~ type ~ ')') }}
{%- endmacro %}

{% macro in_a_run() -%}
    {{ return(execute and model.resource_type == 'model') }}
{%- endmacro %}

{#
    orders_window_start(): in an incremental run of int_orders_valid, the first
    order date whose valid orders are computed again (all later ones too):
    the earliest of
    - the dates of the staged orders loaded since the last run (new orders,
      late ones, and corrections: a key sent again), and the dates those
      orders had before (a correction may move an order in time);
    - the dates of the valid orders that gained order lines since the last
      run (lines of an order not valid yet come with it: a new order);
    - the latest order date already there minus var('fact_lookback_days'):
      the checks against other tables (a currency rate, a customer, a test
      account, a product cost that arrives late) are redone this far back.
    `_orders_through` / `_lines_through` hold the last staged order and line
    row each run had seen.
#}
{% macro orders_window_start() -%}
    {{ return(adapter.dispatch('orders_window_start', 'customer_classification')()) }}
{%- endmacro %}

{% macro default__orders_window_start() -%}
    {%- set orders = ref('stg_shop__orders') -%}
    {%- set order_items = ref('stg_shop__order_items') -%}
    {%- set new_orders -%}
        select order_id, ordered_date from {{ orders }}
        where _source_row > (select coalesce(max(_orders_through), 0) from {{ this }})
    {%- endset -%}
    {%- set lined_orders -%}
        select order_id from {{ order_items }}
        where _source_row > (select coalesce(max(_lines_through), 0) from {{ this }})
    {%- endset -%}
    (
        select min(changed_from)
        from (
            select {{ dbt.dateadd('day', -1 * var('fact_lookback_days'), 'max(ordered_date)') }} as changed_from
            from {{ this }}
            union all
            select min(ordered_date) from ({{ new_orders }}) as new_orders
            union all
            select min(valid.ordered_date) from {{ this }} as valid
            where valid.order_id in (select order_id from ({{ new_orders }}) as new_orders)
            union all
            select min(valid.ordered_date) from {{ this }} as valid
            where valid.order_id in ({{ lined_orders }})
        ) as changes
    )
{%- endmacro %}

{#
    The replace_window incremental strategy: the rows on or after the window
    start (config window_start: the name of a macro giving it, window_column:
    the column it bounds) are deleted and the run's rows, computed for that
    window, inserted. Unlike delete+insert on a key, it also removes the rows
    that are no longer there (an order a correction made invalid).
#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_window_sql', 'customer_classification')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_replace_window_sql(arg_dict) -%}
    {%- set window_column = config.require('window_column') -%}
    {%- set window_start = context[config.require('window_start')]() -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ window_column }} >= {{ window_start }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
