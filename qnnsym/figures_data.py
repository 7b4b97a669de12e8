"""Data for the experiments E1-E4 of SPEC section 4 (numpy only, no plotting).

Every experiment is a pure function of its keyword arguments (sizes, step, seeds) and
returns an :class:`ExperimentResult`: a ``params`` dict holding every parameter and seed,
a list of :class:`Curve` (``x``/``y`` arrays tagged by the quantity they show) and a
``summary`` dict of the measured numbers (fitted slopes, rates, errors).

Conventions (SPEC C3, C4, C8): loss ``L = 1/2 sum_i (yhat_i - y_i)^2``, gradient flow
``theta' = -eta grad L``, flow time ``t = k eta_step / eta`` for gradient descent, and the
over-parameterised constant ``c = eta kappa`` with ``kappa = sum_l beta(H_l)``; every run is
set up at fixed ``c`` by choosing ``eta = c / kappa``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .model import dense_haar_model, random_orthonormal_dataset
from .numeric import asymptotic_flow, effective_measurement, frozen_kernel_prediction, gradient_descent, gradient_flow
from .numeric.bounds import measurement_range, sublinear_lower_bound
from .numeric.rates import classify_tail, instantaneous_rate

__all__ = [
    "Curve",
    "ExperimentResult",
    "EXPERIMENTS",
    "FULL_SIZES",
    "e1_sublinear",
    "e2_asymptotic",
    "e3_measurement_range",
    "e4_deviation",
]

Progress = Callable[[str], None] | None

#: Loss values below this are dropped before rates are fitted (round-off floor).
LOSS_FLOOR = 1e-22


@dataclass
class Curve:
    """One plotted series: ``y`` against ``x`` for a ``quantity`` (e.g. ``"loss"``)."""

    quantity: str
    label: str
    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.float64)


@dataclass
class ExperimentResult:
    """The data of one experiment.

    Attributes
    ----------
    name : str
        ``"E1"`` ... ``"E4"``.
    params : dict
        Every parameter and seed needed to reproduce the run.
    curves : list of Curve
        The series shown in the figure.
    summary : dict
        Measured scalars (JSON-serialisable).
    seconds : float
        Wall time of the run.
    """

    name: str
    params: dict
    curves: list[Curve] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    seconds: float = 0.0

    def select(self, quantity: str) -> list[Curve]:
        """The curves showing ``quantity``, in insertion order."""
        return [c for c in self.curves if c.quantity == quantity]


def _say(progress: Progress, msg: str) -> None:
    if progress is not None:
        progress(msg)


def _setup(d: int, p: int, m: int, c: float, seed: int, gamma: float = 1.0):
    """Data, model, ``theta0`` and ``eta = c / kappa`` from explicit seeds.

    Seeds: data ``seed``, model ``seed + 1000 + p``, initial angles ``seed + 2000 + p``
    (``theta0`` uniform on ``[0, 2 pi)``).
    """
    data = random_orthonormal_dataset(d, m, seed=seed, labels=(1.0, -1.0))
    model = dense_haar_model(d, p, seed=seed + 1000 + p, gamma=gamma)
    theta0 = np.random.default_rng(seed + 2000 + p).uniform(0.0, 2 * np.pi, p)
    eta = c / model.kappa()
    return data, model, theta0, eta


def _seeds(seed: int, ps) -> dict:
    return {"data_seed": seed, "model_seeds": [seed + 1000 + p for p in ps], "theta_seeds": [seed + 2000 + p for p in ps]}


def _train(model, data, theta0, eta: float, t_final: float, dt: float, n_records: int, kernel_end: bool = False):
    steps = max(1, int(round(t_final / dt)))
    every = max(1, steps // n_records)
    return gradient_descent(model, data, theta0, lr=eta * dt, eta=eta, steps=steps, record_every=every,
                            kernel_steps=(0, steps) if kernel_end else ())


def _above_floor(t: np.ndarray, L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = (t > 0) & (L > LOSS_FLOOR)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return t[:0], L[:0]
    last = idx[-1]
    sel = np.arange(idx[0], last + 1)
    sel = sel[L[sel] > LOSS_FLOOR]
    return t[sel], L[sel]


def _fit_summary(t: np.ndarray, L: np.ndarray) -> dict:
    tt, LL = _above_floor(t, L)
    if tt.size < 8:
        return {"kind": "undetermined", "rate": float("nan"), "exponent": float("nan"), "tail": []}
    fit = classify_tail(tt, LL)
    return {"kind": fit.kind, "rate": fit.rate, "rate_stderr": fit.rate_stderr, "exponent": fit.exponent,
            "exponent_stderr": fit.exponent_stderr, "rate_slope": fit.rate_slope, "tail": [fit.t_start, fit.t_end]}


# ---------------------------------------------------------------------------------------
def e1_sublinear(*, d: int = 8, p: int = 256, m: int = 4, c: float = 1.0, t_final: float = 200.0,
                 dt: float = 0.05, n_records: int = 400, seed: int = 0, progress: Progress = None) -> ExperimentResult:
    r"""E1: sublinear convergence of a dense QNN with a Pauli measurement (Theorem 3.2).

    Gradient descent with step ``eta dt`` (``eta = c / kappa``) on ``m`` orthonormal random
    inputs labelled :math:`\pm 1`.  Curves (quantity ``"loss"``): the QNN loss, the Theorem 3.2
    lower bound :math:`(L(0)^{-1/2} + 4\sqrt2\,\eta\,\Delta\,S\sqrt m\,t)^{-2}` (``Delta = 2``,
    ``S = sum_l ||H_l||^2 = p``) and the frozen-kernel prediction
    :math:`r(t) = e^{-\eta K(0) t} r(0)` (SPEC S3).  Summary: the tail classification
    (``exponent`` ``alpha`` of :math:`L \sim t^{-\alpha}`, expected 2), ``min_ratio`` =
    :math:`\min_t L(t)/L_{\rm bound}(t)` (>= 1 when the bound holds).
    """
    import time

    t0 = time.perf_counter()
    params = {"d": d, "p": p, "m": m, "c": c, "t_final": t_final, "dt": dt, "n_records": n_records, "seed": seed,
              "method": "gradient_descent", "measurement": "Pauli (Z on qubit 0), gamma = 1", "labels": "+-1",
              **_seeds(seed, [p])}
    _say(progress, f"E1: d={d} p={p} m={m} c={c} T={t_final}")
    data, model, theta0, eta = _setup(d, p, m, c, seed)
    tr = _train(model, data, theta0, eta, t_final, dt, n_records, kernel_end=True)
    t, L = tr.times, tr.loss
    lo, hi = measurement_range(model)
    S = model.generator_norm_sq_sum()
    bound = sublinear_lower_bound(float(L[0]), t, eta=eta, S=S, delta=hi - lo, m=m)
    frozen = frozen_kernel_prediction(tr.kernels[0], tr.residuals[0], eta=eta, times=t)
    params.update({"eta": eta, "kappa": model.kappa(), "S": S, "delta": hi - lo})
    pos = t > 0
    res = ExperimentResult("E1", params)
    res.curves += [Curve("loss", f"QNN, gradient descent (p={p})", t[pos], L[pos]),
                   Curve("loss", "Theorem 3.2 lower bound", t[pos], bound[pos]),
                   Curve("loss", "frozen kernel K(0) (kernel regression)", t[pos], frozen.loss[pos])]
    fit = _fit_summary(t, L)
    res.summary = {"fit": fit, "tail_slope": -fit["exponent"], "min_ratio_to_bound": float(np.min(L / bound)),
                   "L0": float(L[0]), "L_final": float(L[-1]), "frozen_L_final": float(frozen.loss[-1])}
    res.seconds = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------------------------
def e2_asymptotic(*, d: int = 8, ps: tuple[int, ...] = (64, 256, 1024), m: int = 4, c: float = 1.0,
                  t_final: float = 10.0, dt: float = 0.05, n_records: int = 200, n_seeds: int = 6, seed: int = 0,
                  progress: Progress = None) -> ExperimentResult:
    r"""E2: the QNN against the asymptotic flow of Theorem 4.2, for growing ``p`` at fixed ``c``.

    For each ``p`` and each of ``n_seeds`` seeds ``seed, seed + 1, ...``: the gradient flow
    :math:`\theta' = -\eta\nabla L` (RK4, ``eta = c / kappa_p``) and the double-bracket flow
    :math:`M' = -c[M,[M,R]]` (RK4) from the same
    :math:`M(0) = U(\theta_0)^\dagger M_0 U(\theta_0)`, both with step ``dt``.  The error is
    :math:`e_p = \sup_{t \le T}\max_i |r^{QNN}_i(t) - r^{asym}_i(t)|`, averaged over the seeds
    (one seed fluctuates by a factor ~2 at small ``p``).  Curves: ``"loss"`` and ``"loss_flow"``
    for the first seed, ``"residual_error"`` against ``t`` (first seed), ``"sup_error"`` (the
    seed mean) against ``p``.  Summary: ``sup_error`` per ``p`` with its standard error over the
    seeds (``sup_error_stderr``) and the exponent of
    ``sup_error ~ p^slope``.
    """
    import time

    t0 = time.perf_counter()
    ps = tuple(int(p) for p in ps)
    seeds = [seed + k for k in range(n_seeds)]
    params = {"d": d, "ps": list(ps), "m": m, "c": c, "t_final": t_final, "dt": dt, "n_records": n_records,
              "seeds": seeds, "method": "gradient_flow (rk4) vs asymptotic_flow (rk4)",
              "per_seed": {str(s): _seeds(s, ps) for s in seeds}}
    res = ExperimentResult("E2", params)
    sups, sups_se, sups_all = [], [], []  # seed mean, its standard error (nan for one seed), per seed
    every = max(1, int(round(t_final / dt)) // n_records)
    for p in ps:
        _say(progress, f"E2: p={p} x {n_seeds} seeds (d={d}, m={m}, c={c}, T={t_final})")
        errs = []
        for s in seeds:
            data, model, theta0, eta = _setup(d, p, m, c, s)
            tr = gradient_flow(model, data, theta0, eta=eta, t_final=t_final, dt=dt, record_every=every)
            fl = asymptotic_flow(effective_measurement(model, theta0), data, c=c, t_final=t_final, dt=dt,
                                 record_every=every)
            err = np.max(np.abs(tr.residuals - fl.residuals), axis=1)
            errs.append(float(err.max()))
            if s == seeds[0]:
                res.curves += [Curve("loss", f"QNN p={p}", tr.times, tr.loss),
                               Curve("loss_flow", f"flow, M(0) of p={p}", fl.times, fl.loss),
                               Curve("residual_error", f"p={p}", tr.times, err)]
        sups.append(float(np.mean(errs)))
        sups_se.append(float(np.std(errs, ddof=1) / np.sqrt(len(errs))) if len(errs) > 1 else float("nan"))
        sups_all.append(errs)
    res.curves.append(Curve("sup_error", f"mean over {n_seeds} seeds of sup_t max_i |r_QNN − r_asym|",
                            np.array(ps, float), np.array(sups)))
    slope = float(np.polyfit(np.log(ps), np.log(sups), 1)[0]) if len(ps) > 1 else float("nan")
    res.summary = {"sup_error": dict(zip(map(str, ps), sups)), "sup_error_stderr": dict(zip(map(str, ps), sups_se)),
                   "sup_error_per_seed": dict(zip(map(str, ps), sups_all)),
                   "sup_error_slope_vs_p": slope, "decreasing": bool(np.all(np.diff(sups) < 0))}
    res.seconds = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------------------------
def e3_measurement_range(*, d: int = 8, p: int = 256, m: int = 4, c: float = 1.0,
                         gammas: tuple[float, ...] = (1.0, 1.5, 2.0, 4.0), t_final: float = 200.0, dt: float = 0.05,
                         n_records: int = 400, seed: int = 0, progress: Progress = None) -> ExperimentResult:
    r"""E3: the range of the measurement (SPEC S13), ``M_0 = gamma P`` with labels :math:`\pm 1`.

    For each ``gamma``: gradient descent (step ``eta dt / gamma^2``) and the asymptotic flow
    from the same ``M(0)``, on ``[0, T_gamma]`` with ``T_1 = t_final`` and
    ``T_gamma = min(t_final, 25 / (gamma^2 - 1))`` for ``gamma > 1`` (so the exponential tail
    stays above round-off).  Curves: ``"loss"``/``"loss_flow"`` and ``"rate"`` (the
    instantaneous rate :math:`-d\ln L/dt`).  Summary per ``gamma``: the tail classification of
    QNN and flow (``linear`` with ``rate`` for ``gamma > 1``; ``sublinear`` with ``exponent``
    ~ 2 for ``gamma = 1``).
    """
    import time

    t0 = time.perf_counter()
    params = {"d": d, "p": p, "m": m, "c": c, "gammas": list(gammas), "t_final": t_final, "dt": dt,
              "n_records": n_records, "seed": seed, "labels": "+-1", "dt_gamma": "dt / gamma^2",
              "t_final_gamma": "t_final if gamma == 1 else min(t_final, 25 / (gamma^2 - 1))", **_seeds(seed, [p])}
    res = ExperimentResult("E3", params)
    summ = {}
    for g in gammas:
        g = float(g)
        T = t_final if g == 1.0 else min(t_final, 25.0 / (g * g - 1.0))
        h = dt / (g * g)
        _say(progress, f"E3: gamma={g} (d={d}, p={p}, m={m}, c={c}, T={T:.3g})")
        data, model, theta0, eta = _setup(d, p, m, c, seed, gamma=g)
        tr = _train(model, data, theta0, eta, T, h, n_records)
        every = max(1, int(round(T / h)) // n_records)
        fl = asymptotic_flow(effective_measurement(model, theta0), data, c=c, t_final=T, dt=h, record_every=every)
        entry = {"t_final": T}
        for tag, traj, qty in (("qnn", tr, "loss"), ("flow", fl, "loss_flow")):
            t, L = traj.times, traj.loss
            label = f"{'QNN' if tag == 'qnn' else 'flow'} γ={g:g}"
            res.curves.append(Curve(qty, label, t, L))
            tt, LL = _above_floor(t, L)
            if tt.size >= 5:
                res.curves.append(Curve("rate" if tag == "qnn" else "rate_flow", label, tt, instantaneous_rate(tt, LL)))
            entry[tag] = _fit_summary(t, L)
        summ[f"{g:g}"] = entry
    res.summary = {"by_gamma": summ}
    res.seconds = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------------------------
def e4_deviation(*, d: int = 8, ps: tuple[int, ...] = (64, 128, 256, 512, 1024), m: int = 4, c: float = 1.0,
                 t_final: float = 100.0, dt: float = 0.05, seed: int = 0, progress: Progress = None) -> ExperimentResult:
    r"""E4: the kernel deviates although the parameters barely move (SPEC S6).

    For each ``p`` at fixed ``c``: gradient descent to ``T = t_final``, then
    :math:`\|K(T) - K(0)\|_F / \|K(0)\|_F` (quantity ``"kernel_deviation"``) and
    :math:`\max_l |\theta_l(T) - \theta_l(0)|` (``"theta_drift"``), both against ``p``.
    Summary: the fitted exponent of ``drift ~ p^slope`` (expected -1) and the smallest deviation
    (expected close to 1 for every ``p``).
    """
    import time

    t0 = time.perf_counter()
    ps = tuple(int(p) for p in ps)
    params = {"d": d, "ps": list(ps), "m": m, "c": c, "t_final": t_final, "dt": dt, "seed": seed,
              "method": "gradient_descent", "norm": "Frobenius", **_seeds(seed, ps)}
    dev, drift, lfin = [], [], []
    for p in ps:
        _say(progress, f"E4: p={p} (d={d}, m={m}, c={c}, T={t_final})")
        data, model, theta0, eta = _setup(d, p, m, c, seed)
        tr = _train(model, data, theta0, eta, t_final, dt, 50, kernel_end=True)
        k0, kT = tr.kernels[0], tr.kernels[-1]
        dev.append(float(np.linalg.norm(kT - k0) / np.linalg.norm(k0)))
        drift.append(float(tr.series["theta_drift_max"][-1]))
        lfin.append(float(tr.loss[-1]))
    x = np.array(ps, float)
    res = ExperimentResult("E4", params)
    res.curves += [Curve("kernel_deviation", "‖K(T) − K(0)‖/‖K(0)‖", x, dev),
                   Curve("theta_drift", "max_l |θ_l(T) − θ_l(0)|", x, drift)]
    slope = float(np.polyfit(np.log(x), np.log(drift), 1)[0]) if len(ps) > 1 else float("nan")
    res.summary = {"kernel_deviation": dict(zip(map(str, ps), dev)), "theta_drift": dict(zip(map(str, ps), drift)),
                   "drift_slope_vs_p": slope, "min_deviation": float(min(dev)), "L_final": dict(zip(map(str, ps), lfin))}
    res.seconds = time.perf_counter() - t0
    return res


EXPERIMENTS: dict[str, Callable[..., ExperimentResult]] = {
    "E1": e1_sublinear,
    "E2": e2_asymptotic,
    "E3": e3_measurement_range,
    "E4": e4_deviation,
}

#: Paper-scale overrides used by ``qnnsym figures --full``.
FULL_SIZES: dict[str, dict] = {
    "E1": {"d": 16, "p": 2048, "m": 8, "t_final": 1000.0},
    "E2": {"d": 16, "ps": (256, 1024, 4096), "m": 8, "t_final": 20.0, "n_seeds": 8},
    "E3": {"d": 16, "p": 2048, "m": 8, "t_final": 500.0},
    "E4": {"d": 16, "ps": (256, 512, 1024, 2048, 4096), "m": 8, "t_final": 300.0},
}

