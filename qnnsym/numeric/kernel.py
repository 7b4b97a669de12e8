"""Tangent kernel ``K = J J^T`` (C4), the asymptotic kernel ``K^asym(M)``, and the
frozen-kernel (kernel-regression) prediction ``r(t) = exp(-eta Kbar t) r(0)`` (SPEC S3).

>>> import numpy as np
>>> from qnnsym.numeric.kernel import frozen_kernel_prediction
>>> traj = frozen_kernel_prediction(np.diag([1.0, 2.0]), [1.0, 1.0], eta=1.0, times=[0.0, 1.0])
>>> np.allclose(traj.residuals[1], [np.exp(-1), np.exp(-2)])
True
"""

from __future__ import annotations

import numpy as np

from .. import validate
from ..errors import InvalidInput
from ..model import QNN, Dataset
from ..tolerances import EPS
from .jacobian import predict_and_jacobian
from .trajectory import Trajectory

__all__ = ["tangent_kernel", "asymptotic_kernel", "frozen_kernel_prediction", "check_kernel"]


def tangent_kernel(model: QNN, data: Dataset, theta) -> np.ndarray:
    """``K = J J^T`` from the adjoint Jacobian, shape ``(m, m)``, exactly symmetric."""
    J = predict_and_jacobian(model, data, theta)[1]
    k = J @ J.T
    return 0.5 * (k + k.T)


def asymptotic_kernel(m_eff, rhos) -> np.ndarray:
    """``K^asym_ij(M) = -tr([M, rho_i][M, rho_j])`` (SPEC section 2), for density matrices ``rhos`` (m, d, d).

    ``m_eff`` must be Hermitian and each ``rhos[i]`` a density matrix of the same dimension, within
    the tolerances of :mod:`qnnsym.tolerances` (the messages state them).
    """
    m_eff = validate.hermitian_matrix("m_eff", m_eff)
    d = m_eff.shape[0]
    rhos = validate.complex_array("rhos", rhos, (None, d, d))
    if rhos.shape[0] == 0:
        raise InvalidInput("rhos", "at least one density matrix", "an empty array")
    for i in range(rhos.shape[0]):
        validate.density_matrix(f"rhos[{i}]", rhos[i])
    return asymptotic_kernel_unchecked(m_eff, rhos)


def asymptotic_kernel_unchecked(m_eff: np.ndarray, rhos: np.ndarray) -> np.ndarray:
    """:func:`asymptotic_kernel` for inputs already checked (the flow's inner loop)."""
    comm = np.einsum("ab,ibc->iac", m_eff, rhos) - np.einsum("iab,bc->iac", rhos, m_eff)
    k = -np.einsum("iab,jba->ij", comm, comm).real
    return 0.5 * (k + k.T)


def check_kernel(name: str, kbar, m: int | None = None) -> np.ndarray:
    """``kbar`` as a real symmetric positive-semidefinite matrix (tolerance ``100 eps ||K|| m``)."""
    kc = validate.complex_array(name, kbar, (m, m) if m is not None else (None, None))
    if np.any(kc.imag != 0):
        raise InvalidInput(name, "a real kernel matrix", "a complex array with non-zero imaginary part")
    k = kc.real
    if k.shape[0] != k.shape[1]:
        raise InvalidInput(name, "a square matrix", f"shape {k.shape}")
    scale = max(float(np.max(np.abs(k))) if k.size else 0.0, 1e-300)
    tol = 100 * EPS * scale * k.shape[0]
    asym = float(np.max(np.abs(k - k.T))) if k.size else 0.0
    if asym > tol:
        raise InvalidInput(name, f"a symmetric kernel (max|K - K^T| <= {tol:.2g})", f"max|K - K^T| = {asym:.3g}")
    lam_min = float(np.linalg.eigvalsh(0.5 * (k + k.T))[0])
    if lam_min < -tol:
        raise InvalidInput(name, f"a positive semidefinite kernel (smallest eigenvalue >= -{tol:.2g})", f"smallest eigenvalue {lam_min:.3g}")
    return 0.5 * (k + k.T)


def frozen_kernel_prediction(kbar, r0, *, eta: float, times) -> Trajectory:
    """Residuals of kernel regression with a frozen kernel: ``r(t) = exp(-eta Kbar t) r(0)``.

    Solved exactly in the eigenbasis of ``Kbar``: ``r(t) = V diag(exp(-eta lambda t)) V^T r(0)``,
    so the loss is a finite sum of exponentials plus a constant (SPEC S3).
    """
    r0 = validate.real_vector("r0", r0)
    if r0.size == 0:
        raise InvalidInput("r0", "at least one residual", "an empty vector")
    k = check_kernel("kbar", kbar, r0.size)
    eta = validate.positive_real("eta", eta)
    times = validate.real_vector("times", times)
    if np.any(times < 0):
        raise InvalidInput("times", "non-negative times", f"a minimum of {times.min()!r}")
    lam, v = np.linalg.eigh(k)
    lam = np.clip(lam, 0.0, None)
    coeffs = v.T @ r0
    with np.errstate(over="ignore", under="ignore"):
        decay = np.exp(-eta * np.outer(times, lam))  # eta t lambda overflowing to inf decays to 0, as it should
        residuals = (decay * coeffs) @ v.T
    if not np.all(np.isfinite(residuals)):
        raise InvalidInput("kbar", "a kernel and residuals whose products are finite in float64",
                           f"max|K| = {float(np.max(np.abs(k))):.3g}, max|r0| = {float(np.max(np.abs(r0))):.3g}")
    return Trajectory(times, residuals, meta={"method": "frozen_kernel", "eta": eta, "kernel_eigenvalues": lam.tolist()})
