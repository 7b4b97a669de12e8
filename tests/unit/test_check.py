"""Symbolic-vs-numeric comparisons (qnnsym.check): agreement, arbitration, and rejection."""

import numpy as np
import sympy as sp

from qnnsym.check import ARBITRATION_BAND, CROSSCHECKS, compare_expressions, run_crosschecks

x = sp.Symbol("x", real=True)


def test_exact_agreement_passes_without_arbitration():
    res = compare_expressions("sin", sp.Matrix([sp.sin(x)]), (x,), [[0.3]], [[np.sin(0.3)]], tolerance=1e-12)
    assert res.passed and not res.arbitrated


def test_wrong_expression_is_rejected():
    res = compare_expressions("sign flip", sp.Matrix([-sp.sin(x)]), (x,), [[0.3]], [[np.sin(0.3)]], tolerance=1e-12)
    assert not res.passed and res.max_error > 0.5


def test_near_tolerance_is_decided_at_high_precision():
    # exp(x) - 1 at x = 1e-9 evaluated in float64 (lambdify) errs by ~8e-17 through cancellation;
    # the numeric side holds the correctly rounded value 1e-9 + 5e-19.  With a tolerance of 5e-17 a
    # float64 comparison would fail; the error is inside the arbitration band, so the symbolic side is
    # re-evaluated at 50 digits, where it agrees to ~1e-25, and the check passes.
    numeric = 1e-9 + 5e-19
    float64_error = abs((np.exp(1e-9) - 1) - numeric)
    assert 5e-17 < float64_error < 5e-17 * ARBITRATION_BAND
    res = compare_expressions("cancellation", sp.Matrix([sp.exp(x) - 1]), (x,), [[1e-9]], [[numeric]], tolerance=5e-17)
    assert res.arbitrated and res.passed and res.max_error < 1e-24


def test_arbitration_does_not_rescue_a_real_error():
    res = compare_expressions("off by 1e-16", sp.Matrix([sp.exp(x) - 1]), (x,), [[1e-9]], [[1e-9 + 5e-19 + 1e-16]], tolerance=5e-17)
    assert res.arbitrated and not res.passed


def test_every_registered_crosscheck_passes():
    results = run_crosschecks()
    assert len(results) == len(CROSSCHECKS) >= 3
    assert all(r.passed for r, _ in results), [(r.name, r.max_error, r.tolerance, r.detail) for r, _ in results]


def test_a_wrong_weingarten_value_is_rejected(monkeypatch):
    import qnnsym.symbolic.weingarten as wg

    real = wg.weingarten
    monkeypatch.setattr(wg, "weingarten", lambda sigma, d: real(sigma, d) * sp.Rational(11, 10))
    (res, _), = run_crosschecks(only=["weingarten-vs-monte-carlo"])
    assert not res.passed and res.max_error > 5


def test_band_constant_is_sane():
    assert ARBITRATION_BAND > 1
