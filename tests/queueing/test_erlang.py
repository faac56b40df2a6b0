"""Erlang B / C / A: textbook values, conventions, peers' failure points, domain handling.

Reference values here are either closed forms worked by hand (stated next to
each), or an independent float recursion of Erlang B. The dense grids against
mpmath and the exact birth-death chain live in test_reference.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import cccplan
from cccplan.queueing import (
    asa,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
)


def _erlang_b_recursion(n: int, load: float) -> float:
    """Erlang B by the forward recursion B(k) = A B(k-1) / (k + A B(k-1)), stable in floats."""
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


# --- textbook values --------------------------------------------------------


def test_erlang_b_small_cases_by_hand():
    # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; B(1, A) = A / (1 + A).
    assert erlang_b(2, 1.0) == pytest.approx(0.2, abs=1e-15)
    assert erlang_b(1, 3.0) == pytest.approx(0.75, abs=1e-15)


def test_erlang_c_small_cases_by_hand():
    # C(3, 2): B = (8/6) / (1 + 2 + 2 + 8/6) = 4/19; C = 3B / (3 - 2 + 2B) = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, abs=1e-15)
    # C(1, A) = A for A < 1 (M/M/1: P(wait) = rho).
    assert erlang_c(1, 0.01) == pytest.approx(0.01, abs=1e-17)
    assert erlang_c(1, 0.6) == pytest.approx(0.6, abs=1e-15)


def test_service_level_asa_occupancy_by_hand():
    c = 4 / 9
    assert service_level(3, 2.0, 180.0, 20.0) == pytest.approx(1 - c * math.exp(-20 / 180))
    assert service_level(3, 2.0, 180.0, 0.0) == pytest.approx(1 - c)
    assert asa(3, 2.0, 180.0) == pytest.approx(c * 180.0)
    assert occupancy(4, 3.0) == pytest.approx(0.75)


@pytest.mark.parametrize("load", [0.5, 7.3, 95.0, 1_000.0, 20_000.0, 100_000.0])
def test_erlang_b_matches_float_recursion_up_to_huge_loads(load):
    agents = [max(1, int(load) - 30), int(load) + 1, int(load) + 25, int(load) + 300]
    expected = [_erlang_b_recursion(n, load) for n in agents]
    np.testing.assert_allclose(erlang_b(agents, load), expected, rtol=1e-11, atol=1e-15)


# --- conventions -------------------------------------------------------------


def test_zero_load_is_served_perfectly_by_any_number_of_agents():
    agents = np.array([0.0, 1.0, 5.5, 200_000.0])
    assert np.all(erlang_b(agents, 0.0) == 0.0)
    assert np.all(erlang_c(agents, 0.0) == 0.0)
    assert np.all(service_level(agents, 0.0, 300.0, 20.0) == 1.0)
    assert np.all(asa(agents, 0.0, 300.0) == 0.0)
    assert np.all(occupancy(agents, 0.0) == 0.0)
    r = erlang_a(agents, 0.0, 300.0, 60.0, 20.0)
    assert np.all(r.p_wait == 0)
    assert np.all(r.p_abandon == 0)
    assert np.all(r.service_level == 1)
    assert np.all(r.service_level_answered == 1)
    assert np.all(r.asa == 0)
    assert required_agents(0.0, 300.0, service_level=0.8, threshold=20) == 0.0


@pytest.mark.parametrize(("agents", "load"), [(5, 5.0), (4, 5.0), (0, 1.0), (10.5, 11.0)])
def test_unstable_erlang_c_is_a_value_not_an_error(agents, load):
    assert erlang_c(agents, load) == 1.0
    assert service_level(agents, load, 300.0, 20.0) == 0.0
    assert asa(agents, load, 300.0) == np.inf
    assert occupancy(agents, load) == 1.0


def test_scalars_give_zero_dimensional_arrays_and_arrays_broadcast():
    out = erlang_c(3, 2.0)
    assert isinstance(out, np.ndarray)
    assert out.ndim == 0
    grid = erlang_c(np.arange(1, 4)[:, None], np.array([0.5, 1.0, 2.5, 10.0])[None, :])
    assert grid.shape == (3, 4)
    r = erlang_a(np.arange(1, 4)[:, None], [[0.5, 1.0]], 300.0, 60.0)
    assert r.p_wait.shape == r.asa.shape == (3, 2)


def test_nan_passes_through_elementwise():
    out = service_level([3, np.nan, 3], [2.0, 2.0, np.nan], 180.0, 20.0)
    assert np.isnan(out[1])
    assert np.isnan(out[2])
    assert np.isfinite(out[0])
    r = erlang_a([3, 3], [2.0, 2.0], 180.0, [60.0, np.nan])
    assert np.isfinite(r.p_wait[0])
    assert np.isnan(r.p_wait[1])


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: erlang_b([1, -2], 1.0), "agents"),
        (lambda: erlang_c(3, [-1.0, 2.0]), "load"),
        (lambda: service_level(3, 2.0, -180.0, 20.0), "aht"),
        (lambda: service_level(3, 2.0, 180.0, [20.0, -1.0]), "threshold"),
        (lambda: asa(3, 2.0, 0.0), "aht"),
        (lambda: erlang_a(3, 2.0, 180.0, -60.0), "patience"),
        (lambda: required_agents([5.0, -5.0], 180.0, asa=20), "load"),
    ],
)
def test_negative_input_gives_nan_and_one_warning_naming_the_argument(call, argument):
    with pytest.warns(cccplan.DomainWarning, match=f"`{argument}`") as record:
        out = call()
    assert len(record) == 1
    values = out.p_wait if hasattr(out, "p_wait") else out
    assert np.isnan(values).any()
    assert np.isfinite(values).any() or np.ndim(values) == 0


def test_non_numeric_input_is_an_input_error():
    with pytest.raises(cccplan.InputError, match="`load` must be numeric"):
        erlang_c(3, "many")
    with pytest.raises(cccplan.InputError, match="do not broadcast"):
        erlang_c([1, 2, 3], [1.0, 2.0])


# --- the peers' known failure points ------------------------------------------


def test_zero_volume_needs_zero_agents():
    out = required_agents([0.0, 0.0, 4.0], [300.0, 0.0, 300.0], service_level=0.8, threshold=20)
    np.testing.assert_array_equal(out[:2], [0.0, 0.0])


def test_load_at_or_above_agents():
    assert erlang_c([10, 9], [10.0, 10.0]).tolist() == [1.0, 1.0]
    n = required_agents(10.0, 300.0, service_level=0.8, threshold=20)
    assert n > 10.0


def test_load_point_six_with_an_hour_threshold_needs_one_agent():
    # One agent: C(1, 0.6) = 0.6 and SL = 1 - 0.6 exp(-(1 - 0.6) 3600 / 300) ~ 0.99999.
    # pyworkforce starts its search at round(A + 1) = 2 and so answers 2.
    assert required_agents(0.6, 300.0, service_level=0.8, threshold=3600) == 1.0
    assert service_level(1, 0.6, 300.0, 3600.0) == pytest.approx(
        1 - 0.6 * math.exp(-0.4 * 3600 / 300)
    )


def test_tiny_load():
    # 0.01 Erlangs: one agent, P(wait) = 0.01, ASA = 0.01 * 300 / 0.99.
    assert required_agents(0.01, 300.0, service_level=0.8, threshold=20) == 1.0
    assert asa(1, 0.01, 300.0) == pytest.approx(0.01 * 300 / 0.99)


def test_huge_loads_are_finite_and_exact():
    load = 5_000.0
    n = required_agents(load, 300.0, service_level=0.8, threshold=20)
    assert service_level(n, load, 300.0, 20.0) >= 0.8 > service_level(n - 1, load, 300.0, 20.0)
    # 100,000 Erlangs and 200,000 agents: no overflow, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = erlang_c([100_001, 100_300, 200_000], 100_000.0)
    expected_b = _erlang_b_recursion(100_300, 100_000.0)
    expected_c = 100_300 * expected_b / (300 + 100_000 * expected_b)
    assert big[1] == pytest.approx(expected_c, rel=1e-10)
    assert big[2] == 0.0 or big[2] < 1e-300
    assert 0.0 < big[0] < 1.0


# --- Erlang A limits -----------------------------------------------------------


def test_erlang_a_infinite_patience_is_erlang_c():
    agents, load, aht, t = np.array([3, 12, 120]), np.array([2.0, 10.0, 110.0]), 240.0, 20.0
    r = erlang_a(agents, load, aht, np.inf, t)
    np.testing.assert_allclose(r.p_wait, erlang_c(agents, load), rtol=1e-14)
    np.testing.assert_allclose(r.service_level, service_level(agents, load, aht, t), rtol=1e-14)
    np.testing.assert_allclose(r.asa, asa(agents, load, aht), rtol=1e-14)
    assert np.all(r.p_abandon == 0.0)


def test_erlang_a_zero_patience_is_erlang_b():
    agents, load = np.array([1, 5, 50]), np.array([2.0, 4.0, 45.0])
    r = erlang_a(agents, load, 200.0, 0.0, 20.0)
    b = erlang_b(agents, load)
    np.testing.assert_allclose(r.p_abandon, b, rtol=1e-14)
    np.testing.assert_allclose(r.service_level, 1 - b, rtol=1e-14)
    assert np.all(r.asa == 0.0)


def test_erlang_a_without_agents_everybody_abandons():
    r = erlang_a(0, 3.0, 200.0, 60.0, 20.0)
    assert (r.p_wait, r.p_abandon, r.service_level, r.asa) == (1.0, 1.0, 0.0, np.inf)


def test_erlang_a_is_stable_above_the_load():
    # Agents well below the load: abandonment keeps the queue finite.
    r = erlang_a(80, 100.0, 300.0, 120.0, 20.0)
    assert 0.2 < r.p_abandon < 1.0
    # Served load equals agent capacity in use: A (1 - P(ab)) = occupancy x n.
    assert r.occupancy * 80 == pytest.approx(100.0 * (1 - r.p_abandon), rel=1e-12)


def _scaled_gap_to_erlang_c(patience):
    agents, load, aht, t = 105, 100.0, 300.0, 20.0
    r = erlang_a(agents, load, aht, patience, t)
    scale = patience / aht
    return np.array(
        [
            (r.p_wait - erlang_c(agents, load)) * scale,
            (r.service_level - service_level(agents, load, aht, t)) * scale,
            (r.asa - asa(agents, load, aht)) * scale,
            r.p_abandon * scale,
        ]
    )


@pytest.mark.parametrize("patience", [1e5, 1e7, 1e9, 1e12])
def test_erlang_a_approaches_erlang_c_like_one_over_patience(patience):
    # Erlang A = Erlang C + O(aht / patience): the gap, scaled by patience / aht,
    # stays bounded (the first-order coefficients are about -1.0, 1.29, -317 s
    # and 0.10 for this queue) through the switch-over to continued fractions.
    gap = _scaled_gap_to_erlang_c(patience)
    assert np.all(np.abs(gap) < [1.1, 1.4, 350.0, 0.12])
    assert gap[0] < 0 < gap[1]
    assert gap[3] > 0


def test_erlang_a_first_order_gap_converges_at_huge_patience():
    # The scaled gap has a limit; at 1e9 s and 1e12 s of patience it is the same
    # to 1e-5 relative: no loss of precision where x and y reach 1e12. P(abandon)
    # is accurate to ~1e-15 absolute (not relative: it is 3e-11 at 1e12 s), so
    # its scaled gap may move by 1e-14 x patience / aht.
    at_1e9, at_1e12 = _scaled_gap_to_erlang_c(1e9), _scaled_gap_to_erlang_c(1e12)
    np.testing.assert_allclose(at_1e9[:3], at_1e12[:3], rtol=1e-5)
    assert abs(at_1e9[3] - at_1e12[3]) < 1e-14 * 1e12 / 300.0
