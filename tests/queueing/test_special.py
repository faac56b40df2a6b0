"""The private primitives and their switch-overs (scipy path <-> continued fractions).

Each switch point is tested from both sides: the two evaluation paths must
agree where they meet, and both must agree with mpmath (30 digits, computed in
the test) on a few hard points.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy import special as sc
from scipy.optimize import brentq

from cccplan.queueing import _special as special


def _mp_log_kummer(a: float, z: float) -> float:
    with mp.workdps(30):
        return float(mp.log(mp.hyp1f1(1, mp.mpf(a) + 1, mp.mpf(z), maxterms=10**7)))


def _mp_log_erlang_b(n: float, load: float) -> float:
    with mp.workdps(40):
        n_, a_ = mp.mpf(n), mp.mpf(load)
        return float(n_ * mp.log(a_) - a_ - mp.log(mp.gammainc(n_ + 1, a_)))


@pytest.mark.parametrize("a", [50.0, 3e3, 2e5])
def test_lower_switch_both_paths_agree_at_the_switch(a):
    # Just above the switch (bd0 = 2) both paths are still accurate: they agree.
    z = brentq(lambda v: special.bd0(np.array([a]), np.array([v]))[0] - 2.2, 1e-9, a)
    aa, zz = np.array([a]), np.array([z])
    via_scipy = np.log(sc.gammainc(aa, zz)) - special.log_poisson_pmf(aa, zz)
    via_cf = special._log_lower_kummer_cf(aa, zz)
    np.testing.assert_allclose(via_scipy, via_cf, rtol=1e-12)
    np.testing.assert_allclose(special.log_kummer(aa, zz), via_cf, rtol=1e-15)


@pytest.mark.parametrize(
    ("a", "z"),
    [(10.0, 5.0), (40.0, 45.0), (1e3, 900.0), (1e5, 99_900.0), (1e6, 9e5), (1e7, 9.95e6)],
)
def test_log_kummer_against_mpmath(a, z):
    # (1e7, 9.95e6) is where scipy's gammainc alone is off by 7e-6 relative;
    # the continued fraction keeps full accuracy.
    got = special.log_kummer(np.array([a]), np.array([z]))[0]
    assert got == pytest.approx(_mp_log_kummer(a, z), rel=1e-13)


@pytest.mark.parametrize("load", [1e3, 1e5])
@pytest.mark.parametrize("bd0_target", [4.5, 5.5, 40.0])
def test_upper_switch_against_mpmath(load, bd0_target):
    # Erlang B below the load switches to the upper continued fraction at bd0 = 5.
    n = load * (1 - np.sqrt(2 * bd0_target / load))
    got = special.log_erlang_b(np.array([n]), np.array([load]))[0]
    assert np.exp(got) == pytest.approx(np.exp(_mp_log_erlang_b(n, load)), rel=1e-12)


def test_stirlerr_is_continuous_across_its_switch():
    n = np.array([15.0 - 1e-9, 15.0 + 1e-9])
    values = special.stirlerr(n)
    assert values[0] == pytest.approx(values[1], rel=1e-8)
    with mp.workdps(30):
        exact = mp.loggamma(16) - (mp.mpf(15.5) * mp.log(15) - 15 + mp.log(mp.sqrt(2 * mp.pi)))
    assert special.stirlerr(np.array([15.0]))[0] == pytest.approx(float(exact), rel=1e-13)


@pytest.mark.parametrize(("k", "mu"), [(0.0, 3.0), (0.5, 2.0), (7.0, 7.0), (1e5, 1e5 + 300)])
def test_log_poisson_pmf_against_mpmath(k, mu):
    with mp.workdps(40):
        exact = float(k * mp.log(mu) - mu - mp.loggamma(mp.mpf(k) + 1))
    got = special.log_poisson_pmf(np.array([k]), np.array([mu]))[0]
    assert got == pytest.approx(exact, rel=1e-14, abs=1e-14)
