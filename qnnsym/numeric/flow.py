"""The asymptotic dynamics of Theorem 4.2: the double-bracket flow

    ``M' = -c [M, [M, R]]``,  ``R = sum_i r_i rho_i``,  ``r_i = tr(rho_i M) - y_i``,

integrated from a given Hermitian ``M(0)``.  Equivalently ``r' = -c K^asym(M) r``.

Writing ``Omega = c [M, R]`` (anti-Hermitian), the flow is ``M' = [Omega, M]``: a
unitary conjugation, so the spectrum of ``M`` is conserved (SPEC S11).  Two
integrators:

- ``"rk4"`` (default): classical RK4 on ``M``; fourth order; the spectrum drifts by
  ``O(dt^4)`` per unit time and the drift is reported;
- ``"isospectral"``: exponential midpoint ``M_{k+1} = e^{h Omega(M_{k+1/2})} M_k e^{-h Omega(M_{k+1/2})}``;
  second order, and the spectrum is conserved up to round-off.

>>> import numpy as np
>>> from qnnsym.numeric.flow import asymptotic_flow
>>> M0 = np.array([[0, 1], [1, 0]], dtype=complex)       # X, measured on |0>: yhat(0) = 0
>>> rho = np.array([[[1, 0], [0, 0]]], dtype=complex)
>>> traj = asymptotic_flow(M0, rho, [1.0], c=1.0, t_final=2.0, dt=0.01)
>>> bool(traj.loss[-1] < traj.loss[0] and traj.series["spectrum_drift"].max() < 1e-8)
True
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from .. import validate
from ..errors import InvalidInput
from ..model import Dataset
from ._jit import njit
from .kernel import asymptotic_kernel_unchecked as asymptotic_kernel
from .stability import kernel_steps, check_asymptotic_flow_step, n_steps as _n_steps
from .trajectory import Trajectory

__all__ = ["asymptotic_flow", "flow_rhs"]


@njit
def _residuals(m, rhos, targets):
    n = rhos.shape[0]
    d = m.shape[0]
    r = np.empty(n)
    for i in range(n):
        acc = 0.0
        for a in range(d):
            for b in range(d):
                acc += (rhos[i, a, b] * m[b, a]).real
        r[i] = acc - targets[i]
    return r


@njit
def _omega(m, rhos, targets, c):
    """``Omega = c [M, R]`` and the residuals."""
    r = _residuals(m, rhos, targets)
    d = m.shape[0]
    big_r = np.zeros((d, d), dtype=np.complex128)
    for i in range(rhos.shape[0]):
        big_r += r[i] * rhos[i]
    return c * (np.dot(m, big_r) - np.dot(big_r, m)), r


@njit
def _rhs(m, rhos, targets, c):
    om, _ = _omega(m, rhos, targets, c)
    return np.dot(om, m) - np.dot(m, om)


@njit
def _rk4_step(m, rhos, targets, c, h):
    k1 = _rhs(m, rhos, targets, c)
    k2 = _rhs(m + 0.5 * h * k1, rhos, targets, c)
    k3 = _rhs(m + 0.5 * h * k2, rhos, targets, c)
    k4 = _rhs(m + h * k3, rhos, targets, c)
    out = m + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return 0.5 * (out + out.conj().T)


def _conjugate_by_exp(om: np.ndarray, m: np.ndarray, h: float) -> np.ndarray:
    # Omega anti-Hermitian => i Omega Hermitian = V diag(w) V^dag and e^{h Omega} = V e^{-i h w} V^dag
    w, v = np.linalg.eigh(1j * om)
    e = (v * np.exp(-1j * h * w)) @ v.conj().T
    out = e @ m @ e.conj().T
    return 0.5 * (out + out.conj().T)


def _isospectral_step(m, rhos, targets, c, h):
    om, _ = _omega(m, rhos, targets, c)
    half = _conjugate_by_exp(om, m, 0.5 * h)
    om_half, _ = _omega(half, rhos, targets, c)
    return _conjugate_by_exp(om_half, m, h)


def flow_rhs(m_eff, rhos, targets, c: float) -> np.ndarray:
    """``-c [M, [M, R]]`` (numba), for checks against the reference."""
    return _rhs(np.ascontiguousarray(m_eff, dtype=np.complex128), np.ascontiguousarray(rhos, dtype=np.complex128),
                np.asarray(targets, dtype=np.float64), float(c))


def _as_density_matrices(data, d: int) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(data, Dataset):
        if data.dim != d:
            raise InvalidInput("data", f"states of dimension {d} (M(0)'s)", f"dimension {data.dim}")
        return np.ascontiguousarray(data.density_matrices()), np.array(data.targets)
    rhos = validate.complex_array("data", data, (None, d, d))
    for i in range(rhos.shape[0]):
        validate.density_matrix(f"data[{i}]", rhos[i])
    return rhos, None


def asymptotic_flow(
    m0,
    data,
    targets=None,
    *,
    c: float,
    t_final: float,
    dt: float,
    method: str = "rk4",
    record_every: int = 1,
    kernel_times: Iterable[float] = (),
) -> Trajectory:
    """Integrate ``M' = -c [M, [M, R]]`` from ``M(0) = m0`` on ``[0, t_final]``.

    Parameters
    ----------
    m0 : (d, d) Hermitian array
        ``M(0)``, e.g. ``effective_measurement(model, theta0)``.
    data : Dataset or (m, d, d) array of density matrices
        Inputs ``rho_i``; with an array, pass ``targets`` too.
    c : float
        The constant of C8 (``eta * sum_l beta(H_l)``).
    method : {"rk4", "isospectral"}

    Returns
    -------
    Trajectory
        residuals ``r_i(t)``, ``series["spectrum_drift"]`` (``max |eig M(t) - eig M(0)|``),
        the asymptotic kernel ``K^asym(M(t))`` at ``kernel_times`` (so ``r' = -c K^asym r``),
        and the final ``M``.
    """
    m = validate.hermitian_matrix("m0", m0)
    d = m.shape[0]
    rhos, data_targets = _as_density_matrices(data, d)
    if targets is None:
        if data_targets is None:
            raise InvalidInput("targets", "the labels y_i when data is an array of density matrices", "None")
        targets = data_targets
    targets = validate.real_vector("targets", targets, length=rhos.shape[0])
    c = validate.positive_real("c", c)
    t_final = validate.positive_real("t_final", t_final)
    dt = validate.positive_real("dt", dt)
    record_every = validate.positive_int("record_every", record_every)
    if method not in ("rk4", "isospectral"):
        raise InvalidInput("method", "'rk4' or 'isospectral'", repr(method))
    m = np.ascontiguousarray(0.5 * (m + m.conj().T))
    n = _n_steps(t_final, dt)
    h = t_final / n  # the step used: at most dt
    check_asymptotic_flow_step(m, rhos, targets, c, h, method)
    ksteps = kernel_steps(kernel_times, t_final, h)
    spec0 = np.linalg.eigvalsh(m)
    step = _rk4_step if method == "rk4" else _isospectral_step

    times, res, drift, k_times, kernels = [], [], [], [], []
    for k in range(n + 1):
        if k % record_every == 0 or k == n:
            r = _residuals(m, rhos, targets)
            if not np.all(np.isfinite(r)):
                raise InvalidInput("dt", "a step small enough for a finite trajectory", f"non-finite residuals at step {k}")
            times.append(k * h)
            res.append(r)
            drift.append(float(np.max(np.abs(np.linalg.eigvalsh(m) - spec0))))
        if k in ksteps:
            k_times.append(k * h)
            kernels.append(asymptotic_kernel(m, rhos))
        if k < n:
            m = step(m, rhos, targets, c, h)
    mm = rhos.shape[0]
    return Trajectory(
        times=np.array(times),
        residuals=np.array(res).reshape(len(times), mm),
        series={"spectrum_drift": np.array(drift)},
        kernel_times=np.array(k_times),
        kernels=np.array(kernels).reshape(len(kernels), mm, mm),
        final=m,
        meta={"method": f"asymptotic_flow_{method}", "c": c, "dt": h, "t_final": t_final, "steps": n, "d": d, "m": mm},
    )
