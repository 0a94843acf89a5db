"""Predicted CLV as the dbt Python models use it: fit once, predict per customer.

`fit_parameters` turns the `int_clv_inputs` table into one row of fitted
BG/NBD and Gamma-Gamma parameters (stored as `clv_model_parameters`);
`predict` applies them per customer (`int_clv_predictions`). The maths is in
`segments.analytics.clv`; this module adds the documented fallback:

- BG/NBD cannot be fitted (too few customers, no repeat purchases, no
  convergence): `bgnbd_status` says why; purchases, p_alive and CLV are null.
- Gamma-Gamma cannot be fitted (too few repeat buyers with positive spend):
  `gamma_gamma_status` says why; expected average value and CLV are null,
  purchase predictions stay.
- The expected next order date is null when the customer is probably gone
  (P(alive) under `next_order_min_probability_alive`), when BG/NBD is not
  fitted, or when the median wait is over a century;
  `expected_next_order_status` says which.

Nothing is guessed: a null prediction with its reason beats a made-up number.
A customer whose inputs break the models' definitions (a non-finite value,
recency after T, ...) cannot stop the fit for everyone: it is left out of both
fits and gets null predictions, and `excluded_customers` / `excluded_reason`
say how many and why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from segments.analytics import clv
from segments.analytics.per_date import per_as_of_date
from segments.core.errors import SegmentsError

INPUT_COLUMNS = ("customer_id", "frequency", "recency", "t", "repeat_average_value")
# The parameters of a date without a fit (no customers): every prediction null.
NOT_FITTED = pd.Series({"bgnbd_status": "no customers", "gamma_gamma_status": "no customers"})
PREDICTION_COLUMNS = (
    "expected_purchases",
    "probability_alive",
    "expected_average_value",
    "predicted_clv",
    "churn_probability",
)
# A median wait longer than a century is no date anyone can act on (and past
# 2262 pandas cannot hold it): the date is null, its status says why.
NEXT_ORDER_MAX_DAYS = 36_525


@dataclass(frozen=True)
class ClvConfig:
    time_unit_days: float = 7.0
    horizon_periods: float = 52.0
    annual_discount_rate: float = 0.10
    profit_margin: float = 1.0

    @classmethod
    def from_config(cls, **values: object) -> ClvConfig:
        """Build from the model's config values (dbt passes vars through as text).

        A missing value is an error, not a silent default: dbt only hands a
        Python model the config keys it reads with literal
        `dbt.config.get("...")` calls.
        """
        missing = sorted(name for name in asdict(cls()) if values.get(name) in (None, ""))
        if missing:
            raise SegmentsError(f"CLV config values missing: {', '.join(missing)}")
        return cls(**{name: float(values[name]) for name in asdict(cls())})


@dataclass(frozen=True)
class ChurnConfig:
    """The churn horizon (days) and the P(alive) floor of the expected next order date."""

    churn_horizon_days: float = 90.0
    next_order_min_probability_alive: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.churn_horizon_days) and self.churn_horizon_days > 0):
            raise SegmentsError(
                f"churn_horizon_days must be a number of days > 0, got {self.churn_horizon_days}"
            )
        if not 0 <= self.next_order_min_probability_alive <= 1:
            raise SegmentsError(
                "next_order_min_probability_alive must be between 0 and 1, got "
                f"{self.next_order_min_probability_alive}"
            )

    @classmethod
    def from_config(cls, **values: object) -> ChurnConfig:
        """Build from the model's config values; a missing one is an error (see ClvConfig)."""
        missing = sorted(name for name in asdict(cls()) if values.get(name) in (None, ""))
        if missing:
            raise SegmentsError(f"churn config values missing: {', '.join(missing)}")
        return cls(**{name: float(values[name]) for name in asdict(cls())})


def _status(error: Exception | None) -> str:
    return "fitted" if error is None else f"not fitted: {error}"


def outside_model(inputs: pd.DataFrame) -> np.ndarray:
    """Per row, the first BG/NBD / Gamma-Gamma definition its inputs break, else None.

    None everywhere (the usual case) costs one vectorised check, no per-row work.
    """
    x, t_x, t_cal, m = (
        inputs[column].to_numpy(dtype=float)
        for column in ("frequency", "recency", "t", "repeat_average_value")
    )
    with np.errstate(invalid="ignore"):
        rules = (
            (
                ~(np.isfinite(x) & np.isfinite(t_x) & np.isfinite(t_cal) & np.isfinite(m)),
                "a non-finite input",
            ),
            ((x < 0) | (x != np.round(x)), "frequency not a whole number >= 0"),
            ((t_x < 0) | (t_cal < 0), "a negative recency or t"),
            (t_x > t_cal, "recency after t"),
            ((x == 0) & (t_x != 0), "recency without a repeat purchase"),
        )
    reasons = np.full(len(x), None, dtype=object)
    if not np.logical_or.reduce([mask for mask, _ in rules]).any():
        return reasons
    for mask, reason in reversed(rules):  # the first rule broken wins
        reasons[mask] = reason
    return reasons


def _excluded_reason(inputs: pd.DataFrame, out: np.ndarray, reasons: np.ndarray) -> str | None:
    """'2 customer(s) left out of both fits: a non-finite input (1, first C9), ...'."""
    if not out.any():
        return None
    left_out = pd.DataFrame({"reason": reasons[out], "customer_id": inputs["customer_id"][out]})
    parts = [
        f"{reason} ({len(rows)}, first {rows['customer_id'].iloc[0]})"
        for reason, rows in left_out.groupby("reason", sort=False)
    ]
    return f"{int(out.sum())} customer(s) left out of both fits: " + "; ".join(parts)


def fit_parameters(
    inputs: pd.DataFrame, as_of_date: date | None, config: ClvConfig
) -> pd.DataFrame:
    """One row: the fitted parameters, log-likelihoods, sizes and fit status."""
    nan = float("nan")
    reasons = outside_model(inputs)
    out = reasons != None  # noqa: E711 (elementwise)
    usable = inputs[~out] if out.any() else inputs
    row: dict[str, object] = {
        "as_of_date": as_of_date,
        "time_unit_days": config.time_unit_days,
        "horizon_periods": config.horizon_periods,
        "annual_discount_rate": config.annual_discount_rate,
        "customers": len(inputs),
        "excluded_customers": len(inputs) - len(usable),
        "excluded_reason": _excluded_reason(inputs, out, reasons),
    }
    bgnbd_error: Exception | None = None
    try:
        bgnbd = clv.fit_bgnbd(usable["frequency"], usable["recency"], usable["t"])
        row |= {f"bgnbd_{k}": getattr(bgnbd, k) for k in ("r", "alpha", "a", "b")}
        row |= {"bgnbd_log_likelihood": bgnbd.log_likelihood, "bgnbd_customers": bgnbd.n_customers}
    except clv.ClvFitError as error:
        bgnbd_error = error
        row |= {f"bgnbd_{k}": nan for k in ("r", "alpha", "a", "b", "log_likelihood")}
        row["bgnbd_customers"] = 0
    gamma_error: Exception | None = None
    try:
        gamma = clv.fit_gamma_gamma(usable["frequency"], usable["repeat_average_value"])
        row |= {f"gamma_gamma_{k}": getattr(gamma, k) for k in ("p", "q", "gamma")}
        row |= {
            "gamma_gamma_log_likelihood": gamma.log_likelihood,
            "gamma_gamma_customers": gamma.n_customers,
        }
    except clv.ClvFitError as error:
        gamma_error = error
        row |= {f"gamma_gamma_{k}": nan for k in ("p", "q", "gamma", "log_likelihood")}
        row["gamma_gamma_customers"] = 0
    row["bgnbd_status"] = _status(bgnbd_error)
    row["gamma_gamma_status"] = _status(gamma_error)
    return pd.DataFrame([row])


def bgnbd_from_row(parameters: pd.Series) -> clv.BgNbdParams | None:
    """The BG/NBD parameters of a stored parameters row, None when not fitted."""
    if parameters["bgnbd_status"] != "fitted":
        return None
    return clv.BgNbdParams(
        r=parameters["bgnbd_r"],
        alpha=parameters["bgnbd_alpha"],
        a=parameters["bgnbd_a"],
        b=parameters["bgnbd_b"],
        log_likelihood=parameters["bgnbd_log_likelihood"],
        n_customers=int(parameters["bgnbd_customers"]),
        converged=True,
    )


def _gamma_gamma(parameters: pd.Series) -> clv.GammaGammaParams | None:
    if parameters["gamma_gamma_status"] != "fitted":
        return None
    return clv.GammaGammaParams(
        p=parameters["gamma_gamma_p"],
        q=parameters["gamma_gamma_q"],
        gamma=parameters["gamma_gamma_gamma"],
        log_likelihood=parameters["gamma_gamma_log_likelihood"],
        n_customers=int(parameters["gamma_gamma_customers"]),
        converged=True,
    )


def predict(
    inputs: pd.DataFrame,
    parameters: pd.Series,
    config: ClvConfig,
    churn: ChurnConfig = ChurnConfig(),
    as_of_date: date | None = None,
) -> pd.DataFrame:
    """Per customer: expected purchases over the horizon, p_alive, expected value, CLV,
    churn probability and the expected next order date (null without `as_of_date`)."""
    out = inputs.loc[:, list(INPUT_COLUMNS)].reset_index(drop=True)
    size = len(out)
    if size == 0:  # no values to infer from: keep the key a text column in the table
        out = out.astype({"customer_id": "string"})
    for column in PREDICTION_COLUMNS:
        out[column] = np.full(size, np.nan)
    bgnbd, gamma = bgnbd_from_row(parameters), _gamma_gamma(parameters)
    reasons = outside_model(out)
    inside = reasons == None  # noqa: E711 (elementwise; left out: null predictions)
    next_order = _NextOrder(size, as_of_date)
    if bgnbd is None:
        status = str(parameters["bgnbd_status"])
        next_order.status[:] = (
            status if status.startswith("not fitted") else f"not fitted: {status}"
        )
    else:
        next_order.status[~inside] = "left out of the fit: " + reasons[~inside].astype(str)
    if bgnbd is None or not inside.any():
        return next_order.into(out)
    rows = slice(None) if inside.all() else inside
    x, t_x, t_cal, m = (
        out[column].to_numpy(dtype=float)[rows]
        for column in ("frequency", "recency", "t", "repeat_average_value")
    )
    purchases = clv.predict_purchases(
        bgnbd,
        x,
        t_x,
        t_cal,
        horizon_periods=config.horizon_periods,
        periods_per_step=1.0,
        discount_rate_per_step=clv.per_step_rate(
            config.annual_discount_rate, 1.0, config.time_unit_days
        ),
    )
    out.loc[rows, "expected_purchases"] = purchases.expected_purchases
    out.loc[rows, "probability_alive"] = purchases.probability_alive
    if gamma is not None:
        value = clv.expected_average_value(gamma, x, m)
        out.loc[rows, "expected_average_value"] = value
        out.loc[rows, "predicted_clv"] = (
            config.profit_margin * value * purchases.discounted_purchases
        )
    tau = churn.churn_horizon_days / config.time_unit_days
    out.loc[rows, "churn_probability"] = clv.probability_no_purchase(bgnbd, tau, x, t_x, t_cal)
    median_days = clv.median_time_to_next_purchase(bgnbd, x, t_x, t_cal) * config.time_unit_days
    next_order.predict(rows, purchases.probability_alive, median_days, churn)
    return next_order.into(out)


class _NextOrder:
    """The expected next order date and its status, filled in by `predict`."""

    def __init__(self, size: int, as_of_date: date | None) -> None:
        self.as_of_date = as_of_date
        self.date = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
        self.status = np.full(size, None, dtype=object)

    def predict(
        self,
        rows: slice | np.ndarray,
        alive: np.ndarray,
        median_days: np.ndarray,
        churn: ChurnConfig,
    ) -> None:
        """Date = as-of date + ceil(median wait in days), the first whole day by which the
        customer, if alive, has ordered again with probability one half or more."""
        floor = churn.next_order_min_probability_alive
        # ceil after rounding away float noise, so 14.000000000001 days is 14, not 15
        days = np.ceil(np.round(median_days, 9))
        too_far = days > NEXT_ORDER_MAX_DAYS
        gone = alive < floor
        status = np.full(len(alive), "predicted", dtype=object)
        status[too_far] = f"median wait over {NEXT_ORDER_MAX_DAYS} days"
        if gone.any():
            # truncated, so the value shown is under the floor too; formatted once per value
            shown, which = np.unique(np.floor(alive[gone] * 1000) / 1000, return_inverse=True)
            text = np.array([f"probability alive {v:.3f} under the floor {floor:g}" for v in shown])
            status[gone] = text[which]
        predicted = ~(gone | too_far)
        dated = np.full(len(alive), np.datetime64("NaT"), dtype="datetime64[D]")
        if self.as_of_date is not None:
            start = np.datetime64(self.as_of_date, "D")
            dated[predicted] = start + days[predicted].astype("timedelta64[D]")
        self.date[rows] = dated
        self.status[rows] = status

    def into(self, out: pd.DataFrame) -> pd.DataFrame:
        # datetime64 (pandas has no date dtype): `with_date_column` makes it a DATE
        out["expected_next_order_date"] = pd.Series(self.date, index=out.index)
        out["expected_next_order_status"] = pd.array(self.status, dtype="string")
        return out


def fit_parameters_per_period(
    inputs: pd.DataFrame, as_of_dates: pd.Series, config: ClvConfig
) -> pd.DataFrame:
    """One row per as-of date: each period's customers fitted on their own.

    `inputs` holds every period's rows (an `as_of_date` column); a date with
    no inputs still gets its row, with the reason the fit could not run.
    """
    dates = [None if pd.isna(day) else pd.Timestamp(day).date() for day in as_of_dates]
    by_date = {
        pd.Timestamp(day).date(): rows.drop(columns="as_of_date")
        for day, rows in inputs.groupby("as_of_date", sort=True)
    }
    empty = inputs.iloc[0:0].drop(columns="as_of_date")
    rows = [fit_parameters(by_date.get(day, empty), day, config) for day in sorted(dates, key=str)]
    return pd.concat(rows, ignore_index=True)


def predict_per_period(
    inputs: pd.DataFrame,
    parameters: pd.DataFrame,
    config: ClvConfig,
    churn: ChurnConfig = ChurnConfig(),
) -> pd.DataFrame:
    """`predict` for each as-of date of `inputs` with that date's parameters."""
    fitted = {pd.Timestamp(row["as_of_date"]).date(): row for _, row in parameters.iterrows()}
    return per_as_of_date(
        inputs,
        lambda day, rows: predict(rows, fitted.get(day, NOT_FITTED), config, churn, day),
    )
