"""The convergence bounds of SPEC S4, S5 and Theorem 3.2 as numbers a check can compare with.

Notation: ``S = sum_l ||H_l||^2``, measurement range ``[lambda_min, lambda_max]``,
``Delta = lambda_max - lambda_min``, ``m`` samples, flow rate ``eta``.

- S4: ``|J_il| <= ||H_l|| ||[M, rho_i]||_1 <= 2 ||H_l|| sqrt(Var_i) <= 2 ||H_l|| sqrt((lambda_max - yhat_i)(yhat_i - lambda_min))``.
- S5: ``tr K <= 4 S sum_i (lambda_max - yhat_i)(yhat_i - lambda_min)``; at boundary labels ``K_ii <= 4 S Delta |r_i|``.
- Theorem 3.2 (gradient flow): ``L(t) >= (L(0)^{-1/2} + 4 sqrt2 eta Delta S sqrt(m) t)^{-2}``.
- Theorem 3.2, discrete (gradient descent with step ``h``; derived in ``proofs/thm_3_2_sublinear.py``):
  with ``A = 8 sqrt2 S Delta sqrt(m)``, a Hessian bound ``H = 12 m S ||M_0||^2`` and
  ``x = h (1 + h H / 2) A sqrt(L_0)``, if ``h <= 2/H`` and ``x < 1`` then
  ``L_k >= (L_0^{-1/2} + rho * 4 sqrt2 h Delta S sqrt(m) k)^{-2}`` with
  ``rho = 2 c(x) (1 + h H / 2)``, ``c(x) = ((1 - x)^{-1/2} - 1)/x`` (``rho -> 1`` as ``h -> 0``).

>>> from qnnsym.numeric.bounds import sublinear_lower_bound
>>> float(sublinear_lower_bound(1.0, 0.0, eta=1.0, S=1.0, delta=2.0, m=1))
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import validate
from ..errors import InvalidInput
from ..model import QNN, Dataset

__all__ = [
    "measurement_range",
    "sublinear_lower_bound",
    "one_sample_residual_bound",
    "GDStepCondition",
    "gd_step_condition",
    "discrete_lower_bound",
    "gradient_bounds",
    "kernel_trace_bound",
]


def _model(model) -> QNN:
    if not isinstance(model, QNN):
        raise InvalidInput("model", "a qnnsym.model.QNN", validate.describe(model))
    return model


def _model_and_data(model, data) -> tuple[QNN, Dataset]:
    _model(model)
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", validate.describe(data))
    if data.dim != model.dim:
        raise InvalidInput("data", f"states of dimension {model.dim} (the model's)", f"dimension {data.dim}")
    return model, data


def _times(name: str, t) -> np.ndarray:
    """Non-negative finite times (a scalar or an array of any shape)."""
    arr = validate.real_array(name, t)
    if np.any(arr < 0):
        raise InvalidInput(name, "non-negative times", f"a minimum of {float(np.min(arr))!r}")
    return arr


def _nonnegative(name: str, value) -> float:
    value = validate.finite_real(name, value)
    if value < 0:
        raise InvalidInput(name, "a non-negative finite real number", repr(value))
    return value


def measurement_range(model: QNN) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` of ``M_0``."""
    w = _model(model).measurement.eigenvalues()
    return float(w[0]), float(w[-1])


def _rate_times_time(factors: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """``prod(factors) * t`` for finite non-negative ``factors`` and ``t``, with no spurious overflow
    or underflow: mantissas and binary exponents are multiplied and summed apart (``frexp``) and
    joined once (``ldexp``), so only the final value can overflow (to ``inf``) or underflow, an
    exact zero stays zero (never ``inf * 0 = NaN``), and the roundings are those of the plain product.
    """
    mantissa, exponent = 1.0, 0
    for f in factors:
        m, e = math.frexp(f)
        mantissa, exponent = mantissa * m, exponent + e
    t_mantissa, t_exponent = np.frexp(np.asarray(t, dtype=float))
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(mantissa * t_mantissa, exponent + t_exponent)


def sublinear_lower_bound(L0: float, t, *, eta: float, S: float, delta: float, m: int):
    """Theorem 3.2: ``(L0^{-1/2} + 4 sqrt2 eta Delta S sqrt(m) t)^{-2}``.

    ``L0, eta > 0``; ``S, delta >= 0``; ``m >= 1`` an integer; ``t >= 0`` (scalar or array).
    """
    L0 = validate.positive_real("L0", L0)
    t = _times("t", t)
    eta = validate.positive_real("eta", eta)
    S = _nonnegative("S", S)
    delta = _nonnegative("delta", delta)
    m = validate.positive_int("m", m)
    growth = _rate_times_time((4 * math.sqrt(2), eta, delta, S, math.sqrt(m)), t)
    with np.errstate(over="ignore", under="ignore"):
        out = (L0**-0.5 + growth) ** -2
    return out  # in [0, L0]: an overflowing denominator gives 0, the correct limit


def one_sample_residual_bound(r0: float, t, *, eta: float, S: float, delta: float):
    """Theorem 3.2 for ``m = 1``: ``|r(t)| >= |r0| / (1 + 4 eta Delta S |r0| t)``."""
    r0 = validate.finite_real("r0", r0)
    t = _times("t", t)
    eta = validate.positive_real("eta", eta)
    S = _nonnegative("S", S)
    delta = _nonnegative("delta", delta)
    growth = _rate_times_time((4.0, eta, delta, S, abs(r0)), t)
    rate = _rate_times_time((4.0, eta, delta, S), t)
    with np.errstate(divide="ignore"):
        # |r0| / (1 + rate |r0|) <= |r0| exactly; where rate |r0| overflows, the bound is 1 / rate to
        # float64 (rate > DBL_MAX / |r0| makes 1 / |r0| negligible beside it), not 0
        return np.where(np.isfinite(growth), abs(r0) / (1 + growth), 1.0 / rate)[()]  # [()]: a scalar for a scalar t


@dataclass(frozen=True)
class GDStepCondition:
    """The step condition of the discrete Theorem 3.2 and the resulting inflation ``rho``."""

    step: float
    hessian_bound: float
    x: float
    rho: float
    holds: bool
    reason: str


def gd_step_condition(model: QNN, data: Dataset, step: float, L0: float) -> GDStepCondition:
    """Evaluate the discrete step condition (``h <= 2/H`` and ``x < 1``) for gradient descent."""
    _model_and_data(model, data)
    h = validate.positive_real("step", step)
    L0 = validate.positive_real("L0", L0)
    S = model.generator_norm_sq_sum()
    lo, hi = measurement_range(model)
    delta = hi - lo
    m = data.m
    norm_m0 = max(abs(lo), abs(hi))
    H = 12.0 * m * S * norm_m0**2
    A = 8 * math.sqrt(2) * S * delta * math.sqrt(m)
    with np.errstate(over="ignore"):
        x = float(np.float64(h) * (1 + np.float64(h) * H / 2) * A * math.sqrt(L0))
    if H == 0:  # M_0 = 0: the loss is constant and the bound L_k >= L_0 holds with rho = lim_{x->0} 2 c(x) = 1
        return GDStepCondition(h, H, 0.0, 1.0, True, "")
    if h > 2 / H:
        return GDStepCondition(h, H, x, float("inf"), False, f"step {h:.3g} > 2/H = {2 / H:.3g}")
    if x >= 1:
        return GDStepCondition(h, H, x, float("inf"), False, f"x = {x:.3g} >= 1")
    c = ((1 - x) ** -0.5 - 1) / x if x > 0 else 0.5
    return GDStepCondition(h, H, x, 2 * c * (1 + h * H / 2), True, "")


def discrete_lower_bound(L0: float, k, *, step: float, rho: float, S: float, delta: float, m: int):
    """``(L0^{-1/2} + rho 4 sqrt2 h Delta S sqrt(m) k)^{-2}`` (discrete Theorem 3.2)."""
    k = _times("k", k)
    rho = validate.positive_real("rho", rho)
    with np.errstate(over="ignore"):
        scaled = k * rho
    if not np.all(np.isfinite(scaled)):
        raise InvalidInput("k", f"step counts with k * rho finite in float64 (rho = {rho!r})", "an overflow")
    return sublinear_lower_bound(L0, scaled, eta=step, S=S, delta=delta, m=m)


def gradient_bounds(model: QNN, data: Dataset, theta, J: np.ndarray, yhat: np.ndarray) -> dict[str, np.ndarray]:
    """The three S4 bounds per entry of ``J`` (shape ``(m, p)``), from first principles:
    ``||H_l|| ||[M, rho_i]||_1`` (trace norm by SVD), ``2 ||H_l|| sqrt(Var_i)`` and
    ``2 ||H_l|| sqrt((lambda_max - yhat_i)(yhat_i - lambda_min))``."""
    from .simulate import effective_measurement

    _model_and_data(model, data)
    J = validate.real_array("J", J, (data.m, model.n_params))
    yhat = validate.real_vector("yhat", yhat, length=data.m)
    m_eff = effective_measurement(model, theta)
    rhos = data.density_matrices()
    norms = np.array([l.generator.norm for l in model.layers])
    trace_norms, variances = [], []
    for rho in rhos:
        comm = m_eff @ rho - rho @ m_eff
        trace_norms.append(np.linalg.svd(comm, compute_uv=False).sum())
        mean = np.trace(rho @ m_eff).real
        variances.append(max(np.trace(rho @ m_eff @ m_eff).real - mean**2, 0.0))
    lo, hi = measurement_range(model)
    spread = np.clip((hi - yhat) * (yhat - lo), 0.0, None)
    return {
        "commutator": np.outer(trace_norms, norms),
        "variance": 2 * np.outer(np.sqrt(variances), norms),
        "range": 2 * np.outer(np.sqrt(spread), norms),
    }


def kernel_trace_bound(model: QNN, yhat: np.ndarray) -> float:
    """S5: ``4 S sum_i (lambda_max - yhat_i)(yhat_i - lambda_min)``."""
    yhat = validate.real_vector("yhat", yhat)
    if yhat.size == 0:
        raise InvalidInput("yhat", "at least one prediction", "an empty vector")
    lo, hi = measurement_range(model)
    S = model.generator_norm_sq_sum()
    return float(4 * S * np.sum(np.clip((hi - yhat) * (yhat - lo), 0.0, None)))


def _check_labels_at_extremes(model: QNN, data: Dataset, atol: float = 1e-12) -> None:
    lo, hi = measurement_range(model)
    ok = np.minimum(np.abs(data.targets - lo), np.abs(data.targets - hi)) <= atol
    if not np.all(ok):
        i = int(np.flatnonzero(~ok)[0])
        raise InvalidInput("data.targets", f"labels at the extreme eigenvalues {lo:g} or {hi:g} of M_0", f"y[{i}] = {data.targets[i]!r}")
