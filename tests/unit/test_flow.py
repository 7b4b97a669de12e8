"""The asymptotic flow of Theorem 4.2 (numeric): conservation laws and the residual ODE."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qnnsym import tolerances as tol
from qnnsym.errors import InvalidInput
from qnnsym.numeric import asymptotic_flow, asymptotic_kernel, reference
from qnnsym.numeric.flow import flow_rhs
from qnnsym.sampling import haar_unitaries, random_density_matrices, orthonormal_states


def _instance(d: int, m: int, seed: int, gamma: float = 1.0):
    rng = np.random.default_rng(seed)
    u = haar_unitaries(d, 1, rng=rng)[0]
    m0 = gamma * u.conj().T @ np.diag(np.r_[np.ones(d // 2), -np.ones(d - d // 2)]) @ u  # Haar conjugate of a +-1 measurement
    states = orthonormal_states(d, m, rng=rng)
    rhos = np.einsum("ia,ib->iab", states, states.conj())
    y = np.r_[np.ones((m + 1) // 2), -np.ones(m // 2)]
    return m0, rhos, y


@settings(max_examples=15)
@given(st.integers(2, 6), st.integers(1, 3), st.integers(0, 10**6), st.sampled_from(["rk4", "isospectral"]))
def test_flow_conserves_trace_powers_and_decreases_loss(d, m, seed, method):
    m = min(m, d)
    m0, rhos, y = _instance(d, m, seed)
    traj = asymptotic_flow(m0, rhos, y, c=0.5, t_final=2.0, dt=0.01, method=method)
    mt = traj.final
    for k in (1, 2, 3, 4):
        a, b = np.trace(np.linalg.matrix_power(m0, k)).real, np.trace(np.linalg.matrix_power(mt, k)).real
        assert abs(a - b) <= 1e-8 * max(1.0, abs(a))  # RK4 at dt = 0.01: drift O(dt^4) = 1e-8
    assert np.all(np.diff(traj.loss) <= tol.linalg_tol(d, 1, traj.loss[0]))


def test_rhs_matches_reference_on_mixed_inputs():
    m0, _, _ = _instance(4, 2, 1)
    rhos = random_density_matrices(4, 3, seed=2)
    y = np.array([0.2, -0.4, 0.9])
    assert np.max(np.abs(flow_rhs(m0, rhos, y, 0.3) - reference.asymptotic_flow_rhs(m0, rhos, y, 0.3))) <= 1e-14


def test_residuals_obey_r_prime_equals_minus_c_kasym_r():
    m0, rhos, y = _instance(4, 3, 5)
    c, h = 0.7, 1e-3
    traj = asymptotic_flow(m0, rhos, y, c=c, t_final=4 * h, dt=h, kernel_times=[2 * h])
    r = traj.residuals
    drdt = (r[0] - 8 * r[1] + 8 * r[3] - r[4]) / (12 * h)  # five-point derivative at t = 2h
    assert np.max(np.abs(drdt + c * traj.kernels[0] @ r[2])) <= 1e-9


def test_one_sample_pauli_flow_follows_s12_scalar_ode():
    # m = 1, pure input, M0 = gamma P (M^2 = gamma^2 I): yhat' = -2c (gamma^2 - yhat^2)(yhat - y)  (SPEC S12)
    gamma, c, y = 1.5, 0.4, 1.0
    m0, rhos, _ = _instance(4, 1, 8, gamma=gamma)
    traj = asymptotic_flow(m0, rhos, [y], c=c, t_final=3.0, dt=1e-3)
    yhat = traj.residuals[:, 0] + y
    f = lambda v: -2 * c * (gamma**2 - v**2) * (v - y)  # noqa: E731
    v, h, out = yhat[0], 1e-3, [yhat[0]]
    for _ in range(len(yhat) - 1):
        k1 = f(v); k2 = f(v + h / 2 * k1); k3 = f(v + h / 2 * k2); k4 = f(v + h * k3)  # noqa: E702
        v += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(v)
    assert np.max(np.abs(yhat - np.array(out))) <= 1e-10


def test_kernel_of_flow_is_the_asymptotic_kernel():
    m0, rhos, y = _instance(4, 2, 3)
    traj = asymptotic_flow(m0, rhos, y, c=1.0, t_final=0.1, dt=0.05, kernel_times=[0.0])
    assert np.allclose(traj.kernels[0], asymptotic_kernel(m0, rhos))


def test_flow_input_errors():
    m0, rhos, y = _instance(4, 2, 3)
    with pytest.raises(InvalidInput, match="m0: expected a Hermitian"):
        asymptotic_flow(m0 + np.triu(np.ones((4, 4)), 1), rhos, y, c=1.0, t_final=1.0, dt=0.1)
    with pytest.raises(InvalidInput, match="targets: expected a finite real vector of length 2"):
        asymptotic_flow(m0, rhos, [1.0], c=1.0, t_final=1.0, dt=0.1)
    with pytest.raises(InvalidInput, match="targets: expected the labels"):
        asymptotic_flow(m0, rhos, c=1.0, t_final=1.0, dt=0.1)
    with pytest.raises(InvalidInput, match="c: expected a finite real number > 0"):
        asymptotic_flow(m0, rhos, y, c=0.0, t_final=1.0, dt=0.1)
    with pytest.raises(InvalidInput, match="method"):
        asymptotic_flow(m0, rhos, y, c=1.0, t_final=1.0, dt=0.1, method="euler")
    with pytest.raises(InvalidInput, match=r"data\[0\]: expected a density matrix with trace 1"):
        asymptotic_flow(m0, 2 * rhos, y, c=1.0, t_final=1.0, dt=0.1)
