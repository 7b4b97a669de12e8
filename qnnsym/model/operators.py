"""Hermitian operators used as generators ``H_l`` and as the measurement ``M_0``.

Three representations, one interface (``dim``, ``matrix()``, ``eigenvalues()``,
``norm``, ``spread``, ``trace()``, ``trace_sq()``):

- :class:`PauliOperator` — ``coeff * P`` for a Pauli string ``P`` (``RX`` is ``PauliOperator("X", 1/2)``);
- :class:`DiagonalOperator` — ``diag(h)`` in the computational basis;
- :class:`DenseHermitian` — any Hermitian matrix.

The numeric engine picks the fastest action for each kind; :meth:`matrix` is the
plain dense representation the reference implementation and the symbolic engine use.

>>> from qnnsym.model.operators import PauliOperator
>>> H = PauliOperator.from_label("X", 0.5)     # generator of RX (C1)
>>> H.norm, H.spread, H.trace(), H.trace_sq()
(0.5, 1.0, 0.0, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Union

import numpy as np

from .. import validate
from ..errors import InvalidInput
from .pauli import PauliString

__all__ = ["PauliOperator", "DiagonalOperator", "DenseHermitian", "HermitianOperator", "as_operator"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class PauliOperator:
    """``coeff * P`` with ``P`` a Pauli string and ``coeff`` a non-zero real number."""

    pauli: PauliString
    coeff: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.pauli, PauliString):
            raise InvalidInput("pauli", "a PauliString", validate.describe(self.pauli))
        if isinstance(self.coeff, Fraction):
            object.__setattr__(self, "coeff", float(self.coeff))
        c = validate.finite_real("coeff", self.coeff)
        if c == 0:
            raise InvalidInput("coeff", "a non-zero real coefficient", "0")
        object.__setattr__(self, "coeff", c)

    @classmethod
    def from_label(cls, label: str, coeff: float = 1.0) -> "PauliOperator":
        return cls(PauliString(label), coeff)

    @property
    def dim(self) -> int:
        return self.pauli.dim

    @property
    def n_qubits(self) -> int:
        return self.pauli.n_qubits

    def matrix(self) -> np.ndarray:
        return self.coeff * self.pauli.matrix()

    def eigenvalues(self) -> np.ndarray:
        if self.pauli.is_identity:
            return np.full(self.dim, self.coeff)
        half = self.dim // 2
        return np.sort(np.r_[np.full(half, -abs(self.coeff)), np.full(half, abs(self.coeff))])

    @property
    def norm(self) -> float:
        return abs(self.coeff)

    @property
    def spread(self) -> float:
        return 0.0 if self.pauli.is_identity else 2.0 * abs(self.coeff)

    def trace(self) -> float:
        return self.coeff * self.dim if self.pauli.is_identity else 0.0

    def trace_sq(self) -> float:
        return self.coeff**2 * self.dim

    def __repr__(self) -> str:
        return f"PauliOperator({self.pauli.label!r}, {self.coeff!r})"


@dataclass(frozen=True, eq=False)
class DiagonalOperator:
    """``diag(h)`` with a real finite vector ``h``."""

    diagonal: np.ndarray

    def __post_init__(self) -> None:
        h = validate.real_vector("diagonal", self.diagonal)
        if h.size < 2:
            raise InvalidInput("diagonal", "a real vector of length >= 2", f"length {h.size}")
        object.__setattr__(self, "diagonal", _readonly(h))

    @property
    def dim(self) -> int:
        return int(self.diagonal.shape[0])

    def matrix(self) -> np.ndarray:
        return np.diag(self.diagonal).astype(np.complex128)

    def eigenvalues(self) -> np.ndarray:
        return np.sort(self.diagonal)

    @property
    def norm(self) -> float:
        return float(np.max(np.abs(self.diagonal)))

    @property
    def spread(self) -> float:
        return float(np.max(self.diagonal) - np.min(self.diagonal))

    def trace(self) -> float:
        return float(np.sum(self.diagonal))

    def trace_sq(self) -> float:
        return float(np.sum(self.diagonal**2))

    def __repr__(self) -> str:
        return f"DiagonalOperator(dim={self.dim})"


@dataclass(frozen=True, eq=False)
class DenseHermitian:
    """A Hermitian matrix, checked within :data:`qnnsym.tolerances.HERMITIAN_ATOL`."""

    matrix_: np.ndarray

    def __post_init__(self) -> None:
        a = validate.hermitian_matrix("matrix", self.matrix_)
        if a.shape[0] < 2:
            raise InvalidInput("matrix", "a Hermitian matrix of size >= 2", f"size {a.shape[0]}")
        object.__setattr__(self, "matrix_", _readonly(0.5 * (a + a.conj().T)))

    @property
    def dim(self) -> int:
        return int(self.matrix_.shape[0])

    def matrix(self) -> np.ndarray:
        return np.array(self.matrix_)

    @cached_property
    def _eigh(self) -> tuple[np.ndarray, np.ndarray]:
        return np.linalg.eigh(self.matrix_)

    def eigenvalues(self) -> np.ndarray:
        return self._eigh[0].copy()

    def eigh(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending) and eigenvectors (columns)."""
        w, v = self._eigh
        return w.copy(), v.copy()

    @property
    def norm(self) -> float:
        return float(np.max(np.abs(self._eigh[0])))

    @property
    def spread(self) -> float:
        w = self._eigh[0]
        return float(w[-1] - w[0])

    def trace(self) -> float:
        return float(np.trace(self.matrix_).real)

    def trace_sq(self) -> float:
        return float(np.sum(np.abs(self.matrix_) ** 2))

    def __repr__(self) -> str:
        return f"DenseHermitian(dim={self.dim})"


HermitianOperator = Union[PauliOperator, DiagonalOperator, DenseHermitian]


def as_operator(name: str, value: object, dim: int | None = None) -> HermitianOperator:
    """Accept an operator, a Pauli label (``"ZI"``), or a Hermitian matrix, and check its dimension.

    Errors name ``name`` (the caller's argument).  A matrix must be Hermitian within
    ``max|A - A^H| <= 1e-10 * max(1, max|A|)`` (:data:`qnnsym.tolerances.HERMITIAN_ATOL`).

    >>> as_operator("measurement", "ZI").dim
    4
    >>> as_operator("measurement", [[0, 1], [0, 0]])
    Traceback (most recent call last):
    ...
    qnnsym.errors.InvalidInput: measurement: expected a Hermitian 2x2 matrix (max|A - A^H| <= 1e-10 * max(1, max|A|)), got max|A - A^H| = 1
    """
    name = validate.text("name", name)
    if dim is not None:
        dim = validate.positive_int("dim", dim)
    if isinstance(value, (PauliOperator, DiagonalOperator, DenseHermitian)):
        op = value
    elif isinstance(value, PauliString):
        op = PauliOperator(value)
    elif isinstance(value, str):
        try:
            op = PauliOperator(PauliString(value))
        except InvalidInput:
            raise InvalidInput(name, "a Pauli label such as 'ZI', an operator or a Hermitian matrix", repr(value)) from None
    else:
        try:
            op = DenseHermitian(value)  # type: ignore[arg-type]
        except InvalidInput as exc:
            raise InvalidInput(name, exc.expected, exc.got) from None
    if dim is not None and op.dim != dim:
        raise InvalidInput(name, f"an operator on dimension {dim}", f"one on dimension {op.dim}")
    return op
