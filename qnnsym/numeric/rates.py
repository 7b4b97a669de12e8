"""Convergence rates: the instantaneous rate ``-d ln L / dt`` and the classification of a
loss tail as linear (exponential) or sublinear (power law) convergence.

The two laws leave different marks on the instantaneous rate ``k(t) = -d ln L/dt``:

- exponential, ``L ~ A e^{-lambda t}``: ``k(t) -> lambda``, so ``ln k`` is flat in ``ln t``;
- power law, ``L ~ A t^{-alpha}``: ``k(t) = alpha / t``, so ``ln k`` has slope ``-1`` in ``ln t``.

:func:`classify_tail` regresses ``ln k`` on ``ln t`` over the tail and reports that slope with its
standard error.  The exponent comes from ``1/k(t) = (t + t_0)/alpha``, which is linear in ``t`` for
any shifted power law ``L ~ (t + t_0)^{-alpha}`` (so a finite tail is not biased by ``t_0``); the
rate from ``ln L = a - lambda t``.  All with standard errors.

>>> import numpy as np
>>> from qnnsym.numeric.rates import classify_tail
>>> t = np.linspace(1, 100, 400)
>>> fit = classify_tail(t, 3.0 / (1 + 2 * t) ** 2)
>>> fit.kind, round(fit.exponent, 2)
('sublinear', 2.0)
>>> classify_tail(t, np.exp(-0.3 * t)).kind
'linear'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..errors import InvalidInput

__all__ = ["RateFit", "instantaneous_rate", "classify_tail", "fit_exponential", "fit_power_law"]


@dataclass(frozen=True)
class RateFit:
    """The classification of a loss tail.

    Attributes
    ----------
    kind : {"linear", "sublinear", "stalled", "undetermined"}
        ``linear``: exponential convergence (the instantaneous rate tends to a constant);
        ``sublinear``: power law ``L ~ t^{-alpha}``; ``stalled``: the loss does not decrease
        over the tail; ``undetermined``: neither law is within ``z`` standard errors.
    rate, rate_stderr : float
        ``lambda`` of the exponential fit ``ln L = a - lambda t`` (always reported).
    exponent, exponent_stderr : float
        ``alpha`` of the shifted power law ``L ~ (t + t_0)^{-alpha}``, from the slope ``1/alpha`` of
        ``1/k`` against ``t`` (always reported; meaningless for an exponential tail).
    rate_slope, rate_slope_stderr : float
        Slope of ``ln(-d ln L/dt)`` against ``ln t``: ``0`` for linear, ``-1`` for sublinear.
    t_start, t_end : float
        The tail that was fitted.
    """

    kind: str
    rate: float
    rate_stderr: float
    exponent: float
    exponent_stderr: float
    rate_slope: float
    rate_slope_stderr: float
    t_start: float
    t_end: float

    def summary(self) -> str:
        if self.kind == "linear":
            return f"linear: L ~ exp(-{self.rate:.4g} t) (±{self.rate_stderr:.2g}) on [{self.t_start:.3g}, {self.t_end:.3g}]"
        if self.kind == "sublinear":
            return f"sublinear: L ~ t^-{self.exponent:.4g} (±{self.exponent_stderr:.2g}) on [{self.t_start:.3g}, {self.t_end:.3g}]"
        return f"{self.kind} on [{self.t_start:.3g}, {self.t_end:.3g}] (rate-slope {self.rate_slope:.3g} ± {self.rate_slope_stderr:.2g})"


def _series(times, loss) -> tuple[np.ndarray, np.ndarray]:
    t = validate.real_vector("times", times)
    if t.size < 5:
        raise InvalidInput("times", "at least 5 records", f"{t.size}")
    L = validate.real_vector("loss", loss, length=t.size)
    with np.errstate(over="ignore"):
        steps = np.diff(t)
    if np.any(steps <= 0):
        raise InvalidInput("times", "strictly increasing times", "a non-increasing step")
    if not np.all(np.isfinite(steps)):
        raise InvalidInput("times", "times whose differences are finite in float64", f"a span of {t[0]!r} to {t[-1]!r}")
    if np.any(L <= 0):
        raise InvalidInput("loss", "positive losses (the logarithm is taken)", f"a minimum of {L.min()!r}")
    return t, L


def instantaneous_rate(times, loss) -> np.ndarray:
    """``-d ln L / dt`` at every record (second-order differences, also on non-uniform grids)."""
    t, L = _series(times, loss)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        k = -np.gradient(np.log(L), t, edge_order=2)
    return _finite("times", "time steps for which the rate -d ln L/dt is finite in float64", k)


def _finite(name: str, expected: str, value):
    """``value`` if all finite, else :class:`~qnnsym.errors.InvalidInput` naming ``name``."""
    if not np.all(np.isfinite(value)):
        raise InvalidInput(name, expected, "a non-finite result (steps too small or values too large)")
    return value


def _linear_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Least squares ``y = a + b x``: returns ``(a, b, stderr_b, r2)``."""
    n = x.size
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    if sxx == 0:
        raise InvalidInput("times", "a tail spanning more than one time", "a single time")
    b = float(np.sum((x - xm) * (y - ym)) / sxx)
    a = float(ym - b * xm)
    res = y - (a + b * x)
    ss_res = float(np.sum(res**2))
    ss_tot = float(np.sum((y - ym) ** 2))
    stderr = float(np.sqrt(ss_res / max(n - 2, 1) / sxx))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    return a, b, stderr, r2


def fit_exponential(times, loss) -> tuple[float, float]:
    """``lambda`` and its standard error from ``ln L = a - lambda t``."""
    t, L = _series(times, loss)
    with np.errstate(over="ignore", invalid="ignore"):
        _, b, se, _ = _linear_fit(t, np.log(L))
    return tuple(_finite("times", "times for which the least-squares fit is finite in float64", np.array([-b, se])).tolist())


def fit_power_law(times, loss) -> tuple[float, float]:
    """``alpha`` and its standard error from ``ln L = a - alpha ln t`` (times must be positive)."""
    t, L = _series(times, loss)
    if t[0] <= 0:
        raise InvalidInput("times", "positive times for a power-law fit", f"a first time of {t[0]!r}")
    with np.errstate(over="ignore", invalid="ignore"):
        _, b, se, _ = _linear_fit(np.log(t), np.log(L))
    return tuple(_finite("times", "times for which the least-squares fit is finite in float64", np.array([-b, se])).tolist())


def classify_tail(times, loss, *, tail_fraction: float = 0.5, z: float = 5.0, stall_rate: float = 1e-12) -> RateFit:
    """Classify the last ``tail_fraction`` of a loss curve as linear or sublinear convergence.

    The discriminator is the slope ``s`` of ``ln k(t)`` against ``ln t`` (``k = -d ln L/dt``):
    ``linear`` if ``|s| <= z stderr + 0.25`` and ``sublinear`` if ``|s + 1| <= z stderr + 0.25``
    (the 0.25 absorbs the pre-asymptotic curvature of a finite tail, e.g. ``(1 + t)^{-2}``);
    ``stalled`` if the tail's mean rate is below ``stall_rate``.
    """
    t, L = _series(times, loss)
    frac = validate.positive_real("tail_fraction", tail_fraction)
    if frac > 1:
        raise InvalidInput("tail_fraction", "a fraction in (0, 1]", repr(frac))
    z = validate.positive_real("z", z)
    stall_rate = validate.finite_real("stall_rate", stall_rate)
    if stall_rate < 0:
        raise InvalidInput("stall_rate", "a non-negative rate", repr(stall_rate))
    start = min(int(np.floor((1 - frac) * t.size)), t.size - 5)
    k = instantaneous_rate(t, L)
    tt, LL, kk = t[start:], L[start:], k[start:]
    lam, lam_se = fit_exponential(tt, LL)
    alpha, alpha_se = float("nan"), float("nan")
    if np.all(kk > 0):
        _, inv_alpha, inv_se, _ = _linear_fit(tt, 1.0 / kk)
        if inv_alpha > 0:
            alpha, alpha_se = 1.0 / inv_alpha, inv_se / inv_alpha**2  # delta method
    if not np.mean(kk) > stall_rate or np.any(kk <= 0) or tt[0] <= 0:
        kind = "stalled" if not np.mean(kk) > stall_rate else "undetermined"
        return RateFit(kind, lam, lam_se, alpha, alpha_se, float("nan"), float("nan"), float(tt[0]), float(tt[-1]))
    _, s, s_se, _ = _linear_fit(np.log(tt), np.log(kk))
    band = z * s_se + 0.25
    if abs(s) <= band and abs(s + 1) > band:
        kind = "linear"
    elif abs(s + 1) <= band and abs(s) > band:
        kind = "sublinear"
    else:
        kind = "undetermined"
    return RateFit(kind, lam, lam_se, alpha, alpha_se, s, s_se, float(tt[0]), float(tt[-1]))
