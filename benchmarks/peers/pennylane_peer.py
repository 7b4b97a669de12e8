"""PennyLane ``lightning.qubit`` with ``diff_method="adjoint"`` (W1).

The QNode replays the gate list of the qnnsym model (:mod:`._circuit`): ``qml.RX/RY/RZ``
with angle ``2 coeff theta_l`` (PennyLane's ``R_P(phi) = exp(-i phi P / 2)``, so a
qnnsym generator ``P/2`` is ``phi = theta``), ``qml.CNOT`` and the other named gates,
and ``qml.expval`` of the measurement Pauli string.  PennyLane's wire 0 is the most
significant qubit of the state vector, as qnnsym's qubit 0 (C6); the agreement check
against qnnsym confirms both conventions on every run.

The device, the QNode and the gradient function ``qml.grad(qnode)`` are built once;
the timed call is ``grad(params)`` with ``params`` a ``pennylane.numpy`` array with
``requires_grad=True`` (PennyLane's default autograd interface).
"""

from __future__ import annotations

import numpy as np

from ..timing import Unavailable
from ._circuit import FixedGate, Rotation, read_qubit_circuit

__all__ = ["available", "versions", "LightningAdjointGradient", "LightningTangentKernel"]


def _pennylane():
    try:
        import pennylane as qml
        from pennylane import numpy as pnp
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise Unavailable(f"pennylane not importable ({exc})") from None
    return qml, pnp


def available() -> tuple[bool, str]:
    try:
        qml, _ = _pennylane()
        qml.device("lightning.qubit", wires=1)
    except Unavailable as exc:
        return False, str(exc)
    except Exception as exc:  # device plugin missing or broken
        return False, f"lightning.qubit unavailable ({type(exc).__name__}: {exc})"
    return True, ""


def versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for dist in ("pennylane", "pennylane_lightning"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


class LightningAdjointGradient:
    """``d <M_0> / d theta`` for ``|0...0>`` on ``lightning.qubit`` with the adjoint method."""

    def __init__(self, model, theta: np.ndarray, encoding=None):
        qml, pnp = _pennylane()
        circ = read_qubit_circuit(model)
        n = circ.n_qubits
        try:
            dev = qml.device("lightning.qubit", wires=n)
        except Exception as exc:
            raise Unavailable(f"lightning.qubit unavailable ({type(exc).__name__}: {exc})") from None
        named = {"CNOT": qml.CNOT, "CZ": qml.CZ, "SWAP": qml.SWAP, "H": qml.Hadamard, "X": qml.PauliX,
                 "Y": qml.PauliY, "Z": qml.PauliZ, "S": qml.S, "T": qml.T}
        rot = {"X": qml.RX, "Y": qml.RY, "Z": qml.RZ}
        paulis = {"X": qml.PauliX, "Y": qml.PauliY, "Z": qml.PauliZ}
        ops = []
        for op in circ.ops:
            if isinstance(op, Rotation):
                ops.append((rot[op.pauli], op.param, 2.0 * op.coeff, op.qubit))
            else:
                assert isinstance(op, FixedGate)
                if op.name in named:
                    ops.append((named[op.name], None, None, list(op.qubits)))
                else:
                    ops.append((qml.QubitUnitary, op.matrix, None, list(op.qubits)))
        obs = None
        for q, letter in enumerate(circ.measurement):
            if letter != "I":
                obs = paulis[letter](q) if obs is None else obs @ paulis[letter](q)
        if circ.measurement_coeff != 1.0:
            obs = circ.measurement_coeff * obs

        enc_gate = None if encoding is None else {"RY": qml.RY, "RX": qml.RX}[encoding.rotation]
        enc_scale = None if encoding is None else float(encoding.scale)

        def body(params, x=None):
            if enc_gate is not None:  # the input's angle encoding, not differentiated
                for q in range(n):
                    enc_gate(enc_scale * x[q], wires=q)
            for gate, a, scale, wires in ops:
                if gate is qml.QubitUnitary:
                    gate(a, wires=wires)
                elif a is None:
                    gate(wires=wires)
                else:
                    gate(params[a] if scale == 1.0 else scale * params[a], wires=wires)
            return qml.expval(obs)

        self.qnode = qml.QNode(body, dev, diff_method="adjoint", interface="autograd")
        self.grad = qml.grad(self.qnode, argnums=0)
        self.params = pnp.array(np.asarray(theta, dtype=np.float64), requires_grad=True)

    def __call__(self) -> np.ndarray:
        return np.asarray(self.grad(self.params))


class LightningTangentKernel:
    """``K = J J^T`` on ``lightning.qubit``: one adjoint gradient per input (the input's angle
    encoding prepended as non-trainable ``qml.RY``/``qml.RX`` gates), then ``J J^T`` in numpy."""

    def __init__(self, model, encoding, features: np.ndarray, theta: np.ndarray):
        _, pnp = _pennylane()
        self.peer = LightningAdjointGradient(model, theta, encoding=encoding)
        self.xs = [pnp.array(np.asarray(x, dtype=np.float64), requires_grad=False) for x in features]

    def __call__(self) -> np.ndarray:
        J = np.stack([np.asarray(self.peer.grad(self.peer.params, x)) for x in self.xs])
        return J @ J.T
