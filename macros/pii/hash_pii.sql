{#
    Salted SHA-256 of a PII value, normalised first (trimmed, lower-case) so
    the same email hashes the same however it was typed. Null in, null out.
    The salt is the session's (DuckDB: the SQL variable segments_pii_salt;
    Spark: the setting spark.segments.pii_salt_hex), which the runner sets from
    the SEGMENTS_PII_SALT environment variable (scripts/segments/core/pii.py): it is
    never compiled into the SQL, so no view, log or artifact holds it.
#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'customer_classification')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    {{ exceptions.raise_compiler_error(
        "hash_pii has no portable SQL (SHA-256 is named differently on every engine): "
        ~ "add a " ~ adapter.type() ~ "__hash_pii macro"
    ) }}
{%- endmacro %}

{% macro duckdb__hash_pii(column) -%}
    case
        when {{ customer_classification.clean_text(column) }} is null then null
        when getvariable('segments_pii_salt') is null
            then error('hash_pii: no PII salt on this connection; run dbt with the project profile (its segments.duckdb_plugin sets it)')
        else sha256(getvariable('segments_pii_salt') || lower({{ customer_classification.clean_text(column) }}))
    end
{%- endmacro %}

{% macro spark__hash_pii(column) -%}
    case
        when {{ customer_classification.clean_text(column) }} is null then null
        when unhex('${spark.segments.pii_salt_hex}') is null
            then raise_error('hash_pii: no PII salt in this Spark session; build with segments build --target spark')
        else sha2(concat(cast(unhex('${spark.segments.pii_salt_hex}') as string), lower({{ customer_classification.clean_text(column) }})), 256)
    end
{%- endmacro %}
