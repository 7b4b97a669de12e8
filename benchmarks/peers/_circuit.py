"""Read a qnnsym qubit-circuit model into a flat gate list that every peer replays.

The peers do not rebuild "a hardware-efficient ansatz" from their own idea of it: they
walk the very :class:`qnnsym.model.QNN` that qnnsym differentiates, so a peer and qnnsym
cannot silently time two different circuits (and the agreement check would catch it if
they did).

Supported: single-qubit Pauli-rotation layers (``coeff * P`` with ``P`` in X, Y, Z on one
qubit, i.e. ``exp(-i theta coeff P)``; ``coeff = 1/2`` is the usual ``R_P(theta)``), fixed
:class:`~qnnsym.model.GateSequence` parts of one- and two-qubit gates, and a Pauli-string
measurement ``coeff * P``.  Anything else raises :class:`~benchmarks.timing.Unavailable`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..timing import Unavailable

__all__ = ["Rotation", "FixedGate", "QubitCircuit", "read_qubit_circuit"]


@dataclass(frozen=True)
class Rotation:
    """``exp(-i theta[param] coeff P)`` with ``P`` = ``pauli`` in "XYZ" on ``qubit``."""

    pauli: str
    qubit: int
    param: int
    coeff: float


@dataclass(frozen=True)
class FixedGate:
    name: str
    qubits: tuple[int, ...]
    matrix: np.ndarray  # 2^k x 2^k, first listed qubit most significant


@dataclass(frozen=True)
class QubitCircuit:
    n_qubits: int
    n_params: int
    ops: tuple[Rotation | FixedGate, ...]
    measurement: str  # Pauli label, qubit 0 first
    measurement_coeff: float


def _fixed(fixed, where: str) -> list[FixedGate]:
    from qnnsym.model import GateSequence

    if not isinstance(fixed, GateSequence):
        raise Unavailable(f"{where}: a dense fixed unitary, not a gate sequence (peer replays gates only)")
    out = []
    for g in fixed.gates:
        if len(g.qubits) > 2:
            raise Unavailable(f"{where}: gate {g.name} on {len(g.qubits)} qubits")
        out.append(FixedGate(g.name, tuple(int(q) for q in g.qubits), np.asarray(g.matrix)))
    return out


def read_qubit_circuit(model) -> QubitCircuit:
    """The gate list of ``model`` in the order the gates act."""
    from qnnsym.model import PauliOperator

    n = model.n_qubits
    if n is None:
        raise Unavailable("model is not a qubit register (n_qubits is None)")
    ops: list[Rotation | FixedGate] = []
    for l, layer in enumerate(model.layers):
        if layer.fixed is not None:
            ops.extend(_fixed(layer.fixed, f"layer {l}"))
        gen = layer.generator
        if not isinstance(gen, PauliOperator) or len(gen.pauli.support) != 1:
            raise Unavailable(f"layer {l}: generator {gen!r} is not a single-qubit Pauli rotation")
        q = gen.pauli.support[0]
        ops.append(Rotation(gen.pauli.label[q], q, l, float(gen.coeff)))
    if model.final is not None:
        ops.extend(_fixed(model.final, "final unitary"))
    meas = model.measurement
    if not isinstance(meas, PauliOperator):
        raise Unavailable(f"measurement {meas!r} is not a Pauli string")
    return QubitCircuit(n, model.n_params, tuple(ops), meas.pauli.label, float(meas.coeff))


def diagonal(op, what: str) -> np.ndarray:
    """The diagonal of a diagonal generator or measurement (``DiagonalOperator`` or a Z-type Pauli)."""
    from qnnsym.model import DiagonalOperator, PauliOperator

    if isinstance(op, DiagonalOperator):
        return np.asarray(op.diagonal, dtype=np.float64)
    if isinstance(op, PauliOperator) and op.pauli.x_mask == 0:
        return op.coeff * op.pauli.diagonal_signs()
    raise Unavailable(f"{what} {op!r} is not diagonal")


def read_dense_model(model, data):
    """The paper's dense model as arrays, the one reading every dense peer uses:
    ``(W_l^T stacked (p, d, d), diag H_l (p, d), W_final^T or None, diag M_0, states (m, d), targets (m,))``."""
    from qnnsym.model import DenseUnitary

    if data.kind != "pure":
        raise Unavailable("mixed input states")
    ws = []
    for l, layer in enumerate(model.layers):
        if not isinstance(layer.fixed, DenseUnitary):
            raise Unavailable(f"layer {l}: fixed part is not a dense unitary")
        ws.append(np.asarray(layer.fixed.matrix).T)
    wt = np.ascontiguousarray(np.stack(ws), dtype=np.complex128)
    h = np.stack([diagonal(l.generator, f"generator {i}") for i, l in enumerate(model.layers)])
    final_t = None if model.final is None else np.ascontiguousarray(np.asarray(model.final.matrix).T)
    m0 = diagonal(model.measurement, "measurement")
    return wt, h, final_t, m0, np.array(data.states, dtype=np.complex128), np.array(data.targets, dtype=np.float64)
