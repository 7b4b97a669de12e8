"""Datasets: input states ``rho_i`` (pure vectors or density matrices) with targets ``y_i``.

>>> from qnnsym.model.dataset import random_orthonormal_dataset
>>> data = random_orthonormal_dataset(8, 4, seed=1)
>>> data.m, data.dim, data.kind, data.targets.tolist()
(4, 8, 'pure', [1.0, 1.0, -1.0, -1.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import validate
from ..errors import InvalidInput
from ..sampling import as_rng, orthonormal_states

if TYPE_CHECKING:  # pragma: no cover
    from .encoding import AngleEncoding

__all__ = ["Dataset", "random_orthonormal_dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Input states and targets.

    Parameters
    ----------
    states : array
        ``(m, d)`` normalised pure states, or ``(m, d, d)`` density matrices
        (Hermitian, trace 1, PSD; tolerances in :mod:`qnnsym.tolerances`).
    targets : array
        ``(m,)`` finite real labels ``y_i``.
    encoding, features :
        Set by :class:`~qnnsym.model.encoding.AngleEncoding` so the symbolic engine can
        rebuild ``rho(x)`` with feature symbols.
    """

    states: np.ndarray
    targets: np.ndarray
    encoding: "AngleEncoding | None" = None
    features: np.ndarray | None = None

    def __post_init__(self) -> None:
        try:
            ndim = np.ndim(self.states)
        except (ValueError, TypeError):  # ragged nested lists: complex_array reports them
            ndim = 3
        states = validate.complex_array("states", self.states, (None, None) if ndim == 2 else (None, None, None))
        m = states.shape[0]
        if m == 0:
            raise InvalidInput("states", "at least one input state", "an empty array")
        if states.ndim == 2:
            if states.shape[1] < 2:
                raise InvalidInput("states", "state vectors of dimension >= 2", f"shape {states.shape}")
            for i in range(m):
                validate.state_vector(f"states[{i}]", states[i])
        else:
            if states.shape[1] != states.shape[2]:
                raise InvalidInput("states", "an (m, d) array of pure states or an (m, d, d) array of density matrices", f"shape {states.shape}")
            for i in range(m):
                validate.density_matrix(f"states[{i}]", states[i])
            states = 0.5 * (states + states.conj().transpose(0, 2, 1))
        targets = validate.real_vector("targets", self.targets, length=m)
        states.flags.writeable = False
        targets = targets.copy()
        targets.flags.writeable = False
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "targets", targets)
        if self.encoding is not None:
            from .encoding import AngleEncoding

            if not isinstance(self.encoding, AngleEncoding):
                raise InvalidInput("encoding", "an AngleEncoding or None", validate.describe(self.encoding))
            if self.encoding.dim != states.shape[1]:
                raise InvalidInput("encoding", f"an encoding into dimension {states.shape[1]} (the states')", f"dimension {self.encoding.dim}")
        if self.features is not None:
            feats = validate.real_array("features", self.features, (m, None)).copy()
            feats.flags.writeable = False
            object.__setattr__(self, "features", feats)

    def __repr__(self) -> str:
        enc = f", encoding={self.encoding!r}" if self.encoding is not None else ""
        return f"Dataset(m={self.m}, d={self.dim}, kind={self.kind!r}{enc})"

    @property
    def m(self) -> int:
        return int(self.states.shape[0])

    @property
    def dim(self) -> int:
        return int(self.states.shape[1])

    @property
    def kind(self) -> str:
        """``"pure"`` or ``"mixed"``."""
        return "pure" if self.states.ndim == 2 else "mixed"

    def density_matrices(self) -> np.ndarray:
        """All inputs as ``(m, d, d)`` density matrices."""
        if self.kind == "mixed":
            return np.array(self.states)
        return np.einsum("ia,ib->iab", self.states, self.states.conj())

    def with_targets(self, targets: Any) -> "Dataset":
        """The same inputs with new targets."""
        return Dataset(self.states, targets, self.encoding, self.features)

    @classmethod
    def basis_state(cls, d: int, index: int = 0, target: float = 0.0) -> "Dataset":
        """One input ``|index>`` (``|0...0>`` by default) with one target."""
        d = validate.positive_int("d", d)
        index = validate.nonnegative_int("index", index)
        if index >= d:
            raise InvalidInput("index", f"a basis index in 0..{d - 1}", str(index))
        psi = np.zeros((1, d), dtype=np.complex128)
        psi[0, index] = 1.0
        return cls(psi, [validate.finite_real("target", target)])


def random_orthonormal_dataset(
    d: int,
    m: int,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    labels: tuple[float, float] = (1.0, -1.0),
) -> Dataset:
    """The paper's dataset: ``m <= d`` random orthonormal pure states in C^d, the first
    ``ceil(m/2)`` labelled ``labels[0]`` (+1) and the rest ``labels[1]`` (-1).

    The states are the first ``m`` columns of a Haar-random unitary, so they are
    orthonormal and each one is Haar-distributed.
    """
    if not isinstance(labels, (tuple, list)) or len(labels) != 2:
        raise InvalidInput("labels", "a pair (label of the first half, label of the rest)", validate.describe(labels))
    hi, lo = (validate.finite_real("labels[0]", labels[0]), validate.finite_real("labels[1]", labels[1]))
    states = orthonormal_states(d, m, rng=as_rng(seed, rng))
    n_hi = (m + 1) // 2
    targets = np.array([hi] * n_hi + [lo] * (m - n_hi))
    return Dataset(states, targets)
