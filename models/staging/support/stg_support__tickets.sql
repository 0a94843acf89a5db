with

tickets as (

    select * from {{ ref('base_support__tickets') }}
    where quarantine_reason is null and duplicate_rank = 1

),

renamed as (

    select
        ticket_id,
        customer_id,
        opened_at,
        closed_at,
        ticket_category,
        ticket_category = 'complaint' as is_complaint,
        satisfaction_score,
        _source_row
    from tickets

)

select * from renamed
