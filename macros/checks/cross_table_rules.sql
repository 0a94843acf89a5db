{#
    The checks a row of any raw table gets against the other tables, written
    once and used by every int_<table>_checked model (each a WHEN clause of
    its quarantine_reason CASE, in this order):

    currency_rules(fx_rate, currency, known_currencies): unknown_currency (no
    rate was ever given for the currency) and missing_fx_rate (none valid on
    the row's date); `fx_rate` is the joined rate (fx_rate()), null without one.

    customer_rules(customer_id, customers, test_accounts, crm_size):
    test_account (the customer is a quarantined test account) and
    unknown_customer (not in the CRM; checked only when a CRM customer table
    was given, crm_size.crm_customers > 0). A row without a customer (an
    anonymous event) breaks neither.
#}
{% macro currency_rules(fx_rate, currency, known_currencies) -%}
    when {{ fx_rate }} is null and {{ known_currencies }}.currency_code is null then 'unknown_currency'
            when {{ fx_rate }} is null then 'missing_fx_rate'
{%- endmacro %}

{% macro customer_rules(customer_id, customers, test_accounts, crm_size) -%}
    when {{ test_accounts }}.customer_id is not null then 'test_account'
            when
                {{ customer_id }} is not null
                and {{ customers }}.customer_id is null
                and {{ crm_size }}.crm_customers > 0 then 'unknown_customer'
{%- endmacro %}
