"""deferred_agents: hand-checked cases, the taut-string plan, properties, errors, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cccplan.exceptions import InputError
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
