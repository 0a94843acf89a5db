{#
    The version of the classification rules in force: a hash of every var
    and seed that decides a tier (listed once, in rule_inputs()), so two runs
    with the same rule_version used the same rules. One row; rule_config
    shows what was hashed.
#}
{%- set rule_vars = {} -%}
{%- for name in rule_inputs().vars %}{% do rule_vars.update({name: var(name)}) %}{% endfor -%}
{%- set rule_seeds = rule_inputs().seeds -%}

with

seed_rows as (

    {%- for seed in rule_seeds %}
    select
        '{{ seed }}' as seed_name,
        {{ row_to_json(seed_columns(seed)) }} as row_text
    from {{ ref(seed) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

seeds_aggregated as (

    select
        seed_name,
        {{ sorted_listagg('row_text', "'|'") }} as seed_text
    from seed_rows
    group by seed_name

),

config_collected as (

    select {{ dbt.concat([
        "'" ~ tojson(rule_vars, sort_keys=true) ~ "|'",
        sorted_listagg("seed_name || ':' || seed_text", "'|'"),
    ]) }} as rule_config
    from seeds_aggregated

),

hashed as (

    select
        left(md5(rule_config), 12) as rule_version,
        rule_config
    from config_collected

)

select * from hashed
