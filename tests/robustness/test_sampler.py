"""The fixed-order Householder Haar sampler: the same matrices as LAPACK's QR with Mezzadri's
phase fix (to round-off), Haar moments, and golden digests that pin its bits across machines."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from qnnsym.errors import TooLarge
from qnnsym.numeric.haar import haar_average
from qnnsym.sampling import SAMPLING_MAX_BYTES, haar_unitaries
from qnnsym.tolerances import EPS, MONTE_CARLO_Z

#: sha256 of haar_unitaries(d, 3, seed=2024).tobytes(), recorded on x86_64 / OpenBLAS.  The sampler
#: uses no BLAS or libm beyond sqrt, and numpy's PCG64 normals are platform-independent, so these
#: must hold on every machine; a mismatch elsewhere is a reproducibility bug to report.
GOLDEN = {
    1: "54bb22a7b49b20216d704ff8d98bd0628aab4a83e37b2ff7c747e0cc807a445f",
    4: "3477645d8d21da45497247807803f3bc397a5f1a3c64792244b39ba925f24aaa",
    16: "cc7e4c884a10527ac87928e3330f488aa126d585b12b6e8fde30dcc5065d7b24",
}


@pytest.mark.parametrize("d", sorted(GOLDEN))
def test_golden_bits(d):
    assert hashlib.sha256(haar_unitaries(d, 3, seed=2024).tobytes()).hexdigest() == GOLDEN[d]


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 17])
def test_matches_lapack_qr_with_phase_fix(d):
    """Same Ginibre matrices as ``rng.standard_normal`` (real block, then imaginary block)."""
    u = haar_unitaries(d, 20, seed=d)
    g = np.random.default_rng(d)
    z = g.standard_normal((20, d, d)) + 1j * g.standard_normal((20, d, d))
    q, r = np.linalg.qr(z)
    diag = np.diagonal(r, axis1=1, axis2=2)
    ref = q * (diag / np.abs(diag))[:, None, :]
    assert np.max(np.abs(u - ref)) <= 100 * EPS * d
    gram = np.einsum("nab,nac->nbc", u.conj(), u)
    assert np.max(np.abs(gram - np.eye(d))) <= 10 * EPS * d


def test_phase_fix_makes_the_diagonal_unbiased():
    """Haar: E U_00 = 0.  Without the phase fix the diagonal of Q carries the sign convention of the
    factorisation and E U_00 is far from 0 (LAPACK's unfixed Q at d = 2, same seed: -0.42)."""
    res = haar_average(lambda U: U[:, 0, 0], d=2, n_samples=20000, seed=5)
    z = max(abs(res.mean.real) / res.stderr.real, abs(res.mean.imag) / res.stderr.imag)
    assert z <= MONTE_CARLO_Z, res.summary(exact=0)


def test_too_large_names_the_estimate_limit_and_alternative():
    with pytest.raises(TooLarge, match="SAMPLING_MAX_BYTES") as info:
        haar_unitaries(2048, 10**4, seed=1)
    assert "haar_average" in str(info.value) and f"{SAMPLING_MAX_BYTES}" in str(info.value)
