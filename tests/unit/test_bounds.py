"""The Theorem 3.2 bound functions of :mod:`qnnsym.numeric.bounds` against the same formulas
evaluated in mpmath at 50 digits (whose exponent range cannot overflow), including the inputs
where a float64 partial product overflows: ``inf * 0`` must never come out as NaN."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qnnsym.numeric import bounds

#: relative agreement with the 50-digit value; the float64 path makes a handful of roundings
#: (or one exp/log pair, which costs about |log(product)| ulps, at most ~1.6e-13 here)
RTOL = 1e-12

POSITIVE = st.floats(1e-300, 1e300)
NON_NEGATIVE = st.one_of(st.just(0.0), POSITIVE)


def _mp_sublinear(L0, t, eta, S, delta, m):
    with mpmath.workdps(50):
        rate = 4 * mpmath.sqrt(2) * mpmath.mpf(eta) * delta * S * mpmath.sqrt(m) * t
        return (mpmath.mpf(L0) ** -0.5 + rate) ** -2


def _mp_one_sample(r0, t, eta, S, delta):
    with mpmath.workdps(50):
        return abs(mpmath.mpf(r0)) / (1 + 4 * mpmath.mpf(eta) * delta * S * abs(r0) * t)


def _close(value: float, exact) -> bool:
    """Agreement to ``RTOL``, where an exact value below float64's normal range may read as 0."""
    if exact < mpmath.mpf("1e-290"):
        return 0.0 <= value <= 1e-290
    return abs(mpmath.mpf(value) - exact) <= RTOL * exact


@settings(max_examples=200)
@given(L0=POSITIVE, t=NON_NEGATIVE, eta=POSITIVE, S=NON_NEGATIVE, delta=NON_NEGATIVE, m=st.integers(1, 10**9))
@example(L0=5.3342993637704146e191, t=5.3342993637704146e191, eta=6.521745474655737e-247, S=5.3342993637704146e191,
         delta=6.521745474655737e-247, m=1)  # eta * Delta underflows on the way; the whole product does not
def test_sublinear_lower_bound_matches_the_formula_at_50_digits(L0, t, eta, S, delta, m):
    value = float(bounds.sublinear_lower_bound(L0, t, eta=eta, S=S, delta=delta, m=m))
    exact = _mp_sublinear(L0, t, eta, S, delta, m)
    assert _close(value, exact), (value, exact)
    assert value <= L0 * (1 + 4e-16)  # (L0^{-1/2})^{-2} rounds twice


@settings(max_examples=200)
@given(r0=st.one_of(st.just(0.0), POSITIVE, POSITIVE.map(lambda v: -v)), t=NON_NEGATIVE, eta=POSITIVE, S=NON_NEGATIVE,
       delta=NON_NEGATIVE)
@example(r0=2.0582878256677487e290, t=1.0, eta=7.681815975232898e-294, S=2.0582878256677484e283,
         delta=7.681815975232898e-294)  # a partial product underflows
@example(r0=2.0498584940814335e94, t=1.0, eta=1.0, S=1.0, delta=2.1924600405989048e213)  # rate |r0| overflows: ~1/rate
@example(r0=1.9, t=0.0, eta=1.0, S=0.0, delta=0.0)  # exactly |r0|, not one reciprocal rounding above it
def test_one_sample_residual_bound_matches_the_formula_at_50_digits(r0, t, eta, S, delta):
    value = float(bounds.one_sample_residual_bound(r0, t, eta=eta, S=S, delta=delta))
    exact = _mp_one_sample(r0, t, eta, S, delta)
    assert _close(value, exact), (value, exact)
    assert value <= abs(r0)


@pytest.mark.parametrize("S, t", [(0.0, 1.0), (1.0, 0.0), (0.0, 0.0)])
def test_an_overflowing_partial_product_times_zero_is_zero_not_nan(S, t):
    """``eta * Delta`` overflows float64 here; with ``S = 0`` or ``t = 0`` the bound is ``L0`` (nothing moves)."""
    kw = dict(eta=1.2e16, S=S, delta=2.7e291)
    assert bounds.sublinear_lower_bound(2.0, t, m=1, **kw) == pytest.approx(2.0, rel=1e-15)
    assert bounds.one_sample_residual_bound(-3.0, t, **kw) == 3.0
    assert bounds.discrete_lower_bound(2.0, t, step=kw["eta"], rho=1.0, S=S, delta=kw["delta"], m=1) == pytest.approx(2.0)


def test_a_product_that_overflows_on_the_way_but_not_in_the_end_is_kept():
    """``eta S = 1e600`` overflows, ``eta S Delta t = 1e10`` does not: the bound is that of ``1e10``, not 0."""
    value = float(bounds.sublinear_lower_bound(1.0, 1e-300, m=1, eta=1e300, S=1e300, delta=1e-290))
    exact = _mp_sublinear(1.0, 1e-300, 1e300, 1e300, 1e-290, 1)
    assert _close(value, exact) and value > 0, (value, exact)


def test_arrays_of_times_keep_their_shape_and_values():
    t = np.array([[0.0, 1.0], [2.0, 1e300]])
    out = bounds.sublinear_lower_bound(1.0, t, eta=0.1, S=2.0, delta=2.0, m=3)
    assert out.shape == t.shape
    expected = (1 + 4 * math.sqrt(2) * 0.1 * 2.0 * 2.0 * math.sqrt(3) * t) ** -2.0
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)


def test_a_scalar_time_gives_a_scalar():
    """Scalar in, scalar out (as before the overflow-safe product): ``float(x)`` and ``x * 2`` behave."""
    for value in (bounds.sublinear_lower_bound(0.5, 2.0, eta=0.1, S=1.0, delta=2.0, m=2),
                  bounds.one_sample_residual_bound(0.5, 2.0, eta=0.1, S=1.0, delta=2.0)):
        assert np.ndim(value) == 0 and not isinstance(value, np.ndarray), type(value)
    assert bounds.one_sample_residual_bound(0.5, 2.0, eta=0.1, S=1.0, delta=2.0) == 0.5 / (1 + 4 * 0.1 * 2.0 * 0.5 * 2.0)
