{#
    Generated from the raw contract, scripts/segments/core/raw_schema.py,
    by `python -m segments.devtools.raw_dbt_files`; edit the contract there.
    Per raw table: its dbt source, key, columns in order, the columns a file
    must have, the PII columns (hashed in the quarantine's raw values) and
    the number columns (type and scale).
#}
{% macro raw_tables() -%}
    {{ return({
        'customers': {
            'source': 'crm',
            'key': ['customer_id'],
            'columns': ['customer_id', 'full_name', 'email', 'phone', 'customer_type', 'birth_date', 'gender', 'annual_income', 'education', 'occupation', 'industry', 'business_type', 'company_size', 'country', 'city', 'signup_at', 'acquisition_channel', 'referred_by_customer_id'],
            'required': ['customer_id'],
            'pii': ['full_name', 'email', 'phone'],
            'numbers': {'annual_income': {'type': 'decimal', 'scale': 2}, 'company_size': {'type': 'integer', 'scale': 0}},
        },
        'orders': {
            'source': 'shop',
            'key': ['order_id'],
            'columns': ['order_id', 'customer_id', 'ordered_at', 'amount', 'status', 'currency', 'returned_amount', 'shipping_cost', 'channel', 'refunds_order_id'],
            'required': ['order_id', 'customer_id', 'ordered_at', 'amount'],
            'pii': [],
            'numbers': {'amount': {'type': 'decimal', 'scale': 2}, 'returned_amount': {'type': 'decimal', 'scale': 2}, 'shipping_cost': {'type': 'decimal', 'scale': 2}},
        },
        'order_items': {
            'source': 'shop',
            'key': ['order_id', 'line_number'],
            'columns': ['order_id', 'line_number', 'product_id', 'category', 'quantity', 'unit_price', 'unit_cost'],
            'required': ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price'],
            'pii': [],
            'numbers': {'line_number': {'type': 'integer', 'scale': 0}, 'quantity': {'type': 'integer', 'scale': 0}, 'unit_price': {'type': 'decimal', 'scale': 2}, 'unit_cost': {'type': 'decimal', 'scale': 2}},
        },
        'products': {
            'source': 'shop',
            'key': ['product_id'],
            'columns': ['product_id', 'product_name', 'category', 'list_price', 'unit_cost'],
            'required': ['product_id'],
            'pii': [],
            'numbers': {'list_price': {'type': 'decimal', 'scale': 2}, 'unit_cost': {'type': 'decimal', 'scale': 2}},
        },
        'leads': {
            'source': 'crm',
            'key': ['lead_id'],
            'columns': ['lead_id', 'contact_name', 'contact_email', 'company_name', 'country', 'industry', 'company_size', 'annual_revenue', 'lead_source', 'stage', 'created_at', 'last_activity_at', 'email_opens', 'site_visits', 'demo_requested', 'budget_confirmed', 'converted_customer_id'],
            'required': ['lead_id'],
            'pii': ['contact_name', 'contact_email'],
            'numbers': {'company_size': {'type': 'integer', 'scale': 0}, 'annual_revenue': {'type': 'decimal', 'scale': 2}, 'email_opens': {'type': 'integer', 'scale': 0}, 'site_visits': {'type': 'integer', 'scale': 0}},
        },
        'events': {
            'source': 'web',
            'key': ['event_id'],
            'columns': ['event_id', 'customer_id', 'event_type', 'product_id', 'occurred_at', 'device', 'country', 'city'],
            'required': ['event_id', 'event_type', 'occurred_at'],
            'pii': [],
            'numbers': {},
        },
        'invoices': {
            'source': 'billing',
            'key': ['invoice_id'],
            'columns': ['invoice_id', 'customer_id', 'order_id', 'issued_date', 'due_date', 'paid_date', 'amount', 'currency'],
            'required': ['invoice_id', 'customer_id', 'issued_date', 'due_date', 'amount'],
            'pii': [],
            'numbers': {'amount': {'type': 'decimal', 'scale': 2}},
        },
        'tickets': {
            'source': 'support',
            'key': ['ticket_id'],
            'columns': ['ticket_id', 'customer_id', 'opened_at', 'closed_at', 'category', 'satisfaction_score'],
            'required': ['ticket_id', 'customer_id', 'opened_at'],
            'pii': [],
            'numbers': {'satisfaction_score': {'type': 'integer', 'scale': 0}},
        },
        'fx_rates': {
            'source': 'finance',
            'key': ['currency', 'rate_date'],
            'columns': ['currency', 'rate_date', 'rate_to_reporting'],
            'required': ['currency', 'rate_date', 'rate_to_reporting'],
            'pii': [],
            'numbers': {'rate_to_reporting': {'type': 'decimal', 'scale': 8}},
        },
        'wallet_estimates': {
            'source': 'crm',
            'key': ['customer_id'],
            'columns': ['customer_id', 'estimated_annual_spend', 'currency', 'estimated_at'],
            'required': ['customer_id', 'estimated_annual_spend'],
            'pii': [],
            'numbers': {'estimated_annual_spend': {'type': 'decimal', 'scale': 2}},
        },
        'sales_reps': {
            'source': 'crm',
            'key': ['rep_id'],
            'columns': ['rep_id', 'rep_name', 'region', 'capacity_accounts', 'is_active'],
            'required': ['rep_id', 'capacity_accounts'],
            'pii': ['rep_name'],
            'numbers': {'capacity_accounts': {'type': 'integer', 'scale': 0}},
        },
    }) }}
{%- endmacro %}

{#
    What a parseable number looks like (see raw_schema.py): the loader's file
    check reads the same patterns.
#}
{% macro value_patterns() -%}
    {{ return({
        'number_symbols': '[$€£¥\\s]',
        'grouped_number': '[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]*)?',
        'integer': '[+-]?[0-9]+([.]0*)?',
    }) }}
{%- endmacro %}
