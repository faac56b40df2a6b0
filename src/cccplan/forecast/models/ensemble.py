"""Combinations of forecasts: the per-slot median, or weights from past errors.

Combining forecasts of different methods is one of the most reliable ways
to improve accuracy [1]_ [2]_: the errors of different models partly cancel,
and a combination is rarely much worse than its best member, which cannot be
known in advance. :class:`Ensemble` fits its members on the same history and
combines their forecasts slot by slot, either by the median (robust to one
member going astray) or by fixed weights, typically inversely proportional
to each member's backtest error [3]_.

References
----------
.. [1] J. M. Bates and C. W. J. Granger, "The combination of forecasts",
   *Operational Research Quarterly* 20(4), 451-468, 1969.
.. [2] R. T. Clemen, "Combining forecasts: a review and annotated
   bibliography", *International Journal of Forecasting* 5(4), 559-583, 1989.
.. [3] J. H. Stock and M. W. Watson, "Combination forecasts of output growth in
   a seven-country data set", *Journal of Forecasting* 23(6), 405-430, 2004.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import InputError
from cccplan.forecast._matrix import DayMatrix

__all__ = ["Ensemble"]

FloatArray = npt.NDArray[np.float64]

_COMBINE = ("median", "inverse_error")


class Ensemble:
    r"""Combine the forecasts of several models, slot by slot.

    Parameters
    ----------
    members : sequence of models
        Model instances following the forecasting protocol (``name``,
        ``fit``, ``predict``, ``forecast``); they are fitted in place by
        :meth:`fit`. At least one.
    combine : {"median", "inverse_error"}, default "median"
        ``"median"``: the per-slot median of the members' forecasts (the mean
        of the two middle ones for an even number of members).
        ``"inverse_error"``: the weighted mean with ``weights``.
    weights : mapping of str to float, optional
        Required with ``combine="inverse_error"``: a weight >= 0 for each
        member, keyed by member ``name`` (for example ``1 / WAPE`` from a
        backtest, which the caller computes). Normalised to sum to 1; at
        least one must be positive.

    Attributes
    ----------
    name : str
        ``"ensemble"``.
    members : tuple
        The member models.

    Notes
    -----
    With member forecasts ``f_m`` (slot by slot) the combination is
    ``median_m f_m`` or ``sum_m w_m f_m / sum_m w_m``. Either is finite and
    >= 0 when the members' forecasts are, and 0 wherever every member
    forecasts 0 (slots never open).

    References
    ----------
    .. [1] J. M. Bates and C. W. J. Granger, "The combination of forecasts",
       *Operational Research Quarterly* 20(4), 451-468, 1969.

    Examples
    --------
    >>> import numpy as np
    >>> from cccplan.forecast._matrix import DayMatrix, weekday_of
    >>> from cccplan.forecast.models.svd import IntradaySVD
    >>> from cccplan.forecast.models.statespace import DailyStateSpace
    >>> dates = np.arange("2024-01-01", "2024-01-15", dtype="datetime64[D]")
    >>> values = np.tile([10.0, 20.0, 10.0], (14, 1))
    >>> history = DayMatrix(values, dates, weekday_of(dates), np.zeros(14, bool), 480)
    >>> ensemble = Ensemble([IntradaySVD(), DailyStateSpace()])
    >>> ensemble.forecast(history, np.array(["2024-01-15"], dtype="datetime64[D]")).round(6)
    array([[10., 20., 10.]])
    """

    name: str = "ensemble"

    def __init__(
        self,
        members: Sequence[Any],
        *,
        combine: Literal["median", "inverse_error"] = "median",
        weights: Mapping[str, float] | None = None,
    ) -> None:
        members = tuple(members)
        if not members:
            raise InputError("Ensemble: `members` must hold at least one model; got none")
        for member in members:
            if not all(hasattr(member, attr) for attr in ("name", "fit", "predict")):
                raise InputError(
                    "Ensemble: every member must be a model with `name`, `fit` and `predict`; "
                    f"got {member!r}"
                )
        if len({id(member) for member in members}) != len(members):
            raise InputError(
                "Ensemble: a model instance appears twice in `members`; pass separate instances"
            )
        if combine not in _COMBINE:
            raise InputError(
                f"Ensemble: `combine` must be one of {', '.join(map(repr, _COMBINE))}; "
                f"got {combine!r}"
            )
        self.members = members
        self.combine = combine
        self._weights: FloatArray | None = None
        if combine == "inverse_error":
            self._weights = _member_weights(members, weights)
        elif weights is not None:
            raise InputError(
                'Ensemble: `weights` are used only with combine="inverse_error"; '
                f"got combine={combine!r}"
            )
        self.weights = None if weights is None else dict(weights)

    def __repr__(self) -> str:
        names = ", ".join(repr(member) for member in self.members)
        return f"Ensemble([{names}], combine={self.combine!r})"

    def fit(self, history: DayMatrix) -> Self:
        """Fit every member to ``history``.

        Parameters
        ----------
        history : DayMatrix
            Volumes per day and slot (contacts).

        Returns
        -------
        Ensemble
            ``self``, with every member fitted.
        """
        for member in self.members:
            member.fit(history)
        return self

    def predict(self, dates: npt.ArrayLike) -> FloatArray:
        """Combine the members' forecasts for future days.

        Parameters
        ----------
        dates : array_like of datetime64[D]
            Local days after the last day of the history.

        Returns
        -------
        ndarray, shape (len(dates), n_slots)
            Combined forecast contacts per slot.
        """
        forecasts = np.stack(
            [np.asarray(member.predict(dates), dtype=np.float64) for member in self.members]
        )
        if self._weights is None:
            combined: FloatArray = np.median(forecasts, axis=0)
        else:
            combined = np.tensordot(self._weights, forecasts, axes=1)
        return combined

    def forecast(self, history: DayMatrix, dates: npt.ArrayLike) -> FloatArray:
        """``fit(history).predict(dates)``."""
        return self.fit(history).predict(dates)


def _member_weights(members: tuple[Any, ...], weights: Mapping[str, float] | None) -> FloatArray:
    """Normalised weight of each member, in member order, from a name -> weight mapping."""
    names = [str(member.name) for member in members]
    if weights is None:
        raise InputError(
            'Ensemble: combine="inverse_error" needs `weights`, a mapping from member name to '
            f"weight (e.g. 1 / backtest error) for {names}"
        )
    if len(set(names)) != len(names):
        raise InputError(
            f"Ensemble: member names must be unique to be weighted by name; got {names}"
        )
    missing = [name for name in names if name not in weights]
    unknown = [name for name in weights if name not in names]
    if missing or unknown:
        raise InputError(
            f"Ensemble: `weights` must have one entry per member name {names}; "
            f"missing {missing}, unknown {unknown}"
        )
    values = np.array([float(weights[name]) for name in names])
    if not all(math.isfinite(v) and v >= 0 for v in values) or values.sum() <= 0:
        raise InputError(
            f"Ensemble: `weights` must be finite and >= 0, at least one > 0; got {dict(weights)}"
        )
    normalised: FloatArray = values / values.sum()
    return normalised
