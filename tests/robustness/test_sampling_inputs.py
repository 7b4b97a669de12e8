"""Hostile input to the samplers (qnnsym.sampling) and the Haar Monte Carlo (qnnsym.numeric.haar):
every bad argument raises InvalidInput (TooLarge for sizes) naming it, before anything is allocated."""

from __future__ import annotations

import numpy as np
import pytest

from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.numeric.haar import MAX_SAMPLES, haar_average
from qnnsym.sampling import as_rng, haar_states, haar_unitaries, orthonormal_states, random_density_matrices

BAD_POSITIVE = [0, -1, 1.5, True, "3", None, float("nan"), [2], 2.0]
BAD_SEEDS = [-1, 1.5, True, "3", float("nan"), [2], np.random.RandomState(1)]


def _re(U):
    return U[:, 0, 0].real


CALLS = {
    "haar_unitaries.d": ("d", lambda v: haar_unitaries(v, 2, seed=1)),
    "haar_unitaries.n": ("n", lambda v: haar_unitaries(2, v, seed=1)),
    "haar_states.d": ("d", lambda v: haar_states(v, 2, seed=1)),
    "haar_states.n": ("n", lambda v: haar_states(2, v, seed=1)),
    "orthonormal_states.m": ("m", lambda v: orthonormal_states(3, v, seed=1)),
    "random_density_matrices.rank": ("rank", lambda v: random_density_matrices(3, 2, rank=v, seed=1)),
    "random_density_matrices.n": ("n", lambda v: random_density_matrices(3, v, seed=1)),
    "haar_average.n_samples": ("n_samples", lambda v: haar_average(_re, 2, v, seed=1)),
    "haar_average.batch_size": ("batch_size", lambda v: haar_average(_re, 2, 10, seed=1, batch_size=v)),
    "haar_average.d": ("d", lambda v: haar_average(_re, v, 10, seed=1)),
}


@pytest.mark.parametrize("value", BAD_POSITIVE, ids=repr)
@pytest.mark.parametrize("call", sorted(CALLS))
def test_bad_sizes_are_named(call, value):
    arg, fn = CALLS[call]
    if value is None and arg == "rank":  # rank=None is the documented default: full rank
        assert np.linalg.matrix_rank(fn(value)[0]) == 3
        return
    with pytest.raises(InvalidInput, match=rf"^{arg}: expected"):
        fn(value)


@pytest.mark.parametrize("value", BAD_SEEDS, ids=repr)
def test_bad_seeds_are_named(value):
    with pytest.raises(InvalidInput, match=r"^seed: expected"):
        haar_unitaries(2, 2, seed=value)


def test_randomness_must_be_explicit_and_single():
    with pytest.raises(InvalidInput, match=r"^seed: expected an integer seed or an rng"):
        haar_unitaries(2, 2)
    with pytest.raises(InvalidInput, match=r"^seed: expected either seed or rng"):
        haar_unitaries(2, 2, seed=1, rng=np.random.default_rng(1))
    with pytest.raises(InvalidInput, match=r"^rng: expected a numpy.random.Generator"):
        haar_unitaries(2, 2, rng=5)
    assert isinstance(as_rng(np.random.default_rng(3)), np.random.Generator)


def test_more_orthonormal_states_than_the_dimension():
    with pytest.raises(InvalidInput, match=r"^m: expected at most d = 2"):
        orthonormal_states(2, 3, seed=1)


@pytest.mark.parametrize("f, pattern", [
    (3, "a vectorised function"),
    (lambda U: np.ones(3), "one value per unitary"),
    (lambda U: 1.0, "one value per unitary"),
    (lambda U: np.full(U.shape[0], np.nan), "finite values"),
    (lambda U: np.array(["a"] * U.shape[0]), "real or complex numbers"),
    (lambda U: [None] * U.shape[0], "real or complex numbers"),
])
def test_haar_average_rejects_bad_functions(f, pattern):
    with pytest.raises(InvalidInput, match=rf"^f: expected .*{pattern}"):
        haar_average(f, 2, 10, seed=1)


def test_one_sample_has_no_standard_error():
    with pytest.raises(InvalidInput, match=r"^n_samples: expected at least 2 samples"):
        haar_average(_re, 2, 1, seed=1)


@pytest.mark.parametrize("call", [
    lambda: haar_unitaries(2, 2**70, seed=1),
    lambda: haar_unitaries(4096, 10**4, seed=1),
    lambda: random_density_matrices(4096, 10**4, seed=1),
    lambda: haar_average(_re, 2, MAX_SAMPLES + 1, seed=1),
    lambda: haar_average(_re, 4096, 10**6, seed=1, batch_size=10**5),
])
def test_sizes_beyond_the_limits_are_refused_at_once(call):
    with pytest.raises(TooLarge, match="expected"):
        call()


def test_extreme_valid_inputs():
    assert haar_unitaries(1, 3, seed=0).shape == (3, 1, 1)  # U(1): phases
    assert np.allclose(np.abs(haar_unitaries(1, 3, seed=0)), 1.0)
    assert haar_unitaries(np.int32(2), np.int64(2), seed=np.uint8(0)).shape == (2, 2, 2)
    assert haar_unitaries(2, 1, seed=2**63).shape == (1, 2, 2)
    rho = random_density_matrices(1, 2, seed=0)
    assert np.allclose(rho, 1.0)
