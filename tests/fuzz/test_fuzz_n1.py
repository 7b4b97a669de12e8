"""Fuzz the public entry points of :mod:`qnnsym.neighbours.frozen` (N1) and its figure's size arguments.

Malformed input must raise :class:`~qnnsym.errors.InvalidInput` naming the argument; valid but extreme
Jacobians, residuals, rates and times must give a finite correction or a refusal naming ``jac`` — never
NaN, inf or another exception.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import hostile as H
from qnnsym.errors import InvalidInput
from qnnsym.model import Dataset, circuit, dense_haar_model, random_orthonormal_dataset
from qnnsym.neighbours import frozen
from qnnsym.neighbours.frozen import (
    dqntk_correction,
    dqntk_residual_correction,
    jacobian_derivative,
    kernel_derivative,
    mean_kernel,
    mean_kernel_prediction,
)

N = 60  # examples per property

DENSE = dense_haar_model(4, 3, seed=0, generator="pauli", final_unitary=True)
DATA = random_orthonormal_dataset(4, 2, seed=1, labels=(0.5, -0.5))
DATA2 = random_orthonormal_dataset(2, 2, seed=1)
CIRCUIT = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RZ", 1)], "ZI")
THETA = np.array([0.1, -0.4, 0.7])
NOT_MODEL = st.one_of(H.WRONG_TYPE, st.just(DATA))
NOT_DATA = st.one_of(H.WRONG_TYPE, st.just(DENSE), st.just(DATA2))
# any length of finite non-negative times is valid, so no wrong_shape here beyond empty and 2-d
BAD_TIMES = st.one_of(H.non_finite_laced((2,)), H.wrong_dtype_array((2,)), H.complex_with_imag((2,)),
                      st.just(np.array([0.0, -1.0])), st.just(np.zeros(0)), st.just(np.zeros((2, 2))))


@settings(max_examples=N)
@given(model=NOT_MODEL, data=NOT_DATA)
def test_mean_kernel(model, data):
    H.expect_invalid("mean_kernel", "model", mean_kernel, model, DATA)
    H.expect_invalid("mean_kernel", "data", mean_kernel, DENSE, data)
    H.expect_invalid("mean_kernel", "model", mean_kernel, CIRCUIT, DATA)  # no Haar blocks to average


@settings(max_examples=N)
@given(theta=H.bad_real_vector(3), eta=H.bad_positive_real(), times=BAD_TIMES, model=NOT_MODEL, data=NOT_DATA)
def test_mean_kernel_prediction(theta, eta, times, model, data):
    ok = dict(eta=1.0, times=[0.0, 1.0])
    H.expect_invalid("mean_kernel_prediction", "model", mean_kernel_prediction, model, DATA, THETA, **ok)
    H.expect_invalid("mean_kernel_prediction", "data", mean_kernel_prediction, DENSE, data, THETA, **ok)
    H.expect_invalid("mean_kernel_prediction", "theta0", mean_kernel_prediction, DENSE, DATA, theta, **ok)
    H.expect_invalid("mean_kernel_prediction", "eta", mean_kernel_prediction, DENSE, DATA, THETA, eta=eta, times=[0.0])
    H.expect_invalid("mean_kernel_prediction", "times", mean_kernel_prediction, DENSE, DATA, THETA, eta=1.0, times=times)


@settings(max_examples=N)
@given(theta=H.bad_real_vector(3), method=st.one_of(H.bad_text(), st.just("adjoint"), st.just("")),
       step=H.bad_positive_real(), model=NOT_MODEL, data=NOT_DATA)
def test_jacobian_and_kernel_derivative(theta, method, step, model, data):
    for name, fn in (("jacobian_derivative", jacobian_derivative), ("kernel_derivative", kernel_derivative)):
        H.expect_invalid(name, "model", fn, model, DATA, THETA)
        H.expect_invalid(name, "data", fn, DENSE, data, THETA)
        H.expect_invalid(name, "theta", fn, DENSE, DATA, theta)
        H.expect_invalid(name, "method", fn, DENSE, DATA, THETA, method=method)
        H.expect_invalid(name, "step", fn, DENSE, DATA, THETA, method="finite_difference", step=step)


@settings(max_examples=N)
@given(jac=st.one_of(H.non_finite_laced((2, 3)), H.wrong_dtype_array((2, 3)), H.complex_with_imag((2, 3)),
                     st.just(np.zeros((0, 3))), st.just(np.zeros(3))),
       djac=st.one_of(H.non_finite_laced((3, 2, 3)), H.wrong_shape((3, 2, 3)), H.complex_with_imag((3, 2, 3))),
       r0=H.bad_real_vector(2), eta=H.bad_positive_real(), times=BAD_TIMES)
def test_dqntk_residual_correction(jac, djac, r0, eta, times):
    J, D, r = np.ones((2, 3)), np.zeros((3, 2, 3)), np.ones(2)
    ok = dict(eta=1.0, times=[0.0, 1.0])
    H.expect_invalid("dqntk_residual_correction", "jac", dqntk_residual_correction, jac, D, r, **ok)
    H.expect_invalid("dqntk_residual_correction", "djac", dqntk_residual_correction, J, djac, r, **ok)
    H.expect_invalid("dqntk_residual_correction", "r0", dqntk_residual_correction, J, D, r0, **ok)
    H.expect_invalid("dqntk_residual_correction", "eta", dqntk_residual_correction, J, D, r, eta=eta, times=[0.0])
    H.expect_invalid("dqntk_residual_correction", "times", dqntk_residual_correction, J, D, r, eta=1.0, times=times)


@settings(max_examples=N)
@given(scale_j=st.floats(-300, 300), scale_d=st.floats(-300, 300), scale_r=st.floats(-300, 300),
       eta=st.floats(1e-300, 1e300), t=st.floats(0, 1e300), seed=st.integers(0, 2**16))
def test_dqntk_residual_correction_extreme_valid(scale_j, scale_d, scale_r, eta, t, seed):
    rng = np.random.default_rng(seed)
    J = rng.normal(size=(2, 3)) * 10.0**scale_j
    D = rng.normal(size=(3, 2, 3)) * 10.0**scale_d
    r = rng.normal(size=2) * 10.0**scale_r
    try:
        out = dqntk_residual_correction(J, D, r, eta=eta, times=[0.0, t])
    except InvalidInput as err:  # only an honest overflow refusal is allowed
        H.COUNTS["dqntk_residual_correction"] += 1
        assert err.argument == "jac", str(err)
        return
    H.expect_finite("dqntk_residual_correction", out)
    assert np.all(out[0] == 0.0)


@settings(max_examples=N)
@given(theta=H.bad_real_vector(3), eta=H.bad_positive_real(), times=BAD_TIMES,
       method=st.one_of(H.bad_text(), st.just("parameter_shift")))
def test_dqntk_correction(theta, eta, times, method):
    ok = dict(eta=1.0, times=[0.0, 1.0])
    H.expect_invalid("dqntk_correction", "theta0", dqntk_correction, DENSE, DATA, theta, **ok)
    H.expect_invalid("dqntk_correction", "eta", dqntk_correction, DENSE, DATA, THETA, eta=eta, times=[0.0])
    H.expect_invalid("dqntk_correction", "times", dqntk_correction, DENSE, DATA, THETA, eta=1.0, times=times)
    H.expect_invalid("dqntk_correction", "method", dqntk_correction, DENSE, DATA, THETA, method=method, **ok)
    H.expect_invalid("dqntk_correction", "model", dqntk_correction, None, DATA, THETA, **ok)
    H.expect_invalid("dqntk_correction", "data", dqntk_correction, DENSE, Dataset.basis_state(2), THETA, **ok)


@settings(max_examples=N)
@given(theta=st.lists(st.floats(-1e12, 1e12), min_size=3, max_size=3), eta=st.floats(1e-12, 1e6),
       t=st.floats(0, 1e6))
def test_dqntk_correction_extreme_valid(theta, eta, t):
    try:
        traj = dqntk_correction(DENSE, DATA, theta, eta=eta, times=[0.0, t])
    except InvalidInput as err:
        H.COUNTS["dqntk_correction"] += 1
        assert err.argument == "jac", str(err)
        return
    H.expect_finite("dqntk_correction", traj.residuals)


@settings(max_examples=N)
@given(size=H.bad_positive_int(), label=st.one_of(H.bad_real(), st.sampled_from([1.0, -1.0, 2.5])),
       dt=H.bad_positive_real(), seed=H.bad_nonnegative_int())
def test_figure_sizes(size, label, dt, seed):
    data = frozen.FIGURE.data
    for name in ("d", "p", "p_boundary", "m"):
        H.expect_invalid("N1.figure", name, data, **{name: size})
    H.expect_invalid("N1.figure", "m", data, d=4, m=4)  # m < d is needed at the boundary (λ_min > 0)
    H.expect_invalid("N1.figure", "label", data, label=label)
    H.expect_invalid("N1.figure", "dt", data, dt=dt)
    H.expect_invalid("N1.figure", "seed", data, seed=seed)
