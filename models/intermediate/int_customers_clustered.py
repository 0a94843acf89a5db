"""K-means clusters of the customers with a purchase (one row per customer).

The maths live in the tested module segments.clusters; this model hands it the RFM
features (all history, from int_orders_aggregated_to_customers) and the predicted CLV
(int_clv_predictions), and the configuration from vars.
"""

from segments.clusters import ClusterConfig, assign_clusters


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
        .join(predictions.set_alias("predictions"), "customer_id", how="left")
        .select(
            "orders.customer_id, orders.days_since_last_order as recency_days, "
            "orders.orders_count as frequency, orders.net_revenue as monetary, "
            "predictions.predicted_clv"
        )
        .order("customer_id")
        .df()
    )
    return assign_clusters(features, cluster_config(dbt))
