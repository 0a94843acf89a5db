"""Predicted customer lifetime value: the BG/NBD and Gamma-Gamma models.

Two models, fitted by maximum likelihood, combine into a CLV:

* BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
  Marketing Science 24(2)) -- how many purchases a customer will make and
  whether they are still "alive". Per customer it needs
  ``frequency`` (x, repeat purchases: purchase periods minus one),
  ``recency`` (t_x, time of the last purchase minus time of the first) and
  ``T`` (observation end minus time of the first purchase), all in one time
  unit (weeks for CDNOW).
* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value
  Curves", Journal of Marketing Research 42(4); Hardie's note 025) -- how
  much a customer spends per purchase, from the mean value of their repeat
  purchases.

Only numpy, scipy and pandas are used, so the package runs anywhere the
warehouse runs. Every function accepts array-likes and broadcasts like numpy.

Modules: `inputs` (validation, errors, identical rows collapsed),
`likelihood` (the log-likelihoods and their gradients), `optimise` (the
maximum-likelihood search), `bgnbd`, `gamma_gamma` and `lifetime_value`.

Failures are loud: inputs that break a model's definition raise
`ClvInputError`, data that cannot identify a model or an optimiser that does
not converge raise `ClvFitError` -- never a silent NaN parameter.
"""

from segments.analytics.clv.bgnbd import (
    MIN_CUSTOMERS_BGNBD,
    BgNbdParams,
    PurchasePredictions,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgnbd,
    median_time_to_next_purchase,
    predict_purchases,
    probability_alive,
    probability_no_purchase,
)
from segments.analytics.clv.gamma_gamma import (
    MIN_CUSTOMERS_GAMMA_GAMMA,
    GammaGammaParams,
    expected_average_value,
    fit_gamma_gamma,
)
from segments.analytics.clv.inputs import (
    ClvFitError,
    ClvInputError,
    collapse_rows,
    distinct_rows,
    validate_rfm,
)
from segments.analytics.clv.lifetime_value import discounted_clv, per_step_rate
from segments.analytics.clv.likelihood import bgnbd_log_likelihood, gamma_gamma_log_likelihood

__all__ = [
    "MIN_CUSTOMERS_BGNBD",
    "MIN_CUSTOMERS_GAMMA_GAMMA",
    "BgNbdParams",
    "ClvFitError",
    "ClvInputError",
    "GammaGammaParams",
    "PurchasePredictions",
    "bgnbd_log_likelihood",
    "collapse_rows",
    "discounted_clv",
    "distinct_rows",
    "expected_average_value",
    "expected_purchases",
    "expected_purchases_unconditional",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "median_time_to_next_purchase",
    "per_step_rate",
    "predict_purchases",
    "probability_alive",
    "probability_no_purchase",
    "validate_rfm",
]
