"""Training: gradient descent and gradient flow on ``L = 1/2 sum_i (yhat_i - y_i)^2`` (C3).

- :func:`gradient_descent`: ``theta_{k+1} = theta_k - lr grad L(theta_k)``, recorded at the
  flow time ``t_k = k lr / eta`` (``eta`` defaults to ``lr``, so ``t_k = k``).
- :func:`gradient_flow`: ``theta' = -eta grad L`` integrated by classical RK4 with a fixed
  step ``dt`` (local error ``O(dt^5)``, global ``O(dt^4)``).

Both return a :class:`~qnnsym.numeric.trajectory.Trajectory` with the loss, the residuals,
the parameter drift and the tangent kernel ``K = J J^T`` at the requested checkpoints.

>>> import numpy as np
>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.numeric.train import gradient_descent
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> data = Dataset.basis_state(2, target=-1.0)
>>> traj = gradient_descent(qnn, data, [0.5], lr=0.5, steps=200)
>>> bool(traj.loss[-1] < traj.loss[0])
True
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from .. import validate
from ..errors import InvalidInput
from ..model import QNN, Dataset
from .jacobian import loss_and_gradient_unchecked as loss_and_gradient
from .program import compile_model, prepare_inputs
from .simulate import check_theta
from .stability import kernel_steps, MAX_STEPS, check_gradient_flow_step, n_steps as _n_steps
from .trajectory import Trajectory

__all__ = ["gradient_descent", "gradient_flow"]


def _norm(v: np.ndarray) -> float:
    """``||v||_2`` without intermediate overflow (scaled by ``max|v|``)."""
    a = float(np.max(np.abs(v))) if v.size else 0.0
    return 0.0 if a == 0.0 else a * float(np.linalg.norm(v / a))


class _Recorder:
    def __init__(self, theta0: np.ndarray, kernel_steps: set[int], what: str):
        self.what = what
        self.theta0 = theta0.copy()
        self.kernel_steps = kernel_steps
        self.times: list[float] = []
        self.res: list[np.ndarray] = []
        self.drift_max: list[float] = []
        self.drift_norm: list[float] = []
        self.grad_norm: list[float] = []
        self.k_times: list[float] = []
        self.kernels: list[np.ndarray] = []

    def record(self, t: float, theta: np.ndarray, r: np.ndarray, g: np.ndarray) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            delta = theta - self.theta0
            values = (float(np.max(np.abs(delta))), _norm(delta), _norm(g))
        if not all(np.isfinite(values)):
            raise InvalidInput(self.what, "a step small enough for a finite parameter drift and gradient",
                               f"an overflow of ||theta - theta0|| or ||grad L|| at t = {t!r}")
        self.times.append(t)
        self.res.append(r.copy())
        self.drift_max.append(values[0])
        self.drift_norm.append(values[1])
        self.grad_norm.append(values[2])

    def kernel(self, step: int, t: float, J: np.ndarray) -> None:
        if step in self.kernel_steps:
            k = J @ J.T
            self.k_times.append(t)
            self.kernels.append(0.5 * (k + k.T))

    def trajectory(self, final: np.ndarray, m: int, meta: dict) -> Trajectory:
        return Trajectory(
            times=np.array(self.times),
            residuals=np.array(self.res).reshape(len(self.times), m),
            series={
                "theta_drift_max": np.array(self.drift_max),
                "theta_drift_norm": np.array(self.drift_norm),
                "grad_norm": np.array(self.grad_norm),
            },
            kernel_times=np.array(self.k_times),
            kernels=np.array(self.kernels).reshape(len(self.kernels), m, m),
            final=final,
            meta=meta,
        )


def _steps_set(name: str, values: Iterable[int], n_steps: int) -> set[int]:
    out = set()
    for v in values:
        v = validate.nonnegative_int(name, v)
        if v > n_steps:
            raise InvalidInput(name, f"step indices in 0..{n_steps}", str(v))
        out.add(v)
    return out


def _check_model_data(model, data) -> None:
    """Type and dimension checks of ``model`` and ``data`` (before anything reads them)."""
    prepare_inputs(data, compile_model(model).dim)


def _check_finite_theta(theta: np.ndarray, step: int, what: str) -> None:
    if not np.all(np.isfinite(theta)):
        raise InvalidInput(what, "a step small enough for finite parameters", f"non-finite parameters at step {step}")


def _check_divergence(loss: float, step: int, what: str) -> None:
    if math.isfinite(loss):
        return
    if step == 0:
        raise InvalidInput("model", "a model and data whose loss is finite in float64 at theta0", f"loss = {loss!r}")
    raise InvalidInput(what, "a step small enough for a finite loss", f"a non-finite loss at step {step}")


def gradient_descent(
    model: QNN,
    data: Dataset,
    theta0,
    *,
    lr: float,
    steps: int,
    eta: float | None = None,
    record_every: int = 1,
    kernel_steps: Iterable[int] = (),
) -> Trajectory:
    """Gradient descent ``theta_{k+1} = theta_k - lr grad L(theta_k)`` for ``steps`` steps.

    Parameters
    ----------
    lr : float
        The step ``eta_step``.
    eta : float, optional
        The flow rate the run approximates; records carry ``t_k = k lr / eta``.
    record_every : int
        Record every this many steps (step 0 and the last step are always recorded).
    kernel_steps : iterable of int
        Steps at which to store the tangent kernel ``K(theta_k)``.
    """
    _check_model_data(model, data)
    theta = check_theta(model, theta0).copy()
    lr = validate.positive_real("lr", lr)
    steps = validate.positive_int("steps", steps, maximum=MAX_STEPS)
    eta = lr if eta is None else validate.positive_real("eta", eta)
    record_every = validate.positive_int("record_every", record_every)
    if data.dim != model.dim:
        raise InvalidInput("data", f"states of dimension {model.dim} (the model's)", f"dimension {data.dim}")
    rec = _Recorder(theta, _steps_set("kernel_steps", kernel_steps, steps), "lr")
    for k in range(steps + 1):
        loss, g, r, J = loss_and_gradient(model, data, theta)
        _check_divergence(loss, k, "lr")
        t = k * (lr / eta)  # not (k lr) / eta, which overflows for a huge lr
        if k % record_every == 0 or k == steps:
            rec.record(t, theta, r, g)
        rec.kernel(k, t, J)
        if k < steps:
            with np.errstate(over="ignore", invalid="ignore"):
                theta -= lr * g
            _check_finite_theta(theta, k + 1, "lr")
    meta = {"method": "gradient_descent", "lr": lr, "eta": eta, "steps": steps, "model": model.summary(), "m": data.m}
    return rec.trajectory(theta, data.m, meta)


def gradient_flow(
    model: QNN,
    data: Dataset,
    theta0,
    *,
    eta: float,
    t_final: float,
    dt: float,
    record_every: int = 1,
    kernel_times: Iterable[float] = (),
) -> Trajectory:
    """Gradient flow ``theta' = -eta grad L(theta)`` on ``[0, t_final]`` by RK4.

    The step is ``t_final / ceil(t_final / dt)`` (at most ``dt``), stated in ``meta["dt"]``.
    Kernels are stored at the grid points nearest to ``kernel_times``.
    """
    _check_model_data(model, data)
    theta = check_theta(model, theta0).copy()
    eta = validate.positive_real("eta", eta)
    t_final = validate.positive_real("t_final", t_final)
    dt = validate.positive_real("dt", dt)
    record_every = validate.positive_int("record_every", record_every)
    if data.dim != model.dim:
        raise InvalidInput("data", f"states of dimension {model.dim} (the model's)", f"dimension {data.dim}")
    n = _n_steps(t_final, dt)
    h = t_final / n  # the step used: at most dt
    check_gradient_flow_step(model, data, theta, eta, h)
    ksteps = kernel_steps(kernel_times, t_final, h)
    rec = _Recorder(theta, ksteps, "dt")

    def grad(th: np.ndarray) -> np.ndarray:
        _check_finite_theta(th, k + 1, "dt")
        g = loss_and_gradient(model, data, th)[1]
        _check_finite_theta(g, k + 1, "dt")
        return g

    for k in range(n + 1):
        loss, g, r, J = loss_and_gradient(model, data, theta)
        _check_divergence(loss, k, "dt")
        t = k * h
        if k % record_every == 0 or k == n:
            rec.record(t, theta, r, g)
        rec.kernel(k, t, J)
        if k == n:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            k1 = -eta * g
            k2 = -eta * grad(theta + 0.5 * h * k1)
            k3 = -eta * grad(theta + 0.5 * h * k2)
            k4 = -eta * grad(theta + h * k3)
            theta = theta + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        _check_finite_theta(theta, k + 1, "dt")
    meta = {"method": "gradient_flow_rk4", "eta": eta, "dt": h, "t_final": t_final, "steps": n, "model": model.summary(), "m": data.m}
    return rec.trajectory(theta, data.m, meta)
