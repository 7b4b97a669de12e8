"""Fixed gates and the fixed unitaries ``W_l`` of a layer.

A fixed unitary is either a :class:`DenseUnitary` (any ``d x d`` unitary, e.g. a
Haar sample) or a :class:`GateSequence` of local gates on qubits (CNOT, CZ, H, ...,
or an arbitrary small unitary).  Both expose ``.matrix`` (the dense ``d x d``
matrix, qubit 0 most significant, C6) and ``.dim``.

Named gates (matrices in the order of the listed qubits, first qubit most significant):

========  =======================================
``H``     Hadamard
``X Y Z`` Paulis
``S T``   phase gates ``diag(1, i)``, ``diag(1, e^{i pi/4})``
``CNOT``  control first, target second
``CZ``    ``diag(1, 1, 1, -1)``
``SWAP``  exchange of the two qubits
========  =======================================

>>> from qnnsym.model.gates import Gate, GateSequence
>>> seq = GateSequence(2, (Gate.named("H", 0), Gate.named("CNOT", 0, 1)))
>>> (seq.matrix @ [1, 0, 0, 0]).round(3).real.tolist()    # Bell state (|00> + |11>)/sqrt 2
[0.707, 0.0, 0.0, 0.707]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Union

import numpy as np

from .. import validate
from ..conventions import qubit_bit
from ..errors import InvalidInput

__all__ = ["Gate", "GateSequence", "DenseUnitary", "FixedUnitary", "NAMED_GATES", "embed_local"]

_S2 = 1 / np.sqrt(2)
NAMED_GATES: dict[str, np.ndarray] = {
    "I": np.eye(2, dtype=np.complex128),
    "H": np.array([[_S2, _S2], [_S2, -_S2]], dtype=np.complex128),
    "X": np.array([[0, 1], [1, 0]], dtype=np.complex128),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=np.complex128),
    "Z": np.array([[1, 0], [0, -1]], dtype=np.complex128),
    "S": np.array([[1, 0], [0, 1j]], dtype=np.complex128),
    "T": np.array([[1, 0], [0, np.exp(1j * np.pi / 4)]], dtype=np.complex128),
    "CNOT": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=np.complex128),
    "CZ": np.diag([1, 1, 1, -1]).astype(np.complex128),
    "SWAP": np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=np.complex128),
}
for _m in NAMED_GATES.values():
    _m.flags.writeable = False


def embed_local(matrix: np.ndarray, qubits: tuple[int, ...], n_qubits: int) -> np.ndarray:
    """The ``2^n x 2^n`` matrix of a ``k``-qubit gate acting on ``qubits`` (first = most significant).

    Built by reshaping to a rank-``2n`` tensor, independently of the engine's bit tricks.
    """
    k = len(qubits)
    d = 2**n_qubits
    rest = [q for q in range(n_qubits) if q not in qubits]
    perm = list(qubits) + rest  # new axis order: gate qubits first
    g = np.asarray(matrix, dtype=np.complex128).reshape((2,) * (2 * k))
    full = np.tensordot(g, np.eye(2 ** len(rest), dtype=np.complex128).reshape((2,) * (2 * len(rest))), axes=0)
    # full axes: gate-out (k), gate-in (k), rest-out, rest-in  -> reorder to out(perm), in(perm)
    out_axes = list(range(k)) + list(range(2 * k, 2 * k + len(rest)))
    in_axes = list(range(k, 2 * k)) + list(range(2 * k + len(rest), 2 * k + 2 * len(rest)))
    full = full.transpose(out_axes + in_axes)
    inv = np.argsort(perm)
    full = full.transpose(list(inv) + [n_qubits + i for i in inv])
    return full.reshape(d, d)


@dataclass(frozen=True, eq=False)
class Gate:
    """A fixed gate on ``qubits`` with a ``2^k x 2^k`` unitary ``matrix``."""

    name: str
    qubits: tuple[int, ...]
    matrix: np.ndarray

    def __post_init__(self) -> None:
        validate.text("name", self.name)
        if isinstance(self.qubits, (int, np.integer)) and not isinstance(self.qubits, bool):
            qubits: tuple = (self.qubits,)
        elif isinstance(self.qubits, (tuple, list, range, np.ndarray)):
            qubits = tuple(self.qubits.tolist() if isinstance(self.qubits, np.ndarray) else self.qubits)
        else:
            raise InvalidInput("qubits", "a tuple of distinct non-negative qubit indices", validate.describe(self.qubits))
        for q in qubits:
            validate.nonnegative_int("qubits", q)
        if not qubits or len(set(qubits)) != len(qubits):
            raise InvalidInput("qubits", "a non-empty tuple of distinct qubit indices", repr(self.qubits))
        k = len(qubits)
        u = validate.unitary_matrix(f"matrix of gate {self.name}", self.matrix, 2**k).copy()
        u.flags.writeable = False
        object.__setattr__(self, "qubits", qubits)
        object.__setattr__(self, "matrix", u)

    @classmethod
    def named(cls, name: str, *qubits: int) -> "Gate":
        key = validate.text("name", name).upper()
        if key not in NAMED_GATES:
            raise InvalidInput("name", f"one of {sorted(NAMED_GATES)}", repr(name))
        m = NAMED_GATES[key]
        k = int(np.log2(m.shape[0]))
        if len(qubits) != k:
            raise InvalidInput("qubits", f"{k} qubit index(es) for gate {key}", f"{len(qubits)}: {qubits!r}")
        return cls(key, tuple(qubits), m)

    def full_matrix(self, n_qubits: int) -> np.ndarray:
        return embed_local(self.matrix, self.qubits, n_qubits)

    def __repr__(self) -> str:
        return f"Gate({self.name}, qubits={self.qubits})"


@dataclass(frozen=True, eq=False)
class GateSequence:
    """Local gates applied left to right (the first listed gate acts first)."""

    n_qubits: int
    gates: tuple[Gate, ...]

    def __post_init__(self) -> None:
        n = validate.positive_int("n_qubits", self.n_qubits)
        if isinstance(self.gates, Gate):
            gates: tuple = (self.gates,)
        elif isinstance(self.gates, (tuple, list)):
            gates = tuple(self.gates)
        else:
            raise InvalidInput("gates", "a sequence of Gate objects", validate.describe(self.gates))
        for g in gates:
            if not isinstance(g, Gate):
                raise InvalidInput("gates", "a sequence of Gate objects", validate.describe(g))
            if max(g.qubits) >= n:
                raise InvalidInput(
                    "gates", f"qubit indices in 0..{n - 1}", f"gate {g.name} on qubits {g.qubits}"
                )
        object.__setattr__(self, "gates", gates)

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    @cached_property
    def matrix(self) -> np.ndarray:
        u = np.eye(self.dim, dtype=np.complex128)
        for g in self.gates:
            u = g.full_matrix(self.n_qubits) @ u
        u.flags.writeable = False
        return u

    def bits(self, gate: Gate) -> tuple[int, ...]:
        """Bit positions (C6) of a gate's qubits."""
        return tuple(qubit_bit(q, self.n_qubits) for q in gate.qubits)


@dataclass(frozen=True, eq=False)
class DenseUnitary:
    """A dense ``d x d`` unitary (checked within :data:`qnnsym.tolerances.UNITARY_ATOL`)."""

    matrix: np.ndarray

    def __post_init__(self) -> None:
        u = validate.unitary_matrix("matrix", self.matrix).copy()
        u.flags.writeable = False
        object.__setattr__(self, "matrix", u)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[0])


FixedUnitary = Union[DenseUnitary, GateSequence]
