"""Haar sampling and Monte Carlo (SPEC section 6): moments against exact values.

Every Monte Carlo assertion states its sample size, seed and z threshold
(qnnsym.tolerances.MONTE_CARLO_Z = 5: a false alarm about once in 1.7 million checks).
"""

import numpy as np
import pytest

from qnnsym.errors import InvalidInput
from qnnsym.numeric.haar import MonteCarloResult, haar_average
from qnnsym.sampling import haar_states, haar_unitaries, orthonormal_states, random_density_matrices
from qnnsym.tolerances import MONTE_CARLO_Z

N = 50_000


@pytest.mark.parametrize("d, seed", [(2, 1), (3, 2), (4, 3), (16, 4)])
def test_second_and_fourth_moments(d, seed):
    res = haar_average(lambda U: np.stack([np.abs(U[:, 0, 0]) ** 2, np.abs(U[:, 1, 0]) ** 4], axis=1), d=d, n_samples=N, seed=seed)
    exact = np.array([1 / d, 2 / (d * (d + 1))])
    assert np.all(res.z_score(exact) <= MONTE_CARLO_Z), (res.mean, res.stderr, exact)


def test_cross_moment_of_different_entries():
    # E|U_00|^2 |U_11|^2 = 1/(d^2 - 1) for d >= 2 (Weingarten t = 2)
    d = 3
    res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 2 * np.abs(U[:, 1, 1]) ** 2, d=d, n_samples=N, seed=9)
    assert res.z_score(1 / (d * d - 1)) <= MONTE_CARLO_Z


def test_phase_fix_matters_the_mean_of_u00_vanishes():
    # without dividing out the phases of diag(R), E[U_00] is not 0 (it is biased positive)
    res = haar_average(lambda U: U[:, 0, 0], d=2, n_samples=N, seed=11)
    assert abs(res.mean.real) <= MONTE_CARLO_Z * res.stderr.real and abs(res.mean.imag) <= MONTE_CARLO_Z * res.stderr.imag


def test_samples_are_unitary_and_seeded():
    u = haar_unitaries(5, 10, seed=3)
    assert np.max(np.abs(np.einsum("nba,nbc->nac", u.conj(), u) - np.eye(5))) <= 1e-13
    assert np.array_equal(u, haar_unitaries(5, 10, seed=3))
    assert not np.array_equal(u, haar_unitaries(5, 10, seed=4))


def test_states_and_density_matrices():
    s = haar_states(4, 3, seed=0)
    assert np.allclose(np.linalg.norm(s, axis=1), 1)
    o = orthonormal_states(4, 3, seed=0)
    assert np.allclose(o.conj() @ o.T, np.eye(3))
    rho = random_density_matrices(4, 2, rank=1, seed=0)
    assert np.allclose(np.trace(rho, axis1=1, axis2=2), 1) and np.linalg.matrix_rank(rho[0]) == 1


def test_randomness_must_be_explicit():
    with pytest.raises(InvalidInput, match="seed"):
        haar_unitaries(2, 1)
    with pytest.raises(InvalidInput, match="n_samples"):
        haar_average(lambda U: U[:, 0, 0], d=2, n_samples=1, seed=0)
    with pytest.raises(InvalidInput, match="f: expected a vectorised function"):
        haar_average(lambda U: 1.0, d=2, n_samples=10, seed=0)


def test_z_score():
    r = MonteCarloResult(1.0, 0.1, 100, 0)
    assert r.z_score(1.25) == pytest.approx(2.5)
