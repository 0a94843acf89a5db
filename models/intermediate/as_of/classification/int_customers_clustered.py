"""K-means clusters of the customers with a purchase, one row per customer and as-of date.

The maths live in the tested module segments.analytics.clusters; this model hands it the RFM
features (all history, from int_orders_aggregated_to_customers) and the predicted CLV
(int_clv_predictions), and the configuration from vars. Each as-of date is
clustered on its own customers.
"""

from segments.analytics.clusters import ClusterConfig, assign_clusters_per_period
from segments.analytics.per_date import with_date_column


def cluster_config(dbt):
    # Literal config.get calls: dbt only passes the keys it finds this way.
    return ClusterConfig.from_config(
        k_min=dbt.config.get("cluster_k_min"),
        k_max=dbt.config.get("cluster_k_max"),
        sample_size=dbt.config.get("cluster_sample_size"),
        silhouette_sample_size=dbt.config.get("cluster_silhouette_sample_size"),
        seed=dbt.config.get("cluster_seed"),
    )


def model(dbt, session):
    dbt.config(materialized="table")
    orders = dbt.ref("int_orders_aggregated_to_customers")
    predictions = dbt.ref("int_clv_predictions")
    features = (
        orders.filter("orders_count > 0")
        .set_alias("orders")
        .join(
            predictions.set_alias("predictions"),
            "orders.customer_id = predictions.customer_id "
            "and orders.as_of_date = predictions.as_of_date",
            how="left",
        )
        .select(
            "orders.customer_id, orders.as_of_date, "
            "orders.days_since_last_order as recency_days, "
            "orders.orders_count as frequency, orders.net_revenue as monetary, "
            "predictions.predicted_clv"
        )
        .order("as_of_date, customer_id")
        .df()
    )
    return with_date_column(session, assign_clusters_per_period(features, cluster_config(dbt)))
