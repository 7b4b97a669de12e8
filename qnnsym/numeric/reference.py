"""Slow, obviously correct dense-numpy reference implementation.

Kept on purpose, so the fast engine always has something simple to agree with.
It shares nothing with the kernels: it multiplies dense ``d x d`` matrices built from
the model's dense views (:meth:`QNN.fixed_unitaries`, :meth:`QNN.generator_matrices`),
exponentiates generators by ``eigh``, works with density matrices directly, and
computes the Jacobian from the commutator formula of SPEC S1,
``d yhat / d theta_l = i tr(Hhat_l [M, rho])`` with ``Hhat_l = V_l^dag H_l V_l``.

>>> import numpy as np
>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.numeric import reference
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> float(reference.predict(qnn, Dataset.basis_state(2), [np.pi / 3])[0].round(12))
0.5
"""

from __future__ import annotations

import numpy as np

from ..model import QNN, Dataset

__all__ = [
    "rotation",
    "layer_unitaries",
    "unitary",
    "effective_measurement",
    "predict",
    "jacobian",
    "tangent_kernel",
    "loss_gradient",
    "asymptotic_flow_rhs",
    "finite_difference_jacobian",
]


def rotation(h: np.ndarray, theta: float) -> np.ndarray:
    """``exp(-i theta H)`` by diagonalising the Hermitian ``H``."""
    w, v = np.linalg.eigh(h)
    return (v * np.exp(-1j * theta * w)) @ v.conj().T


def layer_unitaries(model: QNN, theta) -> list[np.ndarray]:
    """``[U_1 W_1, ..., U_p W_p]`` (and ``W_{p+1}`` last when present)."""
    theta = np.asarray(theta, dtype=np.float64)
    out = []
    for w, h, t in zip(model.fixed_unitaries(), model.generator_matrices(), theta):
        u = rotation(h, t)
        out.append(u if w is None else u @ w)
    if model.final is not None:
        out.append(model.final_matrix())
    return out


def unitary(model: QNN, theta) -> np.ndarray:
    """``U(theta)`` (C1)."""
    u = np.eye(model.dim, dtype=np.complex128)
    for layer in layer_unitaries(model, theta):
        u = layer @ u
    return u


def effective_measurement(model: QNN, theta) -> np.ndarray:
    """``M(theta) = U^dag M_0 U`` (C2)."""
    u = unitary(model, theta)
    return u.conj().T @ model.measurement_matrix() @ u


def predict(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``yhat_i = tr(rho_i M(theta))`` with density matrices."""
    m = effective_measurement(model, theta)
    return np.einsum("iab,ba->i", data.density_matrices(), m).real


def jacobian(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``J_il = i tr(Hhat_l [M, rho_i])`` (SPEC S1)."""
    theta = np.asarray(theta, dtype=np.float64)
    m_eff = effective_measurement(model, theta)
    rhos = data.density_matrices()
    comms = np.einsum("ab,ibc->iac", m_eff, rhos) - np.einsum("iab,bc->iac", rhos, m_eff)
    gens = model.generator_matrices()
    v = np.eye(model.dim, dtype=np.complex128)
    J = np.zeros((data.m, model.n_params))
    for l, (w, h, t) in enumerate(zip(model.fixed_unitaries(), gens, theta)):
        v = rotation(h, t) @ (v if w is None else w @ v)  # V_l: the circuit up to and including gate l
        h_hat = v.conj().T @ h @ v
        J[:, l] = (1j * np.einsum("ab,iba->i", h_hat, comms)).real
    return J


def tangent_kernel(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``K = J J^T`` (C4)."""
    J = jacobian(model, data, theta)
    return J @ J.T


def loss_gradient(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``grad L = J^T (yhat - y)``."""
    r = predict(model, data, theta) - data.targets
    return jacobian(model, data, theta).T @ r


def asymptotic_flow_rhs(m: np.ndarray, rhos: np.ndarray, targets: np.ndarray, c: float) -> np.ndarray:
    """``M' = -c [M, [M, R]]`` with ``R = sum_i r_i rho_i`` and ``r_i = tr(rho_i M) - y_i`` (Theorem 4.2)."""
    r = np.einsum("iab,ba->i", rhos, m).real - targets
    big_r = np.einsum("i,iab->ab", r, rhos)
    inner = m @ big_r - big_r @ m
    return -c * (m @ inner - inner @ m)


def finite_difference_jacobian(predict_fn, theta, h: float) -> np.ndarray:
    """Five-point central differences ``(f(-2h) - 8 f(-h) + 8 f(h) - f(2h)) / 12h`` per parameter."""
    theta = np.asarray(theta, dtype=np.float64)
    cols = []
    for l in range(theta.size):
        def f(s: float) -> np.ndarray:
            t = theta.copy()
            t[l] += s
            return np.asarray(predict_fn(t))

        cols.append((f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h))
    return np.stack(cols, axis=-1)
