"""cccplan.queueing against stored high-precision reference values.

Where the reference values come from (the generators sit beside the CSVs and say how to
regenerate; the tests only read the CSVs):

* ``reference/erlang_bc_mpmath.csv`` -- ``reference/make_erlang_bc.py``: Erlang B and C in
  mpmath at 50 digits over ~1,000 (agents, load) points, loads 0.01 .. 20,000 Erlangs, integer
  and non-integer agents. Integer B by the positive-term sum, cross-checked against the
  incomplete-gamma form; real agents by ``A^x e^-A / Gamma(x+1, A)``, cross-checked against
  the recursion from the fractional part.
* ``reference/erlang_a_exact.csv`` -- ``reference/make_erlang_a.py``: M/M/n+M computed
  directly from the birth-death chain in mpmath at 40 digits (no closed-form Erlang A
  formula), 42 cases, with internal checks (Little's law, throughput balance, uniformization,
  Erlang C / Erlang B limits).

A second, independent check of the Erlang B reference itself: a plain float recursion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cccplan.queueing import erlang_a, erlang_b, erlang_c

REF_DIR = Path(__file__).parent / "reference"
BC_CSV = REF_DIR / "erlang_bc_mpmath.csv"
A_CSV = REF_DIR / "erlang_a_exact.csv"

BC_ATOL = 1e-12
A_ATOL = 1e-9
ASA_RTOL = 1e-9
A_FIELDS = ("p_wait", "p_abandon", "service_level", "service_level_answered", "asa")


@pytest.fixture(scope="module")
def bc_ref() -> pd.DataFrame:
    return pd.read_csv(BC_CSV)


@pytest.fixture(scope="module")
def a_ref() -> pd.DataFrame:
    return pd.read_csv(A_CSV)


def _worst_rows(df: pd.DataFrame, got: np.ndarray, col: str, excess: np.ndarray, k: int = 8) -> str:
    """Table of the k rows with the largest tolerance excess, for assertion messages."""
    order = np.argsort(-np.nan_to_num(excess, nan=np.inf))[:k]
    show = df.iloc[order].copy()
    show[f"got_{col}"] = got[order]
    show["abs_err"] = np.abs(got[order] - df[col].to_numpy()[order])
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.precision", 17
    ):
        return show.to_string()


def _assert_close(df: pd.DataFrame, got: object, col: str, atol: float, rtol: float = 0.0) -> None:
    got_arr = np.asarray(got, dtype=float)
    want = df[col].to_numpy(dtype=float)
    assert got_arr.shape == want.shape
    # equal infinities are not expected anywhere in these references
    excess = np.abs(got_arr - want) - (atol + rtol * np.abs(want))
    bad = ~(excess <= 0)  # NaN counts as failure
    assert not bad.any(), (
        f"{col}: {int(bad.sum())} of {len(want)} rows outside atol={atol:g}, rtol={rtol:g}; "
        f"max abs err {np.nanmax(np.abs(got_arr - want)):.3e}; worst rows:\n"
        + _worst_rows(df, got_arr, col, excess)
    )


def test_reference_csvs_exist_and_are_non_empty(bc_ref: pd.DataFrame, a_ref: pd.DataFrame) -> None:
    assert BC_CSV.is_file()
    assert A_CSV.is_file()
    assert list(bc_ref.columns) == ["agents", "load", "erlang_b", "erlang_c"]
    assert list(a_ref.columns) == ["agents", "load", "aht", "patience", "threshold", *A_FIELDS]
    assert len(bc_ref) > 500
    assert len(a_ref) >= 40
    assert np.isfinite(bc_ref.to_numpy()).all()
    assert np.isfinite(a_ref.to_numpy()).all()
    # the grid really spans what it claims to
    assert bc_ref["load"].min() == 0.01
    assert bc_ref["load"].max() == 20000.0
    assert (bc_ref["agents"] % 1 != 0).sum() > 50  # non-integer agents present


def test_erlang_b_reference_agrees_with_float_recursion(bc_ref: pd.DataFrame) -> None:
    """Independent check of the mpmath Erlang B values: 1/B(n) = 1 + n/A * 1/B(n-1)."""
    sub = bc_ref[(bc_ref["agents"] % 1 == 0) & (bc_ref["load"] <= 50)]
    assert len(sub) > 200
    got = []
    for n, load in zip(sub["agents"].astype(int), sub["load"], strict=True):
        inv_b = 1.0
        for k in range(1, n + 1):
            inv_b = 1.0 + k / load * inv_b
            if inv_b == np.inf:
                break
        got.append(1.0 / inv_b)
    _assert_close(sub, got, "erlang_b", atol=1e-13)


def test_erlang_b_matches_mpmath(bc_ref: pd.DataFrame) -> None:
    got = erlang_b(bc_ref["agents"].to_numpy(), bc_ref["load"].to_numpy())
    _assert_close(bc_ref, got, "erlang_b", atol=BC_ATOL)


def test_erlang_c_matches_mpmath(bc_ref: pd.DataFrame) -> None:
    got = erlang_c(bc_ref["agents"].to_numpy(), bc_ref["load"].to_numpy())
    _assert_close(bc_ref, got, "erlang_c", atol=BC_ATOL)


@pytest.mark.parametrize("field", A_FIELDS)
def test_erlang_a_matches_exact_birth_death(a_ref: pd.DataFrame, field: str) -> None:
    res = erlang_a(
        a_ref["agents"].to_numpy(),
        a_ref["load"].to_numpy(),
        a_ref["aht"].to_numpy(),
        a_ref["patience"].to_numpy(),
        threshold=a_ref["threshold"].to_numpy(),
    )
    got = getattr(res, field)
    if field == "asa":  # seconds
        _assert_close(a_ref, got, field, atol=A_ATOL, rtol=ASA_RTOL)
    else:
        _assert_close(a_ref, got, field, atol=A_ATOL)
