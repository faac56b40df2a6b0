"""deferred_agents: hand-checked cases, the taut-string plan, properties, errors, speed.

Provenance: the hand-checked figures are worked out in the comments; the plan is
compared with the reference funnel algorithm kept below (the implementation before
the vectorised reduction, run over every open interval), and the waits with a
brute-force fluid queue stepped in small time steps.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cccplan.exceptions import InputError
from cccplan.staffing import deferred
from cccplan.staffing.deferred import _taut_string, deferred_agents, deferred_kpis

HOUR = 3600.0


def _two_days_hourly() -> np.ndarray:
    """48 hourly intervals, open 08:00-16:00 on both days."""
    hour = np.arange(48) % 24
    return (hour >= 8) & (hour < 16)


# --- hand-checked cases -----------------------------------------------------


def test_single_peak_is_spread_evenly_until_its_deadline() -> None:
    # 40 contacts x 90 s = 3600 agent-seconds arrive in interval 2 (15 min) and
    # are due 1 hour after the interval ends, at the end of interval 6: spread
    # over intervals 2..6 that is 3600 / (5 x 900) = 0.8 agents.
    volume = np.zeros(8)
    volume[2] = 40
    result = deferred_agents(
        volume, 90.0, np.ones(8, bool), 900, response_window=HOUR, integer=False
    )
    np.testing.assert_allclose(result.agents, [0, 0, 0.8, 0.8, 0.8, 0.8, 0.8, 0])
    np.testing.assert_allclose(result.handled, [0, 0, 8, 8, 8, 8, 8, 0])
    np.testing.assert_allclose(result.backlog, [0, 0, 32, 24, 16, 8, 0, 0])
    assert result.service_level[2] == 1.0
    assert np.isnan(result.service_level[[0, 1, 3, 4, 5, 6, 7]]).all()

    # Whole agents: 1 agent handles 10 contacts per quarter-hour, done by interval 5.
    whole = deferred_agents(volume, 90.0, np.ones(8, bool), 900, response_window=HOUR)
    np.testing.assert_array_equal(whole.agents, [0, 0, 1, 1, 1, 1, 1, 0])
    np.testing.assert_allclose(whole.backlog, [0, 0, 30, 20, 10, 0, 0, 0])
    assert whole.service_level[2] == 1.0


def test_constant_day_with_one_hour_window() -> None:
    # 10 contacts x 90 s per quarter-hour = 1 agent of work, all day long.
    volume = np.full(32, 10.0)
    result = deferred_agents(volume, 90.0, np.ones(32, bool), 900, response_window=HOUR)
    np.testing.assert_array_equal(result.agents, np.ones(32))
    np.testing.assert_allclose(result.backlog, 0)
    np.testing.assert_allclose(result.handled, volume)
    np.testing.assert_allclose(result.service_level, 1.0)


def test_night_email_is_handled_next_morning_open_basis() -> None:
    # 6 e-mails of 600 s (1 agent-hour) in every closed hour between day 1's
    # close and day 2's opening: 16 agent-hours, all due 8 business hours after
    # the opening, i.e. at day 2's close. Level plan: 16 / 8 = 2 agents.
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[16:32] = 6
    result = deferred_agents(volume, 600.0, is_open, HOUR, response_window=8 * HOUR)
    np.testing.assert_array_equal(result.agents[~is_open], 0)
    np.testing.assert_array_equal(result.agents[:16][is_open[:16]], 0)
    np.testing.assert_array_equal(result.agents[32:40], 2)
    assert result.backlog[31] == 96  # waiting at the opening
    np.testing.assert_allclose(result.backlog[32:40], 96 - 12 * np.arange(1, 9))
    np.testing.assert_allclose(result.service_level[16:32], 1.0)


def test_night_email_calendar_basis() -> None:
    # Same e-mail, 8 calendar hours: what arrives 16:00-24:00 is due during the
    # night, before anyone works (late whatever the plan). The 24:00-08:00
    # arrivals are due one per hour from 09:00 on; FIFO clears the overdue 8
    # hours of work plus the 09:00 deadline in the first hour: 9 agents, then 1.
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[16:32] = 6
    result = deferred_agents(
        volume, 600.0, is_open, HOUR, response_window=8 * HOUR, window_basis="calendar"
    )
    np.testing.assert_array_equal(result.agents[32:40], [9, 1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(result.service_level[16:24], 0.0)
    np.testing.assert_allclose(result.service_level[24:32], 1.0)


def test_email_backlog_across_a_closed_night() -> None:
    # Issue 5's case: 6 e-mails x 600 s in every open hour of day 1, due 8
    # business hours later (the same hour of day 2). 8 agent-hours over 16 open
    # hours: the level plan is 0.5 agents, leaving 24 e-mails overnight.
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[8:16] = 6
    result = deferred_agents(volume, 600.0, is_open, HOUR, response_window=8 * HOUR, integer=False)
    np.testing.assert_allclose(result.agents[is_open], 0.5)
    np.testing.assert_allclose(result.agents[~is_open], 0.0)
    np.testing.assert_allclose(result.backlog[15:32], 24.0)  # carried over the night
    np.testing.assert_allclose(result.backlog[39], 0.0)
    np.testing.assert_allclose(result.service_level[8:16], 1.0)
    np.testing.assert_allclose(result.handled.sum(), 48.0)
    assert result.handled[~is_open].sum() == 0


def test_calendar_basis_needs_more_than_open_basis_for_night_email() -> None:
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[16:32] = 6
    kwargs = {"response_window": 8 * HOUR, "integer": False}
    by_open = deferred_agents(volume, 600.0, is_open, HOUR, window_basis="open", **kwargs)
    by_calendar = deferred_agents(volume, 600.0, is_open, HOUR, window_basis="calendar", **kwargs)
    assert by_calendar.agents.max() > by_open.agents.max()
    # Open time only counts while open, so a 24-hour calendar window over a
    # fully open grid is the same as a 24-hour open window.
    always = np.ones(48, bool)
    a = deferred_agents(volume, 600.0, always, HOUR, window_basis="open", **kwargs)
    b = deferred_agents(volume, 600.0, always, HOUR, window_basis="calendar", **kwargs)
    np.testing.assert_allclose(a.agents, b.agents)


def test_zero_volume_needs_no_agents() -> None:
    result = deferred_agents(np.zeros(10), np.nan, np.ones(10, bool), 900, response_window=HOUR)
    np.testing.assert_array_equal(result.agents, 0)
    np.testing.assert_array_equal(result.backlog, 0)
    np.testing.assert_array_equal(result.handled, 0)
    assert np.isnan(result.service_level).all()


def test_never_open_handles_nothing() -> None:
    result = deferred_agents(np.ones(4), 60.0, np.zeros(4, bool), 900, response_window=HOUR)
    np.testing.assert_array_equal(result.agents, 0)
    np.testing.assert_allclose(result.backlog, [1, 2, 3, 4])


def test_deadline_after_horizon_is_unknown_until_handled() -> None:
    # Arrivals in the last closed hours cannot be worked within the horizon.
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[44] = 3
    result = deferred_agents(volume, 600.0, is_open, HOUR, response_window=8 * HOUR)
    assert np.isnan(result.service_level[44])
    assert result.backlog[-1] == 3


# --- the plan is the taut string ----------------------------------------------


def _assert_taut(lower: np.ndarray, upper: np.ndarray, path: np.ndarray) -> None:
    """Feasible, and bends up only under the ceiling and down only on the floor.

    A piecewise-linear path in the tube with these two properties is the
    (unique) taut string.
    """
    scale = 1e-9 * max(1.0, float(np.abs(upper).max()))
    assert (path >= lower - scale).all()
    assert (path <= upper + scale).all()
    assert path[0] == pytest.approx(lower[0])
    assert path[-1] == pytest.approx(lower[-1])
    bend = np.diff(np.diff(path))
    inner = path[1:-1]
    assert np.allclose(inner[bend > scale], upper[1:-1][bend > scale], atol=scale * 10)
    assert np.allclose(inner[bend < -scale], lower[1:-1][bend < -scale], atol=scale * 10)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=30),
    st.lists(st.integers(0, 4), min_size=30, max_size=30),
)
def test_taut_string_is_feasible_and_taut(steps: list[int], lags: list[int]) -> None:
    upper = np.concatenate([[0.0], np.cumsum(steps)])
    lag = np.asarray(lags[: len(steps)], dtype=float)
    lower = np.concatenate([[0.0], np.maximum.accumulate(np.maximum(upper[1:] - lag * 3, 0.0))])
    lower = np.minimum(lower, upper)
    lower[-1] = upper[-1]
    _assert_taut(lower, upper, _taut_string(lower, upper))


# --- properties ------------------------------------------------------------------


def _random_week(seed: int, size: int = 7 * 96) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    slot = np.arange(size) % 96
    is_open = (slot >= 32) & (slot < 72) & (np.arange(size) // 96 < 6)  # Sunday closed
    volume = rng.poisson(12 * np.sin(np.pi * slot / 96) ** 2 + 0.5).astype(float)
    aht = rng.uniform(120, 600, size)
    return volume, aht, is_open


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("window", [HOUR, 4 * HOUR, 24 * HOUR])
@pytest.mark.parametrize("target", [1.0, 0.9])
@pytest.mark.parametrize("integer", [True, False])
def test_achieved_service_level_meets_target(
    seed: int, window: float, target: float, integer: bool
) -> None:
    # With the open basis every deadline falls in open time, so all are feasible.
    volume, aht, is_open = _random_week(seed)
    result = deferred_agents(
        volume, aht, is_open, 900, response_window=window, service_level=target, integer=integer
    )
    known = ~np.isnan(result.service_level)
    assert known.sum() > 0.7 * (volume > 0).sum()  # the closed Sunday is after the last opening
    assert (result.service_level[known] >= target - 1e-9).all()
    np.testing.assert_array_equal(result.agents[~is_open], 0)
    assert result.handled[~is_open].sum() == 0
    np.testing.assert_allclose(result.handled.sum() + result.backlog[-1], volume.sum())


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("basis", ["open", "calendar"])
def test_lower_service_level_needs_no_more_agents(seed: int, basis: str) -> None:
    volume, aht, is_open = _random_week(seed)
    kwargs = {"response_window": 4 * HOUR, "window_basis": basis}
    full = deferred_agents(volume, aht, is_open, 900, service_level=1.0, integer=False, **kwargs)
    part = deferred_agents(volume, aht, is_open, 900, service_level=0.8, integer=False, **kwargs)
    assert part.agents.max() <= full.agents.max() + 1e-9
    assert part.agents.sum() <= full.agents.sum() + 1e-9
    whole_full = deferred_agents(volume, aht, is_open, 900, service_level=1.0, **kwargs)
    whole_part = deferred_agents(volume, aht, is_open, 900, service_level=0.8, **kwargs)
    assert whole_part.agents.max() <= whole_full.agents.max()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 30), min_size=24, max_size=24),
    st.lists(st.floats(0, 10), min_size=24, max_size=24),
    st.sampled_from([HOUR, 3 * HOUR, 8 * HOUR]),
    st.sampled_from(["open", "calendar"]),
)
def test_more_volume_never_fewer_agent_hours(
    base: list[float], extra: list[float], window: float, basis: str
) -> None:
    is_open = (np.arange(24) >= 6) & (np.arange(24) < 18)
    kwargs = {"response_window": window, "window_basis": basis, "integer": False}
    low = deferred_agents(np.asarray(base), 300.0, is_open, HOUR, **kwargs)
    high = deferred_agents(np.asarray(base) + np.asarray(extra), 300.0, is_open, HOUR, **kwargs)
    assert high.agents.sum() >= low.agents.sum() - 1e-9


def test_integer_agents_are_whole_and_cover_fractional() -> None:
    volume, aht, is_open = _random_week(3)
    whole = deferred_agents(volume, aht, is_open, 900, response_window=4 * HOUR)
    fractional = deferred_agents(volume, aht, is_open, 900, response_window=4 * HOUR, integer=False)
    np.testing.assert_array_equal(whole.agents, np.round(whole.agents))
    assert (whole.agents >= fractional.agents - 1e-9).all()


def test_year_of_quarter_hours_is_fast() -> None:
    size = 365 * 96
    volume, aht, is_open = _random_week(11, size)
    deferred_agents(volume, aht, is_open, 900, response_window=HOUR)  # warm-up
    for window in (HOUR, 24 * HOUR):
        start = time.perf_counter()
        deferred_agents(volume, aht, is_open, 900, response_window=window, service_level=0.9)
        assert time.perf_counter() - start < 0.5


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"volume": [1.0, -1.0]}, "`volume` must be finite and >= 0"),
        ({"volume": [1.0, np.nan]}, "`volume` must be finite"),
        ({"volume": [[1.0, 1.0]]}, "`volume` must be 1-D"),
        ({"aht": [60.0, 60.0, 60.0]}, "`aht` has 3 elements"),
        ({"aht": [60.0, 0.0]}, "`aht` must be a positive"),
        ({"aht": [60.0, np.nan]}, "`aht` must be a positive"),
        ({"open_mask": [True]}, "`open_mask` has 1 elements"),
        ({"interval_seconds": 0}, "`interval_seconds` must be a positive"),
        ({"response_window": 0}, "`response_window` must be a positive"),
        ({"response_window": -5}, "`response_window` must be a positive"),
        ({"service_level": 0.0}, r"`service_level` must be in \(0, 1\]"),
        ({"service_level": 1.2}, r"`service_level` must be in \(0, 1\]"),
        ({"window_basis": "business"}, "`window_basis` must be"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "volume": [1.0, 2.0],
        "aht": [60.0, 60.0],
        "open_mask": [True, True],
        "interval_seconds": 900,
        "response_window": HOUR,
    }
    arguments.update(kwargs)
    with pytest.raises(InputError, match=message):
        deferred_agents(**arguments)  # type: ignore[arg-type]


def test_nan_aht_where_no_volume_is_fine() -> None:
    result = deferred_agents([0.0, 4.0], [np.nan, 225.0], [True, True], 900, response_window=900)
    np.testing.assert_array_equal(result.agents, [0, 1])


def test_deferred_kpis_reproduce_the_plan_and_credit_extra_agents():
    volume = np.array([0, 0, 40, 0, 0, 0, 0, 0], dtype=float)
    plan = deferred_agents(volume, 90.0, [True] * 8, 900, response_window=3600, integer=False)
    again = deferred_kpis(volume, 90.0, [True] * 8, 900, plan.agents, response_window=3600)
    np.testing.assert_allclose(again.backlog, plan.backlog)
    np.testing.assert_allclose(again.service_level, plan.service_level, equal_nan=True)
    # Four agents in the arrival interval clear all 40 (4 x 900 s / 90 s) at once.
    more = deferred_kpis(
        volume, 90.0, [True] * 8, 900, [0, 0, 4, 0, 0, 0, 0, 0], response_window=3600
    )
    assert more.backlog[2] == 0.0
    assert more.service_level[2] == 1.0
    with pytest.raises(InputError, match="`agents`"):
        deferred_kpis(volume, 90.0, [True] * 8, 900, [1.0] * 7, response_window=3600)


# --- the vectorised reduction gives the reference plan ------------------------


def _reference_taut_string(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The funnel over every grid point, as deferred.py computed it before the reduction."""
    lo = lower.tolist()
    hi = upper.tolist()
    m = len(lo) - 1
    apex = (0, lo[0])
    path_x = [0]
    path_y = [lo[0]]
    ceiling = deque([apex])
    floor = deque([apex])

    def below(a, b, c):  # type: ignore[no-untyped-def]
        return (c[1] - a[1]) * (b[0] - a[0]) <= (b[1] - a[1]) * (c[0] - a[0])

    for k in range(1, m + 1):
        top = (k, hi[k])
        if len(floor) >= 2 and below(floor[0], floor[1], top):
            while len(floor) >= 2 and below(floor[0], floor[1], top):
                floor.popleft()
                path_x.append(floor[0][0])
                path_y.append(floor[0][1])
            ceiling = deque([floor[0], top])
        else:
            while len(ceiling) >= 2 and below(ceiling[-2], ceiling[-1], top):
                ceiling.pop()
            ceiling.append(top)
        bottom = (k, lo[k])
        if len(ceiling) >= 2 and not below(ceiling[0], ceiling[1], bottom):
            while len(ceiling) >= 2 and not below(ceiling[0], ceiling[1], bottom):
                ceiling.popleft()
                path_x.append(ceiling[0][0])
                path_y.append(ceiling[0][1])
            floor = deque([ceiling[0], bottom])
        else:
            while len(floor) >= 2 and below(floor[-2], bottom, floor[-1]):
                floor.pop()
            floor.append(bottom)
    rest = list(floor)[1:] if len(floor) > 2 else list(ceiling)[1:]
    if not rest or rest[-1][0] != m:
        rest.append((m, lo[m]))
    path_x.extend(point[0] for point in rest)
    path_y.extend(point[1] for point in rest)
    return np.interp(np.arange(m + 1), np.asarray(path_x), np.asarray(path_y))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(0, 50), min_size=1, max_size=60),
    st.lists(st.integers(0, 8), min_size=60, max_size=60),
    st.sampled_from([1.0, 0.9, 0.5]),
)
def test_taut_string_equals_the_reference(
    steps: list[float], lags: list[int], share: float
) -> None:
    upper = np.concatenate([[0.0], np.cumsum(steps)])
    n = len(steps)
    # A lower curve like the required work: the arrivals `lag` points earlier, times a share.
    lag = np.asarray(lags[:n])
    lower = np.concatenate([[0.0], share * upper[np.maximum(np.arange(1, n + 1) - lag, 0)]])
    lower = np.minimum(np.maximum.accumulate(lower), upper)
    lower[-1] = upper[-1]
    expected = _reference_taut_string(lower, upper)
    np.testing.assert_allclose(_taut_string(lower, upper), expected, rtol=1e-12, atol=1e-9)


@st.composite
def _deferred_instances(draw):  # type: ignore[no-untyped-def]
    """Hourly days with closed nights and closed weekend days, random e-mail and targets."""
    days = draw(st.integers(1, 8))
    opening = draw(st.integers(0, 10))
    closing = draw(st.integers(opening + 1, 24))
    weekend = draw(st.sets(st.integers(0, 6), max_size=3))
    hour = np.arange(days * 24) % 24
    weekday = (np.arange(days * 24) // 24) % 7
    is_open = (hour >= opening) & (hour < closing) & ~np.isin(weekday, list(weekend))
    size = days * 24
    volume = np.asarray(draw(st.lists(st.integers(0, 12), min_size=size, max_size=size)), float)
    aht = np.asarray(draw(st.lists(st.floats(30, 900), min_size=size, max_size=size)))
    window = draw(st.sampled_from([1, 3, 8, 24, 48])) * HOUR
    share = draw(st.sampled_from([1.0, 0.9, 0.8]))
    basis = draw(st.sampled_from(["open", "calendar"]))
    integer = draw(st.booleans())
    return volume, aht, is_open, window, share, basis, integer


@settings(max_examples=200, deadline=None)
@given(_deferred_instances())
def test_plan_equals_the_reference_plan(instance) -> None:  # type: ignore[no-untyped-def]
    volume, aht, is_open, window, share, basis, integer = instance
    kwargs = {
        "response_window": window,
        "service_level": share,
        "window_basis": basis,
        "integer": integer,
    }
    result = deferred_agents(volume, aht, is_open, HOUR, **kwargs)
    original = deferred._taut_string
    deferred._taut_string = _reference_taut_string
    try:
        expected = deferred_agents(volume, aht, is_open, HOUR, **kwargs)
    finally:
        deferred._taut_string = original
    np.testing.assert_allclose(result.agents, expected.agents, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.backlog, expected.backlog, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(result.agents[~is_open], 0)


def test_reduction_drops_points_on_a_year_of_email() -> None:
    volume, aht, _ = _random_week(11, 365 * 96)
    upper = np.concatenate([[0.0], np.cumsum(volume * aht)])
    # Like the required work: 90 % of what arrived a day (96 intervals) earlier.
    lower = 0.9 * np.concatenate([np.zeros(96), upper[:-96]])
    lower[-1] = upper[-1]
    kept, ceiling, floor = deferred._string_support(
        np.arange(lower.size, dtype=float), lower, upper
    )
    assert kept.size < 0.8 * lower.size
    assert kept[0] == 0
    assert kept[-1] == lower.size - 1
    assert len(ceiling) == len(floor) == kept.size
    np.testing.assert_allclose(
        _taut_string(lower, upper), _reference_taut_string(lower, upper), rtol=1e-12, atol=1e-6
    )


# --- waits (ASA) and occupancy ---------------------------------------------------


def test_constant_arrivals_with_spare_capacity_never_wait() -> None:
    # 10 x 90 s per quarter-hour = 1 agent of work; 2 agents handle it as it comes.
    r = deferred_kpis(np.full(4, 10.0), 90.0, [True] * 4, 900, [2] * 4, response_window=HOUR)
    np.testing.assert_allclose(r.asa, 0.0)
    np.testing.assert_allclose(r.occupancy, 0.5)
    exact = deferred_kpis(np.full(4, 10.0), 90.0, [True] * 4, 900, [1] * 4, response_window=HOUR)
    np.testing.assert_allclose(exact.asa, 0.0)
    np.testing.assert_allclose(exact.occupancy, 1.0)


def test_backlog_cleared_inside_an_interval() -> None:
    # 900 agent-seconds arrive evenly in each of two quarter-hours (1 per second);
    # nobody works the first, 3 agents the second: the work done, 3 (t - 900),
    # meets the arrivals, t, at t = 1350 s. First interval's work y in [0, 900]:
    # arrives at y, handled at 900 + y / 3, waits 900 - 2 y / 3: 600 s on
    # average. Second's: waits 900 - 2 y / 3 up to y = 1350, then 0: (1 / 900)
    # x integral_900^1350 (900 - 2 y / 3) dy = 75 s. Occupancy 1800 / 2700.
    r = deferred_kpis([10, 10], 90.0, [True, True], 900, [0, 3], response_window=HOUR)
    np.testing.assert_allclose(r.asa, [600.0, 75.0])
    assert np.isnan(r.occupancy[0])
    assert r.occupancy[1] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # Open time: hour h's e-mail waits 1800 + 3600 h seconds (see below).
        ("open", 1800.0 + 3600.0 * np.arange(8)),
        # Calendar time: hours 4-7 are handled the next day, 16 closed hours later.
        ("calendar", 1800.0 + 3600.0 * np.arange(8) + np.repeat([0.0, 16 * HOUR], 4)),
    ],
)
def test_email_waits_across_a_closed_night(basis: str, expected: np.ndarray) -> None:
    # 6 e-mails x 600 s in every open hour of day 1 (08:00-16:00): work arrives
    # at 1 agent-second per second and 0.5 agents work it, open hours of both
    # days. On the open clock the work at height y arrives at y and is handled
    # at 2 y: it waits y, so hour h's arrivals (y in [3600 h, 3600 (h + 1)])
    # wait 1800 + 3600 h on average. Half is done on day 1; the rest waits the
    # 16-hour night as well on the calendar clock.
    is_open = _two_days_hourly()
    volume = np.zeros(48)
    volume[8:16] = 6
    agents = np.where(is_open, 0.5, 0.0)
    r = deferred_kpis(
        volume, 600.0, is_open, HOUR, agents, response_window=8 * HOUR, window_basis=basis
    )
    np.testing.assert_allclose(r.asa[8:16], expected)
    assert np.isnan(np.delete(r.asa, np.arange(8, 16))).all()
    np.testing.assert_allclose(r.occupancy[is_open], 1.0)
    assert np.isnan(r.occupancy[~is_open]).all()
    np.testing.assert_allclose(r.backlog[15:32], 24.0)  # carried over the night


def test_unfinished_work_has_unknown_wait() -> None:
    r = deferred_kpis([10, 10], 90.0, [True, True], 900, [0, 0.5], response_window=HOUR)
    assert np.isnan(r.asa).all()  # half of the first interval's work is still waiting
    assert r.occupancy[1] == pytest.approx(1.0)


def _brute_force_waits(volume, aht, is_open, length, agents, basis, steps=300):  # type: ignore[no-untyped-def]
    """Mean wait per arrival interval by stepping the fluid queue in small time steps."""
    n = len(volume)
    dt = length / steps
    t = np.arange(n * steps + 1) * dt
    work = volume * aht
    cumulative = np.concatenate([[0.0], np.cumsum(work)])
    arrived = np.interp(t, np.arange(n + 1) * length, cumulative)
    rate = np.repeat(np.where(is_open, agents, 0.0), steps)
    done = np.zeros_like(t)
    for k in range(1, t.size):
        done[k] = min(arrived[k], done[k - 1] + rate[k - 1] * dt)
    clock = np.concatenate([[0.0], np.cumsum(np.repeat(is_open, steps) * dt)])
    if basis == "calendar":
        clock = t
    waits = np.full(n, np.nan)
    for i in np.flatnonzero(work > 0):
        y = cumulative[i] + (np.arange(200) + 0.5) / 200 * work[i]
        arrival = clock[i * steps] + (y - cumulative[i]) / work[i] * (
            clock[(i + 1) * steps] - clock[i * steps]
        )
        k = np.searchsorted(done, y, side="left")
        if (k >= t.size).any():
            continue
        before = done[k - 1]
        share = (y - before) / (done[k] - before)
        handled = clock[k - 1] + share * (clock[k] - clock[k - 1])
        waits[i] = np.mean(handled - arrival)
    return waits


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 15), min_size=8, max_size=8),
    st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=8, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
    st.sampled_from(["open", "calendar"]),
)
def test_waits_agree_with_a_brute_force_fluid_queue(
    volume: list[int], agents: list[float], is_open: list[bool], basis: str
) -> None:
    volume_a = np.asarray(volume, dtype=float)
    mask = np.asarray(is_open)
    r = deferred_kpis(volume_a, 90.0, mask, 900, agents, response_window=HOUR, window_basis=basis)
    brute = _brute_force_waits(volume_a, 90.0, mask, 900.0, np.asarray(agents), basis)
    known = ~np.isnan(r.asa) & ~np.isnan(brute)
    # The brute force lags by at most a time step (3 s) and averages 200 heights.
    np.testing.assert_allclose(r.asa[known], brute[known], atol=8.0)
    assert np.isnan(r.asa[volume_a == 0]).all()
    assert known.sum() >= np.isnan(brute).size - np.isnan(brute).sum() - 1
