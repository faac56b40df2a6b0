r"""The example contact centre: a seeded, realistic synthetic history.

:func:`load_example` simulates two years (by default) of 15-minute interval
data for a client's contact centre in Berlin, together with what the client
and the centre agree on: opening hours, the client's calendar of marketing
events (ISO 18295-2, 6.5: information the client communicates to the CCC) and
the service targets of their agreement. It is what the documentation, the
tests and the benchmarks of cccplan run on, so it is built to have the
features that make real contact-centre data hard, each documented here with
the size the tests check.

What is simulated
-----------------
Four series over three queues and three channels, with local
(Europe/Berlin) opening hours:

=========  =======  ==========================================  ========  ======
queue      channel  opening hours                               contacts  AHT, s
=========  =======  ==========================================  ========  ======
billing    voice    Mon-Fri 08:00-20:00, Sat 09:00-14:00           1400     300
orders     email    arrives 24/7 (deferred work)                     450     480
support    chat     Mon-Fri 08:00-22:00, Sat-Sun 10:00-18:00         520     600
support    voice    Mon-Fri 08:00-20:00, Sat 09:00-14:00           1000     420
=========  =======  ==========================================  ========  ======

(contacts: expected volume of a regular Wednesday on 1 January 2024, before
yearly seasonality; AHT: mean handle time per contact — for chat, the session
time of one chat, which agents handle two at a time.)

Voice and chat are closed on Berlin's public holidays (from the ``holidays``
package) and close at 14:00 on 24 and 31 December. Only open intervals appear
in the history: closed intervals are absent, as in real ACD exports, and an
open interval with no contacts is present with ``volume == 0`` and
``aht`` NaN. Email is present in every interval, daylight-saving days included
(92 intervals on the spring change, 100 on the autumn one).

The volume model
----------------
Arrivals are a doubly stochastic (Cox) process: Poisson given a random daily
rate, the model that fits call-centre arrivals far better than a plain
Poisson process because daily totals are over-dispersed [1]_ [3]_ [4]_. For
series ``s``, day ``d`` and 15-minute interval ``i`` of that day,

.. math::

    N_{s,d,i} \mid G_{s,d} \sim \mathrm{Poisson}(m_{s,d} \, G_{s,d} \, p_{s,w(d)}(i)),
    \qquad G_{s,d} \sim \mathrm{Gamma}(k_s, 1/k_s),

so the daily total is a Poisson-gamma (negative binomial) mixture with mean
``m`` and variance ``m + m**2 / k``: its index of dispersion is
``1 + m / k`` (about 13-40 here: 36 for billing voice on a Wednesday) where a
Poisson process gives 1. Gamma shapes ``k``: 40 (voice), 50 (chat), 30
(email), i.e. a day-to-day coefficient of variation of 14-18 % that no
forecast can remove. Given the day, intervals are independent Poisson counts,
as Brown et al. [2]_ found.

The expected daily volume is a product of multiplicative effects,

.. math::

    m_{s,d} = b_s \, (1 + g_s)^{t_d} \, \exp\Big(\sum_h a_{s,h}
    \cos\frac{2\pi h\,(\mathrm{doy}_d - \phi_{s,h})}{365.25}\Big) \, w_s(\mathrm{weekday}_d)
    \, c_d \, (1 + u_{s,d}),

with ``t`` in years since 1 January 2024 and

* trend ``g``: billing voice +3 %/year, orders email +8 %, support chat
  +18 % and support voice -4 % (customers moving from the phone to chat);
* yearly seasonality as smooth Fourier terms ``(h, a, phi)``: billing
  ``(1, 0.10, 12), (2, 0.06, 12)`` — annual invoices make a sharp January
  peak (+17 %); orders ``(1, 0.10, 335), (2, 0.05, 340)`` — Christmas
  shopping; support ``(1, 0.06, 330)`` — a mild late-autumn peak;
* weekly profile ``w`` relative to Wednesday, Monday highest (billing voice
  1.30, 1.10, 1.00, 0.97, 0.88, 0.40 Mon-Sat; support voice 1.25, 1.08,
  1.00, 0.98, 0.92, 0.45; support chat 1.18, 1.05, 1.00, 1.00, 0.92, 0.55,
  0.50; orders email 1.35, 1.08, 1.00, 0.98, 0.95, 0.55, 0.50);
* calendar ``c``: email on a public holiday 0.45 (the live channels are
  closed), 24/31 December 0.70 (before the shortened hours), 27-30 December
  0.80, a working day after a public holiday 1.15 (catch-up);
* events ``u``: the uplift of the client's campaigns (below).

The intraday profile ``p_{s,w}`` is the share of the day's volume in each
interval, a smooth sum of Gaussian bumps over local wall-clock time that
differs by channel and weekday [2]_ [3]_: voice has a mid-morning (10:30) and
an early-afternoon (14:30) peak with a lunch dip, a stronger Monday morning
and a weaker Friday afternoon, and one late-morning peak on Saturday; chat has
a small lunch peak and its main peak at 20:00 (afternoons at weekends); email
is flatter, arriving through the night at a low rate, with a 09:00 bulge and an
evening bump. On days with shortened hours the regular profile is cut, so
those days lose the afternoon's volume. Profiles follow the wall clock, so the
repeated hour of the autumn change receives its share twice.

Events
------
The client's events calendar (``events``) holds three campaigns per calendar
year of the history, dated at random (per seed) but of fixed kind: an annual
price-adjustment letter (billing, Monday-Friday in February-April, uplift
+30-50 %), a mobile-app release (support, voice and chat, Tuesday-Thursday in
May-October, +25-40 %) and a Black Friday sale (orders email, Friday to
Monday, +45-60 %). Weeks with a public holiday are avoided. Each is
notified to the centre 2-6 weeks ahead, one in five only 1-3 days ahead (a
late notice, which ISO 18295-2 6.5 lets a CCC raise). The uplift multiplies
the expected volume on every day of the event; only events lying wholly in
the history are listed.

Handle times
------------
Service times of single contacts are lognormal [2]_ with mean
``aht_s x f_c(i) x D_{s,d}`` and coefficient of variation 1.0 (voice), 0.8
(chat), 0.7 (email). ``f_c`` is an intraday factor (longer around lunch,
+5-8 % at 13:00, and in the evening, +10-12 % after 18:30 for voice and chat)
scaled to a volume-weighted mean of 1 on a regular Wednesday; ``D`` is a
daily lognormal effect (standard deviation 0.04 of its log) for incidents and
staff mix. The ``aht`` of an interval is the mean of its ``volume`` service
times. Instead of drawing every contact, it is drawn from a lognormal with
that mean's moments (mean ``mu``, coefficient of variation ``cv /
sqrt(volume)``; Fenton-Wilkinson moment matching [5]_), exact for one contact
and accurate for many.

Targets
-------
The agreement's key targets, per series, use the keyword names of
``required_agents`` and ``ServiceTarget``: voice 80 % answered in 20 s, at
most 5 % abandoned, patience 180 s (exponential, for Erlang A); chat 80 % in
60 s with a concurrency of 2; email 90 % answered within a response window of
24 (business) hours; shrinkage 0.30 everywhere.

Reproducibility
---------------
All randomness comes from ``numpy.random.Generator`` streams derived from the
seed with :class:`numpy.random.SeedSequence`: one stream per series and one
per calendar year of events, so a given ``(seed, start, days)`` always gives
identical frames, and an event's dates do not depend on ``start`` or
``days``. Nothing touches global random state. Generation is vectorised over
all intervals; the default two years take well under a second.

References
----------
.. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres using
   Poisson mixtures", *Applied Stochastic Models in Business and Industry*
   17(4), 307-318, 2001.
.. [2] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn and
   L. Zhao, "Statistical analysis of a telephone call center: a
   queueing-science perspective", *Journal of the American Statistical
   Association* 100(469), 36-50, 2005.
.. [3] R. Ibrahim, H. Ye, P. L'Ecuyer and H. Shen, "Modeling and forecasting
   call center arrivals: a literature survey and a case study",
   *International Journal of Forecasting* 32(3), 865-874, 2016.
.. [4] A. N. Avramidis, A. Deslauriers and P. L'Ecuyer, "Modeling daily
   arrivals to a telephone call center", *Management Science* 50(7),
   896-908, 2004.
.. [5] L. F. Fenton, "The sum of log-normal probability distributions in
   scatter transmission systems", *IRE Transactions on Communications
   Systems* 8(1), 57-67, 1960.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.datasets import _calendar as cal
from cccplan.datasets import _model as model
from cccplan.exceptions import InputError
from cccplan.frames.hours import OpeningHours

__all__ = ["ExampleCentre", "TargetData", "load_example"]

_FREQ = "15min"
_NS_PER_DAY = 86_400 * 10**9
_NS_PER_SLOT = cal.SLOT_MINUTES * 60 * 10**9
_TREND_ORIGIN = np.datetime64("2024-01-01", "D")
_MAX_DAYS = 36_600  # a century: beyond it the example is not an example

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
SeriesKey = tuple[str, str]


class TargetData(TypedDict, total=False):
    """A series' agreed targets as plain data, named as in ``required_agents``.

    ``service_level`` is a fraction; ``threshold``, ``patience`` and
    ``response_window`` are seconds; ``concurrency`` is the number of contacts
    an agent handles at once; ``shrinkage`` the fraction of paid time not
    available for contacts.
    """

    service_level: float
    threshold: float
    max_abandon: float
    patience: float
    concurrency: int
    response_window: float
    shrinkage: float


_TARGETS: dict[str, TargetData] = {
    "voice": {
        "service_level": 0.80,
        "threshold": 20.0,
        "max_abandon": 0.05,
        "patience": 180.0,
        "shrinkage": 0.30,
    },
    "chat": {"service_level": 0.80, "threshold": 60.0, "concurrency": 2, "shrinkage": 0.30},
    # 24 business hours: the window is counted in the centre's working time.
    "email": {"service_level": 0.90, "response_window": 24 * 3600.0, "shrinkage": 0.30},
}


@dataclass(frozen=True, eq=False, repr=False)
class ExampleCentre:
    """A synthetic contact centre: history, events, opening hours and targets.

    Attributes
    ----------
    history : pandas.DataFrame
        Canonical interval frame: columns ``queue``, ``channel``,
        ``interval_start`` (datetime64[ns, Europe/Berlin], start of a
        15-minute interval), ``volume`` (offered contacts, float64 whole
        numbers) and ``aht`` (average handle time, seconds; NaN where
        ``volume`` is 0); sorted by (queue, channel, interval_start); open
        intervals only; ``attrs["freq"] == "15min"``.
    events : pandas.DataFrame
        The client's events calendar: ``queue``, ``channel`` (missing when
        the event concerns every channel of the queue), ``start`` and ``end``
        (local midnights, Europe/Berlin, ``end`` exclusive), ``uplift``
        (relative, 0.4 = +40 % volume), ``description`` and ``notified_at``
        (when the client told the centre). Sorted by ``start``.
    opening_hours : dict
        ``{(queue, channel): {"tz", "weekly", "closed_dates", "special"}}``
        as plain data (see :class:`cccplan.datasets.OpeningHoursData`):
        weekly windows ``[["08:00", "20:00"]]`` per ``"mon"`` ... ``"sun"``,
        closed ISO dates and ISO dates with special hours. Holidays cover the
        history's years and the following one, so a forecast horizon of up
        to a year knows its closures.
    targets : dict
        ``{(queue, channel): TargetData}``, the agreement's key targets.
    description : str
        One paragraph saying what the data are.
    seed : int
        The seed the centre was generated from.
    """

    history: pd.DataFrame
    events: pd.DataFrame
    opening_hours: dict[SeriesKey, cal.OpeningHoursData]
    targets: dict[SeriesKey, TargetData]
    description: str
    seed: int

    @property
    def hours(self) -> dict[SeriesKey, OpeningHours]:
        """The opening hours as :class:`cccplan.OpeningHours` models, per series.

        ``mark_open(centre.history, centre.hours)`` marks every history row open:
        the history holds open intervals only.
        """
        return {key: OpeningHours.model_validate(data) for key, data in self.opening_hours.items()}

    @property
    def series(self) -> tuple[SeriesKey, ...]:
        """The (queue, channel) keys of the series, in sort order."""
        return tuple(sorted(self.opening_hours))

    def __repr__(self) -> str:
        return (
            f"ExampleCentre(seed={self.seed}, series={list(self.series)}, "
            f"history={len(self.history)} rows, events={len(self.events)})"
        )


def load_example(
    seed: int = 2024, *, start: str | dt.date = "2024-01-01", days: int = 730
) -> ExampleCentre:
    """Simulate the example contact centre.

    Parameters
    ----------
    seed : int, default 2024
        Seed of every random draw (non-negative integer). The same
        ``(seed, start, days)`` always gives identical data.
    start : str or datetime.date, default "2024-01-01"
        First local date of the history (a date, or a timestamp at midnight).
    days : int, default 730
        Number of local days of history (1 to 36600).

    Returns
    -------
    ExampleCentre
        History (15-minute canonical frame), the client's events calendar,
        opening hours and targets as plain data, a description and the seed.

    Raises
    ------
    InputError
        If ``seed``, ``start`` or ``days`` is invalid.

    Notes
    -----
    The model and its parameter values are documented in
    :mod:`cccplan.datasets.example`: Poisson counts per interval given a
    Gamma-distributed daily rate (a Poisson mixture, Jongbloed & Koole 2001),
    trend, yearly Fourier seasonality, weekly and intraday profiles by channel
    (Brown et al. 2005), Berlin public holidays, client campaigns and
    lognormal handle times.

    Examples
    --------
    >>> from cccplan.datasets import load_example
    >>> centre = load_example(days=14)
    >>> centre.series
    (('billing', 'voice'), ('orders', 'email'), ('support', 'chat'), ('support', 'voice'))
    >>> centre.history.columns.tolist()
    ['queue', 'channel', 'interval_start', 'volume', 'aht']
    >>> centre.history["interval_start"].dtype
    datetime64[ns, Europe/Berlin]
    >>> centre.history.attrs["freq"]
    '15min'
    >>> centre.opening_hours[("billing", "voice")]["weekly"]["sat"]
    [['09:00', '14:00']]
    >>> centre.hours[("billing", "voice")].ranges_on(dt.date(2024, 1, 6))  # a Saturday
    (('09:00', '14:00'),)
    >>> centre.targets[("support", "chat")]["concurrency"]
    2
    >>> load_example(days=14).history.equals(centre.history)
    True
    """
    seed = _check_seed(seed)
    first_day = _check_start(start)
    days = _check_days(days)

    dates = first_day + np.arange(days)
    day_number = dates.astype(np.int64)
    weekday = (day_number + 3) % 7  # 1970-01-01 was a Thursday
    stamps = pd.DatetimeIndex(dates)
    month = stamps.month.to_numpy()
    day_of_month = stamps.day.to_numpy()
    first_year, last_year = int(stamps.year[0]), int(stamps.year[-1])

    # One year beyond the history, so that the opening hours cover a forecast.
    holiday_names = cal.public_holidays(first_year - 1, last_year + 1)
    holiday_numbers = np.array(
        [np.datetime64(day, "D").astype(np.int64) for day in holiday_names], dtype=np.int64
    )
    is_holiday = np.isin(day_number, holiday_numbers)
    is_eve = (month == 12) & np.isin(day_of_month, [24, 31])
    calendar_factor = np.ones(days)
    calendar_factor[is_eve] = model.EVE_FACTOR
    calendar_factor[(month == 12) & (day_of_month >= 27) & (day_of_month <= 30)] = (
        model.XMAS_WEEK_FACTOR
    )
    after_holiday = np.isin(day_number - 1, holiday_numbers) & ~is_holiday & (weekday < 5)
    calendar_factor[after_holiday] *= model.CATCH_UP_FACTOR

    events = _events(seed, first_year, last_year, set(holiday_names))
    events = events[
        (events["start"].dt.tz_localize(None) >= pd.Timestamp(dates[0]))
        & (events["end"].dt.tz_localize(None) <= pd.Timestamp(dates[-1] + 1))
    ].reset_index(drop=True)

    # The 15-minute grid in UTC, so that it is continuous through DST changes;
    # each instant is placed on its local date and wall-clock slot.
    local_start = pd.Timestamp(dates[0]).tz_localize(cal.TZ)
    local_end = pd.Timestamp(dates[-1] + 1).tz_localize(cal.TZ)
    utc_ns = np.arange(local_start.value, local_end.value, _NS_PER_SLOT, dtype=np.int64)
    wall_clock = pd.DatetimeIndex(utc_ns.view("M8[ns]")).tz_localize("UTC").tz_convert(cal.TZ)
    wall_ns = wall_clock.tz_localize(None).to_numpy(dtype="M8[ns]").view(np.int64)
    grid_day = wall_ns // _NS_PER_DAY - day_number[0]
    grid_slot = (wall_ns % _NS_PER_DAY) // _NS_PER_SLOT

    day_type = np.where(is_holiday, model.HOLIDAY_ROW, weekday)
    years = (day_number - _TREND_ORIGIN.astype(np.int64)) / 365.25
    day_of_year = stamps.day_of_year.to_numpy().astype(np.float64)

    parts: list[dict[str, Any]] = []
    for index, spec in enumerate(model.SERIES):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0, index]))
        open_slots = cal.open_table(spec.channel, weekday, is_holiday, is_eve)
        rows = np.flatnonzero(open_slots[grid_day, grid_slot])
        row_day, row_slot = grid_day[rows], grid_slot[rows]

        mean = _daily_mean(
            spec,
            years=years,
            day_of_year=day_of_year,
            weekday=weekday,
            is_holiday=is_holiday,
            calendar_factor=calendar_factor,
        )
        mean = mean * _event_factor(spec, events, dates)
        rate_multiplier = rng.gamma(spec.gamma_shape, 1.0 / spec.gamma_shape, size=days)
        profile = model.intraday_profile(spec.channel, cal.weekly_mask(spec.channel))
        rate = (mean * rate_multiplier)[row_day] * profile[day_type[row_day], row_slot]
        volume = rng.poisson(rate).astype(np.float64)

        aht_factor = model.aht_profile(spec.channel, profile[2])
        day_effect = np.exp(rng.normal(-0.5 * model.AHT_DAY_SD**2, model.AHT_DAY_SD, size=days))
        mean_aht = spec.aht * aht_factor[row_slot] * day_effect[row_day]
        aht = _mean_of_lognormals(rng, mean_aht, spec.aht_cv, volume)

        parts.append(
            {
                "queue": np.full(rows.size, spec.queue, dtype=object),
                "channel": np.full(rows.size, spec.channel, dtype=object),
                "utc_ns": utc_ns[rows],
                "volume": volume,
                "aht": aht,
            }
        )

    history = pd.DataFrame(
        {
            "queue": np.concatenate([part["queue"] for part in parts]),
            "channel": np.concatenate([part["channel"] for part in parts]),
            "interval_start": pd.DatetimeIndex(
                np.concatenate([part["utc_ns"] for part in parts]).view("M8[ns]")
            )
            .tz_localize("UTC")
            .tz_convert(cal.TZ),
            "volume": np.concatenate([part["volume"] for part in parts]),
            "aht": np.concatenate([part["aht"] for part in parts]),
        }
    )
    history["queue"] = history["queue"].astype(str)
    history["channel"] = history["channel"].astype(str)
    history.attrs["freq"] = _FREQ

    holiday_dates = sorted(holiday_names)
    covered = [day for day in holiday_dates if first_year <= day.year <= last_year + 1]
    eves = cal.eve_dates(first_year, last_year + 1)
    opening_hours = {
        (spec.queue, spec.channel): cal.opening_hours_data(spec.channel, covered, eves)
        for spec in model.SERIES
    }
    targets = {
        (spec.queue, spec.channel): TargetData(**_TARGETS[spec.channel]) for spec in model.SERIES
    }
    description = (
        f"Synthetic contact centre in Berlin (seed {seed}): "
        f"{', '.join(f'{s.queue}/{s.channel}' for s in model.SERIES)}; 15-minute intervals "
        f"from {dates[0]} to {dates[-1]} (Europe/Berlin), open intervals only, "
        f"{len(history)} rows; {len(events)} client events. Doubly stochastic Poisson "
        "arrivals (gamma daily rate) with trend, yearly, weekly and intraday "
        "seasonality, Berlin public holidays and lognormal handle times; see "
        "cccplan.datasets.example."
    )
    return ExampleCentre(
        history=history,
        events=events,
        opening_hours=opening_hours,
        targets=targets,
        description=description,
        seed=seed,
    )


# ---------------------------------------------------------------------------
# Model pieces
# ---------------------------------------------------------------------------


def _daily_mean(
    spec: model.SeriesSpec,
    *,
    years: FloatArray,
    day_of_year: FloatArray,
    weekday: IntArray,
    is_holiday: BoolArray,
    calendar_factor: FloatArray,
) -> FloatArray:
    """Expected daily volume m_{s,d} before events (see the module docstring)."""
    log_season = np.zeros_like(day_of_year)
    for harmonic, amplitude, peak in spec.season:
        log_season += amplitude * np.cos(2.0 * np.pi * harmonic * (day_of_year - peak) / 365.25)
    weekly = np.asarray(spec.weekly)[weekday]
    holiday = np.where(is_holiday, model.HOLIDAY_FACTOR, 1.0)
    trend = (1.0 + spec.growth) ** years
    result: FloatArray = spec.base * trend * np.exp(log_season) * weekly * holiday
    return result * calendar_factor


def _event_factor(
    spec: model.SeriesSpec, events: pd.DataFrame, dates: npt.NDArray[np.datetime64]
) -> FloatArray:
    """Multiplier (1 + uplift) on the days of the events that concern the series."""
    factor = np.ones(dates.size)
    first = events["start"].dt.tz_localize(None).to_numpy(dtype="M8[ns]").astype("M8[D]")
    stop = events["end"].dt.tz_localize(None).to_numpy(dtype="M8[ns]").astype("M8[D]")
    uplift = events["uplift"].to_numpy(dtype=np.float64)
    queue = events["queue"].to_numpy(dtype=object)
    channel = events["channel"].to_numpy(dtype=object)
    for row in range(len(events)):
        every_channel = channel[row] is None or pd.isna(channel[row])
        if queue[row] == spec.queue and (every_channel or channel[row] == spec.channel):
            factor[(dates >= first[row]) & (dates < stop[row])] *= 1.0 + uplift[row]
    return factor


def _mean_of_lognormals(
    rng: np.random.Generator, mean: FloatArray, cv: float, count: FloatArray
) -> FloatArray:
    """Draw the mean of ``count`` i.i.d. lognormal(mean, cv) values; NaN where count is 0.

    The mean has expectation ``mean`` and coefficient of variation
    ``cv / sqrt(count)``; it is drawn from the lognormal with those two moments
    (Fenton-Wilkinson), which is exact for ``count == 1``.
    """
    safe_count = np.maximum(count, 1.0)
    log_var = np.log1p(cv**2 / safe_count)
    normal = rng.standard_normal(count.size)
    draws = mean * np.exp(np.sqrt(log_var) * normal - 0.5 * log_var)
    return np.where(count > 0, draws, np.nan)


def _events(
    seed: int, first_year: int, last_year: int, holiday_dates: set[dt.date]
) -> pd.DataFrame:
    """The client's campaigns of the calendar years ``first_year..last_year``."""
    records: list[dict[str, Any]] = []
    for year in range(first_year, last_year + 1):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1, year]))
        price_letter = _pick_start(
            rng, year, (2, 1), (4, 15), weekday=0, length=5, avoid=holiday_dates
        )
        app_release = _pick_start(
            rng, year, (5, 1), (10, 15), weekday=1, length=3, avoid=holiday_dates
        )
        # Black Friday: the day after the fourth Thursday of November.
        november = dt.date(year, 11, 1)
        black_friday = november + dt.timedelta(days=(3 - november.weekday()) % 7 + 22)
        campaigns: list[tuple[str, str | None, dt.date, int, tuple[float, float], str]] = [
            ("billing", None, price_letter, 5, (0.30, 0.50), "Annual price-adjustment letter"),
            ("support", None, app_release, 3, (0.25, 0.40), "Mobile app release"),
            ("orders", "email", black_friday, 4, (0.45, 0.60), "Black Friday to Cyber Monday sale"),
        ]
        for queue, channel, first_day, length, uplift_range, description in campaigns:
            records.append(
                _event_record(
                    rng,
                    queue=queue,
                    channel=channel,
                    first_day=first_day,
                    length=length,
                    uplift_range=uplift_range,
                    description=description,
                )
            )
    return _event_frame(records)


def _pick_start(
    rng: np.random.Generator,
    year: int,
    earliest: tuple[int, int],
    latest: tuple[int, int],
    *,
    weekday: int,
    length: int,
    avoid: set[dt.date],
) -> dt.date:
    """A random ``weekday`` in the window whose ``length`` days avoid every holiday."""
    day = dt.date(year, *earliest)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    candidates = []
    while day <= dt.date(year, *latest):
        span = {day + dt.timedelta(days=offset) for offset in range(length)}
        if not span & avoid:
            candidates.append(day)
        day += dt.timedelta(days=7)
    return candidates[int(rng.integers(len(candidates)))]


def _event_record(
    rng: np.random.Generator,
    *,
    queue: str,
    channel: str | None,
    first_day: dt.date,
    length: int,
    uplift_range: tuple[float, float],
    description: str,
) -> dict[str, Any]:
    """One calendar entry, with its uplift and notification time drawn from ``rng``."""
    uplift = round(float(rng.uniform(*uplift_range)) * 20.0) / 20.0  # to 5 %
    late = bool(rng.random() < 0.2)
    lead_days = int(rng.integers(1, 4)) if late else int(rng.integers(14, 43))
    start = pd.Timestamp(first_day).tz_localize(cal.TZ)
    notified = pd.Timestamp(first_day - dt.timedelta(days=lead_days)) + pd.Timedelta(hours=10)
    return {
        "queue": queue,
        "channel": channel,
        "start": start,
        "end": pd.Timestamp(first_day + dt.timedelta(days=length)).tz_localize(cal.TZ),
        "uplift": uplift,
        "description": description,
        "notified_at": notified.tz_localize(cal.TZ),
    }


def _event_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The events calendar with stable dtypes, sorted by start."""
    frame = pd.DataFrame(
        records,
        columns=["queue", "channel", "start", "end", "uplift", "description", "notified_at"],
    )
    for column in ("start", "end", "notified_at"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_convert(cal.TZ).dt.as_unit("ns")
    frame["queue"] = frame["queue"].astype(str)
    # Not astype(str): that would turn a missing channel into the text "None".
    frame["description"] = frame["description"].astype(str)
    frame["uplift"] = frame["uplift"].astype(np.float64)
    return frame.sort_values("start", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"`seed` must be a non-negative integer; got {seed!r}.")
    return int(seed)


def _check_start(start: object) -> np.datetime64:
    allowed = "a date such as '2024-01-01' (str, datetime.date or pandas.Timestamp)"
    if not isinstance(start, str | dt.date | np.datetime64):
        raise InputError(f"`start` must be {allowed}; got {start!r}.")
    try:
        stamp = pd.Timestamp(start)
    except (TypeError, ValueError) as error:
        raise InputError(f"`start` must be {allowed}; got {start!r} ({error}).") from None
    if pd.isna(stamp):
        raise InputError(f"`start` must be {allowed}; got {start!r}.")
    if stamp.tz is not None:
        stamp = stamp.tz_convert(cal.TZ).tz_localize(None)
    if stamp != stamp.normalize():
        raise InputError(
            f"`start` must be a date (local midnight in {cal.TZ}); got {start!r}, "
            "which has a time of day."
        )
    return np.datetime64(stamp.date(), "D")


def _check_days(days: object) -> int:
    if (
        isinstance(days, bool)
        or not isinstance(days, int | np.integer)
        or not 1 <= days <= _MAX_DAYS
    ):
        raise InputError(f"`days` must be an integer from 1 to {_MAX_DAYS}; got {days!r}.")
    return int(days)
