"""Tangent kernel K = J J^T (C4, SPEC S2) and the frozen-kernel prediction (SPEC S3)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qnnsym import tolerances as tol
from qnnsym.errors import InvalidInput
from qnnsym.numeric import asymptotic_kernel, frozen_kernel_prediction, jacobian, tangent_kernel
from qnnsym.strategies import datasets, dense_models, parameters, qubit_circuits

models = st.one_of(qubit_circuits(max_qubits=3), dense_models(max_dim=8, max_layers=6))


@given(models, st.data())
def test_kernel_symmetric_psd_with_rank_bound(model, draw):
    data = draw.draw(datasets(model.dim, max_m=6))
    theta = draw.draw(parameters(model.n_params))
    k = tangent_kernel(model, data, theta)
    assert np.array_equal(k, k.T)
    w = np.linalg.eigvalsh(k)
    t = 100 * tol.EPS * max(1.0, w[-1]) * data.m
    assert w[0] >= -t
    rank_bound = min(data.m, model.n_params)
    assert np.all(np.abs(w[: data.m - rank_bound]) <= t)  # eigenvalues beyond the rank bound vanish


@given(models, st.data())
def test_kernel_is_j_jt(model, draw):
    data = draw.draw(datasets(model.dim))
    theta = draw.draw(parameters(model.n_params))
    J = jacobian(model, data, theta)
    assert np.max(np.abs(tangent_kernel(model, data, theta) - J @ J.T)) <= 1e-14 * max(1.0, np.max(np.abs(J)) ** 2 * model.n_params)


def test_asymptotic_kernel_diagonal_is_twice_the_variance():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    m = a + a.conj().T
    psi = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    psi /= np.linalg.norm(psi)
    rho = np.outer(psi, psi.conj())[None]
    var = (psi.conj() @ m @ m @ psi).real - ((psi.conj() @ m @ psi).real) ** 2
    assert abs(asymptotic_kernel(m, rho)[0, 0] - 2 * var) <= 1e-12


def test_frozen_kernel_solution_is_a_sum_of_exponentials():
    k = np.array([[2.0, 1.0], [1.0, 2.0]])  # eigenvalues 1 and 3
    r0 = np.array([1.0, 0.0])
    t = np.array([0.0, 0.5, 2.0])
    res = frozen_kernel_prediction(k, r0, eta=1.0, times=t).residuals
    # r0 = ((1,1) + (1,-1))/2 along the eigenvectors of eigenvalues 3 and 1
    expect = 0.5 * np.stack([np.exp(-3 * t) + np.exp(-t), np.exp(-3 * t) - np.exp(-t)], axis=1)
    assert np.max(np.abs(res - expect)) <= 8 * tol.EPS


def test_frozen_kernel_rejects_non_psd_and_asymmetric():
    with pytest.raises(InvalidInput, match="kbar: expected a positive semidefinite kernel"):
        frozen_kernel_prediction(np.diag([1.0, -1.0]), [1.0, 1.0], eta=1.0, times=[0.0])
    with pytest.raises(InvalidInput, match="kbar: expected a symmetric kernel"):
        frozen_kernel_prediction(np.array([[1.0, 0.5], [0.0, 1.0]]), [1.0, 1.0], eta=1.0, times=[0.0])
    with pytest.raises(InvalidInput, match="times"):
        frozen_kernel_prediction(np.eye(2), [1.0, 1.0], eta=1.0, times=[-1.0])
    with pytest.raises(InvalidInput, match="kbar: expected a finite array of shape 3x3"):
        frozen_kernel_prediction(np.eye(2), [1.0, 1.0, 1.0], eta=1.0, times=[0.0])
