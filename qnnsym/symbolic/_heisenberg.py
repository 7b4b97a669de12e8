r"""The Heisenberg road: ``M(θ) = U(θ)† M_0 U(θ)`` as Pauli strings with trig-polynomial coefficients.

The model is first read into exact Pauli pieces: the measurement ``M_0 = Σ_Q m_Q Q``
(:func:`_measurement_terms`), each generator ``H_l`` as mutually commuting Pauli strings
``[(P, c)]`` so that ``exp(-iθH_l) = Π exp(-iθcP)`` (:func:`_generator_terms`), and each fixed
unitary ``W`` as gates in Heisenberg order (:func:`_fixed_steps`).  :func:`_heisenberg` then
conjugates ``M_0`` back through the circuit.  For a rotation ``G = exp(-iθcP)`` and a Pauli
string ``Q``

.. math::

   G^\dagger Q G = \begin{cases} Q & [P, Q] = 0,\\
   \cos(2c\theta)\, Q + \sin(2c\theta)\, iPQ & \{P, Q\} = 0, \end{cases}

with ``iPQ = ±R`` again a Pauli string; a fixed gate ``g`` maps ``Q ↦ Σ_R t_{QR} R`` by its
transfer table (:mod:`qnnsym.symbolic._pauli_tables`).  Coefficients are
:class:`~qnnsym.symbolic._trigpoly.TrigPoly` in normal form.

Private helper module of :mod:`qnnsym.symbolic.circuit`.

>>> from qnnsym.model import circuit
>>> from qnnsym.symbolic._heisenberg import _heisenberg
>>> op = _heisenberg(circuit(1, [("RY", 0)], measurement="Z"))
>>> {q: a.to_expr() for q, a in op.items()}
{'Z': cos(theta_1), 'X': -sin(theta_1)}
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy as sp

from ..errors import InvalidInput
from ..model import QNN, DenseUnitary, DiagonalOperator, GateSequence, PauliOperator
from ._exact import _exact_matrix, exact_number
from ._pauli_tables import (
    _commutes,
    _diagonal_decomposition,
    _exact_table,
    _float_table,
    _gate_table,
    _pauli_decomposition,
    _times,
)
from ._trigpoly import COS, SIN, TrigPoly
from .symbols import theta

__all__ = ["_generator_terms", "_measurement_terms", "_fixed_steps", "_heisenberg", "_summary"]


# --------------------------------------------------------------------------- model → exact pieces
def _generator_terms(qnn: QNN, l: int, rationalize: float | None) -> list[tuple[str, sp.Expr]]:
    """The generator ``H_l`` as mutually commuting Pauli strings ``[(P, c)]``: ``exp(-iθH) = Π exp(-iθcP)``."""
    gen = qnn.layers[l].generator
    n = qnn.n_qubits
    where = f"qnn.layers[{l}].generator"
    if isinstance(gen, PauliOperator):
        return [] if gen.pauli.is_identity else [(gen.pauli.label, exact_number(gen.coeff, rationalize=rationalize))]
    if isinstance(gen, DiagonalOperator):
        h = [exact_number(v, rationalize=rationalize) for v in gen.diagonal]
        terms = _diagonal_decomposition(h, n)
    else:
        mat = _exact_matrix(gen.matrix(), rationalize)
        if any(e.has(sp.Float) for e in mat):
            raise InvalidInput(
                where,
                "a dense Hermitian generator with exact entries (or pass rationalize=tol), so that exp(-iθH) has an exact form",
                "float entries; use the numeric engine (qnnsym.numeric.jacobian) for this model",
            )
        terms = _pauli_decomposition(mat, n)
        labels = [q for q in terms if set(q) != {"I"}]
        if any(not _commutes(a, b) for a, b in itertools.combinations(labels, 2)):
            raise InvalidInput(
                where,
                "a dense Hermitian generator whose Pauli strings commute (exact eigenvalues Σ ±h_S)",
                "non-commuting Pauli components; use the numeric engine (qnnsym.numeric.jacobian)",
            )
    return [(q, c) for q, c in terms.items() if set(q) != {"I"}]


def _measurement_terms(qnn: QNN, rationalize: float | None) -> dict[str, sp.Expr]:
    m0 = qnn.measurement
    if isinstance(m0, PauliOperator):
        return {m0.pauli.label: exact_number(m0.coeff, rationalize=rationalize)}
    if isinstance(m0, DiagonalOperator):
        return _diagonal_decomposition([exact_number(v, rationalize=rationalize) for v in m0.diagonal], qnn.n_qubits)
    return _pauli_decomposition(_exact_matrix(m0.matrix(), rationalize), qnn.n_qubits)


def _fixed_steps(fixed: Any) -> list:
    """The fixed unitary ``W`` as gates in Heisenberg order (last gate first)."""
    if fixed is None:
        return []
    if isinstance(fixed, GateSequence):
        return list(reversed(fixed.gates))
    return [fixed]  # DenseUnitary


# --------------------------------------------------------------------------- Heisenberg road
def _heisenberg(qnn: QNN, *, rationalize: float | None = None, steps: list | None = None) -> dict[str, TrigPoly]:
    """``M(θ)`` as ``{Pauli label: TrigPoly}`` by conjugating ``M_0`` back through the circuit."""
    n = qnn.n_qubits
    op = {q: TrigPoly.constant(c) for q, c in _measurement_terms(qnn, rationalize).items()}
    table_cache: dict = {}

    def through(fixed: Any, where: str) -> None:
        nonlocal op
        for g in _fixed_steps(fixed):
            if isinstance(g, DenseUnitary):
                key = ("dense", id(g), rationalize)
                if key not in table_cache:
                    table_cache[key] = (
                        _float_table(np.asarray(g.matrix), n) if rationalize is None
                        else _exact_table(_exact_matrix(g.matrix, rationalize), n)
                    )
                table, qubits = table_cache[key], tuple(range(n))
            else:
                table, qubits = _gate_table(g, rationalize, table_cache), g.qubits
            new: dict[str, TrigPoly] = {}
            for q, a in op.items():
                local = "".join(q[j] for j in qubits)
                for r, t in table[local]:
                    lab = list(q)
                    for j, ch in zip(qubits, r):
                        lab[j] = ch
                    new.setdefault("".join(lab), TrigPoly()).add_into(a, t)
            op = {q: a for q, a in new.items() if not a.is_zero()}
            if steps is not None:
                name = "dense W" if isinstance(g, DenseUnitary) else f"{g.name}{g.qubits}"
                steps.append((f"conjugate by fixed {name} ({where})", _summary(op)))

    through(qnn.final, "W_{p+1}")
    for l in reversed(range(qnn.n_params)):
        th = theta(l + 1)
        for p_label, c in _generator_terms(qnn, l, rationalize):
            cos_f, sin_f = TrigPoly.factor(th, COS, 2 * c), TrigPoly.factor(th, SIN, 2 * c)
            new: dict[str, TrigPoly] = {}
            for q, a in op.items():
                if _commutes(p_label, q):
                    new.setdefault(q, TrigPoly()).add_into(a)
                    continue
                phase, r = _times(p_label, q)
                sign = sp.I * phase  # iPQ = (i phase) R with i*phase = ±1
                new.setdefault(q, TrigPoly()).add_into(a * cos_f)
                new.setdefault(r, TrigPoly()).add_into(a * sin_f, sign)
            op = {q: a for q, a in new.items() if not a.is_zero()}
        if steps is not None:
            steps.append((f"conjugate by exp(-i θ_{l + 1} H_{l + 1}) (Pauli rule)", _summary(op)))
        through(qnn.layers[l].fixed, f"W_{l + 1}")
    return op


def _summary(op: dict[str, TrigPoly]) -> str:
    return f"{len(op)} Pauli strings, {sum(len(a) for a in op.values())} trig monomials"
