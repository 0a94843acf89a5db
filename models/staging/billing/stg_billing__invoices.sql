with

invoices as (

    select * from {{ ref('base_billing__invoices') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        invoice_id,
        customer_id,
        order_id,
        issued_date,
        due_date,
        paid_date,
        amount,
        currency_code,
        paid_date is not null as is_paid,
        _source_row
    from invoices

)

select * from renamed
