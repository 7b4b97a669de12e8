"""Qulacs peers (C++ state-vector simulator), one thread (``OMP_NUM_THREADS=1``).

The circuit is a ``qulacs.ParametricQuantumCircuit`` built from the qnnsym model's gate list
(:mod:`._circuit`): every trainable rotation ``exp(-i theta coeff P)`` becomes a parametric
``R_P`` gate with angle ``phi = -2 coeff theta`` (qulacs' parametric rotations are
``exp(+i phi P / 2)``, checked numerically by the agreement check on every run), CNOT/CZ/SWAP
are qulacs' named gates and any other fixed gate is a dense-matrix gate.  Qulacs numbers its
qubits from the least significant bit, so qnnsym qubit ``q`` is qulacs qubit ``n - 1 - q``.

The gradient is qulacs' own reverse-mode facility ``ParametricQuantumCircuit.backprop(obs)``
(an adjoint sweep in C++ from ``|0...0>``), then the chain rule ``d/d theta = -2 coeff d/d phi``.

- :class:`QulacsCircuitGradient` (W1): ``backprop`` of ``<M_0>`` from ``|0...0>``.
- :class:`QulacsTangentKernel` (W2): one circuit per input, the input's encoding prepended as
  fixed dense one-qubit gates ``R(scale x_q)`` (so ``backprop`` still starts from ``|0...0>``);
  ``J`` row by row, then ``K = J J^T`` with numpy.
"""

from __future__ import annotations

import numpy as np

from ..timing import Unavailable
from ._circuit import FixedGate, Rotation, read_qubit_circuit

__all__ = ["version", "QulacsCircuitGradient", "QulacsTangentKernel"]


def _qulacs():
    try:
        import qulacs
        import qulacs.gate
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise Unavailable(f"qulacs not importable ({exc})") from None
    return qulacs


def version() -> str | None:
    try:
        from importlib.metadata import version as v

        return v("qulacs")
    except Exception:
        return None


def _build(qulacs, circ, prefix: list[tuple[int, np.ndarray]] = ()):
    """The parametric circuit, the observable, and ``scale[l] = d phi_l / d theta``."""
    n = circ.n_qubits
    qc = qulacs.ParametricQuantumCircuit(n)
    for q, mat in prefix:
        qc.add_gate(qulacs.gate.DenseMatrix(n - 1 - q, np.asarray(mat, dtype=np.complex128)))
    scale = []
    order = []
    for op in circ.ops:
        if isinstance(op, Rotation):
            k = n - 1 - op.qubit
            add = {"X": qc.add_parametric_RX_gate, "Y": qc.add_parametric_RY_gate, "Z": qc.add_parametric_RZ_gate}[op.pauli]
            add(k, 0.0)
            scale.append(-2.0 * op.coeff)
            order.append(op.param)
        else:
            assert isinstance(op, FixedGate)
            qs = [n - 1 - q for q in op.qubits]
            if op.name == "CNOT":
                qc.add_CNOT_gate(*qs)
            elif op.name == "CZ":
                qc.add_CZ_gate(*qs)
            elif op.name == "SWAP":
                qc.add_SWAP_gate(*qs)
            else:  # DenseMatrix takes the target list with the first listed qubit least significant
                qc.add_gate(qulacs.gate.DenseMatrix(list(reversed(qs)), np.asarray(op.matrix, dtype=np.complex128)))
    obs = qulacs.GeneralQuantumOperator(n)
    term = " ".join(f"{letter} {n - 1 - q}" for q, letter in enumerate(circ.measurement) if letter != "I")
    obs.add_operator(complex(circ.measurement_coeff), term)
    return qc, obs, np.array(scale), np.array(order, dtype=np.int64)


def _set(qc, theta: np.ndarray, scale: np.ndarray, order: np.ndarray) -> None:
    for k, (l, s) in enumerate(zip(order, scale)):
        qc.set_parameter(k, s * theta[l])


def _grad(qc, obs, scale, order, p: int) -> np.ndarray:
    g_phi = np.asarray(qc.backprop(obs), dtype=np.float64)
    out = np.zeros(p)
    np.add.at(out, order, scale * g_phi)
    return out


class QulacsCircuitGradient:
    """``d <M_0> / d theta`` from ``|0...0>`` by ``ParametricQuantumCircuit.backprop``."""

    def __init__(self, model, theta: np.ndarray):
        qulacs = _qulacs()
        circ = read_qubit_circuit(model)
        self.p = circ.n_params
        self.qc, self.obs, self.scale, self.order = _build(qulacs, circ)
        _set(self.qc, np.asarray(theta, dtype=np.float64), self.scale, self.order)

    def __call__(self) -> np.ndarray:
        return _grad(self.qc, self.obs, self.scale, self.order, self.p)


class QulacsTangentKernel:
    """``K = J J^T``; row ``i`` of ``J`` by ``backprop`` of a circuit with input ``i``'s encoding prepended."""

    def __init__(self, model, encoding, features: np.ndarray, theta: np.ndarray):
        qulacs = _qulacs()
        circ = read_qubit_circuit(model)
        self.p = circ.n_params
        self.rows = []
        for x in np.asarray(features, dtype=np.float64):
            prefix = [(q, _encoding_matrix(encoding, a)) for q, a in enumerate(encoding.scale * x)]
            qc, obs, scale, order = _build(qulacs, circ, prefix)
            _set(qc, np.asarray(theta, dtype=np.float64), scale, order)
            self.rows.append((qc, obs, scale, order))

    def __call__(self) -> np.ndarray:
        J = np.stack([_grad(qc, obs, scale, order, self.p) for qc, obs, scale, order in self.rows])
        return J @ J.T


def _encoding_matrix(encoding, angle: float) -> np.ndarray:
    """``RY(angle)`` or ``RX(angle)`` (convention C1: ``R(a) = exp(-i a P / 2)``)."""
    c, s = np.cos(angle / 2), np.sin(angle / 2)
    if encoding.rotation == "RY":
        return np.array([[c, -s], [s, c]], dtype=np.complex128)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=np.complex128)
