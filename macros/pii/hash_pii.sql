{#
    Salted SHA-256 of a PII value, normalised first (trimmed, lower-case) so
    the same email hashes the same however it was typed. The salt comes from
    the SEGMENTS_PII_SALT environment variable, else var('pii_salt').
    Null in, null out.
#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro pii_salt() -%}
    {{ return(env_var('SEGMENTS_PII_SALT', var('pii_salt'))) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    {{ exceptions.raise_compiler_error(
        "hash_pii has no portable SQL (SHA-256 is named differently on every engine): "
        ~ "add a " ~ adapter.type() ~ "__hash_pii macro"
    ) }}
{%- endmacro %}

{% macro duckdb__hash_pii(column) -%}
    case
        when {{ customer_segments.clean_text(column) }} is not null
            then sha256('{{ customer_segments.pii_salt() }}' || lower({{ customer_segments.clean_text(column) }}))
    end
{%- endmacro %}

{% macro spark__hash_pii(column) -%}
    case
        when {{ customer_segments.clean_text(column) }} is not null
            then sha2(concat('{{ customer_segments.pii_salt() }}', lower({{ customer_segments.clean_text(column) }})), 256)
    end
{%- endmacro %}
