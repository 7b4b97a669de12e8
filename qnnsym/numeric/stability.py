"""Step-size rules that keep the fixed-step integrators of :func:`~qnnsym.numeric.gradient_flow`
and :func:`~qnnsym.numeric.asymptotic_flow` stable.

A fixed-step one-step method applied to ``x' = F(x)`` is linearly stable when ``h z`` lies in
its stability region for every eigenvalue ``z`` of the Jacobian ``DF``.  We bound ``|z|`` by
a norm ``L >= ||DF||`` that holds everywhere the flow can go, and require ``h L <= c_method``
where ``c_method`` is the radius of the part of the stability region we need:

- **gradient flow** ``theta' = -eta grad L(theta)``: ``DF = -eta Hess L`` is symmetric, so its
  eigenvalues are real and RK4's real-axis limit applies:
  ``|1 + z + z^2/2 + z^3/6 + z^4/24| <= 1`` for ``z in [-2.7853, 0]`` (:data:`RK4_REAL_LIMIT`).
  The Hessian bound: with ``s_l = spread(H_l)/2`` (the distance from the centre of the
  spectrum of ``H_l`` to its ends; shifting ``H_l`` by a multiple of the identity only changes
  a global phase), ``w = spread(M_0)/2`` and ``S' = sum_l s_l^2``, the nested commutators give
  ``|d yhat_i / d theta_l| <= 2 s_l w`` and ``|d^2 yhat_i / d theta_l d theta_k| <= 4 s_l s_k w``.
  Then ``Hess L = J^T J + sum_i r_i Hess yhat_i`` with ``||J^T J|| <= ||J||_F^2 <= 4 m S' w^2``,
  ``||Hess yhat_i|| <= ||Hess yhat_i||_F <= 4 S' w`` and ``|r_i| <= R_i = max(lambda_max - y_i,
  y_i - lambda_min)`` (``yhat_i`` lies in the measurement range), so

      ``||Hess L|| <= H = 4 S' w (m w + sum_i R_i)``.

  With labels at the extremes (``R_i = 2w``) and ``s_l = ||H_l||``, ``w = ||M_0||`` this is the
  ``H = 12 m S ||M_0||^2`` of the discrete Theorem 3.2 (:mod:`qnnsym.numeric.bounds`).
  Rule: ``eta * dt * H <= 2.7853``.
- **asymptotic flow** ``M' = F(M) = -c [M, [M, R(M)]]`` with ``R = sum_i r_i rho_i``: writing
  ``M = Mc + a I`` with ``||Mc|| = w`` (the flow conserves the spectrum of ``M(0)``),
  ``DF[E] = -c ([E, [Mc, R]] + [Mc, [E, R]] + [Mc, [Mc, R_E]])`` with ``R_E = sum_i tr(rho_i E) rho_i``,
  ``||R|| <= sum_i R_i`` and ``||R_E|| <= m ||E||``; with ``||[A, B]|| <= 2 ||A|| ||B||``,

      ``||DF|| <= L = 4 c w (m w + 2 sum_i R_i)``.

  ``DF`` is not symmetric (its rotation part is skew), so for ``"rk4"`` the eigenvalues are only
  known to lie in the disc ``|z| <= L``; the largest half-disc ``{|z| <= r, Re z <= 0}`` inside
  RK4's stability region has ``r = 2.6155`` (:data:`RK4_HALF_DISC`; eigenvalues with
  ``Re z > 0`` are growth of the flow itself, not of the method).  ``"isospectral"`` moves ``M``
  by exact exponentials and is the exponential midpoint rule, whose dissipative part is the
  explicit midpoint rule with real-axis limit 2 (:data:`MIDPOINT_REAL_LIMIT`).
  Rule: ``dt * L <= 2.6155`` (rk4) or ``dt * L <= 2`` (isospectral).

Both bounds hold for pure and mixed inputs (``||rho_i|| <= 1``, ``tr rho_i = 1``) and need no
evaluation of the model, but they are worst cases over all parameters and data: for Haar-random
layers the actual ``||Hess L||`` is 10-50 times smaller (it concentrates), and the step sizes the
proofs and figures use (chosen for accuracy, which RK4 delivers) exceed them.  So each flow
applies a two-tier rule to the step ``h = t_final / ceil(t_final / dt)`` it will take:

1. accept when ``h * L_prior <= limit`` (the a-priori bound above: stable everywhere);
2. otherwise measure the stiffness at the start, ``eta * max|eig Hess L(theta0)|``
   (:func:`hessian_spectral_radius`) or ``max|eig DF(M(0))|``
   (:func:`flow_jacobian_spectral_radius`), and refuse (``InvalidInput`` naming ``dt``, with
   both numbers and how they were computed) when ``h`` times it exceeds ``limit``.

Tier 2 is a linear-stability test at the initial point, not a bound along the whole path; a
path that later enters a stiffer region and blows up is still caught, as a non-finite loss or
parameter reported against ``dt`` by the integrator.

>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.numeric.stability import gradient_flow_stiffness
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")        # s = 1/2, w = 1
>>> gradient_flow_stiffness(qnn, Dataset.basis_state(2, target=-1.0)).bound   # 4 (1/4) 1 (1 + 2)
3.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInput, TooLarge

__all__ = [
    "kernel_steps",
    "RK4_REAL_LIMIT",
    "RK4_HALF_DISC",
    "MIDPOINT_REAL_LIMIT",
    "Stiffness",
    "gradient_flow_stiffness",
    "asymptotic_flow_stiffness",
    "MAX_STEPS",
    "LANCZOS_MARGIN",
    "n_steps",
    "hessian_spectral_radius",
    "flow_jacobian_spectral_radius",
    "check_gradient_flow_step",
    "check_asymptotic_flow_step",
]

#: Largest ``x`` with ``|R_4(-y)| <= 1`` on ``[0, x]``, ``R_4(z) = 1 + z + z^2/2 + z^3/6 + z^4/24``.
RK4_REAL_LIMIT: float = 2.785293563405282
#: Largest ``r`` with ``|R_4(z)| <= 1`` on the half-disc ``|z| <= r, Re z <= 0`` (minimum at arg z ~ 2.142).
RK4_HALF_DISC: float = 2.6155
#: Real-axis limit of the explicit midpoint rule, ``|1 + z + z^2/2| <= 1`` for ``z in [-2, 0]``.
MIDPOINT_REAL_LIMIT: float = 2.0
#: Safety factor on a Lanczos / Arnoldi estimate of a spectral radius (which it underestimates).
LANCZOS_MARGIN: float = 1.05
#: Most steps one call integrates (about an hour of the cheapest model); more is refused, not hung on.
MAX_STEPS: int = 10**7


@dataclass(frozen=True)
class Stiffness:
    """A bound ``bound >= ||DF||`` on the Jacobian of a flow's right-hand side.

    Attributes
    ----------
    bound : float
        The bound ``L`` (per unit time; the step is stable when ``dt * L <= limit``).
    formula : str
        How it was computed, with the numbers, for error messages and reports.
    """

    bound: float
    formula: str


def _residual_ranges(lo: float, hi: float, targets: np.ndarray) -> np.ndarray:
    """``R_i = max(lambda_max - y_i, y_i - lambda_min)``: the largest ``|yhat_i - y_i|`` can be."""
    return np.maximum(hi - targets, targets - lo)


def gradient_flow_stiffness(model, data, eta: float = 1.0) -> Stiffness:
    """``eta * H`` with ``H = 4 S' w (m w + sum_i R_i) >= ||Hess L||`` (module docstring)."""
    s_sq = float(sum((0.5 * layer.generator.spread) ** 2 for layer in model.layers))
    spec = model.measurement.eigenvalues()
    lo, hi = float(spec[0]), float(spec[-1])
    w = 0.5 * (hi - lo)
    r_sum = float(np.sum(_residual_ranges(lo, hi, np.asarray(data.targets))))
    h_bound = 4.0 * s_sq * w * (data.m * w + r_sum)
    bound = eta * h_bound
    formula = (
        f"eta * H with H = 4 S' w (m w + sum_i R_i) = 4 * {s_sq:.4g} * {w:.4g} * ({data.m} * {w:.4g} + {r_sum:.4g})"
        f" = {h_bound:.4g} (S' = sum_l (spread H_l / 2)^2, w = spread(M_0)/2, R_i = max(lambda_max - y_i, y_i - lambda_min))"
    )
    return Stiffness(bound, formula)


def asymptotic_flow_stiffness(m0: np.ndarray, targets: np.ndarray, c: float) -> Stiffness:
    """``L = 4 c w (m w + 2 sum_i R_i) >= ||DF||`` for the double-bracket flow (module docstring)."""
    spec = np.linalg.eigvalsh(m0)
    lo, hi = float(spec[0]), float(spec[-1])
    w = 0.5 * (hi - lo)
    targets = np.asarray(targets, dtype=np.float64)
    r_sum = float(np.sum(_residual_ranges(lo, hi, targets)))
    m = int(targets.size)
    bound = 4.0 * c * w * (m * w + 2.0 * r_sum)
    formula = (
        f"L = 4 c w (m w + 2 sum_i R_i) = 4 * {c:.4g} * {w:.4g} * ({m} * {w:.4g} + 2 * {r_sum:.4g})"
        f" (w = spread(M(0))/2, R_i = max(lambda_max - y_i, y_i - lambda_min))"
    )
    return Stiffness(bound, formula)


def n_steps(t_final: float, dt: float, *, name: str = "dt") -> int:
    """``ceil(t_final / dt)`` steps (at least one), refused with :class:`~qnnsym.errors.TooLarge` above
    :data:`MAX_STEPS` so a tiny ``dt`` cannot hang a run.

    >>> n_steps(1.0, 0.25)
    4
    """
    ratio = t_final / dt
    if not ratio <= MAX_STEPS:
        raise TooLarge(name, f"at most MAX_STEPS = {MAX_STEPS} steps (t_final / dt)",
                       f"t_final / dt = {ratio:.3g}; use a larger dt or a shorter t_final")
    return max(1, math.ceil(ratio - 1e-12))


def kernel_steps(kernel_times, t_final: float, h: float) -> set[int]:
    """The grid indices nearest to ``kernel_times`` (each a finite time in ``[0, t_final]``) on the
    grid ``k h``: where the flows store kernels.

    >>> sorted(kernel_steps([0.0, 0.26, 1.0], 1.0, 0.25))
    [0, 1, 4]
    """
    from .. import validate

    steps = set()
    for t in kernel_times:
        t = validate.finite_real("kernel_times", t)
        if not 0 <= t <= t_final:
            raise InvalidInput("kernel_times", f"times in [0, {t_final}]", repr(t))
        steps.add(int(round(t / h)))
    return steps


def hessian_spectral_radius(model, data, theta: np.ndarray) -> float:
    """``max |eig Hess L(theta)|``, the stiffness of gradient flow at ``theta`` (per unit ``eta``).

    Hessian-vector products are central differences of the adjoint gradient,
    ``Hess v ~ (grad L(theta + e v) - grad L(theta - e v)) / 2e`` with the step ``e`` of
    :func:`qnnsym.tolerances.finite_difference_step` for the largest generator spread
    (relative error ``O(e^2)``, far below what a stability decision needs).  Up to 8 parameters
    the whole Hessian is built (``2p`` gradients); beyond, Lanczos (``scipy.sparse.linalg.eigsh``,
    8 Lanczos vectors, ``tol = 1e-2``, deterministic start vector) needs about 9 products
    (18 gradients).  A Ritz value underestimates the extreme eigenvalue (by at most 2% on dense
    Haar models with p = 20..128), so it is returned times :data:`LANCZOS_MARGIN` = 1.05.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    from ..tolerances import finite_difference_step
    from .jacobian import loss_gradient

    omega = max(float(layer.generator.spread) for layer in model.layers)
    eps = finite_difference_step(omega)
    p = int(theta.size)

    def hvp(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64).reshape(p)
        return (loss_gradient(model, data, theta + eps * v) - loss_gradient(model, data, theta - eps * v)) / (2 * eps)

    if p <= 8:
        hess = np.array([hvp(e) for e in np.eye(p)])
        return float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (hess + hess.T)))))
    op = LinearOperator((p, p), matvec=hvp, dtype=np.float64)
    w = eigsh(op, k=1, which="LM", v0=np.ones(p) / math.sqrt(p), ncv=8, tol=1e-2, return_eigenvectors=False)
    return LANCZOS_MARGIN * float(np.max(np.abs(w)))


def flow_jacobian_spectral_radius(m0: np.ndarray, rhos: np.ndarray, targets: np.ndarray, c: float) -> float:
    """``max |eig DF(M0)|`` for ``F(M) = -c [M, [M, R(M)]]`` (the derivative of the module docstring),
    exactly for ``d <= 4`` (the ``d^2 x d^2`` matrix) and otherwise by Arnoldi iteration
    (``scipy.sparse.linalg.eigs``, 8 vectors, ``tol = 1e-2``, deterministic start vector) on
    ``E -> DF[E]``, times :data:`LANCZOS_MARGIN`."""
    from scipy.sparse.linalg import LinearOperator, eigs

    d = m0.shape[0]
    r = np.einsum("iab,ba->i", rhos, m0).real - targets
    big_r = np.einsum("i,iab->ab", r, rhos)
    a = m0 @ big_r - big_r @ m0

    def dfe(v: np.ndarray) -> np.ndarray:
        e = np.asarray(v, dtype=np.complex128).reshape(d, d)
        r_e = np.einsum("i,iab->ab", np.einsum("iab,ba->i", rhos, e), rhos)
        er = e @ big_r - big_r @ e
        mr_e = m0 @ r_e - r_e @ m0
        out = (e @ a - a @ e) + (m0 @ er - er @ m0) + (m0 @ mr_e - mr_e @ m0)
        return (-c * out).reshape(d * d)

    n = d * d
    if n <= 16:
        mat = np.array([dfe(e) for e in np.eye(n)]).T
        return float(np.max(np.abs(np.linalg.eigvals(mat))))
    op = LinearOperator((n, n), matvec=dfe, dtype=np.complex128)
    w = eigs(op, k=1, which="LM", v0=np.ones(n, dtype=np.complex128) / math.sqrt(n), ncv=8, tol=1e-2, return_eigenvectors=False)
    return LANCZOS_MARGIN * float(np.max(np.abs(w)))


def _refuse(h: float, limit: float, method: str, measured: float, where: str, prior: Stiffness) -> None:
    raise InvalidInput(
        "dt",
        f"a step h with h * L <= {limit:.4g} for a stable {method} step, where L = {measured:.4g} is the measured "
        f"stiffness ({where}), i.e. h <= {limit / measured:.4g}; the a-priori bound {prior.formula} guarantees "
        f"stability for h <= {limit / prior.bound:.4g}",
        f"a step h = {h!r} (h * L = {h * measured:.4g})",
    )


def check_gradient_flow_step(model, data, theta: np.ndarray, eta: float, h: float) -> None:
    """The step rule of :func:`~qnnsym.numeric.gradient_flow` (RK4 on ``theta' = -eta grad L``).

    Accept when ``eta h H <= 2.7853`` with the a-priori bound ``H`` of
    :func:`gradient_flow_stiffness` (no model evaluation).  Otherwise measure the stiffness at the
    start, ``eta * max |eig Hess L(theta0)|`` (:func:`hessian_spectral_radius`), and refuse
    when ``h`` times it exceeds ``2.7853``.
    """
    prior = gradient_flow_stiffness(model, data, eta)
    if h * prior.bound <= RK4_REAL_LIMIT:
        return
    measured = eta * hessian_spectral_radius(model, data, theta)
    if not h * measured <= RK4_REAL_LIMIT:  # also refuses an overflowing (inf) stiffness
        _refuse(h, RK4_REAL_LIMIT, "RK4", measured, "eta * max|eig Hess L(theta0)|", prior)


def check_asymptotic_flow_step(m0: np.ndarray, rhos: np.ndarray, targets: np.ndarray, c: float, h: float, method: str) -> None:
    """The step rule of :func:`~qnnsym.numeric.asymptotic_flow`: ``h * L <= 2.6155`` (rk4) or ``<= 2``
    (isospectral), first with the a-priori ``L`` of :func:`asymptotic_flow_stiffness`, then, if that
    fails, with the measured ``L = max |eig DF(M0)|`` (:func:`flow_jacobian_spectral_radius`)."""
    limit, scheme = (RK4_HALF_DISC, "RK4") if method == "rk4" else (MIDPOINT_REAL_LIMIT, "exponential-midpoint")
    prior = asymptotic_flow_stiffness(m0, targets, c)
    if h * prior.bound <= limit:
        return
    measured = flow_jacobian_spectral_radius(m0, rhos, targets, c)
    if not h * measured <= limit:  # also refuses an overflowing (inf) stiffness
        _refuse(h, limit, scheme, measured, "max|eig DF(M(0))|", prior)

