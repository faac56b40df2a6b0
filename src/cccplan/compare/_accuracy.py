"""Forecast against actuals, and the client's forecast against the CCC's own (private).

Per series and period (local day, local week, the whole horizon) the table
gives the *basis* volume (actuals; or the client's forecast when the CCC's
forecast is assessed) and the *assessed* volume (the client's forecast; or the
CCC's), with

* ``wape = sum |assessed - basis| / sum basis`` over the period's intervals
  (:func:`cccplan.forecast.accuracy.wape`), ``bias = sum (assessed - basis) /
  sum basis`` (:func:`cccplan.forecast.accuracy.bias`);
* the agreement's accuracy: ``deviation = |sum assessed - sum basis| /
  sum denominator`` with the denominator the basis (``"actual"``) or the
  assessed volume (``"forecast"``), ``accuracy = 1 - deviation``, ``within``
  when the deviation is within the agreed tolerance of that level;
* volume-weighted handle times of both sides and their relative deviation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.frames._columns import VOLUME

__all__ = ["ACCURACY_COLUMNS", "accuracy_table", "interval_deviation", "relief_mask"]

FloatArray = npt.NDArray[np.float64]
ACCURACY_COLUMNS = (
    "reference", "level", "period", "intervals", "basis_volume", "assessed_volume",
    "wape", "bias", "deviation", "accuracy", "tolerance", "within",
    "basis_aht", "assessed_aht", "aht_deviation",
)  # fmt: skip


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denominator > 0, numerator / denominator, np.nan)
    # A period with no basis contacts but assessed ones is infinitely off, not unknown.
    return np.where((denominator <= 0) & (numerator > 0), np.inf, out)


def interval_deviation(basis: FloatArray, assessed: FloatArray, denominator: str) -> FloatArray:
    """``|assessed - basis| / denominator`` per interval (NaN where both are 0)."""
    denom = basis if denominator == "actual" else assessed
    return _ratio(np.abs(assessed - basis), denom)


def accuracy_table(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    reference: str,
    basis: str,
    assessed: str,
    basis_aht: str,
    assessed_aht: str,
    denominator: str,
    tolerance: Mapping[str, float],
) -> pd.DataFrame:
    """Accuracy per series and day, week and horizon, from paired interval columns.

    Rows of *frame* where either side is NaN (an interval one side lacks) are
    left out, as missing actuals are in :mod:`cccplan.forecast.accuracy`.
    """
    both = frame[basis].notna().to_numpy() & frame[assessed].notna().to_numpy()
    data = frame.loc[both, [*keys, "date", "week"]].copy()
    b = frame.loc[both, basis].to_numpy(dtype=np.float64)
    a = frame.loc[both, assessed].to_numpy(dtype=np.float64)
    b_aht = (
        np.nan_to_num(frame.loc[both, basis_aht].to_numpy(dtype=np.float64))
        if basis_aht in frame
        else np.zeros_like(b)
    )
    a_aht = (
        np.nan_to_num(frame.loc[both, assessed_aht].to_numpy(dtype=np.float64))
        if assessed_aht in frame
        else np.zeros_like(a)
    )
    data["intervals"] = 1
    data["basis_volume"] = b
    data["assessed_volume"] = a
    data["_abs"] = np.abs(a - b)
    data["_work_b"] = np.where(b > 0, b * b_aht, 0.0)
    data["_work_a"] = np.where(a > 0, a * a_aht, 0.0)
    data["_has_b_aht"] = np.where(b > 0, b * (b_aht > 0), 0.0)
    data["_has_a_aht"] = np.where(a > 0, a * (a_aht > 0), 0.0)
    data["horizon"] = pd.NaT
    sums = [
        "intervals",
        "basis_volume",
        "assessed_volume",
        "_abs",
        "_work_b",
        "_work_a",
        "_has_b_aht",
        "_has_a_aht",
    ]
    parts = []
    for level, period in (("day", "date"), ("week", "week"), ("horizon", "horizon")):
        grouped = data.groupby([*keys, period], sort=True, dropna=False, observed=True)[sums].sum()
        grouped = grouped.reset_index().rename(columns={period: "period"})
        grouped.insert(len(keys), "level", level)
        parts.append(grouped)
    table = pd.concat(parts, ignore_index=True)
    bv = table["basis_volume"].to_numpy(dtype=np.float64)
    av = table["assessed_volume"].to_numpy(dtype=np.float64)
    table["wape"] = _ratio(table["_abs"].to_numpy(dtype=np.float64), bv)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["bias"] = np.where(bv > 0, (av - bv) / np.where(bv > 0, bv, 1.0), np.nan)
    denom = bv if denominator == "actual" else av
    table["deviation"] = _ratio(np.abs(av - bv), denom)
    table["accuracy"] = 1.0 - table["deviation"]
    table["tolerance"] = table["level"].map(lambda lv: tolerance.get(str(lv), np.nan)).astype(float)
    with np.errstate(invalid="ignore"):
        table["within"] = np.where(
            table["tolerance"].notna() & table["deviation"].notna(),
            table["deviation"] <= table["tolerance"] + 1e-12,
            np.nan,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        table["basis_aht"] = table["_work_b"] / table["_has_b_aht"].where(table["_has_b_aht"] > 0)
        table["assessed_aht"] = table["_work_a"] / table["_has_a_aht"].where(
            table["_has_a_aht"] > 0
        )
        table["aht_deviation"] = (table["assessed_aht"] - table["basis_aht"]) / table["basis_aht"]
    table.insert(len(keys), "reference", reference)
    table["within"] = table["within"].astype(object).where(table["within"].notna(), None)
    return table[[*keys, *ACCURACY_COLUMNS]]


def relief_mask(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    band: float,
    level: str,
) -> npt.NDArray[np.bool_]:
    """Rows whose actual volume exceeds the forecast by more than *band* (interval or day).

    At ``level="day"`` every interval of a series-day whose actual total
    exceeds the forecast total by more than the band is marked.
    """
    forecast = frame[VOLUME].to_numpy(dtype=np.float64)
    actual = frame["actual_volume"].to_numpy(dtype=np.float64)
    known = ~np.isnan(actual) & ~np.isnan(forecast)
    if level == "interval":
        with np.errstate(invalid="ignore"):
            return np.asarray(known & (actual > forecast * (1.0 + band) + 1e-9), dtype=bool)
    data = pd.DataFrame(
        {
            **{k: frame[k] for k in keys},
            "date": frame["date"],
            "f": np.where(known, forecast, 0.0),
            "a": np.where(known, actual, 0.0),
        }
    )
    totals = data.groupby([*keys, "date"], sort=False, observed=True)[["f", "a"]].transform("sum")
    over = totals["a"].to_numpy() > totals["f"].to_numpy() * (1.0 + band) + 1e-9
    return np.asarray(known & over, dtype=bool)
