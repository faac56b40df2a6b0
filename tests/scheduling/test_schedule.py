"""schedule(): optimum against brute force, invariants, partial plans, tours, DST, pools."""

from __future__ import annotations

import itertools

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest

from cccplan.exceptions import InputError
from cccplan.frames import OpeningHours
from cccplan.scheduling import Break, ShiftTemplate, schedule
from cccplan.scheduling.api import FIVE_TWO

from . import _check

TZ = "Europe/Berlin"


def _frame(start: str, required: list[float], freq: str, queue: str = "sales") -> pd.DataFrame:
    times = pd.date_range(start, periods=len(required), freq=freq, tz=TZ)
    return pd.DataFrame({"queue": queue, "interval_start": times, "agents": required})


def _brute_force(
    options: list[tuple[int, int, list[int], float]],
    required: np.ndarray,
    max_count: int,
) -> float:
    """Least cost of agent counts per option covering `required`, every combination tried.

    An option is one agent's day: (first interval, length, break intervals, cost). Counts
    per option above max(required) are never needed (removing one such agent keeps every
    interval covered), so 0..max_count with max_count = max(required) is exhaustive.
    """
    n = len(required)
    floor = np.zeros((len(options), n))
    costs = np.array([cost for *_, cost in options])
    for k, (start, length, breaks, _) in enumerate(options):
        floor[k, start : start + length] = 1
        floor[k, breaks] = 0
    combos = np.array(list(itertools.product(range(max_count + 1), repeat=len(options))))
    covered = np.all(combos @ floor >= required - 1e-9, axis=1)
    return float(np.min(combos[covered] @ costs))


def test_no_breaks_optimum_equals_brute_force():
    # 30-minute intervals 08:00-14:00; "long" 4 h from 08/09/10 h at cost 4,
    # "short" 2 h hourly 08-12 h at cost 2.5.
    required = np.array([1, 1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1], dtype=float)
    need = _frame("2025-03-04 08:00", list(required), "30min")
    templates = [
        ShiftTemplate("long", starts="08:00-10:00/1h", length="4h", cost=4),
        ShiftTemplate("short", starts="08:00-12:00/1h", length="2h", cost=2.5),
    ]
    result = schedule(need, templates, gap=0.0, surplus_penalty=0.0)
    options = [(2 * h, 8, [], 4.0) for h in range(3)] + [(2 * h, 4, [], 2.5) for h in range(5)]
    assert result.status == "optimal"
    assert result.cost == pytest.approx(_brute_force(options, required, 3))
    assert result.uncovered.empty
    _check.check_schedule(result, templates)


def test_breaks_optimum_equals_brute_force():
    # "long": 5 h with an unpaid 30-minute break starting 2 h to 3 h after the start
    # (three placements), starts 08:00 or 09:00, cost = paid hours 4.5 (default);
    # "short": 2 h hourly from 08:00 to 12:00, cost 2. The brute force enumerates every
    # agent's break placement explicitly, independently of the implicit break model.
    required = np.array([1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1], dtype=float)
    need = _frame("2025-03-04 08:00", list(required), "30min")
    templates = [
        ShiftTemplate(
            "long", starts="08:00, 09:00", length="5h", breaks=[Break("30min", "2h", "3h")]
        ),
        ShiftTemplate("short", starts="08:00-12:00/1h", length="2h", cost=2),
    ]
    result = schedule(need, templates, gap=0.0, surplus_penalty=0.0)
    options = [(2 * h, 10, [2 * h + b], 4.5) for h in range(2) for b in (4, 5, 6)] + [
        (2 * h, 4, [], 2.0) for h in range(5)
    ]
    assert result.status == "optimal"
    assert result.cost == pytest.approx(_brute_force(options, required, 2))
    _check.check_schedule(result, templates)


def test_two_breaks_of_one_family_and_hand_optimum():
    # One queue needs 1 agent 08:00-16:00 (15-minute intervals). The 8 h shift (cost 8)
    # has two paid 15-minute breaks with windows of equal width (one break family); a
    # 15-minute "relief" shift costs 0.3. By hand: all relief, 32 x 0.3 = 9.6; two day
    # shifts, 16; one day shift plus a relief on each break, 8 + 2 x 0.3 = 8.6 (optimal).
    need = _frame("2025-03-04 08:00", [1.0] * 32, "15min")
    templates = [
        ShiftTemplate(
            "day",
            starts="08:00",
            length="8h",
            breaks=[
                Break("15min", "1h", "2h", paid=True),
                Break("15min", "5h", "6h", paid=True),
            ],
        ),
        ShiftTemplate("relief", starts="08:00-15:45/15min", length="15min", cost=0.3),
    ]
    result = schedule(need, templates, gap=0.0, surplus_penalty=0.0)
    assert result.cost == pytest.approx(8.6)
    relief = result.shifts[result.shifts["template"] == "relief"]
    breaks = result.breaks.sort_values("break_start")
    assert relief["start"].tolist() == breaks["break_start"].tolist()
    assert result.uncovered.empty
    _check.check_schedule(result, templates)


@pytest.fixture(scope="module")
def week_result():
    # Three days of 15-minute intervals, open 08:00-18:00, a realistic two-peak profile;
    # 8 h shifts with three breaks and 4 h shifts with one.
    frames = []
    for day in ("2025-03-04", "2025-03-05", "2025-03-06"):
        times = pd.date_range(f"{day} 08:00", f"{day} 17:45", freq="15min", tz=TZ)
        hour = np.asarray(times.hour + times.minute / 60)
        agents = np.ceil(
            2 + 6 * np.exp(-(((hour - 10.5) / 1.5) ** 2)) + 4 * np.exp(-(((hour - 15) / 1.5) ** 2))
        )
        frames.append(pd.DataFrame({"queue": "sales", "interval_start": times, "agents": agents}))
    need = pd.concat(frames, ignore_index=True)
    templates = [
        ShiftTemplate(
            "full",
            starts="08:00-10:00/15min",
            length="8h",
            breaks=[
                Break("15min", "1h30min", "2h30min", paid=True),
                Break("30min", "3h30min", "4h30min"),
                Break("15min", "5h30min", "6h30min", paid=True),
            ],
        ),
        ShiftTemplate(
            "part",
            starts="08:00-14:00/15min",
            length="4h",
            breaks=[Break("15min", "1h30min", "2h", paid=True)],
        ),
    ]
    return need, templates, schedule(need, templates, time_limit=20)


def test_week_invariants(week_result):
    need, templates, result = week_result
    assert result.status == "optimal"
    assert result.gap <= 0.01 + 1e-9
    open_times = {"sales": pd.DatetimeIndex(need["interval_start"])}
    _check.check_schedule(result, templates, open_times)
    assert result.uncovered.empty
    # Shortfall and surplus agree with the coverage table.
    cover = result.coverage
    assert result.surplus == pytest.approx(cover["gap"].clip(lower=0).sum() * 0.25)


def test_to_plan_is_a_plan_frame(week_result):
    need, _, result = week_result
    plan = result.to_plan()
    assert list(plan.columns) == ["queue", "interval_start", "agents"]
    assert len(plan) == len(need)
    assert plan.attrs["freq"] == "15min"
    pd.testing.assert_series_equal(
        plan["interval_start"], need["interval_start"].reset_index(drop=True)
    )
    assert (plan["agents"].to_numpy() >= need["agents"].to_numpy()).all()


def test_plots_return_figures(week_result):
    _, _, result = week_result
    assert isinstance(result.plot(), matplotlib.figure.Figure)
    assert isinstance(result.plot_shifts(), matplotlib.figure.Figure)
    assert "optimal" in result.summary()


def test_too_few_shifts_gives_partial_plan_and_names_uncovered():
    # 2 agents needed 08:00-12:00, but at most one 4 h shift may start a day: the plan
    # has that one shift and all four hourly intervals are short by one agent.
    need = _frame("2025-03-04 08:00", [2.0] * 4, "h")
    templates = [ShiftTemplate("half", starts="08:00", length="4h", max_count=1)]
    result = schedule(need, templates)
    assert result.status == "optimal"
    assert result.shifts["count"].tolist() == [1]
    short = result.uncovered
    assert short["interval_start"].tolist() == need["interval_start"].tolist()
    assert short["gap"].tolist() == [-1.0] * 4
    assert result.shortfall == pytest.approx(4.0)


def test_no_allowed_shift_at_all_is_a_partial_plan():
    # Open 08:00-10:00, but the only template is 4 h long: it cannot fit.
    need = _frame("2025-03-04 08:00", [1.0, 1.0], "h")
    result = schedule(need, [ShiftTemplate("half", starts="08:00", length="4h")])
    assert result.shifts.empty
    assert len(result.uncovered) == 2
    assert result.cost == 0.0


def test_min_count_forces_shifts():
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h")
    result = schedule(need, [ShiftTemplate("half", starts="08:00", length="4h", min_count=3)])
    assert result.shifts["count"].sum() == 3


def test_shifts_stay_inside_opening_hours():
    # Required 1 agent 08:00-12:00; a 6 h shift would be cheaper per hour but cannot
    # start before 08:00 or end after 12:00 (the centre is closed), so two 2 h shifts
    # at cost 3 each (6) beat nothing else; with outside_hours the 6 h shift (cost 5)
    # starting 06:00 or 08:00 is allowed.
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h")
    templates = [
        ShiftTemplate("six", starts="06:00-08:00/1h", length="6h", cost=5),
        ShiftTemplate("two", starts="08:00-10:00/1h", length="2h", cost=3),
    ]
    inside = schedule(need, templates)
    assert set(inside.shifts["template"]) == {"two"}
    assert inside.cost == pytest.approx(6.0)
    outside = schedule(need, templates, outside_hours=True)
    assert outside.cost == pytest.approx(5.0)


def test_opening_hours_argument():
    # Rows 07:00-13:00, but the opening hours say 08:00-12:00: 07:00 and 12:00 need no
    # cover and no shift may start at 07:00.
    need = _frame("2025-03-04 07:00", [1.0] * 6, "h")
    hours = OpeningHours(tz=TZ, weekly={"mon-fri": "08:00-12:00"})
    templates = [ShiftTemplate("four", starts="07:00-09:00/1h", length="4h", cost=4)]
    result = schedule(need, templates, opening_hours=hours)
    assert result.shifts["start"].dt.hour.tolist() == [8]
    closed = result.coverage[~result.coverage["open"]]
    assert closed["interval_start"].dt.hour.tolist() == [7, 12]
    assert result.uncovered.empty


def test_weekly_tours_five_two():
    # One agent needed 08:00-16:00 every day of a week (Mon 2025-03-03 .. Sun 03-09).
    # With 5x2 tours (five days on, two consecutive days off) two agents are needed
    # (one covers only 5 days), e.g. Mon-Fri and Wed-Sun: 10 shifts of cost 8 = 80.
    # Without tours seven daily shifts suffice: 56.
    frames = [_frame(f"2025-03-{day:02d} 08:00", [1.0] * 8, "h") for day in range(3, 10)]
    need = pd.concat(frames, ignore_index=True)
    templates = [ShiftTemplate("day", starts="08:00", length="8h")]
    daily = schedule(need, templates)
    assert daily.cost == pytest.approx(56.0)
    toured = schedule(need, templates, tours="5x2")
    assert toured.cost == pytest.approx(80.0)
    assert toured.tours is not None
    assert toured.tours["count"].sum() == 2
    assert toured.uncovered.empty
    for days in toured.tours["days"]:
        # Five working days whose two days off are consecutive (round the week).
        worked = {d for part in days.split(", ") for d in _expand(part)}
        assert len(worked) == 5
        off = sorted(set(range(7)) - worked)
        assert (off[1] - off[0]) % 7 in (1, 6)
    # Every tour is worked on the same start time every working day.
    assert toured.shifts.groupby("date")["count"].sum().min() >= 1


def _expand(span: str) -> list[int]:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    first, _, last = span.partition("-")
    a = names.index(first)
    b = names.index(last or first)
    return [(a + k) % 7 for k in range((b - a) % 7 + 1)]


def test_dst_spring_forward_day():
    # 2025-03-30 in Berlin has 23 hours (02:00 -> 03:00). Required 1 agent from
    # 00:00 to 24:00 local: 23 hourly intervals. 8 h shifts may start at 00:00, 02:00
    # (which does not exist and moves to 03:00), 08:00 and 16:00. 00:00 + 8 h physical
    # ends at 09:00 local; with starts 00:00, 08:00 and 16:00 the day is covered by three
    # shifts with one hour of overlap (00:00-09:00, 08:00-16:00, 16:00-24:00).
    times = pd.date_range("2025-03-30 00:00", "2025-03-30 23:00", freq="h", tz=TZ)
    assert len(times) == 23
    need = pd.DataFrame({"queue": "q", "interval_start": times, "agents": 1.0})
    templates = [ShiftTemplate("eight", starts="00:00, 02:00, 08:00, 16:00", length="8h")]
    result = schedule(need, templates, gap=0.0)
    assert result.uncovered.empty
    assert result.shifts["count"].sum() == 3
    planned = _check.on_floor(result, pd.DatetimeIndex(times), "q")
    np.testing.assert_allclose(result.coverage["planned"], planned)
    # The moved start exists as 03:00 local, 8 hours long.
    moved = schedule(need, [ShiftTemplate("e", starts="02:00", length="8h")])
    assert moved.shifts["start"].iloc[0] == pd.Timestamp("2025-03-30 03:00", tz=TZ)
    assert moved.shifts["end"].iloc[0] == pd.Timestamp("2025-03-30 11:00", tz=TZ)


def test_pools_share_agents():
    # Two queues each needing 1 agent 08:00-12:00: separately two shifts, pooled one
    # agent can't serve both at once either (requirements add), so still two shifts in
    # the pool, and the pool's agents are shared in proportion to requirement.
    a = _frame("2025-03-04 08:00", [1.0, 1.0, 0.0, 0.0], "h", queue="a")
    b = _frame("2025-03-04 08:00", [1.0, 1.0, 2.0, 2.0], "h", queue="b")
    need = pd.concat([a, b], ignore_index=True)
    templates = [ShiftTemplate("four", starts="08:00", length="4h")]
    separate = schedule(need, templates)
    pooled = schedule(need, templates, pools={"both": ["a", "b"]})
    # Separately: a needs 1 shift, b needs 2 (peak 2): 3 shifts. Pooled: peak 2 -> 2.
    assert separate.shifts["count"].sum() == 3
    assert pooled.shifts["count"].sum() == 2
    assert set(pooled.shifts["group"]) == {"both"}
    cover = pooled.coverage
    np.testing.assert_allclose(cover.groupby("interval_start")["planned"].sum(), [2, 2, 2, 2])
    # At 10:00, a needs 0 and b needs 2: b gets both agents.
    at_ten = cover[cover["interval_start"].dt.hour == 10].set_index("queue")["planned"]
    assert at_ten.to_dict() == {"a": 0.0, "b": 2.0}
    _check.check_schedule(pooled, templates)


def test_queue_and_channel_keys_and_other_column():
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h").assign(channel="voice")
    need = need.rename(columns={"agents": "heads"})
    result = schedule(need, [ShiftTemplate("four", starts="08:00", length="4h")], column="heads")
    assert list(result.to_plan().columns) == ["queue", "channel", "interval_start", "agents"]
    assert result.shifts["group"].tolist() == ["sales/voice"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agents": [1.0, np.nan, 1.0, 1.0]}, "agents"),
        ({"agents": [1.0, -1.0, 1.0, 1.0]}, "agents"),
    ],
)
def test_bad_requirements(change, field):
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h").assign(**change)
    with pytest.raises(InputError, match=field):
        schedule(need, [ShiftTemplate("four", starts="08:00", length="4h")])


def test_bad_requirement_frames():
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h")
    template = ShiftTemplate("four", starts="08:00", length="4h")
    with pytest.raises(InputError, match="timezone-aware"):
        schedule(need.assign(interval_start=need["interval_start"].dt.tz_localize(None)), template)
    with pytest.raises(InputError, match="no column 'staff'"):
        schedule(need, template, column="staff")
    with pytest.raises(InputError, match="DataFrame"):
        schedule([1, 2], template)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="repeated"):
        schedule(pd.concat([need, need]), template)


def test_templates_off_the_grid_are_input_errors():
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h")
    with pytest.raises(InputError, match="start 08:30"):
        schedule(need, [ShiftTemplate("x", starts="08:30", length="2h")])
    with pytest.raises(InputError, match="length"):
        schedule(need, [ShiftTemplate("x", starts="08:00", length="90min")])
    with pytest.raises(InputError, match="break 1 length"):
        schedule(
            need,
            [ShiftTemplate("x", starts="08:00", length="3h", breaks=[Break("30min", "1h", "1h")])],
        )


def test_bad_arguments():
    need = _frame("2025-03-04 08:00", [1.0] * 4, "h")
    template = ShiftTemplate("four", starts="08:00", length="4h")
    with pytest.raises(InputError, match="time_limit"):
        schedule(need, template, time_limit=0)
    with pytest.raises(InputError, match="gap"):
        schedule(need, template, gap=-0.1)
    with pytest.raises(InputError, match="tours"):
        schedule(need, template, tours="4x3")
    with pytest.raises(InputError, match="matches no series"):
        schedule(need, template, pools={"p": ["nobody"]})
    with pytest.raises(InputError, match="unique"):
        schedule(need, [template, template])
    with pytest.raises(InputError, match="shortage_penalty"):
        schedule(need, template, shortage_penalty=-1)


def test_five_two_patterns_are_all_rotations_of_two_consecutive_days_off():
    # Every 5-day subset of the week whose two days off are adjacent (Sun-Mon included),
    # enumerated independently.
    expected = set()
    for days in itertools.combinations(range(7), 5):
        off = sorted(set(range(7)) - set(days))
        if off[1] - off[0] in (1, 6):
            expected.add(tuple(days))
    assert set(FIVE_TWO) == expected
    assert len(FIVE_TWO) == 7
