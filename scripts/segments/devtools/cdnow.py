"""The CDNOW data set: the reference data the CLV models are validated on.

CDNOW sold CDs online; Fader & Hardie's data set follows the 23,570
customers whose first purchase was in January-March 1997 through June 1998
(78 weeks). The standard benchmark is a 1-in-10 sample of 2,357 customers
with weeks 1-39 (1997-01-01 .. 1997-09-30) as calibration period and weeks
40-78 (to 1998-06-30) as holdout. The files are vendored from the lifetimes
package (MIT licence); see ``data/cdnow/README.md``.

`sample_summary` derives the model inputs from the transactions the way
Fader & Hardie do: purchases on the same day are one purchase (their
amounts summed), frequency counts repeat purchase days in the calibration
period, recency and T are measured in weeks from the first purchase to the
last purchase and to 1997-09-30, and monetary value is the mean of the
repeat purchases' amounts (the first purchase is excluded, as in FHL 2005
JMR). `published_summary` reads the summary that ships with the data, to
compare against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import NDArray

DATA_PACKAGE = "segments.devtools"
DATA_DIR = "data/cdnow"
MASTER_FILE = "CDNOW_master.txt.gz"
SAMPLE_FILE = "CDNOW_sample.txt.gz"
PUBLISHED_SUMMARY_FILE = "cdnow_customers_summary_with_transactions.csv.gz"

FIRST_DATE = date(1997, 1, 1)
CALIBRATION_END = date(1997, 9, 30)  # last day of week 39
HOLDOUT_END = date(1998, 6, 30)  # last day of week 78
DAYS_PER_WEEK = 7.0

TRANSACTION_COLUMNS = ("customer_id", "date", "quantity", "amount")


@dataclass(frozen=True)
class RfmSummary:
    """One entry per customer, in customer_id order; times in weeks (or the unit asked)."""

    customer_id: NDArray[np.int64]
    frequency: NDArray[np.float64]
    recency: NDArray[np.float64]
    T: NDArray[np.float64]
    monetary_value: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.customer_id)


def _read_gzip_table(name: str, columns: list[str], *, has_header: bool) -> pd.DataFrame:
    path = resources.files(DATA_PACKAGE).joinpath(f"{DATA_DIR}/{name}")
    with path.open("rb") as handle:
        return pd.read_csv(
            handle,
            compression="gzip",
            sep=r"\s+",
            header=0 if has_header else None,
            names=columns,
            dtype={"date": str},
        )


def _typed(transactions: pd.DataFrame) -> pd.DataFrame:
    transactions["date"] = pd.to_datetime(transactions["date"], format="%Y%m%d")
    return transactions.astype({"customer_id": "int64", "quantity": "int64", "amount": "float64"})


def load_master() -> pd.DataFrame:
    """All 69,659 CDNOW transactions of the 23,570 customers.

    Columns: customer_id (int), date (datetime64), quantity (CDs, int),
    amount (US dollars, float). One row per transaction as recorded; a
    customer can have several on one day.
    """
    return _typed(_read_gzip_table(MASTER_FILE, list(TRANSACTION_COLUMNS), has_header=True))


def load_sample() -> pd.DataFrame:
    """The 6,919 transactions of the 2,357-customer sample (a subset of the master file).

    Columns as `load_master`, plus master_customer_id; customer_id is the
    sample's own id 1..2357, the id the published summary uses.
    """
    raw = _read_gzip_table(
        SAMPLE_FILE,
        ["master_customer_id", "customer_id", "date", "quantity", "amount"],
        has_header=False,
    )
    sample = _typed(raw).astype({"master_customer_id": "int64"})
    return sample[["customer_id", "master_customer_id", "date", "quantity", "amount"]]


def _purchase_days(transactions: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and purchase day, amounts summed (same-day purchases are one)."""
    return (
        transactions.groupby(["customer_id", "date"], as_index=False)["amount"]
        .sum()
        .sort_values(["customer_id", "date"], kind="stable")
    )


def summarise_transactions(
    transactions: pd.DataFrame,
    calibration_end: date = CALIBRATION_END,
    time_unit_days: float = DAYS_PER_WEEK,
) -> RfmSummary:
    """Frequency, recency, T and mean repeat spend per customer, from transactions.

    Uses transactions on or before ``calibration_end``; customers whose
    first purchase is later are not in the result. Times are
    (date difference in days) / ``time_unit_days``.
    """
    end = pd.Timestamp(calibration_end)
    days = _purchase_days(transactions[transactions["date"] <= end])
    days["purchase_number"] = days.groupby("customer_id").cumcount()
    per_customer = days.groupby("customer_id").agg(
        first_date=("date", "min"),
        last_date=("date", "max"),
        purchase_days=("date", "size"),
    )
    repeat_spend = days[days["purchase_number"] > 0].groupby("customer_id")["amount"].mean()
    per_customer["monetary_value"] = repeat_spend.reindex(per_customer.index).fillna(0.0)
    unit = pd.Timedelta(days=time_unit_days)
    return RfmSummary(
        customer_id=per_customer.index.to_numpy(dtype=np.int64),
        frequency=(per_customer["purchase_days"] - 1).to_numpy(dtype=np.float64),
        recency=((per_customer["last_date"] - per_customer["first_date"]) / unit).to_numpy(
            dtype=np.float64
        ),
        T=((end - per_customer["first_date"]) / unit).to_numpy(dtype=np.float64),
        monetary_value=per_customer["monetary_value"].to_numpy(dtype=np.float64),
    )


def sample_summary() -> RfmSummary:
    """Model inputs for the 2,357-customer sample, 39-week calibration, in weeks.

    Derived from the sample's transactions (see the module docstring). It
    equals `published_summary` to the published 2 decimals; the values are
    left unrounded, and this matters: the Gamma-Gamma fit reproduces the
    published gamma = 15.44 on unrounded spend, 15.45 on the rounded one.
    """
    return summarise_transactions(load_sample())


def published_summary() -> RfmSummary:
    """The summary shipped with the data (x, t_x, T, zbar), values rounded to 2 decimals."""
    path = resources.files(DATA_PACKAGE).joinpath(f"{DATA_DIR}/{PUBLISHED_SUMMARY_FILE}")
    with path.open("rb") as handle:
        table = pd.read_csv(handle, compression="gzip")
    return RfmSummary(
        customer_id=table["ID"].to_numpy(dtype=np.int64),
        frequency=table["x"].to_numpy(dtype=np.float64),
        recency=table["t_x"].to_numpy(dtype=np.float64),
        T=table["T"].to_numpy(dtype=np.float64),
        monetary_value=table["zbar"].to_numpy(dtype=np.float64),
    )


def holdout_purchases(
    transactions: pd.DataFrame,
    customer_id: NDArray[np.int64],
    calibration_end: date = CALIBRATION_END,
    holdout_end: date = HOLDOUT_END,
) -> NDArray[np.int64]:
    """Purchase days per customer after ``calibration_end`` up to ``holdout_end`` (weeks 40-78).

    Returned in the order of ``customer_id`` (0 for customers with none):
    the actuals to compare `segments.analytics.clv.expected_purchases` with.
    """
    dates = transactions["date"]
    window = transactions[
        (dates > pd.Timestamp(calibration_end)) & (dates <= pd.Timestamp(holdout_end))
    ]
    counts = _purchase_days(window).groupby("customer_id").size()
    return counts.reindex(customer_id, fill_value=0).to_numpy(dtype=np.int64)
