"""required_agents: argument errors, unreachable targets, each target, each search path."""

from __future__ import annotations

import numpy as np
import pytest

import cccplan
from cccplan.queueing import (
    asa,
    erlang_a,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
)
from cccplan.queueing import solver as solver_module


def _year_of_loads(size: int = 4000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    load = np.concatenate([rng.uniform(0, 1, size // 4), rng.gamma(2.0, 40.0, size - size // 4)])
    aht = rng.uniform(120, 480, size)
    return load, aht


# --- argument errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "at least one target"),
        ({"service_level": 0.8}, "`service_level` needs `threshold`"),
        ({"threshold": 20}, "`threshold` needs `service_level`"),
        ({"max_abandon": 0.05}, "`max_abandon` needs `patience`"),
        ({"asa": 20, "sl_basis": "handled"}, "`sl_basis` must be"),
        ({"service_level": 80, "threshold": 20}, r"did you mean 0\.8"),
        ({"service_level": 0.8, "threshold": -1}, "`threshold` must be between"),
        ({"max_occupancy": 1.5}, "`max_occupancy` must be between"),
        ({"asa": "fast"}, "`asa` must be numeric"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs, message):
    with pytest.raises(cccplan.InputError, match=message):
        required_agents(10.0, 300.0, **kwargs)


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError, match="at least one target"):
        required_agents(10.0, 300.0)


# --- unreachable targets --------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service_level": 1.0, "threshold": 20},
        {"service_level": 1.0, "threshold": 20, "patience": 60},
        {"asa": 0.0},
        {"max_abandon": 0.0, "patience": 60},
        {"max_occupancy": 0.0},
    ],
)
def test_unreachable_targets_give_nan(kwargs):
    out = required_agents([0.0, 10.0], 300.0, **kwargs)
    assert out[0] == 0.0
    assert np.isnan(out[1])


def test_perfect_service_level_with_infinite_threshold_is_stability():
    assert required_agents(10.2, 300.0, service_level=1.0, threshold=np.inf) == 11.0


# --- each target ---------------------------------------------------------------


def test_service_level_target_is_minimal_over_many_intervals():
    load, aht = _year_of_loads()
    n = required_agents(load, aht, service_level=0.8, threshold=20)
    assert np.all(service_level(n, load, aht, 20.0) >= 0.8)
    one_fewer = service_level(np.maximum(n - 1, 0), load, aht, 20.0)
    assert np.all((one_fewer < 0.8) | (n == 0))
    assert np.all(n[load == 0] == 0)


def test_asa_target_is_minimal():
    load, aht = _year_of_loads(seed=3)
    n = required_agents(load, aht, asa=15.0)
    assert np.all(asa(n, load, aht) <= 15.0)
    positive = load > 0
    assert np.all(asa(n[positive] - 1, load[positive], aht[positive]) > 15.0)


def test_occupancy_target_closed_form():
    # 8.5 / 10 = 0.85 exactly meets 0.85; 9 / 0.85 = 10.6 needs 11; always stable.
    out = required_agents([8.5, 9.0, 10.0], 300.0, max_occupancy=[0.85, 0.85, 1.0])
    np.testing.assert_array_equal(out, [10.0, 11.0, 11.0])
    assert np.all(occupancy(out, [8.5, 9.0, 10.0]) <= [0.85, 0.85, 1.0])


def test_combined_targets_take_the_largest_requirement():
    load, aht = np.array([3.0, 30.0, 300.0]), 240.0
    sl = required_agents(load, aht, service_level=0.8, threshold=20)
    occ = required_agents(load, aht, max_occupancy=0.85)
    both = required_agents(load, aht, service_level=0.8, threshold=20, max_occupancy=0.85)
    np.testing.assert_array_equal(both, np.maximum(sl, occ))


def test_erlang_a_targets_are_minimal():
    load, aht = _year_of_loads(size=600, seed=11)
    kwargs = {"service_level": 0.8, "threshold": 20, "patience": 90.0, "max_abandon": 0.05}
    n = required_agents(load, aht, **kwargs)
    ok = erlang_a(n, load, aht, 90.0, 20.0)
    assert np.all(ok.service_level >= 0.8)
    assert np.all(ok.p_abandon <= 0.05)
    positive = load > 0
    fewer = erlang_a(n[positive] - 1, load[positive], aht[positive], 90.0, 20.0)
    assert np.all((fewer.service_level < 0.8) | (fewer.p_abandon > 0.05))


def test_erlang_a_asa_and_answered_basis():
    load = np.array([2.0, 20.0, 200.0])
    n = required_agents(load, 300.0, asa=10.0, patience=120.0)
    assert np.all(erlang_a(n, load, 300.0, 120.0).asa <= 10.0)
    assert np.all(erlang_a(n - 1, load, 300.0, 120.0).asa > 10.0)
    offered = required_agents(load, 300.0, service_level=0.9, threshold=20, patience=60.0)
    answered = required_agents(
        load, 300.0, service_level=0.9, threshold=20, patience=60.0, sl_basis="answered"
    )
    # Abandoned contacts count as missed on the offered basis only.
    assert np.all(answered <= offered)
    r = erlang_a(answered, load, 300.0, 60.0, 20.0)
    assert np.all(r.service_level_answered >= 0.9)


def test_abandonment_lowers_the_requirement_in_a_worked_example():
    # The README's example: 20 Erlangs, 3-minute calls, 80/20.
    assert required_agents(20.0, 180.0, service_level=0.8, threshold=20) == 24.0
    assert required_agents(20.0, 180.0, service_level=0.8, threshold=20, patience=90) == 22.0


def test_infinite_patience_elements_are_erlang_c():
    load = np.array([5.0, 50.0])
    mixed = required_agents(load, 240.0, service_level=0.8, threshold=20, patience=[np.inf, 90])
    assert mixed[0] == required_agents(5.0, 240.0, service_level=0.8, threshold=20)
    assert mixed[1] == required_agents(50.0, 240.0, service_level=0.8, threshold=20, patience=90)


# --- continuous agents -------------------------------------------------------------


def test_continuous_minimum_lies_between_the_integers_and_is_tight():
    load = np.array([0.6, 4.3, 37.0, 812.5])
    whole = required_agents(load, 300.0, service_level=0.8, threshold=20)
    real = required_agents(load, 300.0, service_level=0.8, threshold=20, integer=False)
    assert np.all((real <= whole) & (real > whole - 1) & (real > load))
    assert np.all(service_level(real, load, 300.0, 20.0) >= 0.8)
    assert np.all(service_level(real - 1e-6, load, 300.0, 20.0) < 0.8)


def test_continuous_erlang_a():
    load = np.array([1.5, 15.0])
    real = required_agents(load, 200.0, max_abandon=0.03, patience=60.0, integer=False)
    assert np.all(erlang_a(real, load, 200.0, 60.0).p_abandon <= 0.03)
    assert np.all(erlang_a(real - 1e-6, load, 200.0, 60.0).p_abandon > 0.03)


# --- the search paths give the same answers -------------------------------------------


def test_fallback_bisection_matches_the_recursion_walk(monkeypatch):
    load, aht = _year_of_loads(size=1500, seed=5)
    walk = required_agents(load, aht, service_level=0.9, threshold=15)
    monkeypatch.setattr(solver_module, "_MAX_WALK", 0)
    bisect = required_agents(load, aht, service_level=0.9, threshold=15)
    np.testing.assert_array_equal(walk, bisect)


def test_chunked_threads_match_one_chunk(monkeypatch):
    load, aht = _year_of_loads(size=3000, seed=9)
    whole = required_agents(load, aht, service_level=0.8, threshold=20)
    monkeypatch.setattr(solver_module, "_CHUNK", 257)
    chunked = required_agents(load, aht, service_level=0.8, threshold=20)
    np.testing.assert_array_equal(whole, chunked)


def test_many_distinct_targets_use_the_generic_guess():
    load, aht = _year_of_loads(size=500, seed=2)
    targets = np.linspace(0.5, 0.95, load.size)
    n = required_agents(load, aht, service_level=targets, threshold=20)
    assert np.all(service_level(n, load, aht, 20.0) >= targets)
    assert np.all((service_level(n - 1, load, aht, 20.0) < targets) | (n == 0))


def test_shapes_nan_and_domain():
    out = required_agents(np.array([[1.0], [np.nan]]), [[300.0, 200.0, 100.0]], asa=20)
    assert out.shape == (2, 3)
    assert np.all(np.isnan(out[1]))
    assert np.all(out[0] >= 2)
    assert isinstance(required_agents(5.0, 300.0, asa=20), np.ndarray)
    with pytest.warns(cccplan.DomainWarning, match="`aht` must be > 0"):
        zero_aht = required_agents([5.0, 0.0], [0.0, 0.0], asa=20)
    assert np.isnan(zero_aht[0])
    assert zero_aht[1] == 0.0
    assert erlang_c(required_agents(5.0, 300.0, asa=20), 5.0) < 1
