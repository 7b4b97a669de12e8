r"""Pauli-string algebra and exact Pauli transfer tables of fixed gates.

Labels are spelled qubit 0 first and matrices are Kronecker products with qubit 0 most
significant (C6).  For a fixed ``k``-qubit gate ``g`` the *transfer table* maps each Pauli
string ``Q`` to its Heisenberg image

.. math::

   g^\dagger Q g = \sum_R t_{QR} R, \qquad t_{QR} = \operatorname{tr}(R\, g^\dagger Q g) / 2^k,

computed exactly for named gates (:func:`gate_matrix`, e.g. ``T`` gives ``(Q ± R)/√2``-type
sums) and for rationalized gates (:func:`_exact_table`), in floats otherwise
(:func:`_float_table`, the Pauli transfer matrix).  The same Pauli coefficients
``tr(QA)/2^n`` give the exact decomposition of a Hermitian operator
(:func:`_pauli_decomposition`, :func:`_diagonal_decomposition`) and, in floats, the *support*
(which strings occur) used by the size estimate before any exact work
(:func:`_float_support`, :func:`_support`, :func:`_measurement_support`).

Private helper module of :mod:`qnnsym.symbolic.circuit`, which re-exports
:class:`PauliSum`, :func:`pauli_matrix` and :func:`gate_matrix`.

>>> from qnnsym.symbolic._pauli_tables import _named_table, _times
>>> _times("X", "Y")                      # XY = iZ
(I, 'Z')
>>> _named_table("H")["X"]                # H†XH = Z
[('Z', 1)]
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Sequence

import numpy as np
import sympy as sp

from ..errors import InvalidInput
from ..model import QNN, PauliOperator
from ..model.gates import NAMED_GATES, Gate
from ..model.pauli import PauliString
from ._exact import FLOAT_DROP, _exact_matrix, exact_number

__all__ = [
    "PauliSum",
    "pauli_matrix",
    "gate_matrix",
    "_times",
    "_commutes",
    "_labels",
    "_exact_table",
    "_float_table",
    "_named_table",
    "_gate_table",
    "_pauli_coefficients",
    "_pauli_decomposition",
    "_diagonal_decomposition",
    "_float_support",
    "_support",
    "_measurement_support",
]

_PHASE = {1: sp.Integer(1), -1: sp.Integer(-1), 1j: sp.I, -1j: -sp.I}


# --------------------------------------------------------------------------- Pauli algebra
class PauliSum:
    """A Hermitian operator ``Σ_Q a_Q Q`` over Pauli strings (labels spelled qubit 0 first, C6).

    Attributes
    ----------
    terms : dict
        Pauli label → SymPy coefficient (zero coefficients are omitted).
    n_qubits : int
    """

    def __init__(self, terms: dict, n_qubits: int):
        from collections.abc import Mapping

        from ..validate import positive_int

        n_qubits = positive_int("n_qubits", n_qubits, maximum=30)
        if not isinstance(terms, Mapping):
            raise InvalidInput("terms", "a mapping {Pauli label: coefficient}", type(terms).__name__)
        bad = [k for k in terms if not (isinstance(k, str) and len(k) == n_qubits and set(k) <= set("IXYZ"))]
        if bad:
            raise InvalidInput("terms", f"Pauli labels of {n_qubits} letters from IXYZ", repr(bad[0])[:40])
        self.terms = {k: terms[k] for k in sorted(terms)}
        self.n_qubits = n_qubits

    def to_matrix(self) -> sp.Matrix:
        """The dense ``2^n × 2^n`` SymPy matrix ``Σ_Q a_Q Q``."""
        d = 2**self.n_qubits
        out = sp.zeros(d, d)
        for label, c in self.terms.items():
            out += c * pauli_matrix(label)
        return out

    def __repr__(self) -> str:
        return f"PauliSum({self.terms!r})"


@lru_cache(maxsize=None)
def pauli_matrix(label: str) -> sp.ImmutableMatrix:
    """The exact matrix of a Pauli string (Kronecker product, qubit 0 most significant)."""
    single = {
        "I": sp.eye(2),
        "X": sp.Matrix([[0, 1], [1, 0]]),
        "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
        "Z": sp.Matrix([[1, 0], [0, -1]]),
    }
    out = sp.Matrix([[1]])
    for ch in label:
        out = sp.kronecker_product(out, single[ch])
    return sp.ImmutableMatrix(out)


def _times(a: str, b: str) -> tuple[sp.Expr, str]:
    """``a b = phase * c`` for Pauli labels (exact phase)."""
    ph, c = PauliString(a) * PauliString(b)
    return _PHASE[complex(ph) if complex(ph).imag else int(ph.real)], c.label


@lru_cache(maxsize=None)
def _commutes(a: str, b: str) -> bool:
    return PauliString(a).commutes_with(PauliString(b))


@lru_cache(maxsize=None)
def gate_matrix(name: str) -> sp.ImmutableMatrix:
    """Exact SymPy matrix of a named gate (:data:`qnnsym.model.gates.NAMED_GATES`).

    >>> gate_matrix("T")
    Matrix([
    [1,           0],
    [0, exp(I*pi/4)]])
    """
    s = 1 / sp.sqrt(2)
    mats = {
        "I": sp.eye(2),
        "H": sp.Matrix([[s, s], [s, -s]]),
        "X": sp.Matrix([[0, 1], [1, 0]]),
        "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
        "Z": sp.Matrix([[1, 0], [0, -1]]),
        "S": sp.diag(1, sp.I),
        "T": sp.diag(1, sp.exp(sp.I * sp.pi / 4)),
        "CNOT": sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]),
        "CZ": sp.diag(1, 1, 1, -1),
        "SWAP": sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
    }
    key = str(name).upper()
    if key not in mats:
        raise InvalidInput("name", f"one of {sorted(mats)}", repr(name))
    return sp.ImmutableMatrix(mats[key])


def _labels(k: int) -> list[str]:
    return ["".join(t) for t in itertools.product("IXYZ", repeat=k)]


def _exact_table(u: sp.Matrix, k: int) -> dict[str, list[tuple[str, sp.Expr]]]:
    """``Q ↦ u†Qu = Σ_R t_QR R`` with ``t_QR = tr(R u†Qu)/2^k`` in exact arithmetic.

    Entries are put in radical form first (``expand_complex``: ``e^{iπ/4} = (1+i)/√2``).
    """
    u = u.applyfunc(lambda e: sp.expand_complex(e))
    ud = u.H
    table = {}
    for q in _labels(k):
        a = (ud * pauli_matrix(q) * u).applyfunc(sp.expand)
        row = []
        for r in _labels(k):
            t = sp.expand(sp.expand_complex((pauli_matrix(r) * a).trace() / 2**k))
            if sp.im(t) != 0:
                raise InvalidInput("gate", "a unitary (so that u†Qu has real Pauli coefficients)", f"coefficient {t}")
            if t != 0:
                row.append((r, t))
        table[q] = row
    return table


@lru_cache(maxsize=None)
def _pauli_stack(k: int) -> np.ndarray:
    """All ``4^k`` Pauli matrices in :func:`_labels` order, shape ``(4^k, 2^k, 2^k)``."""
    return np.array([PauliString(q).matrix() for q in _labels(k)])


def _pauli_coefficients(a: np.ndarray, k: int) -> np.ndarray:
    """Float Pauli coefficients ``tr(Q A)/2^k`` of a batch of matrices ``a`` (``(..., 2^k, 2^k)``).

    Uses ``tr(QA) = Σ_b i^{n_Y} (-1)^{|b ∧ z|} A[b, b ⊕ x]`` (C6 bit masks), ``O(4^k 2^k)`` per matrix.
    """
    d = 2**k
    b = np.arange(d)
    parity = np.array([bin(v).count("1") & 1 for v in range(d)])
    out = np.empty(a.shape[:-2] + (4**k,), dtype=np.complex128)
    for j, q in enumerate(_labels(k)):
        p = PauliString(q)
        phase = (1j**p.n_y) * (1 - 2 * parity[b & p.z_mask])
        out[..., j] = np.sum(phase * a[..., b, b ^ p.x_mask], axis=-1) / d
    return out


def _float_table(u: np.ndarray, k: int) -> dict[str, list[tuple[str, sp.Expr]]]:
    """``Q ↦ u†Qu = Σ_R t_QR R`` in floats (the Pauli transfer matrix of ``u``), for float gates."""
    conj = np.einsum("ba,qbc,cd->qad", u.conj(), _pauli_stack(k), u)
    coeffs = _pauli_coefficients(conj, k).real
    labels = _labels(k)
    return {q: [(labels[j], exact_number(float(t))) for j, t in enumerate(row) if abs(t) > FLOAT_DROP]
            for q, row in zip(labels, coeffs)}


@lru_cache(maxsize=None)
def _named_table(name: str) -> dict:
    m = gate_matrix(name)
    return _exact_table(m, int(np.log2(m.shape[0])))


def _gate_table(gate: Gate, rationalize: float | None, cache: dict) -> dict:
    if gate.name in NAMED_GATES:
        return _named_table(gate.name)
    key = (id(gate), rationalize)
    if key not in cache:
        k = len(gate.qubits)
        if rationalize is None:
            cache[key] = _float_table(np.asarray(gate.matrix), k)
        else:
            cache[key] = _exact_table(_exact_matrix(gate.matrix, rationalize), k)
    return cache[key]


# --------------------------------------------------------------------------- decompositions of operators
def _pauli_decomposition(mat: sp.Matrix, n: int) -> dict[str, sp.Expr]:
    """Exact ``A = Σ_Q (tr(QA)/2^n) Q``."""
    out = {}
    for q in _labels(n):
        t = sp.expand((pauli_matrix(q) * mat).trace() / 2**n)
        if t != 0:
            out[q] = t
    return out


def _diagonal_decomposition(h: Sequence, n: int) -> dict[str, sp.Expr]:
    """``diag(h) = Σ_S h_S Z_S`` with ``h_S = 2^{-n} Σ_b h_b (-1)^{|b ∧ S|}`` (exact)."""
    out = {}
    d = 2**n
    for label in ("".join(t) for t in itertools.product("IZ", repeat=n)):
        z = PauliString(label).z_mask
        t = sp.Rational(1, d) * sp.Add(*[h[b] * (-1) ** bin(b & z).count("1") for b in range(d)])
        if t != 0:
            out[label] = t
    return out


# --------------------------------------------------------------------------- supports (for the size estimate)
def _float_support(u: np.ndarray, k: int) -> dict[str, list[str]]:
    return {q: [r for r, _ in row] for q, row in _float_table(u, k).items()}


def _support(a: np.ndarray, n: int) -> list[str]:
    """Pauli strings with a non-zero coefficient in the (float) matrix ``a``."""
    coeffs = _pauli_coefficients(np.asarray(a, dtype=np.complex128), n)
    return [q for q, t in zip(_labels(n), coeffs) if abs(t) > FLOAT_DROP]


def _measurement_support(qnn: QNN) -> list[str]:
    m0 = qnn.measurement
    return [m0.pauli.label] if isinstance(m0, PauliOperator) else _support(m0.matrix(), qnn.n_qubits)
