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


def test_tolerance_below_float64_resolution_is_arbitrated():
    # 1 + x^2 at x = 2^-30 is 1 + 2^-60 exactly; in float64 it rounds to 1.0, so against the numeric
    # value 1.0 the float64 error is 0 -- which says nothing when the tolerance (5e-19 or 1e-18) is
    # below the spacing of floats near 1 (2.2e-16).  Arbitration decides both ways at 50 digits.
    point, true_diff = [[2.0**-30]], 2.0**-60
    fails = compare_expressions("resolution", sp.Matrix([1 + x**2]), (x,), point, [[1.0]], tolerance=5e-19)
    passes = compare_expressions("resolution", sp.Matrix([1 + x**2]), (x,), point, [[1.0]], tolerance=1e-18)
    assert fails.arbitrated and not fails.passed and abs(fails.max_error - true_diff) < 1e-30
    assert passes.arbitrated and passes.passed


def test_complex_values_are_arbitrated_in_both_parts():
    # exp(i x) - 1 at x = 1e-9: real part -x^2/2 ~ -5e-19 (float64 gives cos(x) - 1 = 0, an error of
    # 5e-19, inside the band of the tolerance 2e-18), imaginary part sin(x) ~ 1e-9
    exact = complex(-5e-19, 1e-9 - 1e-27 / 6)
    expr = sp.Matrix([sp.exp(sp.I * x) - 1])
    ok = compare_expressions("phase", expr, (x,), [[1e-9]], [[exact]], tolerance=2e-18)
    bad = compare_expressions("phase", expr, (x,), [[1e-9]], [[exact + 1e-17j]], tolerance=2e-18)
    assert ok.arbitrated and ok.passed and ok.max_error < 1e-24
    assert bad.arbitrated and not bad.passed and abs(bad.max_error - 1e-17) < 1e-24


def test_s1_symbolic_jacobian_comparison_is_arbitrated():
    """Theorem S1's symbolic-vs-adjoint comparison goes through compare_expressions: a numeric Jacobian
    off by a fraction of the tolerance, inside the band, is re-decided at 50 digits both ways."""
    from qnnsym.model import AngleEncoding, hardware_efficient_ansatz
    from qnnsym.numeric import jacobian
    from qnnsym.proofs.s01_gradient_formula import _symbolic_agreement
    from qnnsym.tolerances import PARAMETER_SHIFT_ATOL

    model = hardware_efficient_ansatz(2, 1)
    data = AngleEncoding(2).dataset(np.array([[0.3, 1.1]]), [0.5])
    theta = np.array([0.1, -0.7, 1.3, 0.4])
    J = jacobian(model, data, theta)
    near = _symbolic_agreement("near", model, data, theta, J + 0.5 * PARAMETER_SHIFT_ATOL, PARAMETER_SHIFT_ATOL)
    over = _symbolic_agreement("over", model, data, theta, J + 2.0 * PARAMETER_SHIFT_ATOL, PARAMETER_SHIFT_ATOL)
    assert near.arbitrated and near.passed and abs(near.max_error - 0.5 * PARAMETER_SHIFT_ATOL) < 1e-14
    assert over.arbitrated and not over.passed
