"""The tiers of every scheme as the report shows them: in the scheme's own order, and
labelled so that two schemes' tiers of the same name cannot be confused.

The order comes from the seeds that define the tiers, never from this code: the
ranked schemes (ABC, value tier, value class, composite, credit rating, lifecycle,
RFM segment) by the `tier_rank` that `segment_summary` carries (int_tier_ranks, from
the `tier_ranks`, `value_tiers`, `credit_ratings` and `rfm_segments` seeds); the
strategy quadrants in the row order of their seed; custom categories by their rules'
priority; clusters by number. A tier no seed orders follows, biggest first; customers
without a tier come last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb

from segments.reporting.reads import has_table

# Customers without a tier in a scheme, as the charts name them.
NO_TIER = "(none)"
# A tier name this short is a letter grade (A, AA), not a word two schemes could share.
MAX_GRADE_LENGTH = 2


@dataclass(frozen=True)
class Scheme:
    """A scheme of the report: its customer_segments column, its name in the history
    marts, its title and the tag added to a tier another scheme also has."""

    column: str
    name: str
    title: str
    tag: str

    @property
    def in_sentence(self) -> str:
        """The title inside a sentence: "value tier", but "RFM segment"."""
        first = self.title.split()[0]
        return self.title if first.isupper() else self.title[0].lower() + self.title[1:]


SCHEMES = (
    Scheme("rfm_segment", "rfm_segment", "RFM segment", "RFM"),
    Scheme("abc_class", "abc_class", "ABC class", "ABC"),
    Scheme("value_tier", "value_tier", "Value tier", "value tier"),
    Scheme("value_class", "value_class", "Value class", "value class"),
    Scheme("composite_tier", "composite_tier", "Composite tier", "composite"),
    Scheme("strategy_quadrant", "strategy_quadrant", "Strategy quadrant", "quadrant"),
    Scheme("credit_rating", "credit_rating", "Credit rating", "credit"),
    Scheme("lifecycle_stage", "lifecycle_stage", "Lifecycle stage", "lifecycle"),
    Scheme("cluster_label", "cluster", "Cluster", "cluster"),
    Scheme("custom_category", "custom_category", "Custom category", "custom category"),
)
SCHEME_BY_NAME = {scheme.name: scheme for scheme in SCHEMES}

# A scheme's order when segment_summary ranks none of its tiers: the seed (or mart)
# that lists them in order (the unranked schemes; RFM segments before any history).
SEED_ORDER_SQL = {
    "rfm_segment": (
        ("config", "rfm_segments"),
        "select rfm_segment from config.rfm_segments order by segment_rank, rfm_segment",
    ),
    # DuckDB keeps a seed's rows in file order (rowid).
    "strategy_quadrant": (
        ("config", "strategy_quadrants"),
        "select strategy_quadrant from config.strategy_quadrants order by rowid",
    ),
    "custom_category": (
        ("config", "custom_category_rules"),
        "select category from config.custom_category_rules order by priority, category",
    ),
    "cluster": (
        ("marts", "customer_segments"),
        "select cluster_label from marts.customer_segments where cluster_label is not null "
        "group by cluster_label order by min(cluster_id), cluster_label",
    ),
}


def read_tier_order(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Scheme name -> its tiers in the seeds' order, best (or first) first."""
    order: dict[str, list[str]] = {}
    if has_table(con, "marts", "segment_summary"):
        rows = con.execute(
            "select scheme, tier, arg_max(tier_rank, period_start) as tier_rank "
            "from marts.segment_summary where tier_rank is not null "
            "group by scheme, tier order by scheme, tier_rank, tier"
        ).fetchall()
        for scheme, tier, _ in rows:
            order.setdefault(str(scheme), []).append(str(tier))
    for scheme, ((schema, name), sql) in SEED_ORDER_SQL.items():
        if scheme not in order and has_table(con, schema, name):
            order[scheme] = [str(tier) for (tier,) in con.execute(sql).fetchall()]
    return order


def in_order(counted: Mapping[str | None, int], order: Iterable[str]) -> list[tuple[str, int]]:
    """(tier, customers) of the tiers `counted`: those of `order` in its order, then the
    others biggest first, then NO_TIER for the customers without one (key None)."""
    ranked = [tier for tier in dict.fromkeys(order) if tier in counted]
    others = sorted(
        (tier for tier in counted if tier is not None and tier not in ranked),
        key=lambda tier: (-counted[tier], tier),
    )
    listed = [(tier, int(counted[tier])) for tier in ranked + others]
    return listed + ([(NO_TIER, int(counted[None]))] if None in counted else [])


def shared_word(tier: str) -> str:
    """What a reader takes a tier name to mean: `at_risk`, `At Risk` and `at risk` alike."""
    return " ".join(tier.replace("_", " ").lower().split())


@dataclass(frozen=True)
class TierLabels:
    """The label of each tier: its name, tagged with its scheme ("Loyal (RFM)",
    "loyal (lifecycle)") when a tier of another scheme reads the same word. Letter
    grades (A, B, AA) are a scale each scheme's title names, so they stay untagged."""

    shared: frozenset[str]

    @classmethod
    def of(cls, tiers: Mapping[str, Iterable[str]]) -> TierLabels:
        """From scheme name -> its tiers (the order and the tiers present)."""
        schemes_of: dict[str, set[str]] = {}
        for scheme, names in tiers.items():
            for tier in names:
                if tier != NO_TIER:
                    schemes_of.setdefault(shared_word(tier), set()).add(scheme)
        return cls(
            frozenset(
                word
                for word, found in schemes_of.items()
                if len(found) > 1 and len(word) > MAX_GRADE_LENGTH
            )
        )

    def label(self, scheme: str, tier: str) -> str:
        known = SCHEME_BY_NAME.get(scheme)
        if tier == NO_TIER or known is None or shared_word(tier) not in self.shared:
            return tier
        return f"{tier} ({known.tag})"
