"""What the HTML page of the report reads from the marts (read only).

Everything keeps to the report's as-of date: the current marts are computed as of
it, and of the history (`segment_summary`, `tier_migrations`) only the periods
computed as of that date or before are read, so a backfill that ran later than a
`--as-of` build adds nothing after it to the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from segments.reporting.reads import scalar
from segments.reporting.tiers import SCHEMES, Scheme, TierLabels, in_order, read_tier_order

# The scheme whose tiers the history charts follow.
HISTORY_SCHEME = "value_tier"
LORENZ_POINTS = 200
CLV_BINS = 40


@dataclass(frozen=True)
class RisingStars:
    """The rising-star rule of tier_migrations (vars rising_star_*): within `scheme`,
    from one of `from_tiers` to one of `to_tiers`."""

    scheme: str
    from_tiers: tuple[str, ...]
    to_tiers: tuple[str, ...]

    @classmethod
    def from_vars(cls, variables: Mapping[str, Any]) -> RisingStars | None:
        scheme = variables.get("rising_star_scheme")
        if not scheme:
            return None
        return cls(
            str(scheme),
            tuple(str(tier) for tier in variables.get("rising_star_from_tiers") or ()),
            tuple(str(tier) for tier in variables.get("rising_star_to_tiers") or ()),
        )


@dataclass(frozen=True)
class Migrations:
    """Customers who moved up, down, and (in the rising-star scheme only) rose, per period."""

    scheme: str
    periods: list[tuple[date, int, int, int]]
    has_rising_stars: bool


@dataclass(frozen=True)
class HtmlData:
    as_of: date | None
    rule_version: str | None
    average_clv: float | None
    key_accounts: int
    # scheme name -> (tier, customers) in the scheme's order, customers without a tier last
    tiers: dict[str, list[tuple[str, int]]]
    # scheme name -> customers without a tier: (without a purchase, buyers)
    no_tier: dict[str, tuple[int, int]]
    labels: TierLabels
    lorenz: list[tuple[float, float]]
    rfm_cells: list[tuple[int, int, int, float]]
    clv_bins: list[tuple[float, float, int]]
    history: list[tuple[date, str, int]]
    migrations: list[Migrations]
    rising_stars: RisingStars | None


def read_html_data(
    con: duckdb.DuckDBPyConnection, as_of: date | None, rising_stars: RisingStars | None
) -> HtmlData:
    """The page's numbers, the history up to `as_of` (all of it when None)."""
    cutoff = as_of or date.max
    order = read_tier_order(con)
    tiers = {scheme.name: read_tiers(con, scheme, order.get(scheme.name, [])) for scheme in SCHEMES}
    migration_schemes = [HISTORY_SCHEME]
    if rising_stars and rising_stars.scheme not in migration_schemes:
        migration_schemes.append(rising_stars.scheme)
    return HtmlData(
        as_of=as_of,
        rule_version=scalar(con, "select max(rule_version) from marts.customer_segments"),
        average_clv=scalar(con, "select avg(predicted_clv) from marts.customer_clv"),
        key_accounts=int(
            scalar(con, "select count(*) from marts.customer_segments where is_key_account")
        ),
        tiers=tiers,
        no_tier={scheme.name: read_no_tier(con, scheme) for scheme in SCHEMES},
        labels=TierLabels.of(
            {name: [*order.get(name, []), *dict(rows)] for name, rows in tiers.items()}
        ),
        lorenz=read_lorenz(con),
        rfm_cells=[
            (int(r), int(fm), int(customers), float(revenue))
            for r, fm, customers, revenue in con.execute(
                "select r_score, round((f_score + m_score) / 2.0) as fm_score, count(*), "
                "sum(monetary) from marts.customer_rfm group by all order by all"
            ).fetchall()
        ],
        clv_bins=read_clv_bins(con),
        history=[
            (period, str(tier), int(customers))
            for period, tier, customers in con.execute(
                "select period_start, tier, customers from marts.segment_summary "
                "where scheme = ? and as_of_date <= ? order by period_start, tier_rank, tier",
                [HISTORY_SCHEME, cutoff],
            ).fetchall()
        ],
        migrations=[
            read_migrations(con, scheme, cutoff, rising_stars) for scheme in migration_schemes
        ],
        rising_stars=rising_stars,
    )


def read_tiers(
    con: duckdb.DuckDBPyConnection, scheme: Scheme, order: list[str]
) -> list[tuple[str, int]]:
    """(tier, customers) of one scheme in its order (tiers.in_order)."""
    rows = con.execute(
        f"select {scheme.column} as tier, count(*) from marts.customer_segments group by tier"
    ).fetchall()
    return in_order({None if tier is None else str(tier): int(n) for tier, n in rows}, order)


def read_no_tier(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> tuple[int, int]:
    """Customers without a tier in `scheme`: (with no purchase, buyers)."""
    without, buyers = con.execute(
        "select count(*) filter (where not coalesce(has_purchased, false)), "
        f"count(*) filter (where has_purchased) from marts.customer_segments "
        f"where {scheme.column} is null"
    ).fetchall()[0]
    return int(without), int(buyers)


def read_migrations(
    con: duckdb.DuckDBPyConnection, scheme: str, cutoff: date, rising_stars: RisingStars | None
) -> Migrations:
    """The moves into each period of the history computed as of `cutoff` or before."""
    rows = con.execute(
        "select period_start, "
        "coalesce(sum(case when is_upgrade then customers end), 0), "
        "coalesce(sum(case when is_downgrade then customers end), 0), "
        "coalesce(sum(case when is_rising_star then customers end), 0) "
        "from marts.tier_migrations where scheme = ? and period_start in ("
        "select period_start from marts.segment_summary where as_of_date <= ?) "
        "group by all order by all",
        [scheme, cutoff],
    ).fetchall()
    return Migrations(
        scheme,
        [(period, int(up), int(down), int(rising)) for period, up, down, rising in rows],
        rising_stars is not None and rising_stars.scheme == scheme,
    )


def read_lorenz(con: duckdb.DuckDBPyConnection) -> list[tuple[float, float]]:
    """(share of buyers, share of revenue) with the biggest buyers first, at most
    LORENZ_POINTS points plus the origin."""
    rows = con.execute(
        f"""
        with ranked as (
            select
                row_number() over (order by monetary desc, customer_id) as buyer_rank,
                count(*) over () as buyers,
                sum(monetary) over (order by monetary desc, customer_id) as revenue_so_far,
                sum(monetary) over () as revenue
            from marts.customer_rfm
        )
        select cast(buyer_rank as double) / buyers, revenue_so_far / nullif(revenue, 0)
        from ranked
        where buyer_rank = buyers or buyer_rank % greatest(1, buyers // {LORENZ_POINTS}) = 0
        order by buyer_rank
        """
    ).fetchall()
    return [(0.0, 0.0)] + [(float(x), float(y or 0)) for x, y in rows]


def read_clv_bins(con: duckdb.DuckDBPyConnection) -> list[tuple[float, float, int]]:
    """(from, to, customers) of CLV_BINS equal bins up to the 99th percentile; the
    last bin takes everything above."""
    top = scalar(
        con,
        "select quantile_cont(predicted_clv, 0.99) from marts.customer_clv "
        "where predicted_clv is not null",
    )
    if top is None:
        return []
    width = max(float(top), 1e-9) / CLV_BINS
    rows = con.execute(
        "select least(cast(floor(greatest(predicted_clv, 0) / ?) as integer), ?) as bin, "
        "count(*) from marts.customer_clv where predicted_clv is not null "
        "group by all order by all",
        [width, CLV_BINS - 1],
    ).fetchall()
    return [(index * width, (index + 1) * width, int(count)) for index, count in rows]


def kpis(data: HtmlData, currency: str) -> list[tuple[str, str]]:
    """The KPI cards the marts add to the headline: average predicted CLV, key accounts."""
    average = "n/a" if data.average_clv is None else f"{data.average_clv:,.2f}"
    return [
        (f"Average predicted CLV ({currency})", average),
        ("Key accounts", f"{data.key_accounts:,}"),
    ]
