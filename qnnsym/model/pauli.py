"""Pauli strings: parsing, matrices, products with phases, fast action on basis states.

Spelling (C6): character ``k`` of ``"XZI"`` acts on qubit ``k``, and qubit 0 is the
most significant bit of the basis index.  A Pauli string ``P`` factors as
``P = i^{n_Y} X^x Z^z`` with bit masks ``x`` (X or Y on that qubit) and ``z``
(Z or Y), so on a basis state

    ``P |b> = i^{n_Y} (-1)^{popcount(b & z)} |b XOR x>``.

The numeric engine uses that formula; :meth:`PauliString.matrix` builds the dense
Kronecker product independently, and the tests hold the two against each other.

>>> from qnnsym.model.pauli import PauliString
>>> phase, p = PauliString("XY") * PauliString("YY")     # XY = iZ on qubit 0, YY = I on qubit 1
>>> phase, p.label
(1j, 'ZI')
>>> PauliString("ZI").matrix().real.diagonal().tolist()
[1.0, 1.0, -1.0, -1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..conventions import PAULI_LABELS, qubit_bit
from ..errors import InvalidInput

__all__ = ["PauliString", "PAULI_MATRICES", "all_pauli_strings", "MAX_ALL_PAULI_QUBITS"]

#: :func:`all_pauli_strings` lists ``4^n`` strings; ``n <= 10`` keeps that list near a million.
MAX_ALL_PAULI_QUBITS = 10

#: Single-qubit Pauli matrices.
PAULI_MATRICES: dict[str, np.ndarray] = {
    "I": np.array([[1, 0], [0, 1]], dtype=np.complex128),
    "X": np.array([[0, 1], [1, 0]], dtype=np.complex128),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=np.complex128),
    "Z": np.array([[1, 0], [0, -1]], dtype=np.complex128),
}

# Single-qubit products sigma_a sigma_b = phase * sigma_c.
_PRODUCT: dict[tuple[str, str], tuple[complex, str]] = {}
for _a in "IXYZ":
    for _b in "IXYZ":
        _m = PAULI_MATRICES[_a] @ PAULI_MATRICES[_b]
        for _c in "IXYZ":
            _ph = np.trace(PAULI_MATRICES[_c].conj().T @ _m) / 2
            if abs(_ph) > 0.5:
                _PRODUCT[(_a, _b)] = (complex(np.round(_ph)), _c)


@dataclass(frozen=True)
class PauliString:
    """A tensor product of single-qubit Paulis, e.g. ``PauliString("XZI")``.

    Parameters
    ----------
    label : str
        One of ``I, X, Y, Z`` per qubit, qubit 0 first (lower case accepted).
    """

    label: str

    def __post_init__(self) -> None:
        if not isinstance(self.label, str):
            raise InvalidInput("label", "a Pauli string such as 'XZI'", repr(self.label))
        label = self.label.upper()
        bad = [c for c in label if c not in PAULI_LABELS]
        if not label or bad:
            raise InvalidInput(
                "label", "a non-empty string over the letters I, X, Y, Z (qubit 0 first)", repr(self.label)
            )
        object.__setattr__(self, "label", label)

    # -- structure -----------------------------------------------------------------
    @property
    def n_qubits(self) -> int:
        return len(self.label)

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    @property
    def is_identity(self) -> bool:
        return set(self.label) == {"I"}

    @cached_property
    def x_mask(self) -> int:
        """Bits flipped by ``P`` (X or Y on that qubit), in the basis-index convention C6."""
        n = self.n_qubits
        return sum(1 << qubit_bit(q, n) for q, c in enumerate(self.label) if c in "XY")

    @cached_property
    def z_mask(self) -> int:
        """Bits that pick up a sign (Z or Y on that qubit)."""
        n = self.n_qubits
        return sum(1 << qubit_bit(q, n) for q, c in enumerate(self.label) if c in "ZY")

    @property
    def n_y(self) -> int:
        return self.label.count("Y")

    @property
    def support(self) -> tuple[int, ...]:
        """The qubits on which ``P`` acts non-trivially."""
        return tuple(q for q, c in enumerate(self.label) if c != "I")

    # -- representations -----------------------------------------------------------
    def matrix(self) -> np.ndarray:
        """Dense ``2^n x 2^n`` matrix, as the Kronecker product in qubit order (C6)."""
        out = np.ones((1, 1), dtype=np.complex128)
        for c in self.label:
            out = np.kron(out, PAULI_MATRICES[c])
        return out

    def diagonal_signs(self) -> np.ndarray:
        """For a diagonal string (only I and Z): the ``+-1`` diagonal as floats."""
        if self.x_mask:
            raise InvalidInput("self", "a diagonal Pauli string (letters I and Z only)", repr(self.label))
        b = np.arange(self.dim)
        parity = np.zeros(self.dim, dtype=np.int64)
        z = self.z_mask
        for bit in range(self.n_qubits):
            if z >> bit & 1:
                parity ^= (b >> bit) & 1
        return 1.0 - 2.0 * parity

    # -- algebra -------------------------------------------------------------------
    def __mul__(self, other: "PauliString") -> tuple[complex, "PauliString"]:
        """Product ``self @ other = phase * P``; returns ``(phase, P)``."""
        if not isinstance(other, PauliString):
            return NotImplemented
        if other.n_qubits != self.n_qubits:
            raise InvalidInput(
                "other", f"a Pauli string on {self.n_qubits} qubits", f"one on {other.n_qubits} qubits"
            )
        phase = 1 + 0j
        letters = []
        for a, b in zip(self.label, other.label):
            ph, c = _PRODUCT[(a, b)]
            phase *= ph
            letters.append(c)
        return phase, PauliString("".join(letters))

    def commutes_with(self, other: "PauliString") -> bool:
        """True when ``[self, other] = 0`` (an even number of anticommuting positions)."""
        if not isinstance(other, PauliString):
            raise InvalidInput("other", "a PauliString", repr(other))
        if other.n_qubits != self.n_qubits:
            raise InvalidInput("other", f"a Pauli string on {self.n_qubits} qubits", f"one on {other.n_qubits} qubits")
        anti = sum(1 for a, b in zip(self.label, other.label) if a != "I" and b != "I" and a != b)
        return anti % 2 == 0

    def __str__(self) -> str:
        return self.label


def all_pauli_strings(n_qubits: int, *, include_identity: bool = False) -> list[PauliString]:
    """All ``4^n`` (or ``4^n - 1``) Pauli strings on ``n_qubits`` qubits, in lexicographic IXYZ order.

    >>> [p.label for p in all_pauli_strings(1)]
    ['X', 'Y', 'Z']
    """
    from itertools import product

    from .. import validate

    n_qubits = validate.positive_int("n_qubits", n_qubits, maximum=MAX_ALL_PAULI_QUBITS)
    include_identity = validate.flag("include_identity", include_identity)
    out = [PauliString("".join(t)) for t in product("IXYZ", repeat=n_qubits)]
    return out if include_identity else out[1:]
