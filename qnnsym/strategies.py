"""Hypothesis strategies for QNN objects, valid by construction.

Every strategy builds its object with ``map``/``flatmap`` from small integers, floats
and seeds (never ``filter``/``assume``), keeps sizes small (``d <= 8``) and shrinks
toward simple cases (fewer qubits, fewer gates, seed 0).  Users import these in
their own test suites.

>>> from hypothesis import given, settings
>>> from qnnsym.strategies import pauli_strings
>>> @settings(max_examples=5, derandomize=True)
... @given(pauli_strings(n_qubits=2))
... def test_square_is_identity(p):
...     phase, q = p * p
...     assert phase == 1 and q.is_identity
>>> test_square_is_identity()
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from .model import QNN, Dataset, circuit, dense_haar_model, random_orthonormal_dataset
from .model.pauli import PauliString
from .sampling import haar_states, haar_unitaries, random_density_matrices

__all__ = [
    "seeds",
    "pauli_strings",
    "hermitian_matrices",
    "unitaries",
    "pure_states",
    "density_matrices",
    "qubit_circuits",
    "dense_models",
    "datasets",
    "extreme_label_datasets",
    "parameters",
    "FrozenKernelCase",
    "frozen_kernel_cases",
]

#: Seeds for numpy generators; shrink toward 0.
seeds = st.integers(min_value=0, max_value=2**32 - 1)

_ROTATIONS = ("RX", "RY", "RZ")
_ONE_QUBIT_FIXED = ("H", "S", "T", "X")
_TWO_QUBIT_FIXED = ("CNOT", "CZ", "SWAP")


def pauli_strings(n_qubits: int | None = None, *, include_identity: bool = False, max_qubits: int = 3) -> st.SearchStrategy[PauliString]:
    """Pauli strings on ``n_qubits`` (or 1..``max_qubits``) qubits; identity excluded unless asked."""
    sizes = st.just(n_qubits) if n_qubits is not None else st.integers(1, max_qubits)

    def build(n: int) -> st.SearchStrategy[PauliString]:
        letters = st.lists(st.sampled_from("IXYZ"), min_size=n, max_size=n)
        if include_identity:
            return letters.map(lambda ls: PauliString("".join(ls)))
        # valid by construction: force one non-identity letter at a drawn position
        return st.tuples(letters, st.integers(0, n - 1), st.sampled_from("XYZ")).map(
            lambda t: PauliString("".join(t[0][:t[1]] + [t[2]] + t[0][t[1] + 1:]))
        )

    return sizes.flatmap(build)


def hermitian_matrices(d: int, *, scale: float = 1.0) -> st.SearchStrategy[np.ndarray]:
    """Random Hermitian ``d x d`` matrices ``scale (A + A^dag)/2`` with Gaussian ``A`` from a drawn seed."""

    def build(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        return scale * 0.5 * (a + a.conj().T)

    return seeds.map(build)


def unitaries(d: int) -> st.SearchStrategy[np.ndarray]:
    """Haar-random unitaries on U(d) from a drawn seed."""
    return seeds.map(lambda s: haar_unitaries(d, 1, seed=s)[0])


def pure_states(d: int) -> st.SearchStrategy[np.ndarray]:
    """Haar-random pure states in C^d."""
    return seeds.map(lambda s: haar_states(d, 1, seed=s)[0])


def density_matrices(d: int, *, rank: int | None = None) -> st.SearchStrategy[np.ndarray]:
    """Random density matrices of the given rank (drawn in 1..d when not given)."""
    ranks = st.just(rank) if rank is not None else st.integers(1, d)
    return st.tuples(ranks, seeds).map(lambda t: random_density_matrices(d, 1, rank=t[0], seed=t[1])[0])


def _gate(n: int) -> st.SearchStrategy[tuple]:
    rot = st.tuples(st.sampled_from(_ROTATIONS), st.integers(0, n - 1))
    fixed1 = st.tuples(st.sampled_from(_ONE_QUBIT_FIXED), st.integers(0, n - 1))
    options = [rot, rot, fixed1]  # rotations twice as likely
    if n >= 2:
        pair = st.permutations(list(range(n))).map(lambda p: (p[0], p[1]))
        options.append(st.tuples(st.sampled_from(_TWO_QUBIT_FIXED), pair).map(lambda t: (t[0], *t[1])))
    return st.one_of(*options)


def qubit_circuits(max_qubits: int = 3, max_gates: int = 8) -> st.SearchStrategy[QNN]:
    """Random circuits of RX/RY/RZ rotations and H/S/T/X/CNOT/CZ/SWAP gates, measured on a
    random Pauli string; at least one rotation (the first gate)."""

    def build(n: int) -> st.SearchStrategy[QNN]:
        first = st.tuples(st.sampled_from(_ROTATIONS), st.integers(0, n - 1))
        rest = st.lists(_gate(n), max_size=max_gates - 1)
        return st.tuples(first, rest, pauli_strings(n)).map(
            lambda t: circuit(n, [t[0], *t[1]], t[2].label, name="random-circuit")
        )

    return st.integers(1, max_qubits).flatmap(build)


def dense_models(max_dim: int = 8, max_layers: int = 6) -> st.SearchStrategy[QNN]:
    """The paper's dense model with small ``d`` and ``p``, diagonal or Pauli generators."""

    def build(t) -> QNN:
        d, p, seed, gen, final = t
        if gen == "pauli" and d & (d - 1):
            gen = "diagonal"
        return dense_haar_model(d, p, seed=seed, generator=gen, final_unitary=final)

    return st.tuples(
        st.integers(2, max_dim), st.integers(1, max_layers), seeds, st.sampled_from(("diagonal", "pauli")), st.booleans()
    ).map(build)


def datasets(d: int, *, max_m: int = 4, mixed: bool | None = None) -> st.SearchStrategy[Dataset]:
    """Datasets in dimension ``d``: the paper's orthonormal +-1 data, or random mixed states with
    targets in [-1, 1] (``mixed=None`` draws either)."""
    kinds = st.just(mixed) if mixed is not None else st.booleans()

    def build(t) -> Dataset:
        is_mixed, m, seed = t
        if not is_mixed:
            return random_orthonormal_dataset(d, min(m, d), seed=seed)
        rng = np.random.default_rng(seed)
        rhos = random_density_matrices(d, m, rng=rng)
        return Dataset(rhos, rng.uniform(-1, 1, m))

    return st.tuples(kinds, st.integers(1, max_m), seeds).map(build)


def extreme_label_datasets(model: QNN, *, max_m: int = 4) -> st.SearchStrategy[Dataset]:
    """Datasets for ``model`` whose labels are extreme eigenvalues of its measurement (the
    hypothesis of Theorem 3.2): random pure or mixed inputs, each label ``lambda_min`` or ``lambda_max``."""
    w = model.measurement.eigenvalues()
    lo, hi = float(w[0]), float(w[-1])
    d = model.dim

    def build(t) -> Dataset:
        is_mixed, labels, seed = t
        m = len(labels)
        rng = np.random.default_rng(seed)
        states = random_density_matrices(d, m, rng=rng) if is_mixed else haar_states(d, m, rng=rng)
        return Dataset(states, [hi if b else lo for b in labels])

    return st.tuples(st.booleans(), st.lists(st.booleans(), min_size=1, max_size=max_m), seeds).map(build)


def parameters(p: int, *, bound: float = np.pi) -> st.SearchStrategy[np.ndarray]:
    """Parameter vectors in ``[-bound, bound]^p``."""
    return st.lists(st.floats(-bound, bound, allow_nan=False, allow_infinity=False), min_size=p, max_size=p).map(
        lambda xs: np.array(xs, dtype=np.float64)
    )


@dataclass(frozen=True)
class FrozenKernelCase:
    """A fixed kernel ``kbar = Q diag(eigenvalues) Q^T`` and an initial residual ``r0 = Q coefficients``.

    ``eigenvalues`` are ``0`` or in ``[0.05, 5]``; ``coefficients`` are ``0`` or of magnitude in
    ``[0.1, 1]`` (so no mode is "almost absent" and the slowest present mode is well defined).
    """

    kbar: np.ndarray
    r0: np.ndarray
    eigenvalues: np.ndarray
    coefficients: np.ndarray

    @property
    def slowest_rate(self) -> float:
        """The smallest positive eigenvalue among the modes present in ``r0`` (``0`` if none)."""
        present = (self.eigenvalues > 0) & (self.coefficients != 0)
        return float(self.eigenvalues[present].min()) if present.any() else 0.0


def frozen_kernel_cases(max_m: int = 5) -> st.SearchStrategy[FrozenKernelCase]:
    """Random real PSD kernels (possibly singular) with an initial residual, for kernel regression (S3)."""

    def build(t) -> FrozenKernelCase:
        m, seed, zero_modes, absent = t
        rng = np.random.default_rng(seed)
        q, rr = np.linalg.qr(rng.standard_normal((m, m)))
        q = q * np.sign(np.diag(rr))
        lam = rng.uniform(0.05, 5.0, m)
        lam[: min(zero_modes, m)] = 0.0
        coeff = rng.choice([-1.0, 1.0], m) * rng.uniform(0.1, 1.0, m)
        coeff[[k for k in absent if k < m]] = 0.0
        return FrozenKernelCase(q @ np.diag(lam) @ q.T, q @ coeff, lam, coeff)

    return st.tuples(
        st.integers(1, max_m), seeds, st.integers(0, max_m), st.sets(st.integers(0, max_m - 1), max_size=max_m)
    ).map(build)
