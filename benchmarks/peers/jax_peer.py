"""JAX peers (``jax.jit`` on CPU, float64/complex128 via ``jax_enable_x64``), one thread.

- :class:`JaxCircuitGradient` (W1): a state-vector simulator in ``jax.numpy`` replaying the
  gate list of the qnnsym model (:mod:`._circuit`); the state is a rank-``n`` tensor of shape
  ``(2,)*n`` (axis ``q`` = qubit ``q``, qubit 0 most significant, as in qnnsym's C6).  The
  timed call is ``jax.jit(jax.grad(expectation))(theta)``; the whole circuit is unrolled into
  one XLA program, so the first call (tracing + XLA compilation) is long and reported apart.
- :class:`JaxTangentKernel` (W2): ``J = jax.vmap(jax.grad(expectation), in_axes=(None, 0))``
  over the ``m`` input states (one reverse pass per input), ``K = J J^T``, all inside one
  ``jax.jit``.
- :class:`JaxDenseStep` / :class:`JaxDenseTraining` (W3): the dense model with states as an
  ``(m, d)`` array; per layer ``psi <- (psi @ W_l^T) * exp(-i theta_l h_l)`` as a
  ``jax.lax.scan`` over the stacked ``W_l^T``; one jitted GD step, and a jitted training loop
  (``lax.fori_loop`` over the steps) that returns the final ``theta``.
- :class:`JaxFlowRK4` (W5): classical RK4 for ``M' = -c [M, [M, R]]``, ``R = sum_i r_i rho_i``,
  ``r_i = tr(M rho_i) - y_i``, as a jitted ``lax.fori_loop``.

The thread pinning: ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false``
is set before JAX is first imported (by :func:`_jax`), so XLA's CPU client runs one thread.
"""

from __future__ import annotations

import os

import numpy as np

from ..timing import Unavailable
from ._circuit import FixedGate, Rotation, read_dense_model, read_qubit_circuit

__all__ = ["version", "JaxCircuitGradient", "JaxTangentKernel", "JaxDenseStep", "JaxDenseTraining", "JaxFlowRK4"]

_PAULI_2x2 = {"X": ((0, 1), (1, 0)), "Y": ((0, -1j), (1j, 0)), "Z": ((1, 0), (0, -1))}


def _jax():
    if "jax" not in __import__("sys").modules:
        flags = os.environ.get("XLA_FLAGS", "")
        if "xla_cpu_multi_thread_eigen" not in flags:
            os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false").strip()
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax
        import jax.numpy as jnp
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise Unavailable(f"jax not importable ({exc})") from None
    jax.config.update("jax_enable_x64", True)
    return jax, jnp


def version() -> str | None:
    try:
        from importlib.metadata import version as v

        return f"jax {v('jax')}, jaxlib {v('jaxlib')}"
    except Exception:
        return None


# -- circuit simulator ----------------------------------------------------------------------


def _rotation(jnp, x, pauli: str, q: int, angle):
    """``exp(-i angle P_q) x`` on a state of shape ``(batch?, 2, ..., 2)`` (``q`` is the axis)."""
    c, s = jnp.cos(angle), jnp.sin(angle)
    x0, x1 = jnp.take(x, 0, axis=q), jnp.take(x, 1, axis=q)
    if pauli == "Y":
        return jnp.stack((c * x0 - s * x1, s * x0 + c * x1), axis=q)
    if pauli == "Z":
        ph = jnp.exp(-1j * angle)
        return jnp.stack((ph * x0, jnp.conj(ph) * x1), axis=q)
    if pauli == "X":
        mis = -1j * s
        return jnp.stack((c * x0 + mis * x1, mis * x0 + c * x1), axis=q)
    raise Unavailable(f"rotation about {pauli!r}")


def _cnot(jnp, x, c: int, t: int):
    t_in_half = t - 1 if t > c else t
    return jnp.stack((jnp.take(x, 0, axis=c), jnp.flip(jnp.take(x, 1, axis=c), axis=t_in_half)), axis=c)


def _fixed(jnp, x, gate: FixedGate, offset: int):
    qubits = [q + offset for q in gate.qubits]
    if gate.name == "CNOT":
        return _cnot(jnp, x, *qubits)
    k = len(qubits)
    u = jnp.asarray(np.asarray(gate.matrix, dtype=np.complex128).reshape((2,) * (2 * k)))
    y = jnp.tensordot(u, x, axes=(list(range(k, 2 * k)), qubits))
    return jnp.moveaxis(y, list(range(k)), qubits)


def _signature(op) -> tuple:
    if isinstance(op, Rotation):
        return ("R", op.pauli, op.qubit)
    return ("F", op.name, op.qubits, np.asarray(op.matrix).tobytes())


def _period(ops) -> int:
    """The shortest block length ``P`` such that ``ops`` is ``len(ops) / P`` repeats of one block of
    gate kinds and qubits (parameters may differ); ``len(ops)`` when there is none."""
    sig = [_signature(op) for op in ops]
    n = len(sig)
    for per in range(1, n + 1):
        if n % per == 0 and all(sig[i] == sig[i % per] for i in range(n)):
            return per
    return n


def _expectations(jax, jnp, circ, theta, psi, offset: int):
    """``<psi|U^dag M U|psi>`` for a state tensor whose qubit axes start at ``offset``.

    The gate list is cut into its repeating block (one ansatz layer) and the blocks run in a
    ``jax.lax.scan``, so XLA compiles one block instead of the unrolled circuit (unrolled, a
    12-qubit, 10-layer circuit took minutes to compile).  Each block reads its angles
    ``coeff * theta[param]`` from a precomputed index table.
    """
    ops = circ.ops
    per = _period(ops)
    block = ops[:per]
    rot_pos = [k for k, op in enumerate(block) if isinstance(op, Rotation)]
    n_blocks = len(ops) // per
    idx = np.array([[ops[b * per + k].param for k in rot_pos] for b in range(n_blocks)], dtype=np.int64).reshape(n_blocks, len(rot_pos))
    coeff = np.array([[ops[b * per + k].coeff for k in rot_pos] for b in range(n_blocks)]).reshape(n_blocks, len(rot_pos))
    angles = theta[jnp.asarray(idx)] * jnp.asarray(coeff)

    def body(x, ang):
        j = 0
        for op in block:
            if isinstance(op, Rotation):
                x = _rotation(jnp, x, op.pauli, op.qubit + offset, ang[j])
                j += 1
            else:
                x = _fixed(jnp, x, op, offset)
        return x, None

    x, _ = jax.lax.scan(body, psi, angles)
    px = x
    for q, letter in enumerate(circ.measurement):
        if letter != "I":
            g = _PAULI_2x2[letter]
            x0, x1 = jnp.take(px, 0, axis=q + offset), jnp.take(px, 1, axis=q + offset)
            px = jnp.stack((g[0][0] * x0 + g[0][1] * x1, g[1][0] * x0 + g[1][1] * x1), axis=q + offset)
    axes = tuple(range(offset, offset + circ.n_qubits))
    return circ.measurement_coeff * jnp.sum(jnp.conj(x) * px, axis=axes).real


class JaxCircuitGradient:
    """``d <M_0> / d theta`` from ``|0...0>``: ``jax.jit(jax.grad(...))``."""

    def __init__(self, model, theta: np.ndarray):
        jax, jnp = _jax()
        circ = read_qubit_circuit(model)
        n = circ.n_qubits
        psi0 = np.zeros((2,) * n, dtype=np.complex128)
        psi0[(0,) * n] = 1.0
        psi0 = jnp.asarray(psi0)
        self.fn = jax.jit(jax.grad(lambda th: _expectations(jax, jnp, circ, th, psi0, 0)))
        self.theta = jnp.asarray(np.asarray(theta, dtype=np.float64))

    def __call__(self) -> np.ndarray:
        return np.asarray(self.fn(self.theta).block_until_ready())


class JaxTangentKernel:
    """``K = J J^T`` with the rows of ``J`` from ``vmap(grad)`` over the input states, one jit."""

    def __init__(self, model, states: np.ndarray, theta: np.ndarray):
        jax, jnp = _jax()
        circ = read_qubit_circuit(model)
        n = circ.n_qubits
        psi = jnp.asarray(np.asarray(states, dtype=np.complex128).reshape((-1,) + (2,) * n))
        # one reverse pass per input (vmap of grad): jacrev over the batched predictions would
        # run every backward pass over all m states (m times the work)
        grad_one = jax.grad(lambda t, x: _expectations(jax, jnp, circ, t, x, 0))

        def kernel(th):
            J = jax.vmap(grad_one, in_axes=(None, 0))(th, psi)
            return J @ J.T

        self.fn = jax.jit(kernel)
        self.theta = jnp.asarray(np.asarray(theta, dtype=np.float64))

    def __call__(self) -> np.ndarray:
        return np.asarray(self.fn(self.theta).block_until_ready())


# -- dense model ----------------------------------------------------------------------------


def _dense_loss_fn(jax, jnp, model, data):
    wt, h, final_t, m0, psi0, y = (None if a is None else jnp.asarray(a) for a in read_dense_model(model, data))

    def loss(theta):
        phases = jnp.exp(-1j * theta[:, None] * h)  # (p, d)

        def layer(psi, xs):
            w, ph = xs
            return (psi @ w) * ph, None

        psi, _ = jax.lax.scan(layer, psi0, (wt, phases))
        if final_t is not None:
            psi = psi @ final_t
        yhat = jnp.sum(m0 * (psi.real**2 + psi.imag**2), axis=1)
        r = yhat - y
        return 0.5 * jnp.sum(r * r)

    return loss


class JaxDenseStep:
    """``theta0 - lr * grad L(theta0)``, one ``jax.jit`` (``lax.scan`` over the layers)."""

    def __init__(self, model, data, theta: np.ndarray, lr: float):
        jax, jnp = _jax()
        loss = _dense_loss_fn(jax, jnp, model, data)
        grad = jax.grad(loss)
        self.grad = jax.jit(grad)
        self.step = jax.jit(lambda th: th - lr * grad(th))
        self.theta = jnp.asarray(np.asarray(theta, dtype=np.float64))

    def gradient(self) -> np.ndarray:
        return np.asarray(self.grad(self.theta).block_until_ready())

    def __call__(self) -> np.ndarray:
        return np.asarray(self.step(self.theta).block_until_ready())


class JaxDenseTraining:
    """``steps`` gradient-descent steps from ``theta0`` as one jitted ``lax.fori_loop``; returns the final theta."""

    def __init__(self, model, data, theta: np.ndarray, lr: float, steps: int):
        jax, jnp = _jax()
        grad = jax.grad(_dense_loss_fn(jax, jnp, model, data))
        self.run = jax.jit(lambda th: jax.lax.fori_loop(0, steps, lambda k, t: t - lr * grad(t), th))
        self.theta = jnp.asarray(np.asarray(theta, dtype=np.float64))

    def __call__(self) -> np.ndarray:
        return np.asarray(self.run(self.theta).block_until_ready())


# -- W5: the asymptotic flow ----------------------------------------------------------------


class JaxFlowRK4:
    """``n`` classical RK4 steps of ``M' = -c [M, [M, R(M)]]``; returns the final ``M``."""

    def __init__(self, m0: np.ndarray, rhos: np.ndarray, targets: np.ndarray, c: float, t_final: float, n: int):
        jax, jnp = _jax()
        rh = jnp.asarray(np.asarray(rhos, dtype=np.complex128))
        y = jnp.asarray(np.asarray(targets, dtype=np.float64))
        h = t_final / n

        def rhs(m):
            r = jnp.einsum("ab,iba->i", m, rh).real - y
            big_r = jnp.einsum("i,iab->ab", r, rh)
            inner = m @ big_r - big_r @ m
            return -c * (m @ inner - inner @ m)

        def step(k, m):
            k1 = rhs(m)
            k2 = rhs(m + 0.5 * h * k1)
            k3 = rhs(m + 0.5 * h * k2)
            k4 = rhs(m + h * k3)
            out = m + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
            return 0.5 * (out + jnp.conj(out.T))  # as qnnsym's step: keep M exactly Hermitian

        self.run = jax.jit(lambda m: jax.lax.fori_loop(0, n, step, m))
        self.m0 = jnp.asarray(np.asarray(m0, dtype=np.complex128))

    def __call__(self) -> np.ndarray:
        return np.asarray(self.run(self.m0).block_until_ready())
