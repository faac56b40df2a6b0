"""Forecasting models, one module per family; each is a thin class over pure numpy functions.

- :mod:`~cccplan.forecast.models.baseline`: ``SeasonalNaive``, ``WeekdayAverage``
- :mod:`~cccplan.forecast.models.topdown`: ``TopDown`` (ETS daily totals x intraday profile)
- :mod:`~cccplan.forecast.models.svd`: ``IntradaySVD`` (Shen and Huang 2008)
- :mod:`~cccplan.forecast.models.statespace`: ``DailyStateSpace`` (unobserved components
  with calendar regressors)
- :mod:`~cccplan.forecast.models.ensemble`: ``Ensemble``

Every model follows one protocol: ``fit(history: DayMatrix) -> self``,
``predict(dates) -> (n_days, n_slots) array`` and ``forecast(history, dates)``
(see :mod:`cccplan.forecast._matrix`). Imported lazily by
:func:`cccplan.forecast`, because statsmodels is slow to import.
"""
