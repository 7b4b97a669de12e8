"""Convergence-rate analysis: instantaneous rates and tail classification."""

import numpy as np
import pytest

from qnnsym.errors import InvalidInput
from qnnsym.numeric import asymptotic_flow
from qnnsym.numeric.rates import classify_tail, fit_exponential, instantaneous_rate
from qnnsym.sampling import haar_unitaries


@pytest.mark.parametrize("alpha, t0", [(1.0, 1.0), (2.0, 10.0), (0.5, 0.0)])
def test_shifted_power_laws_are_sublinear_with_their_exponent(alpha, t0):
    t = np.linspace(1, 300, 1500)
    fit = classify_tail(t, 5.0 * (t + t0) ** -alpha)
    assert fit.kind == "sublinear"
    assert abs(fit.exponent - alpha) <= 1e-6 * alpha


@pytest.mark.parametrize("lam", [1e-3, 0.05, 1.0])
def test_exponentials_are_linear_with_their_rate(lam):
    t = np.linspace(0, 20 / lam, 1000)
    fit = classify_tail(t, 2.0 * np.exp(-lam * t) + 0.0)
    assert fit.kind == "linear"
    assert abs(fit.rate - lam) <= 1e-9 * lam


def test_exponential_approach_to_a_constant_is_stalled():
    t = np.linspace(0, 100, 500)
    assert classify_tail(t, 0.3 + np.exp(-t)).kind == "stalled"


def test_instantaneous_rate_of_exponential_is_constant():
    t = np.linspace(0, 5, 101)
    k = instantaneous_rate(t, np.exp(-0.7 * t))
    assert np.max(np.abs(k - 0.7)) <= 1e-12


def test_input_errors():
    with pytest.raises(InvalidInput, match="loss: expected positive losses"):
        classify_tail(np.arange(10.0), np.r_[np.ones(9), 0.0])
    with pytest.raises(InvalidInput, match="times: expected strictly increasing"):
        fit_exponential(np.r_[np.arange(9.0), 3.0], np.ones(10))
    with pytest.raises(InvalidInput, match="times: expected at least 5 records"):
        classify_tail([1.0, 2.0], [1.0, 0.5])


def _one_sample_flow(y: float, gamma: float = 1.0):
    u = haar_unitaries(2, 1, seed=4)[0]
    m0 = gamma * u.conj().T @ np.diag([1.0, -1.0]) @ u
    rho = np.array([[[1, 0], [0, 0]]], dtype=complex)
    return asymptotic_flow(m0, rho, [y], c=0.5, t_final=400.0, dt=0.05, record_every=20)


def test_boundary_label_gives_t_minus_two_and_interior_label_gives_linear():
    # SPEC S12: |y| = gamma: residual ~ 1/(4 c gamma t), so L ~ t^-2; |y| < gamma: linear
    boundary = _one_sample_flow(-1.0)
    fit = classify_tail(boundary.times[1:], boundary.loss[1:])
    assert fit.kind == "sublinear" and abs(fit.exponent - 2.0) <= 0.02
    interior = _one_sample_flow(-0.5)
    t = interior.times[: 40]  # before the loss reaches round-off
    fit = classify_tail(t[1:], interior.loss[1:40])
    assert fit.kind == "linear" and abs(fit.rate - 2 * 2 * 0.5 * (1 - 0.25)) <= 1e-3  # L rate = 2 x residual rate 2c(g^2 - y^2)
