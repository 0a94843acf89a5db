{#
    ABC classes hold the configured revenue shares: class A's revenue share
    reaches var('abc_a_cut'), and would not without its last (smallest-
    revenue) group of tied customers; the same for A + B and var('abc_b_cut').
    Returns the class whose share is off.
#}
with

segments as (

    select * from {{ ref('customer_segments') }}
    where abc_class is not null

),

totals as (

    select sum(window_revenue) as total_revenue from segments

),

classes_aggregated as (

    select
        'A' as class_through,
        {{ var('abc_a_cut') }} as cut,
        sum(case when abc_class = 'A' then window_revenue else 0 end) as class_revenue,
        min(case when abc_class = 'A' then window_revenue end) as last_group_revenue
    from segments
    union all
    select
        'B' as class_through,
        {{ var('abc_b_cut') }} as cut,
        sum(case when abc_class in ('A', 'B') then window_revenue else 0 end) as class_revenue,
        min(case when abc_class in ('A', 'B') then window_revenue end) as last_group_revenue
    from segments

),

last_groups as (

    select
        classes_aggregated.class_through,
        classes_aggregated.cut,
        classes_aggregated.class_revenue / totals.total_revenue as class_share,
        (
            classes_aggregated.class_revenue
            - classes_aggregated.last_group_revenue * (
                select count(*) from segments
                where
                    segments.window_revenue = classes_aggregated.last_group_revenue
                    and segments.abc_class <= classes_aggregated.class_through
            )
        ) / totals.total_revenue as share_without_last_group
    from classes_aggregated
    cross join totals
    where totals.total_revenue > 0 and classes_aggregated.class_revenue > 0

)

select * from last_groups
where class_share < cut or share_without_last_group >= cut
