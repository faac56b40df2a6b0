"""cccplan.staffing.staff: hand-checkable cases, properties, lookup, roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cccplan
from cccplan.exceptions import InputError
from cccplan.queueing import asa, erlang_a, occupancy, required_agents, service_level
from cccplan.staffing import ServiceTarget, daily, staff, weekly
from cccplan.staffing.concurrency import concurrent_agents

TZ = "Europe/Berlin"


def frame(
    volume: list[float] | np.ndarray,
    aht: float | list[float] = 180.0,
    *,
    channel: str = "voice",
    queue: str | None = None,
    start: str = "2024-03-04 08:00",
) -> pd.DataFrame:
    volume = np.asarray(volume, dtype=float)
    data = {
        "channel": channel,
        "interval_start": pd.date_range(start, periods=len(volume), freq="15min", tz=TZ),
        "volume": volume,
        "aht": aht,
    }
    if queue is not None:
        data = {"queue": queue, **data}
    result = pd.DataFrame(data)
    result.attrs["freq"] = "15min"
    return result


# ---------------------------------------------------------------------------
# Hand-checkable cases
# ---------------------------------------------------------------------------


def test_erlang_c_twenty_erlangs_needs_24() -> None:
    # 100 calls x 180 s / 900 s = 20 Erlangs; 80/20 needs 24 agents (the
    # queueing reference value, see tests/queueing and required_agents' docstring).
    result = staff(frame([100.0]), ServiceTarget(service_level=0.8, threshold=20))
    row = result.iloc[0]
    assert row["agents"] == 24
    assert row["scheduled"] == 24
    assert row["abandon_rate"] == 0.0
    assert row["service_level"] == pytest.approx(float(service_level(24, 20.0, 180.0, 20.0)))
    assert row["service_level"] >= 0.8
    assert float(service_level(23, 20.0, 180.0, 20.0)) < 0.8
    assert row["asa"] == pytest.approx(float(asa(24, 20.0, 180.0)))
    assert row["occupancy"] == pytest.approx(20 / 24)
    assert np.isnan(row["backlog"])
    assert bool(row["target_met"])
    assert pd.isna(row["explanation"])


def test_erlang_a_with_patience_needs_fewer_agents() -> None:
    target = ServiceTarget(service_level=0.8, threshold=20, patience=180, max_abandon=0.05)
    row = staff(frame([100.0]), target).iloc[0]
    expected = required_agents(
        20.0, 180.0, service_level=0.8, threshold=20, patience=180, max_abandon=0.05
    )
    assert row["agents"] == float(expected) == 23
    achieved = erlang_a(23, 20.0, 180.0, 180.0, 20.0)
    assert row["service_level"] == pytest.approx(float(achieved.service_level))
    assert row["abandon_rate"] == pytest.approx(float(achieved.p_abandon))
    assert row["asa"] == pytest.approx(float(achieved.asa))
    assert 0 < row["abandon_rate"] <= 0.05


def test_sl_basis_answered() -> None:
    target = ServiceTarget(threshold=20, patience=60, sl_basis="answered")
    row = staff(frame([100.0]), target).iloc[0]
    achieved = erlang_a(row["agents"], 20.0, 180.0, 60.0, 20.0)
    assert row["service_level"] == pytest.approx(float(achieved.service_level_answered))


def test_chat_with_concurrency_one_equals_voice() -> None:
    volume = [0.0, 5.0, 40.0, 100.0, 250.0]
    voice = staff(frame(volume), ServiceTarget(threshold=60))
    chat = staff(frame(volume, channel="chat"), ServiceTarget(threshold=60, concurrency=1))
    cols = ["agents", "scheduled", "service_level", "asa", "occupancy"]
    pd.testing.assert_frame_equal(voice[cols], chat[cols])


def test_concurrency_two_needs_fewer_agents_but_more_than_half() -> None:
    volume = [20.0, 60.0, 150.0, 400.0]
    one = staff(frame(volume, 300.0, channel="chat"), ServiceTarget(threshold=60))
    two = staff(frame(volume, 300.0, channel="chat"), ServiceTarget(threshold=60, concurrency=2))
    assert (two["agents"] < one["agents"]).all()
    assert (two["agents"] > one["agents"] / 2).all()
    assert two["target_met"].all()


def test_concurrency_model_by_hand() -> None:
    # k = 2, slowdown 0.15: sessions last 300 x 1.15 = 345 s; 60 chats in 900 s
    # are 23 Erlangs of slots; agents = ceil(slots / 2).
    target = ServiceTarget(threshold=60, concurrency=2)
    row = staff(frame([60.0], 300.0, channel="chat"), target).iloc[0]
    slots = float(required_agents(60 * 345 / 900, 345.0, service_level=0.8, threshold=60))
    assert row["agents"] == np.ceil(slots / 2)
    assert row["service_level"] == pytest.approx(
        float(service_level(row["agents"] * 2, 60 * 345 / 900, 345.0, 60.0))
    )
    assert row["occupancy"] == pytest.approx(60 * 345 / 900 / (row["agents"] * 2))


@pytest.mark.parametrize(
    ("slowdown", "expected"),
    [(0.0, [24, 12, 8]), (0.15, [24, 14, 11]), (0.5, [24, 18, 16]), (1.0, [24, 23, 23])],
)
def test_effect_of_concurrency_and_slowdown(slowdown: float, expected: list[int]) -> None:
    # 20 Erlangs of 3-minute sessions, 80 % within 20 s. Slowdown 0: an agent is
    # k full servers (24 / k, rounded up); slowdown 1: an agent's work is unchanged
    # and only the longer sessions' easier threshold helps.
    got = [
        float(
            concurrent_agents(
                20.0, 180.0, concurrency=k, slowdown=slowdown, service_level=0.8, threshold=20
            )
        )
        for k in (1, 2, 3)
    ]
    assert got == expected


def test_shrinkage_divides_and_rounds_up() -> None:
    # 24 agents / 0.7 = 34.3 -> 35; 7 / 0.7 must stay 10 (no float round-up to 11).
    target = ServiceTarget(shrinkage=0.3)
    assert staff(frame([100.0]), target)["scheduled"].iloc[0] == 35
    seven = ServiceTarget(min_agents=7, shrinkage=0.3)
    assert staff(frame([0.0]), seven)["agents"].iloc[0] == 7
    assert staff(frame([0.0]), seven)["scheduled"].iloc[0] == 10


def test_min_agents_while_open_and_absent_rows_stay_absent() -> None:
    forecast = frame([0.0, 100.0, 5.0, 100.0, 100.0])
    # drop one row: a closed interval is absent and must stay absent
    forecast = forecast.drop(index=2).reset_index(drop=True)
    result = staff(forecast, ServiceTarget(min_agents=2, shrinkage=0.5))
    assert len(result) == 4
    assert result["agents"].tolist() == [2.0, 24.0, 24.0, 24.0]
    assert result["scheduled"].tolist() == [4.0, 48.0, 48.0, 48.0]
    # KPIs are those of the final agents
    assert result["service_level"].iloc[0] == 1.0
    assert result["service_level"].iloc[1] == pytest.approx(
        float(service_level(24, 20.0, 180.0, 20.0))
    )


def test_min_agents_recomputes_kpis() -> None:
    result = staff(frame([100.0]), ServiceTarget(min_agents=30)).iloc[0]
    assert result["agents"] == 30
    assert result["service_level"] == pytest.approx(float(service_level(30, 20.0, 180.0, 20.0)))


def test_zero_volume_needs_nobody() -> None:
    result = staff(frame([0.0, 0.0], aht=[np.nan, np.nan]), ServiceTarget(patience=120))
    assert result["agents"].tolist() == [0.0, 0.0]
    assert result["service_level"].tolist() == [1.0, 1.0]
    assert result["abandon_rate"].tolist() == [0.0, 0.0]
    assert result["target_met"].all()


def test_continuous_agents() -> None:
    volume = np.array([3.0, 40.0, 100.0])
    result = staff(frame(volume), ServiceTarget(shrinkage=0.25), integer=False)
    expected = required_agents(
        volume * 180 / 900, 180.0, service_level=0.8, threshold=20, integer=False
    )
    np.testing.assert_allclose(result["agents"], expected)
    np.testing.assert_allclose(result["scheduled"], expected / 0.75)
    assert result["target_met"].all()
    assert (result["agents"] % 1 != 0).any()


def test_unreachable_target_is_explained() -> None:
    result = staff(frame([0.0, 50.0]), ServiceTarget(service_level=1.0, threshold=20))
    assert result["agents"].iloc[0] == 0
    assert bool(result["target_met"].iloc[0])
    assert np.isnan(result["agents"].iloc[1])
    assert np.isnan(result["scheduled"].iloc[1])
    assert not result["target_met"].iloc[1]
    assert result["explanation"].iloc[1].startswith("unreachable: service level 1.0")
    assert pd.isna(result["explanation"].iloc[0])


def test_per_interval_shrinkage_column() -> None:
    forecast = frame([100.0, 100.0, 100.0])
    forecast["shrinkage"] = [np.nan, 0.0, 0.5]
    result = staff(forecast, ServiceTarget(shrinkage=0.3))
    assert result["scheduled"].tolist() == [35.0, 24.0, 48.0]
    forecast["shrinkage"] = [0.1, 1.0, 0.2]
    with pytest.raises(InputError, match="shrinkage"):
        staff(forecast, ServiceTarget())


def test_output_columns_and_order() -> None:
    forecast = frame([10.0, 20.0])
    result = staff(forecast, ServiceTarget())
    assert list(result.columns) == [
        *forecast.columns,
        "agents",
        "scheduled",
        "service_level",
        "asa",
        "abandon_rate",
        "occupancy",
        "backlog",
        "target_met",
        "explanation",
    ]
    assert result["target_met"].dtype == bool
    assert result.attrs["freq"] == "15min"
    # the input is not modified
    assert "agents" not in forecast.columns


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

# Volumes below 1e-3 (other than 0) are left out: the queueing core emits a numpy
# overflow RuntimeWarning for loads near the smallest doubles, which is the core's
# matter, not staffing's.
volumes = st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 400.0)), min_size=1, max_size=8)
ahts = st.floats(30.0, 900.0)
targets = st.builds(
    ServiceTarget,
    service_level=st.floats(0.5, 0.95),
    threshold=st.floats(5.0, 120.0),
    patience=st.one_of(st.none(), st.floats(20.0, 600.0)),
    concurrency=st.integers(1, 3),
    shrinkage=st.floats(0.0, 0.6),
    min_agents=st.integers(0, 3),
)


@settings(max_examples=40, deadline=None)
@given(volume=volumes, aht=ahts, target=targets, extra=st.floats(0.0, 200.0))
def test_more_volume_never_fewer_agents(
    volume: list[float], aht: float, target: ServiceTarget, extra: float
) -> None:
    base = staff(frame(volume, aht, channel="chat"), target)
    more = staff(frame(np.asarray(volume) + extra, aht, channel="chat"), target)
    assert (more["agents"].to_numpy() >= base["agents"].to_numpy()).all()
    assert (more["scheduled"].to_numpy() >= base["scheduled"].to_numpy()).all()


@settings(max_examples=40, deadline=None)
@given(volume=volumes, aht=ahts, low=st.floats(0.0, 0.9), delta=st.floats(0.0, 0.09))
def test_higher_shrinkage_never_fewer_scheduled(
    volume: list[float], aht: float, low: float, delta: float
) -> None:
    forecast = frame(volume, aht)
    base = staff(forecast, ServiceTarget(shrinkage=low))
    high = staff(forecast, ServiceTarget(shrinkage=low + delta))
    assert (high["scheduled"].to_numpy() >= base["scheduled"].to_numpy()).all()
    for integer in (True, False):
        result = staff(forecast, ServiceTarget(shrinkage=low), integer=integer)
        assert (result["scheduled"] >= result["agents"] - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(volume=volumes, aht=ahts, target=targets, integer=st.booleans())
def test_target_met_rows_really_meet_their_targets(
    volume: list[float], aht: float, target: ServiceTarget, integer: bool
) -> None:
    forecast = frame(volume, aht, channel="chat")
    result = staff(forecast, target, integer=integer)
    k = target.concurrency
    factor = 1 + target.concurrency_slowdown * (k - 1)
    met = result[result["target_met"]]
    slots = met["agents"].to_numpy() * k
    load = met["volume"].to_numpy() * aht * factor / 900
    tol = 1e-6
    if target.patience is None:
        sl = service_level(slots, load, aht * factor, target.threshold)
    else:
        sl = erlang_a(slots, load, aht * factor, target.patience, target.threshold).service_level
    assert (sl >= target.service_level - tol).all()
    assert (met["agents"] >= target.min_agents).all()
    # every row with load meets its targets here (all reachable)
    assert result["target_met"].all()


def test_target_met_recomputed_for_asa_occupancy_abandon() -> None:
    volume = np.linspace(0, 300, 13)
    target = ServiceTarget(
        service_level=None, asa=15, max_occupancy=0.85, patience=120, max_abandon=0.03
    )
    result = staff(frame(volume, 240.0), target)
    assert result["target_met"].all()
    achieved = erlang_a(result["agents"], volume * 240 / 900, 240.0, 120.0)
    assert (achieved.asa <= 15 + 1e-9).all()
    assert (achieved.p_abandon <= 0.03 + 1e-9).all()
    assert (achieved.occupancy <= 0.85 + 1e-9).all()
    plain = staff(frame(volume, 240.0), ServiceTarget(service_level=None, max_occupancy=0.85))
    assert (occupancy(plain["agents"], volume * 240 / 900) <= 0.85 + 1e-12).all()


# ---------------------------------------------------------------------------
# Targets per series
# ---------------------------------------------------------------------------


def two_queues() -> pd.DataFrame:
    return pd.concat(
        [
            frame([100.0], queue="billing"),
            frame([100.0], queue="support"),
            frame([100.0], queue="support", channel="chat"),
            frame([100.0], queue="sales", channel="chat"),
        ],
        ignore_index=True,
    )


def agents_by_series(result: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(r.queue, r.channel): r.agents for r in result.itertuples()}


def test_lookup_order_pair_queue_channel_default() -> None:
    loose = ServiceTarget(service_level=0.5, threshold=20)
    strict = ServiceTarget(service_level=0.95, threshold=20)
    medium = ServiceTarget(service_level=0.8, threshold=20)
    result = staff(
        two_queues(),
        {("support", "chat"): strict, "support": medium, "chat": loose, None: strict},
    )
    got = agents_by_series(result)
    expect = {
        name: float(required_agents(20.0, 180.0, service_level=t.service_level, threshold=20))
        for name, t in (("loose", loose), ("strict", strict), ("medium", medium))
    }
    assert got[("support", "chat")] == expect["strict"]  # (queue, channel)
    assert got[("support", "voice")] == expect["medium"]  # queue
    assert got[("sales", "chat")] == expect["loose"]  # channel
    assert got[("billing", "voice")] == expect["strict"]  # default


def test_channel_key_is_case_insensitive_and_plain_dicts_accepted() -> None:
    result = staff(two_queues(), {"Voice": {"service_level": 0.8}, "chat": ServiceTarget()})
    assert (result["agents"] == 24).all()


def test_missing_target_names_the_series() -> None:
    with pytest.raises(InputError, match=r"no target for 2 series: .*sales.*chat"):
        staff(two_queues(), {"voice": ServiceTarget()})


def test_bad_targets_argument() -> None:
    with pytest.raises(InputError, match="ServiceTarget"):
        staff(two_queues(), 0.8)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"targets\['voice'\]"):
        staff(two_queues(), {"voice": 0.8})  # type: ignore[dict-item]
    with pytest.raises(InputError, match=r"targets\[None\]: ServiceTarget: `service_level`"):
        staff(two_queues(), {None: {"service_level": 80}})
    with pytest.raises(InputError, match="not a queue"):
        staff(two_queues(), {3: ServiceTarget()})  # type: ignore[dict-item]


def test_bad_forecast() -> None:
    with pytest.raises(InputError, match="aht"):
        staff(frame([10.0]).drop(columns="aht"), ServiceTarget())
    with pytest.raises(InputError, match="DataFrame"):
        staff([1, 2, 3], ServiceTarget())  # type: ignore[arg-type]


def test_email_needs_a_response_window() -> None:
    with pytest.raises(InputError, match="response_window"):
        staff(frame([10.0], 300.0, channel="email"), ServiceTarget())


def evening_and_morning(response_basis: str = "open") -> pd.DataFrame:
    """Open 16:00-17:00 and, after a closed night, 08:00-09:00; 40 e-mails at 16:45."""
    volume = [0.0, 0.0, 0.0, 40.0, 0.0, 0.0, 0.0, 0.0]
    evening = frame(volume[:4], 90.0, channel="email", start="2024-03-04 16:00")
    morning = frame(volume[4:], 90.0, channel="email", start="2024-03-05 08:00")
    return pd.concat([evening, morning], ignore_index=True)


def test_deferred_email_backlog_across_a_closed_night() -> None:
    # 40 x 90 s = 3600 agent-seconds arrive in 16:45-17:00, due within one open
    # hour, i.e. by 09:00 the next morning. The most level plan works them from
    # 16:45 over five open intervals: 3600 / (5 x 900) = 0.8 agents, and carries
    # 40 - 0.8 x 900 / 90 = 32 e-mails across the night.
    target = ServiceTarget(service_level=1.0, response_window=3600)
    result = staff(evening_and_morning(), target, integer=False)
    assert len(result) == 8  # the night stays absent
    np.testing.assert_allclose(result["agents"], [0, 0, 0, 0.8, 0.8, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(result["backlog"], [0, 0, 0, 32, 24, 16, 8, 0], atol=1e-9)
    assert result["service_level"].iloc[3] == pytest.approx(1.0)
    assert result["target_met"].all()
    assert (result["abandon_rate"] == 0).all()
    # ASA on open time (the target's basis; the night lasts no time): the
    # e-mails arrive at 4 agent-seconds per second and are worked at 0.8, so
    # the one at height y of the 3600 s of work waits y / 0.8 - y / 4 = y
    # seconds, 1800 s on average. The agents are busy all the time.
    assert result["asa"].iloc[3] == pytest.approx(1800.0)
    assert result["asa"].drop(index=3).isna().all()  # nothing else arrived
    np.testing.assert_allclose(result["occupancy"].iloc[3:], 1.0)
    assert result["occupancy"].iloc[:3].isna().all()  # no agents
    whole = staff(evening_and_morning(), target)
    assert whole["agents"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    # One agent clears 10 e-mails a quarter-hour: done by 08:45, idle 08:45-09:00.
    np.testing.assert_allclose(whole["occupancy"].iloc[3:], [1, 1, 1, 1, 0])
    # ... and the e-mail at height y waits y - y / 4 seconds up to 16:45 + 1 open
    # hour, 0.75 x 1800 = 1350 s on average.
    assert whole["asa"].iloc[3] == pytest.approx(1350.0)


def test_deferred_calendar_window_is_due_before_closing() -> None:
    # On calendar time the deadline (18:00) falls while closed: the work is due
    # by 17:00, so 3600 agent-seconds in one interval: 4 agents.
    target = ServiceTarget(service_level=1.0, response_window=3600, response_basis="calendar")
    result = staff(evening_and_morning(), target)
    assert result["agents"].tolist() == [0, 0, 0, 4, 0, 0, 0, 0]
    assert result["backlog"].iloc[3] == pytest.approx(0.0)
    # Four agents work as fast as the e-mails arrive: nobody waits, all busy.
    assert result["asa"].iloc[3] == pytest.approx(0.0)
    assert result["occupancy"].iloc[3] == pytest.approx(1.0)


def test_deferred_min_agents_and_shrinkage() -> None:
    target = ServiceTarget(service_level=0.9, response_window=3600, min_agents=1, shrinkage=0.5)
    result = staff(evening_and_morning(), target)
    assert (result["agents"] >= 1).all()
    assert (result["scheduled"] == 2 * result["agents"]).all()


# ---------------------------------------------------------------------------
# Roll-ups
# ---------------------------------------------------------------------------


def test_daily_and_weekly_rollups() -> None:
    forecast = pd.concat(
        [
            frame(np.full(4, 100.0), start="2024-03-03 10:00"),  # a Sunday
            frame(np.full(4, 100.0), start="2024-03-04 10:00"),  # Monday
            frame(np.full(4, 100.0), start="2024-03-05 10:00"),
        ],
        ignore_index=True,
    )
    result = staff(forecast, ServiceTarget(shrinkage=0.3))  # 24 agents, 35 scheduled
    days = daily(result)
    assert days["date"].dt.day.tolist() == [3, 4, 5]
    assert days["agent_hours"].tolist() == [24.0, 24.0, 24.0]  # 4 x 24 x 0.25 h
    assert days["scheduled_hours"].tolist() == [35.0, 35.0, 35.0]
    np.testing.assert_allclose(days["fte"], 35.0 / 7.5)
    assert days["volume"].tolist() == [400.0, 400.0, 400.0]
    assert days["unmet_intervals"].tolist() == [0, 0, 0]
    weeks = weekly(result, hours_per_fte=40)
    assert weeks["week"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-26", "2024-03-04"]
    assert weeks["scheduled_hours"].tolist() == [35.0, 70.0]
    np.testing.assert_allclose(weeks["fte"], [35 / 40, 70 / 40])
    with pytest.raises(InputError, match="hours_per_fte"):
        daily(result, hours_per_fte=0)
    with pytest.raises(InputError, match=r"cccplan\.staff"):
        weekly(forecast)


# ---------------------------------------------------------------------------
# The example centre
# ---------------------------------------------------------------------------


def test_example_centre_forecast_staffed() -> None:
    centre = cccplan.load_example(days=60)
    forecast = cccplan.forecast(centre.history, "7D", model="weekday_average")
    targets = {key: ServiceTarget(**data) for key, data in centre.targets.items()}
    result = staff(forecast, targets)
    assert len(result) == len(forecast)
    assert result["target_met"].all()
    assert (result["scheduled"] >= result["agents"]).all()
    voice = result[result["channel"] == "voice"]
    assert (voice["abandon_rate"] <= 0.05 + 1e-9).all()
    assert (voice["service_level"] >= 0.8).all()
    chat = result[result["channel"] == "chat"]
    assert (chat["service_level"] >= 0.8).all()
    busy = voice["volume"] > 0
    assert (voice.loc[busy, "agents"] > 0).all()
    email = result[result["channel"] == "email"]
    assert email["backlog"].notna().all()
    assert (email["service_level"].dropna() >= 0.9).all()
    days = daily(result)
    assert set(days["channel"]) == {"voice", "chat", "email"}
    assert (days["fte"] > 0).all()


def test_minimum_cover_on_deferred_work_recomputes_backlog():
    grid = pd.date_range("2025-03-04 08:00", periods=16, freq="15min", tz="Europe/Berlin")
    frame = pd.DataFrame(
        {
            "queue": "orders",
            "channel": "email",
            "interval_start": grid,
            "volume": 10.0,
            "aht": 300.0,
        }
    )
    base = cccplan.ServiceTarget(service_level=0.9, response_window=8 * 3600)
    floor = cccplan.ServiceTarget(service_level=0.9, response_window=8 * 3600, min_agents=5)
    lean = cccplan.staff(frame, base)
    covered = cccplan.staff(frame, floor)
    assert (covered["agents"] >= 5).all()
    # 5 agents handle 15 e-mails of 300 s per quarter-hour: no backlog is left.
    assert (covered["backlog"] <= lean["backlog"]).all()
    assert covered["backlog"].max() == 0.0
    assert covered["target_met"].all()
