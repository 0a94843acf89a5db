"""segments.analytics.clusters: k chosen by silhouette, clusters numbered and named by their
centroid, every customer assigned from a sample fit, the same answer every run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segments.analytics.clusters import ClusterConfig, _labels, assign_clusters


def customers(groups: list[tuple[int, float, float, float, float]], seed: int = 0) -> pd.DataFrame:
    """`count` customers around each (recency, frequency, monetary, clv), +-10% noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for number, (count, recency, frequency, monetary, clv) in enumerate(groups):
        noise = rng.uniform(0.9, 1.1, size=(count, 4))
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": [f"g{number}-{i:04d}" for i in range(count)],
                    "recency_days": recency * noise[:, 0],
                    "frequency": frequency * noise[:, 1],
                    "monetary": monetary * noise[:, 2],
                    "predicted_clv": clv * noise[:, 3],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


THREE_GROUPS = [
    (200, 400.0, 1.0, 30.0, 5.0),  # lapsed one-off small buyers
    (150, 10.0, 40.0, 9_000.0, 4_000.0),  # recent frequent big spenders
    (100, 60.0, 6.0, 600.0, 300.0),  # in between
]


def by_group(result: pd.DataFrame) -> pd.Series:
    return result.groupby(result["customer_id"].str[:2])["cluster_id"].agg(set)


def test_three_separated_groups_give_three_clusters_numbered_by_value() -> None:
    # GIVEN three groups far apart in log space, and a k range of 2..6
    frame = customers(THREE_GROUPS)
    # WHEN clustered
    result = assign_clusters(frame, ClusterConfig(k_min=2, k_max=6, seed=1))
    # THEN the silhouette picks k = 3, one cluster per group, the big spenders first
    assert result["clusters_chosen"].unique().tolist() == [3]
    assert 0.5 < result["silhouette"].iloc[0] <= 1
    assert by_group(result).to_dict() == {"g1": {1}, "g2": {2}, "g0": {3}}
    labels = dict(zip(result["cluster_id"], result["cluster_label"], strict=True))
    assert labels[1] == "recent frequent high spenders, high potential"
    assert labels[3] == "lapsed occasional low spenders"


def test_recent_customers_count_as_more_valuable_than_lapsed_ones() -> None:
    # GIVEN two groups alike but for recency: about 5 days against about 500
    frame = customers([(100, 500.0, 5.0, 400.0, 100.0), (100, 5.0, 5.0, 400.0, 100.0)])
    frame[["frequency", "monetary", "predicted_clv"]] = [5.0, 400.0, 100.0]
    # WHEN clustered into two
    result = assign_clusters(frame, ClusterConfig(k_min=2, k_max=2, seed=4))
    # THEN the recent group is cluster 1 (recency enters the value negated)
    assert by_group(result).to_dict() == {"g1": {1}, "g0": {2}}
    labels = dict(zip(result["cluster_id"], result["cluster_label"], strict=True))
    assert labels == {1: "recent customers", 2: "lapsed customers"}


def test_the_same_input_gives_the_same_clusters() -> None:
    frame = customers([*THREE_GROUPS, (80, 30.0, 3.0, 200.0, 50.0)], seed=5)
    config = ClusterConfig(k_min=2, k_max=5, sample_size=120, silhouette_sample_size=60, seed=9)
    first = assign_clusters(frame, config)
    second = assign_clusters(frame.copy(), config)
    pd.testing.assert_frame_equal(first, second)


def test_a_small_sample_still_assigns_every_customer() -> None:
    # GIVEN 450 customers and a fit on 30 of them
    frame = customers(THREE_GROUPS)
    result = assign_clusters(frame, ClusterConfig(k_min=2, k_max=4, sample_size=30, seed=3))
    # THEN every customer has a cluster, and the groups are still told apart
    assert result["customer_id"].tolist() == frame["customer_id"].tolist()
    assert result["cluster_id"].notna().all()
    assert all(len(clusters) == 1 for clusters in by_group(result))


def test_a_missing_prediction_counts_as_zero() -> None:
    frame = customers(THREE_GROUPS)
    frame.loc[::7, "predicted_clv"] = np.nan
    zeros = frame.fillna({"predicted_clv": 0.0})
    config = ClusterConfig(k_min=2, k_max=4, seed=2)
    missing, zero = assign_clusters(frame, config), assign_clusters(zeros, config)
    assert missing["cluster_id"].tolist() == zero["cluster_id"].tolist()
    assert missing["predicted_clv"].isna().sum() == len(frame[::7])  # reported as given


def test_negative_values_are_clipped_at_zero() -> None:
    frame = customers(THREE_GROUPS)
    negative = frame.copy()
    negative.loc[:9, "monetary"] = -50.0  # refunded more than bought
    clipped = frame.copy()
    clipped.loc[:9, "monetary"] = 0.0
    config = ClusterConfig(k_min=2, k_max=4, seed=2)
    assert (
        assign_clusters(negative, config)["cluster_id"].tolist()
        == assign_clusters(clipped, config)["cluster_id"].tolist()
    )


def test_identical_customers_are_one_typical_cluster() -> None:
    frame = customers([(5, 30.0, 2.0, 100.0, 50.0)])
    frame[["recency_days", "frequency", "monetary", "predicted_clv"]] = [30.0, 2.0, 100.0, 50.0]
    result = assign_clusters(frame, ClusterConfig())
    assert result["cluster_id"].unique().tolist() == [1]
    assert result["cluster_label"].unique().tolist() == ["typical customers"]
    assert result["clusters_chosen"].iloc[0] == 1 and np.isnan(result["silhouette"].iloc[0])


def test_no_customers_give_an_empty_typed_result() -> None:
    result = assign_clusters(_empty(), ClusterConfig())
    assert result.empty
    # typed, so the warehouse table gets its columns' types even when empty
    assert [
        str(result[column].dtype) for column in ("customer_id", "cluster_id", "cluster_label")
    ] == [
        "str",
        "int64",
        "str",
    ]


def _empty() -> pd.DataFrame:
    columns = ["customer_id", "recency_days", "frequency", "monetary", "predicted_clv"]
    return pd.DataFrame({column: [] for column in columns})


def test_two_clusters_with_one_name_are_told_apart_by_number() -> None:
    centroids = np.array([[-1.0, 1.0, 1.0, 0.0], [-0.9, 1.2, 0.8, 0.0], [1.0, -1.0, -1.0, 0.0]])
    names = _labels(centroids, np.array([2, 1, 3]))
    assert names.tolist() == [
        "recent frequent high spenders (2)",
        "recent frequent high spenders (1)",
        "lapsed occasional low spenders",
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"k_min": 1}, "cluster_k_min must be at least 2"),
        ({"k_min": 5, "k_max": 3}, "cluster_k_max (3) must be at least cluster_k_min (5)"),
        ({"k_max": 8, "sample_size": 5}, "cluster_sample_size (5) must be at least"),
        ({"seed": "abc"}, "var cluster_seed must be an integer, got 'abc'"),
    ],
)
def test_a_configuration_that_cannot_work_names_its_var(values: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ClusterConfig.from_config(**values)


def test_the_upper_end_of_the_k_range_is_tried() -> None:
    # GIVEN three separated groups and a k range that ends at 3
    frame = customers(THREE_GROUPS)
    # WHEN clustered THEN k = 3, the range's last value, is chosen
    result = assign_clusters(frame, ClusterConfig(k_min=2, k_max=3, seed=1))
    assert result["clusters_chosen"].unique().tolist() == [3]
    assert by_group(result).to_dict() == {"g1": {1}, "g2": {2}, "g0": {3}}


def test_features_are_scaled_so_a_wide_feature_does_not_decide_alone() -> None:
    # GIVEN two groups that differ only in frequency (2 against 6 purchases, tight), and a
    # spend spread widely over five orders of magnitude in both, with no groups in it
    rng = np.random.default_rng(3)
    size = 300
    frame = pd.DataFrame(
        {
            "customer_id": [f"g{i % 2}-{i:04d}" for i in range(size)],
            "recency_days": 30.0,
            "frequency": np.where(np.arange(size) % 2 == 0, 2.0, 6.0)
            * rng.uniform(0.97, 1.03, size),
            "monetary": np.exp(rng.uniform(np.log(10), np.log(1_000_000), size)),
            "predicted_clv": 100.0,
        }
    )
    # WHEN clustered into two
    result = assign_clusters(frame, ClusterConfig(k_min=2, k_max=2, seed=5))
    # THEN the clusters are the frequency groups: scaled, the tight split in frequency
    # outweighs the wide, structureless spend (unscaled, spend would split them)
    groups = by_group(result).to_dict()
    assert len(groups["g0"]) == 1 and len(groups["g1"]) == 1 and groups["g0"] != groups["g1"]
