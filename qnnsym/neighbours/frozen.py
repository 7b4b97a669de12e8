r"""The frozen-kernel ("lazy training") prediction and its dQNTK correction (N1, SPEC section 5).

Earlier QNTK work (Shirai et al. 2021; Liu et al., PRX Quantum 2022 and PRL 2023) predicts the
residual of a wide QNN by kernel regression with a *fixed* kernel,

.. math:: r(t) = e^{-\eta \bar K t}\, r(0),

with :math:`\bar K = E\,K(0)` the Haar-averaged tangent kernel (S8).  Liu et al. (PRL 2023) correct
it at second order with the kernel's derivative :math:`\partial_l K` (the "dQNTK").  This module
computes both for a given model:

- :func:`mean_kernel`: :math:`\bar K` of S8 for a model whose fixed unitaries stand for i.i.d.
  Haar (2-design) blocks;
- :func:`mean_kernel_prediction`: the frozen prediction with :math:`\bar K` from the model's own
  :math:`r(0)`;
- :func:`jacobian_derivative`, :func:`kernel_derivative`: :math:`\partial_l J` and
  :math:`\partial_l K` exactly (parameter shift on the Jacobian) or by central differences;
- :func:`dqntk_residual_correction`: the first-order correction :math:`r_1(t)` in closed form;
- :func:`dqntk_correction`: the frozen prediction with :math:`K(\theta_0)` plus :math:`r_1`.

The figure ``FIGURE`` (N1) puts them beside the QNN: labels inside the measurement's range, where
the frozen kernel tracks the QNN, and Pauli labels :math:`\pm 1`, where it does not.

>>> import numpy as np
>>> from qnnsym.model import dense_haar_model, random_orthonormal_dataset
>>> from qnnsym.neighbours.frozen import mean_kernel
>>> model = dense_haar_model(4, 6, seed=1, generator="pauli", final_unitary=True)
>>> data = random_orthonormal_dataset(4, 2, seed=2, labels=(0.5, -0.5))
>>> kbar = mean_kernel(model, data)          # 6 * 2 d^3/(d^2-1)^2 (delta_ij - 1/d) at d = 4
>>> np.allclose(kbar, 6 * 128 / 225 * (np.eye(2) - 0.25))
True
"""

from __future__ import annotations

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge, UnsupportedOperation
from ..model import QNN, Dataset
from ..model.gates import DenseUnitary

__all__ = [
    "mean_kernel",
    "mean_kernel_prediction",
    "jacobian_derivative",
    "kernel_derivative",
    "dqntk_residual_correction",
    "dqntk_correction",
    "FIGURE",
]

#: Largest ``2 p * (p m d^2)`` work estimate (complex multiply-adds of the ``2p`` shifted Jacobians) accepted by
#: :func:`jacobian_derivative`; about a minute on one core.
DQNTK_MAX_WORK = 2e10
#: Largest number of entries ``p^2 m`` of ``dJ`` (float64) accepted (2 GiB).
DQNTK_MAX_ENTRIES = 2**28
#: Largest ``m^3 n_times`` of the closed-form correction (one vectorised evaluation per entry).
CORRECTION_MAX_WORK = 2e8


def _check_model_data(model, data) -> tuple[QNN, Dataset]:
    if not isinstance(model, QNN):
        raise InvalidInput("model", "a qnnsym.model.QNN", validate.describe(model))
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", validate.describe(data))
    if data.dim != model.dim:
        raise InvalidInput("data", f"states of dimension {model.dim} (the model's)", f"dimension {data.dim}")
    return model, data


def _check_times(times) -> np.ndarray:
    times = validate.real_vector("times", times)
    if times.size == 0:
        raise InvalidInput("times", "at least one time", "an empty vector")
    if np.any(times < 0):
        raise InvalidInput("times", "non-negative times", f"a minimum of {times.min()!r}")
    return times


# ----------------------------------------------------------------------------------- the mean kernel
def mean_kernel(model: QNN, data: Dataset) -> np.ndarray:
    r"""The Haar-averaged tangent kernel :math:`\bar K = E_W\,K(\theta)` of S8.

    The model's fixed unitaries stand for i.i.d. Haar (or unitary 2-design) blocks :math:`W_l`
    (their values are not used); generators :math:`H_l`, the measurement :math:`M_0` and the
    presence of a final block :math:`W_{p+1}` (``f = 1``) are read from ``model``.  S8 gives

    .. math::

        \bar K_{ij} = \Big(\mathrm{tr}\,\rho_i\rho_j - \frac1d\Big)
        \Big[\,2d\,\beta(M_0)\sum_{l\in\mathrm{bulk}}\beta(H_l)
        + (1-f)\,\frac{\|[H_p, M_0]\|_F^2}{d^2-1}\Big],

    with :math:`\beta(A) = (\mathrm{tr}A^2 - (\mathrm{tr}A)^2/d)/(d^2-1)` (C5), bulk = all ``p``
    layers if ``f = 1`` and the first ``p - 1`` otherwise.  For Pauli generators and a Pauli
    measurement each bulk layer gives :math:`2d^3/(d^2-1)^2`; for orthonormal pure inputs
    :math:`\bar K = a(I - \mathbf 1\mathbf 1^T/d)` with eigenvalues :math:`a` and
    :math:`\lambda_{\min} = a(1 - m/d)` (N1).  The value does not depend on ``theta``.

    Parameters
    ----------
    model : QNN
        Every layer must have a dense fixed unitary (the block the average replaces).
    data : Dataset
        Inputs of the model's dimension (pure states or density matrices).

    Returns
    -------
    (m, m) ndarray
        Real symmetric positive semidefinite.

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import dense_haar_model, random_orthonormal_dataset
    >>> model = dense_haar_model(2, 3, seed=0, final_unitary=True)      # H = M0 = Z, d = 2
    >>> data = random_orthonormal_dataset(2, 2, seed=0)
    >>> np.allclose(mean_kernel(model, data), 3 * 16 / 9 * (np.eye(2) - 0.5))
    True
    """
    from ..conventions import haar_beta

    model, data = _check_model_data(model, data)
    for l, layer in enumerate(model.layers):
        if not isinstance(layer.fixed, DenseUnitary):
            raise InvalidInput("model", "a model with a dense fixed unitary W_l in every layer (the Haar block the "
                               "average replaces)", f"layer {l} with fixed part {type(layer.fixed).__name__}")
    d = model.dim
    M0 = model.measurement_matrix()
    bM = haar_beta(float(np.trace(M0).real), float(np.trace(M0 @ M0).real), d)
    final = model.final is not None
    if model.final is not None and not isinstance(model.final, DenseUnitary):
        raise InvalidInput("model", "a final block that is a dense (Haar) unitary or None",
                           type(model.final).__name__)
    bulk = model.layers if final else model.layers[:-1]
    kb = float(sum(haar_beta(l.generator.trace(), l.generator.trace_sq(), d) for l in bulk))
    edge = 0.0
    if not final:
        H = model.layers[-1].generator.matrix()
        C = H @ M0 - M0 @ H
        edge = float(np.sum(np.abs(C) ** 2)) / (d * d - 1)
    rhos = data.density_matrices()
    s = np.einsum("iab,jba->ij", rhos, rhos).real
    k = (s - 1.0 / d) * (2 * d * bM * kb + edge)
    k = 0.5 * (k + k.T)
    if not np.all(np.isfinite(k)):
        raise InvalidInput("model", "generators and a measurement whose mean kernel is finite in float64",
                           "a non-finite entry")
    return k


def mean_kernel_prediction(model: QNN, data: Dataset, theta0, *, eta: float, times):
    r"""The frozen-kernel prediction with the mean kernel: :math:`r(t) = e^{-\eta\bar K t} r(0)`.

    :math:`r(0) = \hat y(\theta_0) - y` is the model's own initial residual and :math:`\bar K`
    is :func:`mean_kernel`.  Solved exactly in the eigenbasis of :math:`\bar K`
    (:func:`qnnsym.numeric.frozen_kernel_prediction`, S3), so the loss is a sum of exponentials;
    its slowest rate is :math:`2\eta\lambda_{\min}(\bar K)` (for orthonormal pure inputs and
    Pauli blocks, :math:`\eta\lambda_{\min} = 2c\,d(d-m)/(d^2-1)` with :math:`c = \eta p d/(d^2-1)`).

    Returns
    -------
    Trajectory
        ``meta`` holds ``eta``, ``kernel_eigenvalues`` and ``rate`` :math:`= \eta\lambda_{\min}`.

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import dense_haar_model, random_orthonormal_dataset
    >>> model = dense_haar_model(4, 8, seed=3, generator="pauli", final_unitary=True)
    >>> data = random_orthonormal_dataset(4, 2, seed=4, labels=(0.5, -0.5))
    >>> traj = mean_kernel_prediction(model, data, np.zeros(8), eta=0.1, times=[0.0, 1.0, 2.0])
    >>> bool(traj.loss[2] < traj.loss[1] < traj.loss[0])
    True
    """
    from ..numeric import frozen_kernel_prediction, predict

    model, data = _check_model_data(model, data)
    theta0 = validate.real_vector("theta0", theta0, length=model.n_params)
    eta = validate.positive_real("eta", eta)
    times = _check_times(times)
    kbar = mean_kernel(model, data)
    r0 = predict(model, data, theta0) - data.targets
    traj = frozen_kernel_prediction(kbar, r0, eta=eta, times=times)
    traj.meta.update({"method": "mean_kernel", "rate": eta * float(np.linalg.eigvalsh(kbar)[0])})
    return traj


# ----------------------------------------------------------------------------------- dJ and dK
def _shift_gaps(model: QNN) -> np.ndarray:
    from ..numeric.program import compile_model

    gaps = compile_model(model).half_gap
    bad = np.flatnonzero(~(gaps > 0))
    if bad.size:
        l = int(bad[0])
        raise UnsupportedOperation(
            f"method: the parameter-shift rule on the Jacobian needs generators with exactly two distinct "
            f"eigenvalues; layer {l} has {'one' if gaps[l] == 0 else 'more than two'} (use method='finite_difference')")
    return gaps


def jacobian_derivative(model: QNN, data: Dataset, theta, *, method: str = "shift", step: float = 1e-4) -> np.ndarray:
    r"""Second derivatives of the predictions, ``dJ[l, i, k]`` :math:`= \partial_l J_{ik} = \partial^2\hat y_i/\partial\theta_l\partial\theta_k`.

    ``method="shift"`` (exact): for a generator with two eigenvalues :math:`e_1 < e_2`,
    every :math:`J_{ik}` is, as a function of :math:`\theta_l`, :math:`A + B\cos 2g\theta_l + C\sin 2g\theta_l`
    with :math:`g = (e_2 - e_1)/2`, so (S1)

    .. math:: \partial_l J = g\,[J(\theta + \tfrac{\pi}{4g} e_l) - J(\theta - \tfrac{\pi}{4g} e_l)],

    two adjoint Jacobians per parameter.  ``method="finite_difference"``: the central difference
    :math:`[J(\theta + h e_l) - J(\theta - h e_l)]/(2h)` with ``h = step`` (error :math:`O(h^2)`),
    for any generator.  Cost: ``2p`` Jacobians; refused with :class:`~qnnsym.errors.TooLarge`
    above :data:`DQNTK_MAX_WORK` or :data:`DQNTK_MAX_ENTRIES`.

    Returns
    -------
    (p, m, p) ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import circuit, Dataset
    >>> qnn = circuit(1, [("RY", 0)], measurement="Z")        # yhat = cos(theta)
    >>> bool(np.isclose(jacobian_derivative(qnn, Dataset.basis_state(2), [0.3])[0, 0, 0], -np.cos(0.3)))
    True
    """
    from ..numeric import jacobian

    model, data = _check_model_data(model, data)
    theta = validate.real_vector("theta", theta, length=model.n_params)
    method = validate.member("method", method, ("shift", "finite_difference"))
    step = validate.positive_real("step", step)
    p, m, d = model.n_params, data.m, model.dim
    work, entries = 2.0 * p * p * m * d * d, p * p * m
    if work > DQNTK_MAX_WORK or entries > DQNTK_MAX_ENTRIES:
        raise TooLarge("model", f"2 p^2 m d^2 <= {DQNTK_MAX_WORK:.3g} and p^2 m <= {DQNTK_MAX_ENTRIES} for the exact dQNTK",
                       f"p = {p}, m = {m}, d = {d} (2 p^2 m d^2 = {work:.3g}, p^2 m = {entries}); use the frozen "
                       "kernel (mean_kernel_prediction) or train the QNN (qnnsym.numeric.gradient_flow) instead")
    if method == "shift":
        gaps = _shift_gaps(model)
        shifts, scale = np.pi / (4 * gaps), gaps
    else:
        shifts, scale = np.full(p, step), np.full(p, 1 / (2 * step))
    out = np.empty((p, m, p))
    for l in range(p):
        tp, tm = theta.copy(), theta.copy()
        tp[l] += shifts[l]
        tm[l] -= shifts[l]
        out[l] = scale[l] * (jacobian(model, data, tp) - jacobian(model, data, tm))
    return out


def kernel_derivative(model: QNN, data: Dataset, theta, *, method: str = "shift", step: float = 1e-4) -> np.ndarray:
    r"""The dQNTK: ``dK[l]`` :math:`= \partial_l K = (\partial_l J) J^T + J (\partial_l J)^T` at ``theta``.

    :math:`\partial_l J` from :func:`jacobian_derivative` (same ``method`` and ``step``).

    Returns
    -------
    (p, m, m) ndarray
        Each slice real symmetric.

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import circuit, Dataset
    >>> qnn = circuit(1, [("RY", 0)], measurement="Z")        # K = sin^2 theta, K' = sin 2 theta
    >>> bool(np.isclose(kernel_derivative(qnn, Dataset.basis_state(2), [0.3])[0, 0, 0], np.sin(0.6)))
    True
    """
    from ..numeric import jacobian

    dj = jacobian_derivative(model, data, theta, method=method, step=step)
    J = jacobian(model, data, theta)
    dk = np.einsum("lik,jk->lij", dj, J)
    return dk + dk.transpose(0, 2, 1)


# ----------------------------------------------------------------------------------- the correction
def _e1(x: np.ndarray) -> np.ndarray:
    """``(1 - e^{-x})/x`` for ``x >= 0`` (1 at 0), without cancellation."""
    out = np.ones_like(x)
    big = x > 1e-8
    out[big] = -np.expm1(-x[big]) / x[big]
    out[~big] = 1.0 - x[~big] / 2
    return out


def _divided_difference_2(y0: np.ndarray, y1: np.ndarray, y2: np.ndarray, t: float) -> np.ndarray:
    r"""``g[y0, y1, y2]`` for ``g(z) = e^{-zt}`` (non-negative nodes, broadcast):
    :math:`\int_{\tau_0+\tau_1+\tau_2=t} e^{-y_0\tau_0-y_1\tau_1-y_2\tau_2}\,d\tau` (Hermite-Genocchi).

    Nodes sorted ``a <= b <= c``; ``t^2 e^{-a t} h[0, u, v]`` with ``u = (b-a)t``, ``v = (c-a)t``, ``w = (c-b)t`` and
    ``h[0, u, v] = (E1(u) - e^{-u} E1(w))/v > 0``; its Taylor series below ``v = 1e-3``; the product is formed in
    logarithms so that ``t^2`` cannot overflow.
    """
    ys = np.sort(np.stack(np.broadcast_arrays(y0, y1, y2)), axis=0)
    a, b, c = ys
    if t == 0.0:
        return np.zeros_like(a)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        u, v, w = (b - a) * t, (c - a) * t, (c - b) * t
        small = v < 1e-3
        vb = np.where(small, 1.0, v)
        h_big = (_e1(u) - np.exp(-u) * _e1(w)) / vb
        h_small = 0.5 - (u + v) / 6 + (u * u + u * v + v * v) / 24 - (u**3 + u * u * v + u * v * v + v**3) / 120
        h = np.where(small, h_small, h_big)
        out = np.exp(-a * t + 2 * np.log(t) + np.log(h))
    return np.where(h > 0, out, 0.0)


def dqntk_residual_correction(jac, djac, r0, *, eta: float, times) -> np.ndarray:
    r"""The first-order (dQNTK) correction :math:`r_1(t)` to the frozen-kernel residual, in closed form.

    With :math:`K_0 = J J^T = V\Lambda V^T`, :math:`x_a = \eta\lambda_a`, :math:`c = V^T r(0)` and
    :math:`r_0(t) = e^{-\eta K_0 t} r(0)`: the parameters move by
    :math:`\delta\theta(t) = -\eta J^T\!\int_0^t r_0`, the kernel by
    :math:`\Delta K(t) = \sum_l \partial_l K\,\delta\theta_l(t)`, and
    :math:`r_1' = -\eta K_0 r_1 - \eta\,\Delta K(t)\, r_0(t)`, :math:`r_1(0) = 0`.  Hence

    .. math::

        v_a^T r_1(t) = \eta^2 \sum_{k,b} c_k c_b\, v_a^T G_k v_b\; g[x_a,\, x_b,\, x_b + x_k],
        \qquad G_k = \sum_l \partial_l K\,(J^T v_k)_l,

    where :math:`g[\cdot]` is the second divided difference of :math:`z \mapsto e^{-zt}`, i.e. the
    integral of :math:`e^{-x_a\tau_2 - x_b\tau_1 - (x_b+x_k)\tau_0}` over
    :math:`\tau_0+\tau_1+\tau_2 = t`.  :math:`r_0 + r_1` is exact to first order in
    :math:`\delta\theta` (Liu et al., PRL 2023, call :math:`\partial K` the dQNTK).

    Parameters
    ----------
    jac : (m, p) array
        :math:`J(\theta_0)`.
    djac : (p, m, p) array
        :math:`\partial_l J(\theta_0)` (:func:`jacobian_derivative`).
    r0 : (m,) array
        :math:`r(0)`.
    eta : float
        The flow rate.
    times : (n,) array
        Non-negative times.

    Returns
    -------
    (n, m) ndarray
        :math:`r_1` at ``times``.

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[1.0]]); dJ = np.array([[[0.5]]])         # one parameter: K = 1, dK = 1
    >>> r1 = dqntk_residual_correction(J, dJ, [1.0], eta=1.0, times=[0.0, 1.0])
    >>> bool(np.isclose(r1[1, 0], np.exp(-2)))   # int_0^1 e^{-(1-s)} (1 - e^{-s}) e^{-s} ds = e^{-2}
    True
    """
    jac = validate.real_array("jac", jac, (None, None))
    m, p = jac.shape
    if m == 0 or p == 0:
        raise InvalidInput("jac", "a Jacobian with at least one sample and one parameter", f"shape {jac.shape}")
    djac = validate.real_array("djac", djac, (p, m, p))
    r0 = validate.real_vector("r0", r0, length=m)
    eta = validate.positive_real("eta", eta)
    times = _check_times(times)
    if m**3 * times.size > CORRECTION_MAX_WORK:
        raise TooLarge("times", f"m^3 n_times <= {CORRECTION_MAX_WORK:.3g}",
                       f"m = {m}, {times.size} times; evaluate fewer times or integrate the QNN instead")
    def overflow(what: str) -> InvalidInput:
        return InvalidInput("jac", "a Jacobian, its derivative, residuals and eta whose products are finite in float64",
                            f"a non-finite {what} (max|J| = {float(np.max(np.abs(jac))):.3g}, "
                            f"max|dJ| = {float(np.max(np.abs(djac))):.3g}, max|r0| = {float(np.max(np.abs(r0))):.3g})")

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        K0 = jac @ jac.T
        if not np.all(np.isfinite(K0)):
            raise overflow("kernel J J^T")
        lam, V = np.linalg.eigh(0.5 * (K0 + K0.T))
        lam = np.clip(lam, 0.0, None)
        x = eta * lam
        c = V.T @ r0
        B = jac.T @ V  # (p, m): b_k = J^T v_k
        # v_a^T dK_l v_b with dK_l = D_l J^T + J D_l^T:  (V^T D_l B)_{ab} + (B^T D_l^T V)_{ab}
        DV = np.einsum("lik,ia,kb->lab", djac, V, B)
        dKv = DV + DV.transpose(0, 2, 1)
        T = np.einsum("lk,lab->akb", B, dKv)  # T[a, k, b] = v_a^T G_k v_b
        coef = eta * eta * T * c[None, :, None] * c[None, None, :]
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(coef))):
            raise overflow("coefficient eta^2 v_a^T G_k v_b c_k c_b")
        xa, xk, xb = x[:, None, None], x[None, :, None], x[None, None, :]
        out = np.empty((times.size, m))
        for n, t in enumerate(times):
            g = _divided_difference_2(xa, xb, xb + xk, float(t))
            out[n] = V @ np.einsum("akb,akb->a", coef, g)
    if not np.all(np.isfinite(out)):
        raise overflow("correction")
    return out


def dqntk_correction(model: QNN, data: Dataset, theta0, *, eta: float, times, method: str = "shift"):
    r"""The frozen prediction with :math:`K(\theta_0)` corrected by the dQNTK: :math:`r_0(t) + r_1(t)`.

    :math:`r_0(t) = e^{-\eta K(\theta_0) t} r(0)` (S3) and :math:`r_1` from
    :func:`dqntk_residual_correction` with :math:`J(\theta_0)` and :math:`\partial_l J(\theta_0)`
    (:func:`jacobian_derivative` with ``method``).  The error against the QNN is
    :math:`O(\|\delta\theta\|^2)`; it is meant for small circuits (``2p`` Jacobians,
    :class:`~qnnsym.errors.TooLarge` beyond :data:`DQNTK_MAX_WORK`).

    Returns
    -------
    Trajectory
        Residuals :math:`r_0 + r_1`; ``series["frozen_residual_norm"]`` and
        ``series["correction_norm"]`` hold :math:`\|r_0\|` and :math:`\|r_1\|`.

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import circuit, Dataset
    >>> qnn = circuit(1, [("RY", 0)], measurement="Z")
    >>> data = Dataset.basis_state(2, target=0.0)
    >>> traj = dqntk_correction(qnn, data, [1.0], eta=0.5, times=[0.0, 0.5])
    >>> bool(abs(traj.residuals[0, 0] - np.cos(1.0)) < 1e-12)
    True
    """
    from ..numeric import frozen_kernel_prediction, predict_and_jacobian

    model, data = _check_model_data(model, data)
    theta0 = validate.real_vector("theta0", theta0, length=model.n_params)
    eta = validate.positive_real("eta", eta)
    times = _check_times(times)
    dj = jacobian_derivative(model, data, theta0, method=method)
    yhat, J = predict_and_jacobian(model, data, theta0)
    r0 = yhat - data.targets
    K0 = J @ J.T
    frozen = frozen_kernel_prediction(0.5 * (K0 + K0.T), r0, eta=eta, times=times)
    r1 = dqntk_residual_correction(J, dj, r0, eta=eta, times=times)
    from ..numeric.trajectory import Trajectory

    return Trajectory(times, frozen.residuals + r1,
                      series={"frozen_residual_norm": np.linalg.norm(frozen.residuals, axis=1),
                              "correction_norm": np.linalg.norm(r1, axis=1)},
                      meta={"method": "frozen_kernel_dqntk", "eta": eta, "derivative": method,
                            "kernel_eigenvalues": frozen.meta["kernel_eigenvalues"]})


# ----------------------------------------------------------------------------------- the figure (N1)
def _figure_data(*, d: int = 8, p: int = 32, p_boundary: int = 64, m: int = 4, c: float = 1.0, label: float = 0.5,
                 t_interior: float = 8.0, t_boundary: float = 200.0, dt: float = 0.05, seed: int = 0, progress=None):
    r"""Data of figure N1: the QNN beside the frozen-kernel predictions (quick sizes by default).

    Interior panel (quantity ``"interior_loss"``): Pauli-block model (``d``, ``p``, final block), ``m``
    orthonormal inputs labelled ``+-label``, gradient flow (RK4, step ``dt``) at ``eta = c/kappa``; the losses of
    the QNN, of the frozen mean kernel :math:`\bar K`, of the frozen :math:`K(\theta_0)` and of
    :math:`K(\theta_0)` + dQNTK.  Boundary panel (``"boundary_loss"``, ``"ratio"``): labels ``+-1``,
    ``p_boundary`` layers on ``[0, t_boundary]`` (step ``2 dt``): QNN and frozen-:math:`\bar K` losses, the guide
    :math:`L(1)\,t^{-2}` and :math:`L_{frozen}/L_{QNN}`.  Seeds: data ``seed``, model ``seed + 1000 + p``, angles
    ``seed + 2000 + p``.
    """
    import time

    from ..figures_data import Curve, ExperimentResult
    from ..model import dense_haar_model, random_orthonormal_dataset
    from ..numeric import frozen_kernel_prediction, gradient_flow, tangent_kernel
    from ..numeric.rates import classify_tail

    d = validate.positive_int("d", d)
    if d < 2 or d & (d - 1):
        raise InvalidInput("d", "a power of two >= 2 (a qubit register, for Pauli rotations)", str(d))
    p = validate.positive_int("p", p)
    p_boundary = validate.positive_int("p_boundary", p_boundary)
    m = validate.positive_int("m", m, maximum=d - 1)
    c = validate.positive_real("c", c)
    label = validate.finite_real("label", label)
    if not 0 <= abs(label) < 1:
        raise InvalidInput("label", "a label strictly inside the Pauli range (-1, 1)", repr(label))
    t_interior = validate.positive_real("t_interior", t_interior)
    t_boundary = validate.positive_real("t_boundary", t_boundary)
    dt = validate.positive_real("dt", dt)
    seed = validate.nonnegative_int("seed", seed)
    t0 = time.perf_counter()

    def setup(pp, lab):
        data = random_orthonormal_dataset(d, m, seed=seed, labels=(lab, -lab))
        model = dense_haar_model(d, pp, seed=seed + 1000 + pp, generator="pauli", final_unitary=True)
        theta0 = np.random.default_rng(seed + 2000 + pp).uniform(0.0, 2 * np.pi, pp)
        return data, model, theta0, c / model.kappa()

    if progress is not None:
        progress(f"N1: interior d={d} p={p} m={m} labels ±{label}")
    data, model, th, eta = setup(p, label)
    tr = gradient_flow(model, data, th, eta=eta, t_final=t_interior, dt=dt, record_every=2)
    t = tr.times
    fz = mean_kernel_prediction(model, data, th, eta=eta, times=t)
    f0 = frozen_kernel_prediction(tangent_kernel(model, data, th), tr.residuals[0], eta=eta, times=t)
    dq = dqntk_correction(model, data, th, eta=eta, times=t)
    n0 = float(np.linalg.norm(tr.residuals[0]))

    def sup_err(traj):
        return float(np.max(np.linalg.norm(tr.residuals - traj.residuals, axis=1)) / n0)

    res = ExperimentResult("N1", {"d": d, "p": p, "p_boundary": p_boundary, "m": m, "c": c, "label": label,
                                  "t_interior": t_interior, "t_boundary": t_boundary, "dt": dt, "seed": seed,
                                  "eta": eta, "model_seeds": [seed + 1000 + p, seed + 1000 + p_boundary],
                                  "theta_seeds": [seed + 2000 + p, seed + 2000 + p_boundary],
                                  "method": "gradient_flow (RK4)", "blocks": "Haar, Pauli rotations, final block"})
    res.curves += [Curve("interior_loss", "QNN", t, tr.loss),
                   Curve("interior_loss", "frozen mean kernel K̄ (S8)", t, fz.loss),
                   Curve("interior_loss", "frozen K(θ₀)", t, f0.loss),
                   Curve("interior_loss", "K(θ₀) + dQNTK", t, dq.loss)]
    summary = {"interior": {"sup_error_mean_kernel": sup_err(fz), "sup_error_k0": sup_err(f0),
                            "sup_error_dqntk": sup_err(dq), "frozen_rate": fz.meta["rate"]}}

    if progress is not None:
        progress(f"N1: boundary d={d} p={p_boundary} m={m} labels ±1")
    data, model, th, eta_b = setup(p_boundary, 1.0)
    tb = gradient_flow(model, data, th, eta=eta_b, t_final=t_boundary, dt=2 * dt, record_every=5)
    fb = mean_kernel_prediction(model, data, th, eta=eta_b, times=tb.times)
    pos = tb.times > 0
    tt, L, Lf = tb.times[pos], tb.loss[pos], fb.loss[pos]
    keep = Lf > 1e-300
    guide = L[np.argmin(np.abs(tt - 1.0))] * tt**-2.0
    res.curves += [Curve("boundary_loss", "QNN", tt, L),
                   Curve("boundary_loss", "frozen mean kernel K̄", tt[keep], Lf[keep]),
                   Curve("boundary_loss", "t⁻² guide", tt, guide),
                   Curve("ratio", "L_frozen / L_QNN", tt[keep], Lf[keep] / L[keep])]
    fit = classify_tail(tt, L)
    marks = {float(s): float(Lf[np.argmin(np.abs(tt - s))] / L[np.argmin(np.abs(tt - s))]) for s in (5.0, 10.0, 20.0, 40.0)
             if s <= t_boundary}
    summary["boundary"] = {"kind": fit.kind, "exponent": fit.exponent, "exponent_stderr": fit.exponent_stderr,
                           "ratio_at": marks, "frozen_rate": fb.meta["rate"], "eta": eta_b}
    res.summary = summary
    res.seconds = time.perf_counter() - t0
    return res


def _figure_plot(res, plt):
    """Two panels: interior losses against t; boundary losses on log-log with the t⁻² guide and the ratio."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10.5, 4.4))
    for cur, ls in zip(res.select("interior_loss"), ("-", "--", ":", "-.")):
        ok = cur.y > 0
        a.semilogy(cur.x[ok], cur.y[ok], ls, label=cur.label)
    s = res.summary["interior"]
    a.set_xlabel("t (flow time)")
    a.set_ylabel("loss L = ½‖ŷ − y‖²")
    a.set_title(f"labels ±{res.params['label']:g} (inside): sup‖Δr‖/‖r(0)‖ = {s['sup_error_mean_kernel']:.3f} (K̄)", fontsize=9)
    a.legend(fontsize=7)
    for cur, ls in zip(res.select("boundary_loss"), ("-", "--", ":")):
        ok = cur.y > 0
        b.loglog(cur.x[ok], cur.y[ok], ls, label=cur.label)
    r = res.select("ratio")[0]
    ok = r.y > 0
    b.loglog(r.x[ok], r.y[ok], "-.", label=r.label)
    bs = res.summary["boundary"]
    b.set_ylim(1e-40, 10)
    b.set_xlabel("t (flow time)")
    b.set_ylabel("loss, and the ratio L_frozen/L_QNN")
    b.set_title(f"labels ±1 (boundary): QNN tail L ~ t^-{bs['exponent']:.2f} ({bs['kind']})", fontsize=9)
    b.legend(fontsize=7)
    fig.tight_layout()
    keys = ("d", "p", "p_boundary", "m", "c", "eta", "dt", "seed")
    caption = "N1: " + ", ".join(f"{k}={res.params[k]:.4g}" if isinstance(res.params[k], float) else f"{k}={res.params[k]}"
                                 for k in keys)
    return fig, caption


def _figure_summary(res) -> list[str]:
    """The measured numbers of figure N1, one line each."""
    s, b = res.summary["interior"], res.summary["boundary"]
    ratios = ", ".join(f"t={t:g}: {r:.2e}" for t, r in b["ratio_at"].items())
    return [f"N1 interior (labels ±{res.params['label']:g}, p={res.params['p']}): sup‖r_QNN − r‖/‖r(0)‖ = "
            f"{s['sup_error_mean_kernel']:.3f} (frozen K̄), {s['sup_error_k0']:.3f} (frozen K(θ₀)), "
            f"{s['sup_error_dqntk']:.3f} (K(θ₀) + dQNTK); frozen rate ηλ_min = {s['frozen_rate']:.4f}",
            f"N1 boundary (labels ±1, p={res.params['p_boundary']}): QNN tail {b['kind']}, exponent {b['exponent']:.3f}; "
            f"L_frozen/L_QNN {ratios}"]


def _figure():
    from ._figure import NeighbourFigure

    return NeighbourFigure(name="N1", data=_figure_data, plot=_figure_plot, summary=_figure_summary,
                           full_sizes={"p": 128, "p_boundary": 256, "t_boundary": 800.0, "dt": 0.025})


FIGURE = _figure()
