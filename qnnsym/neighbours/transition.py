r"""The dynamical transition at the critical target ``O_0 = O_min`` (N3; Zhang, Liu, Wu, Jiang, Zhuang 2024).

One pure input ``rho``, an observable ``O`` with eigenvalues ``lambda_1 < lambda_2 <= ... <= lambda_d`` and the
loss ``L = (<O> - O_0)^2 / 2`` under the asymptotic flow ``M' = -c[M, [M, R]]`` (Theorem 4.2), ``R = r rho``,
``r = yhat - O_0``.

**Reduction.** With ``M = V^dag O V`` and ``phi = V psi`` the flow is ``phi' = -c r (O - yhat) phi``, so the
populations ``p_k = |<k|phi>|^2`` obey ``p_k' = -2 c r (lambda_k - yhat) p_k`` and are a Gibbs tilt of the initial
ones ``w_k``:

    p_k(t) = w_k e^{-beta lambda_k} / Z(beta),    beta' = 2 c (yhat(beta) - O_0),    d yhat / d beta = -Var_beta(O).

**Rates** (``g`` = the gap from ``O_min`` to the next level the input overlaps, ``delta = O_min - O_0``):

- ``O_0 < O_min``: ``yhat -> O_min`` and ``L -> (O_min - O_0)^2 / 2``; ``yhat - O_min`` and ``L - L_inf`` decay at
  ``2 c g delta`` (``d/dt ln(p_j/p_1) = -2 c r (lambda_j - lambda_1)`` and ``r -> delta``);
- ``O_min < O_0 < O_max``: ``|r|`` decays at ``2 c Var_inf`` (``L`` at ``4 c Var_inf``), ``Var_inf`` the variance of
  the tilted populations with ``yhat = O_0``; it is fixed by ``O_0`` alone for two levels,
  ``Var_inf = (lambda_2 - O_0)(O_0 - lambda_1)``, and bounded by ``(O_max - O_0)(O_0 - O_min)`` always;
  ``Var_inf ~ g (O_0 - O_min)`` as ``O_0 -> O_min``;
- ``O_0 = O_min``: ``r t -> 1/(2 c g)``, ``L ~ 1/(8 c^2 g^2 t^2)`` (S12: ``g = 2 gamma``);
- ``O_0 >= O_max``: the mirror image.

So the rate of ``|yhat - yhat_inf|`` is ``~ 2 c g |O_0 - O_min|`` on both sides and vanishes at the critical point.

>>> r = transition_rates([-1.0, 2.0], -2.0, 1.0)
>>> r.regime, r.residual_rate, r.floor
('below', 6.0, 0.5)
>>> transition_rates([-1.0, 2.0], -1.0, 1.0).constant  # L t^2 -> 1/(8 c^2 g^2)
0.013888888888888888
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge
from ..tolerances import NORMALISATION_ATOL
from ._figure import NeighbourFigure

__all__ = ["TransitionRates", "ReducedFlow", "TransitionMeasurement", "transition_rates", "reduced_flow",
           "measure_transition", "FIGURE"]

REGIMES = ("below", "critical_min", "inside", "critical_max", "above")
#: spectra and targets larger than this are refused (their squared distances and rates would overflow)
MAX_MAGNITUDE = 1e100
#: ``reduced_flow`` refuses ``c * spread^2 * t_final`` above this (the work of the adaptive integrator grows with it)
MAX_REDUCED_WORK = 1e7


# ----------------------------------------------------------------------------- validation
def _spectrum_and_weights(spectrum, weights):
    lam = validate.real_vector("spectrum", spectrum)
    if lam.size < 2:
        raise InvalidInput("spectrum", "at least 2 eigenvalues", f"{lam.size}")
    if np.max(np.abs(lam)) > MAX_MAGNITUDE:
        raise InvalidInput("spectrum", f"eigenvalues of magnitude at most {MAX_MAGNITUDE:g}", f"{np.max(np.abs(lam))!r}")
    if np.unique(lam).size < 2:
        raise InvalidInput("spectrum", "at least two distinct eigenvalues (else nothing moves)", repr(lam.tolist()))
    if weights is None:
        w = np.full(lam.size, 1.0 / lam.size)
    else:
        w = validate.real_vector("weights", weights, length=lam.size)
        if np.any(w < 0):
            raise InvalidInput("weights", "non-negative populations", f"a minimum of {w.min()!r}")
        if abs(w.sum() - 1.0) > NORMALISATION_ATOL:
            raise InvalidInput("weights", f"populations summing to 1 (within {NORMALISATION_ATOL:g})", f"a sum of {w.sum()!r}")
    levels = np.unique(lam[w > 0])  # the levels the input overlaps (the flow never populates the others)
    if levels.size < 2:
        raise InvalidInput("weights", "an input overlapping at least two distinct eigenvalues (else nothing moves)",
                           f"{levels.size} level(s) {levels.tolist()}")
    pops = np.array([w[lam == v].sum() for v in levels])
    return levels, pops / pops.sum()


def _target(target, name="target"):
    target = validate.finite_real(name, target)
    if abs(target) > MAX_MAGNITUDE:
        raise InvalidInput(name, f"a target of magnitude at most {MAX_MAGNITUDE:g}", repr(target))
    return target


def _gibbs(levels, pops, beta):
    """Tilted populations ``w_k e^{-beta lambda_k} / Z`` (log-sum-exp)."""
    a = np.log(pops) - beta * levels
    a -= a.max()
    p = np.exp(a)
    return p / p.sum()


# ----------------------------------------------------------------------------- derived rates
@dataclass(frozen=True)
class TransitionRates:
    """The asymptotic regime of the one-sample flow for the target ``O_0`` (see the module docstring).

    Attributes
    ----------
    regime : {"below", "critical_min", "inside", "critical_max", "above"}
    o_min, o_max : float
        The lowest and highest eigenvalues the input overlaps.
    attractor : float
        ``yhat_inf``: ``O_0`` inside, else the nearest of ``o_min, o_max``.
    floor : float
        ``L_inf = (yhat_inf - O_0)^2 / 2``.
    gap : float
        ``g`` at the nearer end of the range (``lambda_2 - lambda_1`` or ``lambda_d - lambda_{d-1}``).
    residual_rate : float
        Asymptotic rate of ``|yhat - yhat_inf|``: ``2 c g dist`` outside, ``2 c Var_inf`` inside, 0 at a critical
        target; ``nan`` inside when ``Var_inf`` is not determined (no ``weights`` and more than two levels).
    loss_rate : float
        Rate of ``L - L_inf``: equal to ``residual_rate`` outside, twice it inside.
    var_inf, var_bound : float
        ``Var_inf`` (inside) and the bound ``(o_max - O_0)(O_0 - o_min)`` (equal for two levels).
    determined : bool
        Whether the rate follows from the spectrum and target alone (or from the given weights).
    exponent, constant : float
        At a critical target ``L ~ constant t^{-exponent}`` with ``exponent = 2`` and
        ``constant = 1/(8 c^2 g^2)``; ``nan`` otherwise.
    """

    regime: str
    o_min: float
    o_max: float
    attractor: float
    floor: float
    gap: float
    residual_rate: float
    loss_rate: float
    var_inf: float
    var_bound: float
    determined: bool
    exponent: float
    constant: float


def _var_inf(levels, pops, target) -> float:
    """``Var`` of the tilt with mean ``target`` (``brentq`` on ``beta``; ``yhat(beta)`` is decreasing)."""
    from scipy.optimize import brentq

    def f(beta):
        p = _gibbs(levels, pops, beta)
        return float(p @ levels) - target

    scale = float(levels[-1] - levels[0])
    lo, hi = -1.0 / scale, 1.0 / scale
    for _ in range(2100):  # yhat(beta) tends to the extreme levels, strictly inside which target lies
        if not f(lo) < 0:
            break
        lo *= 2
    for _ in range(2100):
        if not f(hi) > 0:
            break
        hi *= 2
    if not (f(lo) >= 0 >= f(hi)):
        raise InvalidInput("target", "a target that the tilted populations can reach in float64",
                           f"{target!r} within rounding of the range [{levels[0]!r}, {levels[-1]!r}]")
    beta = brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)
    p = _gibbs(levels, pops, beta)
    mean = float(p @ levels)
    return float(p @ (levels - mean) ** 2)


def transition_rates(spectrum, target, c, weights=None) -> TransitionRates:
    r"""The asymptotic rates of the one-sample flow ``M' = -c[M, [M, r rho]]`` for the target ``O_0``.

    Parameters
    ----------
    spectrum : sequence of float
        The eigenvalues of ``O`` (any order, repeats allowed; at least two distinct).
    target : float
        ``O_0`` (any real: below, inside or above the range).
    c : float
        ``c = eta sum_l beta(H_l) > 0`` (C8).
    weights : sequence of float, optional
        The input's initial populations ``w_k = |<k|V psi>|^2`` on the eigenvectors of ``O`` (order of
        ``spectrum``).  Default: every level populated; then ``Var_inf`` inside the range is known only
        for two distinct levels.

    Returns
    -------
    TransitionRates
        With ``g`` the gap at the nearer end and ``delta`` the distance of ``O_0`` outside the range:

        .. math::

            \kappa_{|r|} = 2 c g \delta \ (O_0 \notin [O_{min}, O_{max}]),\quad
            \kappa_{|r|} = 2 c \operatorname{Var}_\infty \ (\text{inside}),\quad
            L \sim \frac{1}{8 c^2 g^2 t^2} \ (O_0 = O_{min} \text{ or } O_{max}).

    Examples
    --------
    >>> r = transition_rates([0.0, 1.0, 2.0], 2 / 3, 1.0, weights=[0.25, 0.5, 0.25])
    >>> round(r.residual_rate, 12), r.regime  # Var_inf = 4/9 at e^{-beta} = 1/2
    (0.888888888889, 'inside')
    """
    levels, pops = _spectrum_and_weights(spectrum, weights)
    target = _target(target)
    c = validate.positive_real("c", c)
    if c > MAX_MAGNITUDE:
        raise InvalidInput("c", f"a flow constant of at most {MAX_MAGNITUDE:g}", repr(c))
    lo, hi = float(levels[0]), float(levels[-1])
    g_lo, g_hi = float(levels[1] - levels[0]), float(levels[-1] - levels[-2])
    nan = float("nan")
    bound = (hi - target) * (target - lo)
    if target <= lo or target >= hi:
        at_min = target <= lo
        end, gap = (lo, g_lo) if at_min else (hi, g_hi)
        dist = abs(end - target)
        if dist == 0.0:
            cg = c * gap
            if not 0.0 < cg * cg < float("inf"):
                raise InvalidInput("c", "c with (c g)^2 finite and non-zero in float64 (g the gap at the critical end)",
                                   f"c = {c!r}, g = {gap!r}")
            return TransitionRates("critical_min" if at_min else "critical_max", lo, hi, end, 0.0, gap, 0.0, 0.0,
                                   0.0, 0.0, True, 2.0, 1.0 / (8.0 * cg * cg))
        rate = 2.0 * c * gap * dist
        return TransitionRates("below" if at_min else "above", lo, hi, end, 0.5 * dist * dist, gap, rate, rate,
                               nan, bound, True, nan, nan)
    gap = g_lo if target - lo <= hi - target else g_hi
    determined = levels.size == 2 or weights is not None
    var = bound if levels.size == 2 else (_var_inf(levels, pops, target) if weights is not None else nan)
    return TransitionRates("inside", lo, hi, target, 0.0, gap, 2.0 * c * var, 4.0 * c * var, var, bound, determined,
                           nan, nan)


# ----------------------------------------------------------------------------- the reduced (Gibbs) flow
@dataclass(frozen=True)
class ReducedFlow:
    """The one-sample flow reduced to ``beta' = 2c(yhat(beta) - O_0)`` (module docstring).

    Attributes
    ----------
    times, yhat, beta : ndarray
    excess : ndarray
        ``|yhat - yhat_inf|`` computed without cancellation: ``sum_k (lambda_k - o_min) p_k`` below or at
        ``O_min`` (mirror above), ``|yhat - O_0|`` inside.
    """

    times: np.ndarray
    yhat: np.ndarray
    beta: np.ndarray
    excess: np.ndarray


def reduced_flow(spectrum, weights, target, c, times) -> ReducedFlow:
    r"""Integrate the one-sample flow in its reduced form (an independent road to the matrix flow).

    ``p_k = w_k e^{-beta lambda_k}/Z(beta)``, ``yhat = sum_k lambda_k p_k`` and
    ``beta' = 2 c (yhat(beta) - O_0)``, ``beta(0) = 0`` (``scipy.integrate.solve_ivp``, DOP853,
    ``rtol = 1e-12``).

    Parameters
    ----------
    spectrum, weights : sequence of float
        Eigenvalues of ``O`` and the input's initial populations on its eigenvectors.
    target : float
        ``O_0``.
    c : float
        Positive flow constant.
    times : sequence of float
        Non-negative, strictly increasing output times.

    Examples
    --------
    >>> fl = reduced_flow([-1.0, 1.0], [0.5, 0.5], 0.0, 0.25, [0.0, 1.0])
    >>> float(fl.yhat[1])
    0.0
    """
    from scipy.integrate import solve_ivp

    if weights is None:
        raise InvalidInput("weights", "the input's initial populations on O's eigenvectors", "None")
    levels, pops = _spectrum_and_weights(spectrum, weights)
    target = _target(target)
    c = validate.positive_real("c", c)
    t = validate.real_vector("times", times)
    if t.size == 0 or t[0] < 0 or np.any(np.diff(t) <= 0):
        raise InvalidInput("times", "non-negative, strictly increasing times", f"{t.size} times from {t[:1].tolist()}")
    lo, hi = float(levels[0]), float(levels[-1])
    work = c * (hi - lo) * (hi - lo + abs(target - 0.5 * (lo + hi))) * float(t[-1])
    if not work <= MAX_REDUCED_WORK:
        raise TooLarge("times", f"c * spread * (spread + |O_0 - mid|) * t_final <= MAX_REDUCED_WORK = {MAX_REDUCED_WORK:g}",
                       f"{work:.3g}; use a shorter time span or a smaller c")

    def rhs(_, b):
        p = _gibbs(levels, pops, b[0])
        return [2.0 * c * (float(p @ levels) - target)]

    if t[-1] == 0:
        beta = np.zeros(t.size)
    else:
        sol = solve_ivp(rhs, (0.0, float(t[-1])), [0.0], method="DOP853", t_eval=t, rtol=1e-12, atol=1e-12)
        beta = sol.y[0]
    ps = np.array([_gibbs(levels, pops, b) for b in beta])
    yhat = ps @ levels
    if target <= lo:
        excess = ps @ (levels - lo)
    elif target >= hi:
        excess = ps @ (hi - levels)
    else:
        excess = np.abs(ps @ (levels - target))
    return ReducedFlow(t, yhat, beta, excess)


# ----------------------------------------------------------------------------- measurement
@dataclass(frozen=True)
class TransitionMeasurement:
    """One run of the flow or a finite QNN at the target ``O_0`` and what was fitted to it.

    Attributes
    ----------
    target : float
    derived : TransitionRates
        With the run's own initial populations as ``weights``.
    engine : {"flow", "qnn"}
    measured_rate, rate_stderr : float
        Fitted rate of ``|yhat - yhat_inf|`` (``nan`` at a critical target).
    exponent, exponent_stderr : float
        Fitted ``alpha`` of ``L ~ t^{-alpha}`` at a critical target (``nan`` otherwise).
    constant_ratio : float
        ``L(T) T^2 / constant`` at a critical target (``-> 1``); ``nan`` otherwise.
    kind : str
        :func:`~qnnsym.numeric.rates.classify_tail`'s verdict on the tail (of ``|yhat - yhat_inf|`` in the fit window,
        of ``L`` at a critical target).
    rate_slope : float
        Its slope of ``ln(-d ln f/dt)`` against ``ln t``: ``0`` for an exponential tail, ``-1`` for a power law.
    times, loss, excess : ndarray
        The records (``excess = |yhat - yhat_inf|``).
    final : ndarray
        The final state: ``M(T)`` for the flow, ``theta(T)`` for the QNN.
    """

    target: float
    derived: TransitionRates
    engine: str
    measured_rate: float
    rate_stderr: float
    exponent: float
    exponent_stderr: float
    constant_ratio: float
    kind: str
    rate_slope: float
    times: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)
    excess: np.ndarray = field(repr=False)
    final: np.ndarray = field(repr=False, default=None)


#: the window of ``|yhat - yhat_inf|`` / spread in which the exponential rate is fitted
FIT_WINDOW = (1e-10, 1e-5)


def _instance(spectrum, engine, p, seed):
    """``(M(0), psi, weights, run)``: a Haar input and a Haar conjugate of ``diag(spectrum)`` (flow), or a dense
    Haar QNN measuring ``diag(spectrum)`` at a uniform random ``theta0`` (qnn)."""
    from ..numeric import haar_states, haar_unitaries

    d = spectrum.size
    psi = haar_states(d, 1, seed=seed + 1)[0]
    if engine == "flow":
        V = haar_unitaries(d, 1, seed=seed)[0]
        return V.conj().T @ np.diag(spectrum) @ V, psi, np.abs(V @ psi) ** 2, None
    from ..model import dense_haar_model
    from ..numeric import effective_measurement, unitary

    model = dense_haar_model(d, p, seed=seed, measurement=np.diag(spectrum), final_unitary=True)
    theta0 = np.random.default_rng(seed + 2).uniform(-np.pi, np.pi, p)
    U = unitary(model, theta0)
    return effective_measurement(model, theta0), psi, np.abs(U @ psi) ** 2, (model, theta0)


def _auto_time(derived: TransitionRates, c: float) -> float:
    """Long enough to fit: ``400/(cg)`` at a critical target (``r(T) ~ 1/800``), else ``45/rate`` (the excess
    falls through ``FIT_WINDOW``), clipped to ``[10, 5000]``."""
    if derived.regime.startswith("critical"):
        return float(min(400.0 / (c * derived.gap), 5000.0))
    return float(min(max(45.0 / derived.residual_rate, 10.0), 5000.0))


def measure_transition(spectrum, targets, c, *, engine="flow", p=240, seed=0, t_final=None, dt=0.05):
    r"""Run the one-sample flow (or a finite dense QNN) for each target ``O_0`` and fit the convergence law.

    The same ``M(0)`` and input serve every target.  Away from a critical target the rate of
    ``|yhat - yhat_inf|`` is the slope of ``ln|yhat - yhat_inf|`` on the window where it lies in
    ``FIT_WINDOW`` (times the spread of the spectrum); at ``O_0 = O_min`` (or ``O_max``) the tail of ``L`` on
    ``[T/10, T]`` goes to :func:`~qnnsym.numeric.rates.classify_tail` (exponent ``alpha`` of
    ``L ~ t^{-alpha}``) and ``L(T) T^2 8 c^2 g^2`` is reported (``-> 1``).

    Parameters
    ----------
    spectrum : sequence of float
        Eigenvalues of ``O = diag(spectrum)`` (``d = len(spectrum)``, 2 to 16).
    targets : sequence of float
        The targets ``O_0``.
    c : float
        ``c > 0``; the QNN runs at ``eta = c / sum_l beta(H_l)``.
    engine : {"flow", "qnn"}
        ``"flow"``: :func:`~qnnsym.numeric.asymptotic_flow` (isospectral integrator, so the spectrum, and
        hence the attractor, is exact; it is second order: a fitted rate ``kappa`` carries a relative error
        of order ``(kappa dt)^2 / 12``); ``"qnn"``: :func:`~qnnsym.numeric.gradient_flow` of
        :func:`~qnnsym.model.dense_haar_model` with ``p`` layers and a final Haar unitary.
    p : int
        Layers of the QNN (ignored by the flow).
    seed : int
        Seeds the Haar draws (and ``theta0``).
    t_final : float, optional
        Default: chosen per target from the derived rate (at most 5000).
    dt : float
        Integration step.

    Returns
    -------
    list of TransitionMeasurement

    Examples
    --------
    >>> res = measure_transition([-1.0, 1.0], [-1.5], 1.0, t_final=20.0, dt=0.05)
    >>> round(res[0].measured_rate / res[0].derived.residual_rate, 3)  # 2 c g delta = 2
    1.0
    """
    from ..model import Dataset
    from ..numeric import asymptotic_flow, gradient_flow
    from ..numeric.rates import classify_tail, fit_exponential

    lam = validate.real_vector("spectrum", spectrum)
    if not 2 <= lam.size <= 16:
        raise InvalidInput("spectrum", "2 to 16 eigenvalues", f"{lam.size}")
    if np.unique(lam).size < 2:
        raise InvalidInput("spectrum", "at least two distinct eigenvalues", repr(lam.tolist()))
    if np.max(np.abs(lam)) > MAX_MAGNITUDE:
        raise InvalidInput("spectrum", f"eigenvalues of magnitude at most {MAX_MAGNITUDE:g}", f"{np.max(np.abs(lam))!r}")
    tg = validate.real_vector("targets", targets)
    if tg.size and np.max(np.abs(tg)) > MAX_MAGNITUDE:
        raise InvalidInput("targets", f"targets of magnitude at most {MAX_MAGNITUDE:g}", f"{np.max(np.abs(tg))!r}")
    if tg.size == 0:
        raise InvalidInput("targets", "at least one target", "an empty sequence")
    c = validate.positive_real("c", c)
    engine = validate.member("engine", engine, ("flow", "qnn"))
    p = validate.positive_int("p", p, maximum=4096)
    seed = validate.nonnegative_int("seed", seed)
    if t_final is not None:
        t_final = validate.positive_real("t_final", t_final)
    dt = validate.positive_real("dt", dt)
    m0, psi, weights, qnn = _instance(lam, engine, p, seed)
    rho = np.outer(psi, psi.conj())[None]
    spread = float(lam.max() - lam.min())
    out = []
    for y in tg:
        derived = transition_rates(lam, float(y), c, weights=weights)
        T = t_final if t_final is not None else _auto_time(derived, c)
        if engine == "flow":
            traj = asymptotic_flow(m0, rho, [y], c=c, t_final=T, dt=dt, method="isospectral")
        else:
            model, theta0 = qnn
            traj = gradient_flow(model, Dataset(psi[None], [y]), theta0, eta=c / model.kappa(), t_final=T, dt=dt)
        yh = traj.residuals[:, 0] + y
        times, loss = traj.times, traj.loss
        if derived.regime in ("below", "critical_min"):
            excess = yh - derived.o_min
        elif derived.regime in ("above", "critical_max"):
            excess = derived.o_max - yh
        else:
            excess = np.abs(yh - y)
        nan = float("nan")
        rate = rate_se = alpha = alpha_se = ratio = slope = nan
        kind = "undetermined"
        if derived.regime.startswith("critical"):
            keep = (times >= 0.1 * times[-1]) & (loss > 0)
            if np.count_nonzero(keep) >= 5:
                fit = classify_tail(times[keep], loss[keep])
                kind, alpha, alpha_se, slope = fit.kind, fit.exponent, fit.exponent_stderr, fit.rate_slope
                ratio = float(loss[-1] * times[-1] ** 2 / derived.constant)
        else:
            win = (excess > FIT_WINDOW[0] * spread) & (excess < FIT_WINDOW[1] * spread)
            if np.count_nonzero(win) >= 5:
                rate, rate_se = fit_exponential(times[win], excess[win])
                fit = classify_tail(times[win], excess[win])
                kind, slope = fit.kind, fit.rate_slope
        out.append(TransitionMeasurement(float(y), derived, engine, rate, rate_se, alpha, alpha_se, ratio, kind, slope,
                                         times, loss, excess, traj.final))
    return out


# ----------------------------------------------------------------------------- figure
_QUICK = {"spectrum": (-1.0, -0.2, 0.5, 1.3), "offsets": (-0.5, -0.2, -0.1, 0.0, 0.1, 0.2, 0.5),
          "c": 1.0, "p": 60, "seed": 3, "dt": 0.1, "qnn": True}


def _figure_data(*, spectrum=_QUICK["spectrum"], offsets=_QUICK["offsets"], c=_QUICK["c"], p=_QUICK["p"],
                 seed=_QUICK["seed"], dt=_QUICK["dt"], qnn=_QUICK["qnn"], progress=None):
    """The scan of ``O_0 = O_min + offset`` for the flow (and a dense QNN with ``p`` layers)."""
    import time

    from ..figures_data import Curve, ExperimentResult

    t0 = time.time()
    lam = np.sort(validate.real_vector("spectrum", spectrum))
    offs = validate.real_vector("offsets", offsets)
    targets = lam[0] + offs
    res = ExperimentResult("N3", {"spectrum": lam.tolist(), "offsets": offs.tolist(), "c": c, "p": p, "seed": seed,
                                  "dt": dt, "engines": ["flow", "qnn"] if qnn else ["flow"]})
    engines = ("flow", "qnn") if qnn else ("flow",)
    rows = []
    for engine in engines:
        if progress is not None:
            progress(f"N3: {engine} at {len(targets)} targets")
        runs = measure_transition(lam, targets, c, engine=engine, p=p, seed=seed, dt=dt)
        for off, run in zip(offs, runs):
            rows.append({"engine": engine, "offset": float(off), "target": run.target, "regime": run.derived.regime,
                         "measured_rate": run.measured_rate, "derived_rate": run.derived.residual_rate,
                         "exponent": run.exponent, "constant_ratio": run.constant_ratio, "kind": run.kind,
                         "rate_slope": run.rate_slope})
        outside = [(o, r) for o, r in zip(offs, runs) if not r.derived.regime.startswith("critical")]
        res.curves.append(Curve("rate", f"{engine} (measured)", [o for o, _ in outside], [r.measured_rate for _, r in outside]))
        # the derived law on a fine grid, with this engine's initial populations (0 at the critical target)
        weights = _instance(lam, engine, p, seed)[2]
        grid = np.union1d(np.linspace(offs.min(), offs.max(), 161), [0.0])
        res.curves.append(Curve("derived_rate", f"{engine} (derived, its own M(0))", grid,
                                [transition_rates(lam, lam[0] + o, c, weights=weights).residual_rate for o in grid]))
        for o, r in zip(offs, runs):
            if o in (0.0, 0.2) or o == offs.min():
                # L - L_inf = dist e + e^2/2 with e = |yhat - yhat_inf| (no cancellation against the floor)
                dist = abs(r.derived.attractor - r.target)
                excess = dist * r.excess + 0.5 * r.excess**2
                keep = r.excess > 1e-14 * (lam[-1] - lam[0])  # above the float64 resolution of yhat
                res.curves.append(Curve("loss", f"{engine}: O₀ − O_min = {o:+g}", r.times[keep], excess[keep]))
    fl = [r for r in rows if r["engine"] == "flow"]
    res.summary = {"rows": rows, "gap": float(np.unique(lam)[1] - lam[0]),
                   "critical_exponents": {r["engine"]: r["exponent"] for r in rows if r["regime"] == "critical_min"},
                   "critical_constant_ratios": {r["engine"]: r["constant_ratio"] for r in rows if r["regime"] == "critical_min"},
                   "flow_max_rel_rate_error": float(max(abs(r["measured_rate"] / r["derived_rate"] - 1) for r in fl
                                                        if r["regime"] != "critical_min"))}
    res.seconds = time.time() - t0
    return res


def _figure_plot(res, plt):
    marks = {"flow": "o", "qnn": "s"}
    fig, (ax1, ax3, ax2) = plt.subplots(1, 3, figsize=(15, 4.2))
    for eng in res.params["engines"]:
        rows = [r for r in res.summary["rows"] if r["engine"] == eng]
        ax3.plot([r["offset"] for r in rows], [r["rate_slope"] for r in rows], marks[eng] + "-", label=eng,
                 fillstyle="none" if eng == "qnn" else "full", lw=0.8)
    ax3.axhline(0.0, color="k", lw=0.5, ls=":")
    ax3.axhline(-1.0, color="k", lw=0.5, ls=":")
    ax3.set_xlabel("O₀ − O_min")
    ax3.set_ylabel("d ln k / d ln t on the tail (k = −d ln f/dt)")
    ax3.set_title("law: 0 = exponential, −1 = power law")
    ax3.legend(fontsize=7)
    for cur in res.select("rate"):
        eng = cur.label.split()[0]
        ax1.plot(cur.x, cur.y, marks[eng], label=cur.label, fillstyle="none" if eng == "qnn" else "full")
    for cur in res.select("derived_rate"):
        ax1.plot(cur.x, cur.y, "-" if cur.label.startswith("flow") else ":", label=cur.label, lw=1)
    ax1.plot([0.0], [0.0], "kx", label="O₀ = O_min: polynomial (rate 0)")
    g, c = res.summary["gap"], res.params["c"]
    ax1.axvline(0.0, color="k", lw=0.6, ls="--")
    ax1.set_xlabel("O₀ − O_min")
    ax1.set_ylabel("rate of |ŷ − ŷ_∞|")
    ax1.set_title(f"rates vanish at O₀ = O_min (slope ±2cg = ±{2 * c * g:g})")
    exps = res.summary["critical_exponents"]
    ax1.legend(fontsize=7, loc="upper center")
    for cur in res.select("loss"):
        ax2.loglog(cur.x[1:], cur.y[1:], label=cur.label, lw=1)
    ax2.set_xlabel("t")
    ax2.set_ylabel("L − L_∞")
    ax2.set_ylim(1e-22, None)
    ax2.annotate("at O_min: L ~ t^-α, " + ", ".join(f"{k} α = {v:.3f}" for k, v in exps.items()),
                 (0.98, 0.98), xycoords="axes fraction", ha="right", va="top", fontsize=8)
    ax2.legend(fontsize=6)
    fig.tight_layout()
    caption = ("N3: one sample, O = diag" + str(tuple(res.params["spectrum"])) + f", c = {c:g}. Left: the fitted rate of "
               "|ŷ − ŷ_∞| against O₀ − O_min for the flow and a dense QNN (p = " + str(res.params["p"]) + ") with the derived "
               "2cg(O_min − O₀) below and 2c Var_∞ inside; middle: the measured law (slope of ln k against ln t on the tail: "
               "0 exponential, −1 power law) across O₀; right: L − L_∞ against t (polynomial t⁻² at the critical target).")
    return fig, caption


def _figure_summary(res):
    lines = []
    for r in res.summary["rows"]:
        if r["regime"].startswith("critical"):
            lines.append(f"{r['engine']} O₀ = O_min: {r['kind']}, exponent {r['exponent']:.3f} (derived 2), "
                         f"L T² 8c²g² = {r['constant_ratio']:.3f} (→ 1), tail slope {r['rate_slope']:.3f}")
        else:
            lines.append(f"{r['engine']} O₀ − O_min = {r['offset']:+g} ({r['regime']}): rate {r['measured_rate']:.5g} "
                         f"vs derived {r['derived_rate']:.5g} ({r['kind']}, tail slope {r['rate_slope']:.3f})")
    return lines


FIGURE = NeighbourFigure(name="N3", data=_figure_data, plot=_figure_plot, summary=_figure_summary,
                         full_sizes={"p": 480, "dt": 0.05,
                                     "offsets": (-0.5, -0.3, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.3, 0.5)})
