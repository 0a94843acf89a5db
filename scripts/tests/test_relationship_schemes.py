"""Credit rating, lifecycle, clusters, prospects and sales coverage on a built warehouse:
each gives every customer (or lead, or class) a value on generated data, and a raw
folder with only `orders` gets the documented defaults instead of a failure."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segments.core import project
from segments.pipeline import build
from segments.warehouse import raw_files
from tests.conftest import DemoWarehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_generated_data_reaches_every_credit_rating_and_lifecycle_stage(
    demo_warehouse: DemoWarehouse,
) -> None:
    ratings = {
        row[0]
        for row in query(demo_warehouse.path, "select credit_rating from marts.customer_segments")
    }
    assert ratings == {"AA", "A", "B", "C", "D", "unrated"}
    stages = {
        row[0] for row in query(demo_warehouse.path, "select lifecycle_stage from marts.customers")
    }
    assert stages == {"prospect", "new", "active", "loyal", "at_risk", "churned", "reactivated"}


def test_cluster_profile_adds_up_to_the_customers_with_a_purchase(
    demo_warehouse: DemoWarehouse,
) -> None:
    [(clusters, customers, share, revenue_share, buyers)] = query(
        demo_warehouse.path,
        """
        select count(*), sum(customers), sum(customer_share), sum(revenue_share),
            (select count(*) from marts.customer_segments where has_purchased)
        from marts.customer_clusters
        """,
    )
    assert 2 <= clusters <= 8
    assert customers == buyers
    assert share == pytest.approx(1) and revenue_share == pytest.approx(1)


def test_every_open_lead_is_graded_and_no_closed_one(demo_warehouse: DemoWarehouse) -> None:
    [(open_leads, graded, grades)] = query(
        demo_warehouse.path,
        """
        select
            (select count(*) from staging.stg_crm__leads
                where is_open and cast(created_at as date) <= (
                    select max(as_of_date) from marts.customers)),
            count(*),
            count(distinct grade)
        from marts.prospects
        """,
    )
    assert graded == open_leads > 0
    assert grades == 4


def test_coverage_needs_every_customer_with_a_class_and_allocates_no_more_than_reps_have(
    demo_warehouse: DemoWarehouse,
) -> None:
    [(customers, classed, overallocated)] = query(
        demo_warehouse.path,
        """
        select
            sum(customers),
            (select count(*) from marts.customer_segments where abc_class is not null),
            count(*) filter (where capacity_allocated > capacity_needed)
        from marts.sales_coverage
        """,
    )
    assert customers == classed and overallocated == 0
    regions = query(
        demo_warehouse.path,
        """
        select sales_region, max(region_capacity), sum(capacity_allocated)
        from marts.sales_coverage group by sales_region
        having sum(capacity_allocated) > max(region_capacity) + 1e-9
        """,
    )
    assert regions == []


def test_only_orders_give_the_documented_defaults(tmp_path: Path, orders_dir: Path) -> None:
    # GIVEN a raw folder with nothing but orders WHEN it is built
    warehouse = tmp_path / "warehouse.duckdb"
    build.build(
        build.BuildOptions(
            warehouse, "ci", raw_files.find(orders_dir), project.column_mapping(), {}
        )
    )
    # THEN credit is unrated for want of invoices, the custom category is the default,
    # every buyer has a cluster, there are no prospects and coverage is one region
    assert query(
        warehouse,
        "select distinct credit_rating, credit_unrated_reason, custom_category, "
        "cluster_id is not null from marts.customer_segments",
    ) == [("unrated", "no_invoices", "none", True)]
    assert query(warehouse, "select count(*) from marts.prospects") == [(0,)]
    assert query(
        warehouse,
        "select distinct sales_region, region_capacity, reps_needed from marts.sales_coverage",
    ) == [("All", 0, None)]
