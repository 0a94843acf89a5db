{#
    The fitted BG/NBD and Gamma-Gamma parameters as BI tools and auditors read
    them, under a contract: int_clv_model_parameters (a Python model, which
    cannot carry one) published column by column.
#}
with

parameters as (

    select * from {{ ref('int_clv_model_parameters') }}

),

final as (

    select
        as_of_date,
        time_unit_days,
        horizon_periods,
        annual_discount_rate,
        customers,
        cast(excluded_customers as {{ dbt.type_bigint() }}) as excluded_customers,
        cast(excluded_reason as {{ dbt.type_string() }}) as excluded_reason,
        bgnbd_r,
        bgnbd_alpha,
        bgnbd_a,
        bgnbd_b,
        bgnbd_log_likelihood,
        bgnbd_customers,
        gamma_gamma_p,
        gamma_gamma_q,
        gamma_gamma_gamma,
        gamma_gamma_log_likelihood,
        gamma_gamma_customers,
        bgnbd_status,
        gamma_gamma_status
    from parameters

)

select * from final
