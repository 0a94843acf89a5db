{#
    The profile of each k-means cluster: size, revenue, averages and the
    centroid in the features' own units (the back-transformed mean of the
    log features the clusters were fitted on). One row per cluster and as-of
    date.
#}
with

clustered as (

    select * from {{ ref('int_customers_clustered') }}

),

totals as (

    select
        as_of_date,
        count(*) as customers,
        sum(monetary) as revenue
    from clustered
    group by as_of_date

),

clusters_aggregated as (

    select
        as_of_date,
        cluster_id,
        min(cluster_label) as cluster_label,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(recency_days) as avg_recency_days,
        avg(frequency) as avg_frequency,
        avg(monetary) as avg_monetary,
        avg(coalesce(predicted_clv, 0)) as avg_predicted_clv,
        {%- for feature in ['recency_days', 'frequency', 'monetary', 'predicted_clv'] %}
        exp(avg(ln(1 + greatest(coalesce({{ feature }}, 0), 0)))) - 1 as centroid_{{ feature }},
        {%- endfor %}
        min(clusters_chosen) as clusters_chosen,
        min(silhouette) as silhouette
    from clustered
    group by as_of_date, cluster_id

),

profiled as (

    select
        clusters_aggregated.as_of_date,
        clusters_aggregated.cluster_id,
        clusters_aggregated.cluster_label,
        clusters_aggregated.customers,
        cast(clusters_aggregated.customers as {{ type_double() }}) / totals.customers as customer_share,
        {{ to_money('clusters_aggregated.revenue') }} as revenue,
        cast(clusters_aggregated.revenue as {{ type_double() }}) / nullif(totals.revenue, 0) as revenue_share,
        clusters_aggregated.avg_recency_days,
        clusters_aggregated.avg_frequency,
        clusters_aggregated.avg_monetary,
        clusters_aggregated.avg_predicted_clv,
        clusters_aggregated.centroid_recency_days,
        clusters_aggregated.centroid_frequency,
        clusters_aggregated.centroid_monetary,
        clusters_aggregated.centroid_predicted_clv,
        clusters_aggregated.clusters_chosen,
        clusters_aggregated.silhouette
    from clusters_aggregated
    inner join totals
        on clusters_aggregated.as_of_date = totals.as_of_date

)

select * from profiled
