"""Customer clusters: k-means on standardised log RFM and CLV features.

The dbt Python model int_customers_clustered only hands this module the features and
the configuration from vars. Method (see the clusters doc block):

1. Features per customer with a purchase: recency in days, frequency, monetary and
   predicted CLV (0 when not predicted), each clipped at 0 and log1p-transformed (the
   four are heavily skewed), then standardised with the mean and standard deviation
   of a random sample (`sample_size` customers, numpy generator seeded with `seed`).
2. For each k in [k_min, k_max], k-means (scikit-learn, `random_state=seed`) is fitted
   on the sample and scored by its silhouette on at most `silhouette_sample_size` of
   the sample's points; the k with the highest silhouette wins (ties: the smaller k).
3. Every customer is assigned to its nearest centroid. Clusters are numbered by the
   value of their centroid: the mean of its standardised coordinates, recency
   negated (recent is valuable), 1 = most valuable.
4. Each cluster is named from its centroid, a word for each coordinate at least half a
   standard deviation from the mean: recent / lapsed, frequent / occasional, high / low
   spenders ("customers" when spend is middling, "typical customers" when nothing
   stands out), and ", high potential" for a predicted CLV a deviation above.

Same input and configuration, same clusters: every random choice is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.utils import check_random_state

from segments.analytics.per_date import per_as_of_date

FEATURES = ("recency_days", "frequency", "monetary", "predicted_clv")

# Centroid coordinates (standard deviations from the mean) past which a word applies.
NOTABLE = 0.5
HIGH_POTENTIAL = 1.0

# k-means restarts per k: more only moves the centroids of near-equal solutions.
N_INIT = 3

OUTPUT_COLUMNS = [
    "customer_id",
    *FEATURES,
    "cluster_id",
    "cluster_label",
    "clusters_chosen",
    "silhouette",
]


@dataclass(frozen=True)
class ClusterConfig:
    k_min: int = 2
    k_max: int = 8
    sample_size: int = 20_000
    silhouette_sample_size: int = 3_000
    seed: int = 42

    @classmethod
    def from_config(cls, **values: Any) -> ClusterConfig:
        """From dbt vars; a value that cannot work is a clear error naming its var."""
        ints: dict[str, int] = {}
        for name, value in values.items():
            if value is None:
                continue
            try:
                ints[name] = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"var cluster_{name} must be an integer, got {value!r}") from None
        config = cls(**ints)
        if config.k_min < 2:
            raise ValueError(f"var cluster_k_min must be at least 2, got {config.k_min}")
        if config.k_max < config.k_min:
            raise ValueError(
                f"var cluster_k_max ({config.k_max}) must be at least cluster_k_min "
                f"({config.k_min})"
            )
        if config.sample_size < config.k_max:
            raise ValueError(
                f"var cluster_sample_size ({config.sample_size}) must be at least "
                f"cluster_k_max ({config.k_max})"
            )
        if config.silhouette_sample_size < 2:
            raise ValueError("var cluster_silhouette_sample_size must be at least 2")
        return config


def feature_matrix(customers: pd.DataFrame) -> np.ndarray:
    """log1p of each feature clipped at 0; a missing prediction counts as 0."""
    values = customers[list(FEATURES)].astype("float64").fillna({"predicted_clv": 0.0})
    return np.log1p(np.clip(values.to_numpy(), 0.0, None))


def assign_clusters(customers: pd.DataFrame, config: ClusterConfig) -> pd.DataFrame:
    """One row per customer: its features, cluster number and label, k and silhouette."""
    result = customers[["customer_id", *FEATURES]].reset_index(drop=True)
    if result.empty:
        return _typed(result.assign(cluster_id=[], cluster_label=[]), 0, None)
    matrix = feature_matrix(result)
    rng = np.random.default_rng(config.seed)
    size = min(len(matrix), config.sample_size)
    sample_rows = np.sort(rng.choice(len(matrix), size=size, replace=False))
    mean = matrix[sample_rows].mean(axis=0)
    spread = matrix[sample_rows].std(axis=0)
    spread[spread < 1e-9] = 1.0  # a constant feature (bar rounding) stays at 0
    scaled = (matrix - mean) / spread
    sample = scaled[sample_rows]
    distinct = len(np.unique(sample.round(9), axis=0))
    if distinct < 2:
        labels = np.zeros(len(scaled), dtype=np.int64)
        centroids = sample[:1]
        chosen, silhouette = 1, None
    else:
        fitted, chosen, silhouette = _best_k(sample, distinct, config)
        labels = fitted.predict(scaled)
        centroids = fitted.cluster_centers_
    numbers = _numbered_by_value(centroids)
    names = _labels(centroids, numbers)
    result["cluster_id"] = numbers[labels]
    result["cluster_label"] = names[labels]
    return _typed(result, chosen, silhouette)


def _best_k(
    sample: np.ndarray, distinct: int, config: ClusterConfig
) -> tuple[KMeans, int, float | None]:
    """The fitted k-means with the best silhouette over the k range."""
    # A silhouette needs 2 <= k <= points - 1; with fewer distinct points, k = distinct.
    ks = range(config.k_min, min(config.k_max, distinct - 1) + 1)
    if not ks:
        k = min(config.k_min, distinct)
        return KMeans(k, random_state=config.seed, n_init=N_INIT).fit(sample), k, None
    best: tuple[float, int, KMeans] | None = None
    # The points silhouette_score(sample_size=scored, random_state=seed) would draw, and
    # their distances computed once for every k (the same numbers, 40% less time).
    scored = min(len(sample), config.silhouette_sample_size)
    rows = check_random_state(config.seed).permutation(len(sample))[:scored]
    distances = pairwise_distances(sample[rows])
    for k in ks:
        fitted = KMeans(k, random_state=config.seed, n_init=N_INIT).fit(sample)
        if len(set(fitted.labels_)) < 2:
            continue
        score = float(silhouette_score(distances, fitted.labels_[rows], metric="precomputed"))
        if best is None or score > best[0]:
            best = (score, k, fitted)
    if best is None:  # every k collapsed to one cluster
        k = config.k_min
        return KMeans(k, random_state=config.seed, n_init=N_INIT).fit(sample), k, None
    return best[2], best[1], best[0]


def _numbered_by_value(centroids: np.ndarray) -> np.ndarray:
    """Cluster number of each fitted cluster: 1 = highest centroid value."""
    value = (-centroids[:, 0] + centroids[:, 1:].sum(axis=1)) / centroids.shape[1]
    order = np.lexsort((np.arange(len(value)), -value))  # ties: the fitted order
    numbers = np.empty(len(value), dtype=np.int64)
    numbers[order] = np.arange(1, len(value) + 1)
    return numbers


def _labels(centroids: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """A readable name per fitted cluster, unique (a repeated name gets its number)."""
    names = [_label(centroid) for centroid in centroids]
    repeated = {name for name in names if names.count(name) > 1}
    return np.array(
        [
            f"{name} ({number})" if name in repeated else name
            for name, number in zip(names, numbers, strict=True)
        ],
        dtype=object,
    )


def _label(centroid: np.ndarray) -> str:
    recency, frequency, monetary, clv = centroid
    words = [
        _word(-recency, "recent", "lapsed"),
        _word(frequency, "frequent", "occasional"),
        _word(monetary, "high spenders", "low spenders"),
    ]
    label = " ".join(word for word in words if word) or "typical"
    label += "" if words[2] else " customers"
    return f"{label}, high potential" if clv >= HIGH_POTENTIAL else label


def _word(z: float, high: str, low: str) -> str:
    return high if z >= NOTABLE else low if z <= -NOTABLE else ""


def _typed(result: pd.DataFrame, chosen: int, silhouette: float | None) -> pd.DataFrame:
    result["clusters_chosen"] = chosen
    result["silhouette"] = np.nan if silhouette is None else silhouette
    return result.astype(
        {
            "customer_id": "str",
            **dict.fromkeys(FEATURES, "float64"),
            "cluster_id": "int64",
            "cluster_label": "str",
            "clusters_chosen": "int64",
            "silhouette": "float64",
        }
    )[OUTPUT_COLUMNS]


def assign_clusters_per_period(customers: pd.DataFrame, config: ClusterConfig) -> pd.DataFrame:
    """`assign_clusters` for each as-of date of `customers`, fitted on that date's rows."""
    return per_as_of_date(customers, lambda _, rows: assign_clusters(rows, config))
