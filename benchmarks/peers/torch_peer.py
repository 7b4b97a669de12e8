"""torch autograd peers (the paper's tool), complex128 / float64, one thread.

- :class:`TorchCircuitGradient` (W1): a state-vector simulator written with torch tensor
  ops.  The state is a rank-``n`` tensor of shape ``(2,)*n`` (axis ``q`` = qubit ``q``,
  so qubit 0 is the most significant bit of the flattened index, as in qnnsym's C6).  A
  one-qubit gate on ``q`` splits the state along axis ``q`` (``select``) and ``stack``\\ s
  the two new halves back; a CNOT flips the target axis of the control-1 half.  The
  gradient of ``<M_0>`` is ``torch.autograd.grad``.
- :class:`TorchDenseStep` (W3): the dense model with states as an ``(m, d)`` complex128
  tensor; per layer ``psi <- (psi @ W_l^T) * exp(-i theta_l h_l)`` (``h_l`` the diagonal of
  ``H_l``), the phases of all layers built in one op; ``yhat_i = sum_b M0_b |psi_ib|^2``,
  ``L = 1/2 sum (yhat - y)^2``, ``L.backward()``, then ``theta - lr * theta.grad``.

Everything that does not depend on ``theta`` (the ``W_l^T`` stack, ``h``, the inputs) is
built once in the constructor, outside the timed call.
"""

from __future__ import annotations

import numpy as np

from ..timing import Unavailable
from ._circuit import FixedGate, Rotation, read_dense_model, read_qubit_circuit

__all__ = ["available", "version", "TorchCircuitGradient", "TorchTangentKernel", "TorchDenseStep", "TorchDenseTraining", "TorchFlowRK4"]


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise Unavailable(f"torch not importable ({exc})") from None
    return torch


def available() -> tuple[bool, str]:
    try:
        _torch()
    except Unavailable as exc:
        return False, str(exc)
    return True, ""


def version() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


# -- W1: circuit gradient -----------------------------------------------------------------


def _apply_1q(torch, x, q: int, g):
    """``g`` (2x2, complex tensor or ndarray entries) on axis ``q``."""
    x0, x1 = x.select(q, 0), x.select(q, 1)
    return torch.stack((g[0][0] * x0 + g[0][1] * x1, g[1][0] * x0 + g[1][1] * x1), dim=q)


def _rotation(torch, x, pauli: str, q: int, angle):
    """``exp(-i angle P_q) x`` = ``cos(angle) x - i sin(angle) P_q x``."""
    c, s = torch.cos(angle), torch.sin(angle)
    x0, x1 = x.select(q, 0), x.select(q, 1)
    if pauli == "Y":  # [[c, -s], [s, c]]
        return torch.stack((c * x0 - s * x1, s * x0 + c * x1), dim=q)
    if pauli == "Z":  # diag(e^{-i a}, e^{i a})
        ph = torch.polar(torch.ones_like(angle), -angle)
        return torch.stack((ph * x0, ph.conj() * x1), dim=q)
    if pauli == "X":  # [[c, -i s], [-i s, c]]
        mis = -1j * s
        return torch.stack((c * x0 + mis * x1, mis * x0 + c * x1), dim=q)
    raise Unavailable(f"rotation about {pauli!r}")


def _cnot(torch, x, c: int, t: int):
    t_in_half = t - 1 if t > c else t
    return torch.stack((x.select(c, 0), x.select(c, 1).flip(t_in_half)), dim=c)


def _apply_fixed(torch, x, gate: FixedGate, const):
    if gate.name == "CNOT":
        return _cnot(torch, x, *gate.qubits)
    k = len(gate.qubits)
    u = const(gate.matrix).reshape((2,) * (2 * k))
    # contract the gate's input axes with the state's qubit axes, then move the outputs back
    y = torch.tensordot(u, x, dims=(list(range(k, 2 * k)), list(gate.qubits)))
    return torch.movedim(y, list(range(k)), list(gate.qubits))


_PAULI_2x2 = {
    "X": ((0, 1), (1, 0)),
    "Y": ((0, -1j), (1j, 0)),
    "Z": ((1, 0), (0, -1)),
}


class TorchCircuitGradient:
    """``d <M_0> / d theta`` for ``|0...0>`` through the qubit circuit of a qnnsym model."""

    def __init__(self, model, theta: np.ndarray):
        torch = _torch()
        self.torch = torch
        self.circ = read_qubit_circuit(model)
        n = self.circ.n_qubits
        const_cache: dict[int, object] = {}

        def const(a: np.ndarray):
            key = id(a)
            if key not in const_cache:
                const_cache[key] = torch.as_tensor(np.asarray(a, dtype=np.complex128))
            return const_cache[key]

        self.const = const
        for op in self.circ.ops:  # build gate constants now, outside the timed call
            if isinstance(op, FixedGate) and op.name != "CNOT":
                const(op.matrix)
        psi0 = torch.zeros((2,) * n, dtype=torch.complex128)
        psi0[(0,) * n] = 1.0
        self.psi0 = psi0
        self.theta = torch.tensor(np.asarray(theta, dtype=np.float64), requires_grad=True)

    def expectation(self, theta):
        torch, circ = self.torch, self.circ
        x = self.psi0
        for op in circ.ops:
            if isinstance(op, Rotation):
                angle = theta[op.param] if op.coeff == 1.0 else op.coeff * theta[op.param]
                x = _rotation(torch, x, op.pauli, op.qubit, angle)
            else:
                x = _apply_fixed(torch, x, op, self.const)
        px = x
        for q, letter in enumerate(circ.measurement):
            if letter != "I":
                px = _apply_1q(torch, px, q, _PAULI_2x2[letter])
        return circ.measurement_coeff * torch.sum(x.conj() * px).real

    def __call__(self) -> np.ndarray:
        (g,) = self.torch.autograd.grad(self.expectation(self.theta), self.theta)
        return g.numpy()


class TorchTangentKernel:
    """``K = J J^T``: row ``i`` of ``J`` by one forward pass of input ``i`` (a state tensor of shape
    ``(1, 2, ..., 2)``) and one ``torch.autograd.grad`` (reverse mode: ``p >> m``)."""

    def __init__(self, model, states: np.ndarray, theta: np.ndarray):
        torch = _torch()
        self.torch = torch
        self.circ = read_qubit_circuit(model)
        n = self.circ.n_qubits
        for op in self.circ.ops:
            if isinstance(op, FixedGate) and op.name != "CNOT":
                raise Unavailable(f"fixed gate {op.name} (the batched peer replays rotations and CNOTs only)")
        self.psi = torch.as_tensor(np.asarray(states, dtype=np.complex128).reshape((-1,) + (2,) * n))
        self.theta = torch.tensor(np.asarray(theta, dtype=np.float64), requires_grad=True)

    def predictions(self, theta, i: int | None = None):
        """Predictions for all inputs, or (shape ``(1,)``) for input ``i`` only."""
        torch, circ = self.torch, self.circ
        x = self.psi if i is None else self.psi[i : i + 1]
        for op in circ.ops:
            if isinstance(op, Rotation):
                angle = theta[op.param] if op.coeff == 1.0 else op.coeff * theta[op.param]
                x = _rotation(torch, x, op.pauli, op.qubit + 1, angle)
            else:
                x = _cnot(torch, x, op.qubits[0] + 1, op.qubits[1] + 1)
        px = x
        for q, letter in enumerate(circ.measurement):
            if letter != "I":
                px = _apply_1q(torch, px, q + 1, _PAULI_2x2[letter])
        dims = tuple(range(1, circ.n_qubits + 1))
        return circ.measurement_coeff * torch.sum(x.conj() * px, dim=dims).real

    def __call__(self) -> np.ndarray:
        # one forward and one backward per input: a backward pass through the batched graph
        # would carry all m states (m times the work for each row of J)
        rows = [self.torch.autograd.grad(self.predictions(self.theta, i)[0], self.theta)[0] for i in range(self.psi.shape[0])]
        J = self.torch.stack(rows)
        return (J @ J.T).detach().numpy()


# -- W3: one gradient-descent step of the dense model --------------------------------------


class TorchDenseStep:
    """``theta0 - lr * grad L(theta0)`` for the dense model, by torch autograd."""

    def __init__(self, model, data, theta: np.ndarray, lr: float):
        torch = _torch()
        self.torch = torch
        wt, h, final_t, m0, psi0, y = read_dense_model(model, data)
        self.wt = torch.as_tensor(wt)  # (p, d, d)
        self.h = torch.as_tensor(h)
        self.final_t = None if final_t is None else torch.as_tensor(final_t)
        self.m0 = torch.as_tensor(m0)
        self.psi0 = torch.as_tensor(psi0)
        self.y = torch.as_tensor(y)
        self.theta = torch.tensor(np.asarray(theta, dtype=np.float64), requires_grad=True)
        self.lr = float(lr)
        self._ones = torch.ones_like(self.h)

    def loss(self, theta):
        torch = self.torch
        phases = torch.polar(self._ones, -theta[:, None] * self.h)  # exp(-i theta_l h_l), (p, d)
        psi = self.psi0
        for l in range(self.wt.shape[0]):
            psi = (psi @ self.wt[l]) * phases[l]
        if self.final_t is not None:
            psi = psi @ self.final_t
        yhat = torch.sum(self.m0 * (psi.real**2 + psi.imag**2), dim=1)
        r = yhat - self.y
        return 0.5 * torch.sum(r * r)

    def gradient(self) -> np.ndarray:
        (g,) = self.torch.autograd.grad(self.loss(self.theta), self.theta)
        return g.numpy()

    def __call__(self) -> np.ndarray:
        theta = self.theta
        theta.grad = None
        self.loss(theta).backward()
        with self.torch.no_grad():
            new = theta - self.lr * theta.grad
        return new.numpy()


class TorchDenseTraining:
    """``steps`` gradient-descent steps from ``theta0`` in a Python loop of :class:`TorchDenseStep`
    steps (``loss.backward()``, update under ``no_grad``); returns the final theta."""

    def __init__(self, model, data, theta: np.ndarray, lr: float, steps: int):
        self.step = TorchDenseStep(model, data, theta, lr)
        self.theta0 = np.asarray(theta, dtype=np.float64)
        self.steps = int(steps)

    def __call__(self) -> np.ndarray:
        torch = self.step.torch
        theta = torch.tensor(self.theta0, requires_grad=True)
        for _ in range(self.steps):
            theta.grad = None
            self.step.loss(theta).backward()
            with torch.no_grad():
                theta -= self.step.lr * theta.grad
        return theta.detach().numpy().copy()


class TorchFlowRK4:
    """``n`` classical RK4 steps of ``M' = -c [M, [M, R(M)]]`` with torch tensor ops; the final ``M``."""

    def __init__(self, m0: np.ndarray, rhos: np.ndarray, targets: np.ndarray, c: float, t_final: float, n: int):
        torch = _torch()
        self.torch = torch
        self.m0 = torch.as_tensor(np.asarray(m0, dtype=np.complex128))
        self.rh = torch.as_tensor(np.asarray(rhos, dtype=np.complex128))
        self.y = torch.as_tensor(np.asarray(targets, dtype=np.float64))
        self.c, self.h, self.n = float(c), t_final / n, int(n)

    def _rhs(self, m):
        torch = self.torch
        r = torch.einsum("ab,iba->i", m, self.rh).real - self.y
        big_r = torch.einsum("i,iab->ab", r.to(m.dtype), self.rh)
        inner = m @ big_r - big_r @ m
        return -self.c * (m @ inner - inner @ m)

    def __call__(self) -> np.ndarray:
        m, h = self.m0, self.h
        with self.torch.no_grad():
            for _ in range(self.n):
                k1 = self._rhs(m)
                k2 = self._rhs(m + 0.5 * h * k1)
                k3 = self._rhs(m + 0.5 * h * k2)
                k4 = self._rhs(m + h * k3)
                out = m + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
                m = 0.5 * (out + out.conj().T)
        return m.numpy()
