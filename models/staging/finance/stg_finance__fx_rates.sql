{#
    Each rate holds from its rate_date until the next one for the currency
    (valid_to is exclusive; the last rate holds on).
#}
with

fx_rates as (

    select * from {{ ref('base_finance__fx_rates') }}
    where quarantine_reason is null and duplicate_rank = 1

),

validity_added as (

    select
        currency_code,
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency_code order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to,
        rate_to_reporting
    from fx_rates

)

select * from validity_added
