{#
    Sales coverage per ABC class and sales region (one region, 'All', when no
    active rep has a region): the rep capacity each class needs by its
    service policy, the capacity the region's active reps have, allocated to
    the classes in complaint-priority order (A first), and the gap. See the
    sales coverage doc.
#}
with

segments as (

    select * from {{ ref('customer_segments') }}
    where abc_class is not null

),

reps as (

    select * from {{ ref('stg_crm__sales_reps') }}
    where is_active

),

policies as (

    select * from {{ ref('service_policies') }}

),

regions_used as (

    select count(region) > 0 as is_by_region from reps

),

customers_counted as (

    select
        segments.abc_class,
        case when regions_used.is_by_region then segments.sales_region else 'All' end as sales_region,
        max(segments.as_of_date) as as_of_date,
        count(*) as customers
    from segments
    cross join regions_used
    group by segments.abc_class, case when regions_used.is_by_region then segments.sales_region else 'All' end

),

capacity_by_region as (

    select
        case when regions_used.is_by_region then reps.region else 'All' end as sales_region,
        count(*) as active_reps,
        cast(sum(reps.capacity_accounts) as {{ dbt.type_bigint() }}) as region_capacity
    from reps
    cross join regions_used
    group by case when regions_used.is_by_region then reps.region else 'All' end

),

needs_computed as (

    select
        customers_counted.as_of_date,
        customers_counted.abc_class,
        customers_counted.sales_region,
        customers_counted.customers,
        policies.coverage_ratio,
        policies.customers_per_rep_max,
        policies.complaint_priority,
        cast(customers_counted.customers as {{ type_double() }}) / policies.customers_per_rep_max
            as capacity_needed,
        coalesce(capacity_by_region.active_reps, 0) as active_reps,
        coalesce(capacity_by_region.region_capacity, 0) as region_capacity,
        cast(capacity_by_region.region_capacity as {{ type_double() }}) / capacity_by_region.active_reps
            as avg_rep_capacity
    from customers_counted
    inner join policies
        on customers_counted.abc_class = policies.abc_class
    left join capacity_by_region
        on customers_counted.sales_region = capacity_by_region.sales_region

),

{# Allocation: each class takes what it needs of what the classes before it
    (by complaint priority) left. #}
capacity_allocated as (

    select
        *,
        least(
            capacity_needed,
            greatest(
                region_capacity - coalesce(sum(capacity_needed) over (
                    partition by sales_region order by complaint_priority
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as capacity_allocated
    from needs_computed

),

reps_needed_computed as (

    select
        *,
        cast(ceil(capacity_needed / avg_rep_capacity) as {{ dbt.type_bigint() }}) as reps_needed
    from capacity_allocated

),

{# Reps are whole people: the region's reps go to the classes in the same
    order, each class taking the whole reps it needs of those left. #}
reps_allocated_computed as (

    select
        *,
        case
            when reps_needed is not null
                then
                    least(
                        reps_needed,
                        greatest(
                            active_reps - coalesce(sum(reps_needed) over (
                                partition by sales_region order by complaint_priority
                                rows between unbounded preceding and 1 preceding
                            ), 0),
                            0
                        )
                    )
        end as reps_allocated
    from reps_needed_computed

),

final as (

    select
        as_of_date,
        abc_class,
        sales_region,
        customers,
        coverage_ratio,
        customers_per_rep_max,
        complaint_priority,
        capacity_needed,
        region_capacity,
        capacity_allocated,
        capacity_needed - capacity_allocated as capacity_gap,
        active_reps,
        avg_rep_capacity,
        reps_needed,
        cast(reps_allocated as {{ dbt.type_bigint() }}) as reps_allocated,
        cast(reps_needed - reps_allocated as {{ dbt.type_bigint() }}) as rep_gap
    from reps_allocated_computed

)

select * from final
