"""Each compliance check: a case that passes and one that fails with the right clause and intervals.

The agreement is the complete example (Europe/Berlin; billing and support
voice Mon-Fri 08:00-20:00 and Sat 09:00-14:00, support chat to 22:00 and at
weekends, orders e-mail 24/7). The frames are built from its own opening
hours over March 2025 (no public holiday in Berlin that month).
"""

import datetime as dt

import pandas as pd
import pytest

from cccplan import InputError, load_example
from cccplan.requirements import Agreement, findings_frame
from cccplan.requirements import checks as C

TZ = "Europe/Berlin"
START = pd.Timestamp("2025-03-03", tz=TZ)  # a Monday
END = pd.Timestamp("2025-04-01", tz=TZ)


def at(text):
    return pd.Timestamp(text, tz=TZ)


def changed(agreement, **parts):
    """The agreement with some clause fields replaced (a dict per clause field)."""
    data = agreement.model_dump(mode="json", exclude_none=True)
    for field, values in parts.items():
        data[field] = {**data.get(field, {}), **values}
    return Agreement.model_validate(data)


def grid(agreement, start=START, end=END, freq="15min"):
    frames = []
    for queue in agreement.queues:
        hours = agreement.opening_hours_for(queue.name, queue.channel)
        starts = hours.open_intervals(start, end, freq=freq)
        frames.append(
            pd.DataFrame({"queue": queue.name, "channel": queue.channel, "interval_start": starts})
        )
    out = pd.concat(frames, ignore_index=True)
    out.attrs["freq"] = freq
    return out


@pytest.fixture(scope="module")
def frame(complete):
    return grid(complete)


@pytest.fixture
def actuals(frame):
    out = frame.copy()
    out["volume"] = 20.0
    out["aht"] = 300.0
    out["service_level"] = 0.85  # goal 0.8 (voice and chat)
    out.loc[out["channel"] == "email", "service_level"] = 0.95  # goal 0.9 within 24 h
    out["abandon_rate"] = 0.02
    out["customer_satisfaction"] = 4.5
    return out


@pytest.fixture
def forecast(frame):
    out = frame.copy()
    out["volume"] = 20.0
    out["aht"] = 300.0
    out.attrs["submitted_at"] = START - pd.Timedelta(days=15)
    return out


@pytest.fixture
def plan(frame):
    out = frame.copy()
    out["agents"] = 4.0
    out.attrs["submitted_at"] = START - pd.Timedelta(days=8)
    return out


def codes(findings, clause=None):
    return [f.code for f in findings if clause is None or f.clause == clause]


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [str(f) for f in findings]
    return found[0]


# ---------------------------------------------------------------------------
# 5.4/6.3 cover
# ---------------------------------------------------------------------------


def test_cover_passes(complete, plan):
    plan = C._interval_frame(plan, "plan", complete, volume=False)
    assert C.check_cover(complete, plan) == []


def test_cover_fails_with_the_intervals(complete, plan):
    gap = at("2025-03-04 09:00") + pd.to_timedelta([0, 15, 30, 45], unit="min")
    billing = (plan["queue"] == "billing") & (plan["channel"] == "voice")
    plan = plan[~(billing & plan["interval_start"].isin(gap))]
    sunday = at("2025-03-09 10:00")  # billing voice is closed on Sundays
    extra = pd.DataFrame(
        {"queue": ["billing"], "channel": ["voice"], "interval_start": [sunday], "agents": [2.0]}
    )
    plan = pd.concat([plan, extra], ignore_index=True)
    plan.attrs["freq"] = "15min"
    plan = C._interval_frame(plan, "plan", complete, volume=False)
    findings = C.check_cover(complete, plan)
    short = only(findings, "no_cover")
    assert (short.clause, short.severity, short.queue, short.channel) == (
        "5.4",
        "error",
        "billing",
        "voice",
    )
    assert short.intervals == tuple(gap)
    closed = only(findings, "staffed_while_closed")
    assert (closed.severity, closed.intervals) == ("warning", (sunday,))
    assert closed.impact == pytest.approx(0.5)  # 2 agents x 0.25 h


def test_cover_below_minimum(complete, plan):
    data = complete.model_dump(mode="json", exclude_none=True)
    data["queues"][3]["min_agents"] = 5  # orders/email: at least five agents
    agreement = Agreement.model_validate(data)
    plan = C._interval_frame(plan, "plan", agreement, volume=False)
    finding = only(C.check_cover(agreement, plan), "no_cover")
    assert finding.queue == "orders"
    assert finding.limit == 5
    # 24/7 for the 29 days from 3 to 31 March, less the hour skipped on 30 March
    assert len(finding.intervals) == 29 * 96 - 4


# ---------------------------------------------------------------------------
# 5.4/6.3 goals
# ---------------------------------------------------------------------------


def test_goals_pass(complete, actuals):
    actuals = C._interval_frame(actuals, "actuals", complete, volume=True)
    assert C.check_goals(complete, actuals) == []


def test_goal_missed_on_a_day(complete, actuals):
    agreement = changed(complete, service_terms={"sla_window": "day"})
    day = (actuals["queue"] == "billing") & (
        actuals["interval_start"].dt.date == dt.date(2025, 3, 4)
    )
    actuals.loc[day, "service_level"] = 0.5
    actuals = C._interval_frame(actuals, "actuals", agreement, volume=True)
    finding = only(C.check_goals(agreement, actuals), "goal_missed")
    assert (finding.clause, finding.queue, finding.intervals) == (
        "5.4",
        "billing",
        (at("2025-03-04"),),
    )
    assert finding.value == pytest.approx(0.5)
    assert finding.limit == 0.8


def test_monthly_goal_is_volume_weighted(complete, actuals):
    # Half the billing volume at SL 0.5, half at 0.85 (hand computation): 0.675 < 0.8.
    billing = actuals["queue"] == "billing"
    actuals.loc[billing & (actuals["interval_start"] < at("2025-03-17")), "service_level"] = 0.5
    weights = actuals.loc[billing, "volume"]
    expected = (actuals.loc[billing, "service_level"] * weights).sum() / weights.sum()
    actuals = C._interval_frame(actuals, "actuals", complete, volume=True)
    finding = only(C.check_goals(complete, actuals), "goal_missed")
    assert finding.intervals == (at("2025-03-01"),)
    assert finding.value == pytest.approx(expected)


def test_email_goal_and_abandonment(complete, actuals):
    orders = actuals["queue"] == "orders"
    actuals.loc[orders, "service_level"] = 0.7
    actuals.loc[actuals["queue"] == "support", "abandon_rate"] = 0.09
    actuals = C._interval_frame(actuals, "actuals", complete, volume=True)
    findings = C.check_goals(complete, actuals)
    missed = {(f.queue, f.channel, f.limit) for f in findings if f.code == "goal_missed"}
    assert missed == {("orders", "email", 0.9), ("support", "voice", 0.05)}


def test_surplus_relief_releases_the_day(complete, actuals, forecast):
    agreement = changed(complete, service_terms={"sla_window": "day"})
    day = (actuals["queue"] == "billing") & (
        actuals["interval_start"].dt.date == dt.date(2025, 3, 4)
    )
    actuals.loc[day, "service_level"] = 0.5
    actuals.loc[day, "volume"] = 23.0  # +15 % over the forecast of 20: beyond the 10 % band
    actuals = C._interval_frame(actuals, "actuals", agreement, volume=True)
    forecast = C._interval_frame(forecast, "forecast", agreement, volume=True)
    assert C.check_goals(agreement, actuals, forecast) == []
    relief = only(C.check_relief(agreement, actuals, forecast), "surplus_relief")
    assert (relief.clause, relief.queue, relief.intervals) == (
        "6.10",
        "billing",
        (at("2025-03-04"),),
    )
    # 9 % over the forecast stays inside the band: no relief, the goal is missed
    actuals.loc[actuals["volume"] == 23.0, "volume"] = 21.8
    assert codes(C.check_goals(agreement, actuals, forecast)) == ["goal_missed"]


def test_goal_not_verifiable_without_columns(complete, actuals):
    actuals = actuals.drop(columns=["service_level", "abandon_rate"])
    actuals = C._interval_frame(actuals, "actuals", complete, volume=True)
    findings = C.check_goals(complete, actuals)
    assert set(codes(findings)) == {"goal_unverifiable"}
    assert {f.severity for f in findings} == {"warning"}


# ---------------------------------------------------------------------------
# 6.5 notice
# ---------------------------------------------------------------------------


def events_frame(*rows):
    return pd.DataFrame(
        rows, columns=["queue", "channel", "type", "start", "end", "uplift", "notified_at"]
    )


def test_notice_passes(complete):
    events = events_frame(
        ("billing", None, "campaign", at("2025-03-10"), at("2025-03-15"), 0.3, at("2025-02-20")),
        ("support", "chat", "outage", at("2025-03-12 10:00"), at("2025-03-12 12:00"), 0.5,
         at("2025-03-12 08:30")),  # outages: one hour's notice
        ("orders", "email", "mailing", at("2025-03-20"), at("2025-03-21"), 0.05,
         at("2025-03-19")),  # below the material uplift of 10 %
    )  # fmt: skip
    # the agreement's own event (2024) was notified 28 days ahead: fine too
    assert C.check_notice(complete, events) == []


def test_late_notice(complete):
    start = at("2025-03-10")
    events = events_frame(
        ("billing", None, "campaign", start, at("2025-03-15"), 0.3, at("2025-03-07 10:00")),
        ("billing", None, "regulatory", at("2025-03-24"), at("2025-03-25"), 0.2, at("2025-03-01")),
    )
    findings = C.check_notice(complete, events)
    late = [f for f in findings if f.code == "late_notice"]
    assert [(f.clause, f.queue, f.intervals) for f in late] == [
        ("6.5", "billing", (start,)),
        ("6.5", "billing", (at("2025-03-24"),)),
    ]
    assert late[0].value == pytest.approx(2 + 14 / 24)  # days of notice given
    assert late[0].limit == 14
    assert late[1].limit == 28  # regulatory changes: 28 days


def test_notice_from_the_example_calendar(complete):
    events = load_example(days=400).events
    findings = C.check_notice(complete, events)
    lead = (events["start"] - events["notified_at"]).dt.total_seconds() / 86400
    assert len([f for f in findings if f.code == "late_notice"]) == int((lead < 14).sum())


# ---------------------------------------------------------------------------
# 6.7 forecast, plan, accuracy
# ---------------------------------------------------------------------------


@pytest.fixture
def horizon_forecast(complete):
    out = grid(complete, START, START + pd.Timedelta(weeks=6))
    out["volume"] = 10.0
    out["aht"] = 300.0
    out.attrs["submitted_at"] = START - pd.Timedelta(days=15)
    return out


def test_forecast_passes(complete, horizon_forecast):
    forecast = C._interval_frame(horizon_forecast, "forecast", complete, volume=True)
    assert C.check_forecast(complete, forecast) == []


def test_forecast_incomplete_late_and_coarse(complete, horizon_forecast):
    holes = at("2025-03-20 19:00") + pd.to_timedelta([0, 15], unit="min")
    chat = (horizon_forecast["queue"] == "support") & (horizon_forecast["channel"] == "chat")
    forecast = horizon_forecast[~(chat & horizon_forecast["interval_start"].isin(holes))].copy()
    forecast.attrs["submitted_at"] = START - pd.Timedelta(days=3)
    forecast = C._interval_frame(forecast, "forecast", complete, volume=True)
    findings = C.check_forecast(complete, forecast)
    missing = only(findings, "forecast_incomplete")
    assert (missing.clause, missing.queue, missing.channel) == ("6.7", "support", "chat")
    assert missing.intervals == tuple(holes)
    late = [f for f in findings if f.code == "forecast_late"]
    assert len(late) == 4
    # e-mail's first interval is at midnight: 3 days; the live channels open at 08:00
    assert sorted(f.value for f in late) == pytest.approx([3.0] + [3 + 8 / 24] * 3)
    assert all(f.limit == 14 for f in late)


def test_forecast_short_of_the_horizon_and_coarse(complete, horizon_forecast):
    forecast = horizon_forecast[horizon_forecast["interval_start"] < at("2025-04-07")].copy()
    forecast = C._interval_frame(forecast, "forecast", complete, volume=True)
    findings = C.check_forecast(complete, forecast)
    orders = next(f for f in findings if f.queue == "orders")
    assert orders.intervals[0] == at("2025-04-07 00:00")
    assert len(orders.intervals) == 7 * 96  # the last week, 24/7
    coarse = grid(complete, START, START + pd.Timedelta(weeks=6), freq="30min")
    coarse["volume"] = 1.0
    coarse = C._interval_frame(coarse, "forecast", complete, volume=True)
    assert "forecast_granularity" in codes(C.check_forecast(complete, coarse))


def test_forecast_without_submission_time(complete, horizon_forecast):
    horizon_forecast.attrs.pop("submitted_at")
    forecast = C._interval_frame(horizon_forecast, "forecast", complete, volume=True)
    findings = C.check_forecast(complete, forecast)
    assert set(codes(findings)) == {"lead_unverifiable"}
    column = horizon_forecast.assign(submitted_at=START - pd.Timedelta(days=20))
    forecast = C._interval_frame(column, "forecast", complete, volume=True)
    assert C.check_forecast(complete, forecast) == []


def test_plan_lead(complete, plan):
    frame = C._interval_frame(plan, "plan", complete, volume=False)
    assert C.check_plan_lead(complete, frame) == []
    plan.attrs["submitted_at"] = START - pd.Timedelta(days=2)
    frame = C._interval_frame(plan, "plan", complete, volume=False)
    late = C.check_plan_lead(complete, frame)
    assert {(f.clause, f.code) for f in late} == {("6.7", "plan_late")}
    billing = next(f for f in late if f.queue == "billing")
    assert billing.intervals == (at("2025-03-03 08:00"),)
    assert billing.value == pytest.approx(2 + 8 / 24)


def test_accuracy_passes(complete, actuals, forecast):
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    f = C._interval_frame(forecast, "forecast", complete, volume=True)
    assert C.check_accuracy(complete, f, a) == []


@pytest.mark.parametrize(("denominator", "error"), [("actual", 0.2), ("forecast", 0.2 / 1.2)])
def test_accuracy_fails_on_a_day(complete, actuals, forecast, denominator, error):
    agreement = changed(
        complete,
        forecasting={"accuracy_tolerance": {"day": 0.10}, "accuracy_denominator": denominator},
    )
    day = (forecast["queue"] == "orders") & (
        forecast["interval_start"].dt.date == dt.date(2025, 3, 12)
    )
    forecast.loc[day, "volume"] = 24.0  # +20 % on the day
    a = C._interval_frame(actuals, "actuals", agreement, volume=True)
    f = C._interval_frame(forecast, "forecast", agreement, volume=True)
    finding = only(C.check_accuracy(agreement, f, a), "forecast_accuracy")
    assert (finding.clause, finding.queue, finding.intervals) == (
        "6.7",
        "orders",
        (at("2025-03-12"),),
    )
    assert finding.value == pytest.approx(error)
    assert finding.limit == 0.10


def test_accuracy_levels(complete, actuals, forecast):
    # +6 % on every day of one week: days within 10 %, weeks beyond 5 %, intervals within 30 %
    week = (
        (forecast["queue"] == "billing")
        & (forecast["interval_start"] >= at("2025-03-10"))
        & (forecast["interval_start"] < at("2025-03-17"))
    )
    forecast.loc[week, "volume"] = 21.2
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    f = C._interval_frame(forecast, "forecast", complete, volume=True)
    finding = only(C.check_accuracy(complete, f, a), "forecast_accuracy")
    assert finding.intervals == (at("2025-03-10"),)
    assert finding.limit == 0.05


# ---------------------------------------------------------------------------
# 6.8 KPIs and 6.10 credits, relief, minimum volume
# ---------------------------------------------------------------------------


def test_kpis_pass(complete, actuals):
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    assert C.check_kpis(complete, a) == []


def test_kpi_missed(complete, actuals):
    actuals.loc[actuals["queue"] == "billing", "abandon_rate"] = 0.08
    actuals["customer_satisfaction"] = 3.9
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    findings = C.check_kpis(complete, a)
    missed = {(f.queue, f.channel, f.limit) for f in findings if f.code == "kpi_missed"}
    assert ("billing", "voice", 0.05) in missed
    assert ("support", "voice", 0.05) not in missed
    assert {("billing", "voice", 4.2), ("orders", "email", 4.2)} <= missed
    assert all(f.clause == "6.8" and f.intervals == (at("2025-03-01"),) for f in findings)


def test_kpi_not_computable_is_not_silent(complete, actuals):
    a = C._interval_frame(actuals.drop(columns="customer_satisfaction"), "actuals", complete,
                          volume=True)  # fmt: skip
    findings = C.check_kpis(complete, a)
    assert {f.code for f in findings} == {"kpi_not_computable"}
    assert len(findings) == 4  # one per queue the KPI applies to


def test_kpi_service_level_over_answered(complete, actuals):
    # 0.78 of offered answered in time, 5 % abandoned: over answered 0.78 / 0.95 = 0.821
    data = complete.model_dump(mode="json", exclude_none=True)
    data["monitoring"]["kpis"][0]["formula"] = "answered"
    agreement = Agreement.model_validate(data)
    actuals["service_level"] = 0.78
    actuals["abandon_rate"] = 0.05
    a = C._interval_frame(actuals, "actuals", agreement, volume=True)
    assert "kpi_missed" not in [f.code for f in C.check_kpis(agreement, a) if f.channel == "voice"
                                and f.limit == 0.8]  # fmt: skip
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    offered = [f for f in C.check_kpis(complete, a) if f.channel == "voice" and f.limit == 0.8]
    assert len(offered) == 2
    assert offered[0].value == pytest.approx(0.78)


def test_credits_none_when_met(complete, actuals):
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    assert C.check_credits(complete, a) == []


def test_credits_owed_from_the_table(complete, actuals):
    # Voice service level 0.72 in March: 8 points short -> band from 0.05 -> 3 % per
    # voice queue (billing and support) = 6 % of the 180,000 EUR fee = 10,800 EUR.
    actuals.loc[actuals["channel"] == "voice", "service_level"] = 0.72
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    credit = only(C.check_credits(complete, a), "service_credit")
    assert (credit.clause, credit.severity) == ("6.10", "warning")
    assert credit.value == pytest.approx(10_800.0)
    assert "6.0 %" in credit.message
    assert credit.intervals == (at("2025-03-01"), at("2025-03-01"))


def test_credits_capped(complete, actuals):
    # 0.5 everywhere: 5 % x 2 voice + 1 % chat + 1 % e-mail = 12 %, capped at 10 %
    actuals["service_level"] = 0.5
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    credit = only(C.check_credits(complete, a), "service_credit")
    assert credit.value == pytest.approx(18_000.0)
    assert "capped at 10.0 %" in credit.message


def test_minimum_volume(complete):
    actuals = grid(complete, at("2025-03-01"), END)
    actuals["volume"] = 20.0
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    assert C.check_minimum_volume(complete, a) == []  # 20 x ~11,600 intervals > 20,000
    actuals["volume"] = 1.0
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    floor = only(C.check_minimum_volume(complete, a), "minimum_volume")
    assert floor.intervals == (at("2025-03-01"),)
    assert floor.value == len(actuals)
    assert floor.limit == 20_000
    # a month the actuals cover only in part is not judged
    part = actuals[actuals["interval_start"] < at("2025-03-20")]
    a = C._interval_frame(part, "actuals", complete, volume=True)
    assert C.check_minimum_volume(complete, a) == []


# ---------------------------------------------------------------------------
# Dates, calling windows, surveys, attestations
# ---------------------------------------------------------------------------


def test_dates_pass_early(complete):
    findings = C.check_dates(complete, dt.date(2024, 2, 1))
    assert findings == []


def test_dates_overdue(complete):
    findings = C.check_dates(complete, dt.date(2026, 10, 15))
    by_code = {(f.clause, f.code) for f in findings}
    assert {
        ("4", "certificate_expired"),
        ("5.2", "review_overdue"),
        ("5.3", "review_overdue"),
        ("5.7", "review_overdue"),
        ("5.8", "suppression_overdue"),
        ("5.9", "review_overdue"),
        ("5.9", "retention_overdue"),
        ("6.6", "continuity_test_overdue"),
    } <= by_code
    retention = only(findings, "retention_overdue")
    assert retention.severity == "error"
    assert retention.value == (dt.date(2026, 10, 15) - dt.date(2024, 1, 2)).days
    assert retention.limit == 91


def test_certificate_expiring(complete):
    assert codes(C.check_dates(complete, dt.date(2026, 8, 1)), "4") == ["certificate_expiring"]


def _outbound(complete):
    data = complete.model_dump(mode="json", exclude_none=True)
    data["queues"].append(
        {
            "name": "winback",
            "channel": "voice",
            "goal": {"kind": "outbound", "max_abandon": 0.03, "jurisdiction": "DE"},
        }
    )
    return Agreement.model_validate(data)


def test_calling_window(complete):
    agreement = _outbound(complete)
    times = [at("2025-03-04 10:00"), at("2025-03-04 20:00"), at("2025-03-08 17:00")]
    actuals = pd.DataFrame(
        {"queue": "winback", "channel": "voice", "interval_start": times, "volume": 5.0}
    )
    actuals.attrs["freq"] = "15min"
    a = C._interval_frame(actuals, "actuals", agreement, volume=True)
    finding = only(C.check_calling_windows(agreement, a), "outside_calling_window")
    # the window is Mon-Fri 09:00-20:00, Sat 10:00-16:00
    assert (finding.clause, finding.intervals) == ("5.8", (times[1], times[2]))
    a = C._interval_frame(actuals.iloc[:1], "actuals", agreement, volume=True)
    assert C.check_calling_windows(agreement, a) == []


def test_surveys(complete, actuals):
    actuals["survey_responses"] = 0.1  # about 0.1 x 11,000 intervals: above 400 in March
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    assert C.check_surveys(complete, a) == []
    actuals["survey_responses"] = 0.01
    a = C._interval_frame(actuals, "actuals", complete, volume=True)
    small = only(C.check_surveys(complete, a), "survey_sample")
    assert (small.clause, small.intervals, small.limit) == ("6.9", (at("2025-03-01"),), 400)


def test_attestations(complete):
    items = complete.attestations(today=dt.date(2024, 1, 15))
    assert {a.clause for a in items} >= {"4", "5.4", "5.5", "5.6", "5.7", "5.9", "6.7"}
    assert not any(a.overdue for a in items)
    regions = next(a for a in items if a.item == "5.9-regions")
    assert regions.last_attested == dt.date(2024, 1, 20)
    assert regions.due == dt.date(2025, 1, 19)  # attested, then yearly
    knowledge = next(a for a in items if a.item == "5.6-knowledge")
    # 6.4's matrix gives 5.6 to the client: its first contact attests it
    assert knowledge.who == "client: Nordlicht Energie GmbH (Anna Weber, service owner)"
    findings = C.check_attestations(complete, dt.date(2024, 1, 15))
    assert {f.severity for f in findings} == {"info"}
    later = C.check_attestations(complete, dt.date(2024, 6, 1))
    overdue = [f for f in later if f.code == "attestation_overdue"]
    assert overdue
    assert "5.9-regions" not in " ".join(f.message for f in overdue)


def test_minimal_agreement_lists_missing_clauses(minimal):
    findings = minimal.check(today="2026-06-01")
    missing = {f.clause for f in findings if "is not in the agreement" in f.message}
    assert missing == {"4", "5.2", "5.3", "5.5", "5.6", "5.7", "5.8", "5.9", "6.4", "6.5",
                       "6.6", "6.8", "6.9"}  # fmt: skip
    skipped = {f.clause for f in findings if f.code == "not_checked"}
    assert skipped == {"5.4", "6.7", "6.8"}


# ---------------------------------------------------------------------------
# check() as a whole
# ---------------------------------------------------------------------------


def test_check_all_pass(complete, actuals, forecast, plan):
    findings = complete.check(
        forecast=forecast, plan=plan, actuals=actuals, events=None, today="2024-01-15"
    )
    errors = [f for f in findings if f.severity != "info"]
    # the forecast covers March only: the 6-week horizon is incomplete, as it should be
    assert {f.code for f in errors} == {"forecast_incomplete"}


def test_check_sorted_and_framed(complete, actuals, forecast, plan):
    actuals.loc[actuals["channel"] == "voice", "service_level"] = 0.7
    findings = complete.check(forecast=forecast, plan=plan, actuals=actuals, today="2025-04-02")
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
    frame = findings_frame(findings)
    assert {"5.4", "6.7", "6.8", "6.10"} <= set(frame["clause"])


def test_check_frames_without_channel_and_unknown_queues(complete, actuals):
    only_orders = actuals[actuals["queue"] == "orders"].drop(columns="channel")
    findings = complete.check(actuals=only_orders, today="2024-01-15")
    assert not [f for f in findings if f.code == "goal_missed"]
    support = actuals[actuals["queue"] == "support"].drop(columns="channel")
    with pytest.raises(ValueError, match="several channels"):
        complete.check(actuals=support)
    stray = actuals.copy()
    stray.loc[stray["queue"] == "billing", "queue"] = "sales"
    findings = complete.check(actuals=stray, today="2024-01-15")
    assert only(findings, "unknown_queue").queue == "sales"


def test_attestations_take_a_date_string_like_check():
    agreement = Agreement.example()
    assert agreement.attestations(today="2025-11-03") == agreement.attestations(
        today=dt.date(2025, 11, 3)
    )
    with pytest.raises(InputError, match="today"):
        agreement.attestations(today="someday")
