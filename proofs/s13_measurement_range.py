r"""S13 (the range of the measurement).

For a QNN with measurement ``M_0 = gamma P`` (``P`` a Pauli string) and any labels ``y``:

    yhat_gamma = gamma yhat_1,     L_gamma(theta; y) = gamma^2 L_1(theta; y / gamma),

so a gamma-scaled Pauli measurement trained on labels ``+-1`` at rate ``eta`` *is* a Pauli measurement
trained on labels ``+-1/gamma`` at rate ``gamma^2 eta``: the two gradient flows have the same trajectory
``theta(t)`` and ``L_gamma(t) = gamma^2 L_1(t)``.  For ``gamma > 1`` the labels ``+-1/gamma`` lie strictly inside
the Pauli range ``[-1, 1]`` and, with several samples, the loss decays exponentially; for ``gamma = 1`` they are
the extremes and the loss decays like ``t^{-2}`` (Theorem 3.2 gives ``Omega(t^{-2})``).

Derivation (each step closes by the rewrite it names):

1. ``tr(rho U^dag (gamma P) U) = gamma tr(rho U^dag P U)`` (explicit symbolic ``2 x 2`` ``U``, ``rho``, ``P``; ``expand``);
2. ``1/2 sum_i (gamma yhat_i - y_i)^2 = gamma^2 1/2 sum_i (yhat_i - y_i/gamma)^2`` (``m = 3``; ``expand``);
3. ``grad L_gamma(theta; y) = gamma^2 grad L_1(theta; y/gamma)`` with ``yhat_i(theta)`` undefined functions
   (``p = 2``, ``m = 2``; ``doit``), hence ``-eta grad L_gamma(.; y) = -(gamma^2 eta) grad L_1(.; y/gamma)``: one ODE,
   one solution (the field is a trigonometric polynomial, so locally Lipschitz: Picard–Lindelöf);
4. along it ``r_gamma = gamma yhat_1 - y = gamma (yhat_1 - y/gamma) = gamma r_1`` and ``L_gamma(t) = gamma^2 L_1(t)``;
5. in the language of C8 the Pauli flow runs at ``c_1 = gamma^2 eta kappa = gamma^2 c_gamma``; S12's one-sample rate
   for the Pauli problem, ``4 c_1 (1 - 1/gamma^2)``, equals S12's rate ``4 c_gamma (gamma^2 - 1)`` for the scaled one
   (``expand``) — the two descriptions agree;
6. ``gamma = 1``: labels at the extremes, ``L = Omega(t^{-2})`` (by T3.2);
7. OPEN: ``gamma > 1`` with several samples converges *exponentially* — it needs the trajectory to reach a
   zero-loss point where the commutators ``[M*, rho_i]`` are independent (S11's local rate); numeric evidence only.
   Hence CHECKED.

Numeric evidence (experiment E3): dense models (``d = 8``, ``p = 128 >= d^2 - 1``, final Haar unitary, ``M_0 = gamma Z``
on qubit 0), ``m = 4`` orthonormal inputs labelled ``+-1``; for ``gamma in {1, 1.5, 2, 4}`` gradient flow (RK4,
``dt = 0.1``) of the gamma-model at ``eta = c/(kappa gamma^2)`` (``c = 1``) and of the Pauli model with labels
``+-1/gamma`` at ``gamma^2 eta``, from the same ``theta(0)``.  Pass: ``max_t |r_gamma - gamma r_1| / max|r_gamma(0)|`` below the
accumulated round-off ``n linalg_tol(d, p)`` (``n`` steps; the two runs are the same ODE, so only rounding
differs), ``max_t |L_gamma - gamma^2 L_1| / L_gamma(0)`` likewise; ``classify_tail`` (records with ``L > 1e-20``,
above round-off) gives ``linear`` for ``gamma > 1`` on ``[0, 30]`` and ``sublinear`` with ``|alpha - 2| <= 0.2`` for
``gamma = 1`` on ``[0, 400]`` (``dt = 0.2``; full: ``[0, 1600]``; at ``gamma = 1`` the identity is vacuous).  The band
0.2: at finite ``p`` the QNN's effective tail exponent sits below 2 and approaches it as ``p`` grows (measured on
other seeds over ``[200, 400]``: 1.68–1.89 at ``p = 64``, 1.83–1.98 at ``p = 128, 256``), while the asymptotic flow
from the same ``M(0)`` gives 2.00–2.05; Theorem 3.2 only bounds the exponent by 2 from above.  Because the
exponential tails reach round-off by ``t ~ 20`` (a short range of ``ln t``, where a crossover between two
exponential modes can mimic a drifting rate), a scale-free second discriminator is required too: ``t k(t)``
(``k = -d ln L/dt``, averaged over the last tenth of the kept records) equals ``alpha`` for ``L ~ t^{-alpha}`` and
``lambda t`` for ``e^{-lambda t}``: ``>= 10`` for ``gamma > 1`` and within 0.2 of 2 for ``gamma = 1``.
Property: random dense models (``d <= 8``, ``p <= 8``), ``gamma``, ``theta``, data and ``eta``: the identity on whole
short trajectories (``r_gamma = gamma r_1``, ``L_gamma = gamma^2 L_1``) and ``grad L_gamma = gamma^2 grad L_1`` at ``theta(0)``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qnnsym.proofkit import run_property
from qnnsym.theorems import NumericEvidence, Step, Theorem
from qnnsym.tolerances import linalg_tol

STATEMENT = (
    r"$L_\gamma(\theta;y) = \gamma^2 L_1(\theta;y/\gamma)$: a $\gamma$-scaled Pauli measurement with labels $\pm1$ is a Pauli "
    r"measurement with labels $\pm1/\gamma$ at rate $\gamma^2\eta$ (same trajectory, $L_\gamma(t)=\gamma^2L_1(t)$). With "
    r"$\gamma>1$ and several samples the loss decays exponentially; with $\gamma=1$ like $t^{-2}$."
)


def _steps(power=2) -> list[Step]:
    """``power = 2`` is S13's ``gamma^2`` (tests pass a wrong power)."""
    import sympy as sp

    gamma, eta, kappa, c = sp.symbols("gamma eta kappa c", positive=True)
    steps = []
    # 1. yhat_gamma = gamma yhat_1
    U = sp.Matrix(2, 2, sp.symbols("u_0:4"))
    P = sp.Matrix(2, 2, sp.symbols("P_0:4"))
    rho = sp.Matrix(2, 2, sp.symbols("rho_0:4"))
    steps.append(Step("ŷ_γ = tr(ρ U†(γP)U) = γ tr(ρ U†PU) = γŷ₁ (explicit symbolic 2×2)", "expand",
                      (rho * U.H * (gamma * P) * U).trace(), gamma * (rho * U.H * P * U).trace()))
    # 2. the loss
    m = 3
    yh = sp.symbols(f"yhat_0:{m}", real=True)
    ys = sp.symbols(f"y_0:{m}", real=True)
    Lg = sum((gamma * yh[i] - ys[i]) ** 2 for i in range(m)) / 2
    L1 = sum((yh[i] - ys[i] / gamma) ** 2 for i in range(m)) / 2
    steps.append(Step(f"L_γ(θ; y) = ½Σ(γŷ₁ − y)² = γ^{power}·½Σ(ŷ₁ − y/γ)² (m = 3)", "expand", Lg, gamma**power * L1))
    # 3. gradients, p = 2, m = 2
    th = sp.symbols("theta_1:3", real=True)
    f = [sp.Function(f"yhat_{i}")(*th) for i in range(2)]
    Lg_t = sum((gamma * f[i] - ys[i]) ** 2 for i in range(2)) / 2
    L1_t = sum((f[i] - ys[i] / gamma) ** 2 for i in range(2)) / 2
    grad = lambda L: sp.Matrix([sp.Derivative(L, x) for x in th])  # noqa: E731
    steps.append(Step(f"∇L_γ(θ; y) = γ^{power} ∇L₁(θ; y/γ) (p = 2, m = 2, ŷ_i(θ) undefined functions)", "doit",
                      grad(Lg_t), gamma**power * grad(L1_t)))
    steps.append(Step(f"−η∇L_γ(θ; y) = −(γ^{power}η)∇L₁(θ; y/γ): the two gradient flows are one ODE (one trajectory)", "doit",
                      -eta * grad(Lg_t), -(gamma**power * eta) * grad(L1_t)))
    # 4. along the trajectory
    steps.append(Step("r_γ = γŷ₁ − y = γ(ŷ₁ − y/γ) = γ r₁, so L_γ(t) = γ²L₁(t)", "expand",
                      sp.Matrix([gamma * yh[0] - ys[0], sum((gamma * yh[i] - ys[i]) ** 2 for i in range(m)) / 2]),
                      sp.Matrix([gamma * (yh[0] - ys[0] / gamma), gamma**2 * L1])))
    # 5. consistency with S12 through C8
    c1 = gamma**2 * c
    steps.append(Step("C8: the Pauli flow runs at c₁ = γ²ηκ = γ²c_γ; S12's loss rate 4c₁(1 − (1/γ)²) equals 4c_γ(γ² − 1)",
                      "expand", 4 * c1 * (1 - (1 / gamma) ** 2), 4 * c * (gamma**2 - 1)))
    # 6-7. rates
    steps.append(Step("γ = 1: labels ±1 are the extremes of the Pauli range: L(t) = Ω(t⁻²)", "by T3.2", uses=("T3.2",)))
    steps.append(Step("γ > 1, m > 1: the flow reaches a zero-loss θ* where the commutators [M*, ρ_i] are independent, so "
                      "the decay is exponential (S11's local rate)", "open: numeric evidence only (experiment E3)"))
    return steps


# ----------------------------------------------------------------------------- numerics
_D, _M, _P, _C, _DT = 8, 4, 128, 1.0, 0.1
_GAMMAS = (1.0, 1.5, 2.0, 4.0)


def _pair(d: int, p: int, gamma: float, seed: int, **kw):
    """The gamma-model and the Pauli model (``gamma = 1``) with the same layers (same seed)."""
    from qnnsym.model import dense_haar_model

    return dense_haar_model(d, p, seed=seed, gamma=gamma, **kw), dense_haar_model(d, p, seed=seed, **kw)


def _runs_pair(model_g, model_1, data, theta0, gamma: float, eta: float, t_final: float, dt: float, power: float = 2.0,
               record_every: int = 1):
    from qnnsym.numeric import gradient_flow

    a = gradient_flow(model_g, data, theta0, eta=eta, t_final=t_final, dt=dt, record_every=record_every)
    b = gradient_flow(model_1, data.with_targets(data.targets / gamma), theta0, eta=gamma**power * eta, t_final=t_final,
                      dt=dt, record_every=record_every)
    return a, b


@lru_cache(maxsize=4)
def _simulate(profile: str, power: float = 2.0):
    from qnnsym.model import random_orthonormal_dataset
    from qnnsym.numeric import gradient_flow

    data = random_orthonormal_dataset(_D, _M, seed=1300)
    theta0 = np.random.default_rng(1301).uniform(-np.pi, np.pi, _P)
    out = []
    for gamma in _GAMMAS:
        mg, m1 = _pair(_D, _P, gamma, 1302, final_unitary=True)
        eta = _C / (m1.kappa() * gamma**2)
        if gamma == 1.0:  # the identity is vacuous at γ = 1: one long run for the tail (late rates are small: dt = 0.2)
            t_final = 400.0 if profile == "quick" else 1600.0
            a = gradient_flow(mg, data, theta0, eta=eta, t_final=t_final, dt=0.2, record_every=5)
            out.append((gamma, a, None, a.meta["steps"]))
            continue
        a, b = _runs_pair(mg, m1, data, theta0, gamma, eta, 30.0, _DT, power, record_every=5)
        out.append((gamma, a, b, a.meta["steps"]))
    return tuple(out)


def _numeric(profile: str, *, power: float = 2.0) -> NumericEvidence:
    """``power = 2``: the Pauli run uses ``gamma^2 eta`` and is compared with ``gamma^2 L_1`` (tests pass 1)."""
    from qnnsym.numeric.rates import classify_tail, instantaneous_rate

    worst, parts = 0.0, []
    for gamma, a, b, n in _simulate(profile, float(power)):
        keep = a.loss > 1e-20  # above round-off (the residuals carry ~eps d ||M|| ~ 1e-15)
        tt, LL = a.times[keep][1:], a.loss[keep][1:]
        fit = classify_tail(tt, LL)
        # a second, scale-free discriminator: t k(t) (k = -d ln L/dt) is α for L ~ t^-α and λt (growing) for e^{-λt}
        tk = tt * instantaneous_rate(tt, LL)
        tk_end = float(np.mean(tk[-max(5, tk.size // 10):]))
        if b is None:
            ok = fit.kind == "sublinear" and abs(fit.exponent - 2) <= 0.2 and abs(tk_end - 2) <= 0.2
            worst = max(worst, 0.0 if ok else np.inf)
            parts.append(f"γ=1 (identity vacuous): L: {a.loss[0]:.3g} → {a.loss[-1]:.3g} on [0, {a.times[-1]:g}]; {fit.summary()}, "
                         f"t·k(t) at the end {tk_end:.3f} (|α − 2|, |t·k − 2| ≤ 0.2)")
            continue
        tol = n * linalg_tol(_D, _P)  # the same ODE twice: only rounding differs, at most linalg_tol per step
        e_r = float(np.max(np.abs(a.residuals - gamma * b.residuals)) / np.max(np.abs(a.residuals[0])))
        e_l = float(np.max(np.abs(a.loss - gamma**power * b.loss)) / a.loss[0])
        ok = fit.kind == "linear" and tk_end >= 10.0
        worst = max(worst, e_r / tol, e_l / tol, 0.0 if ok else np.inf)
        parts.append(f"γ={gamma:g}: max|r_γ − γr₁|/|r(0)| = {e_r:.1e}, max|L_γ − γ^{power:g}L₁|/L(0) = {e_l:.1e} "
                     f"(tol n·linalg_tol = {tol:.1e}); L: {a.loss[0]:.3g} → {a.loss[-1]:.3g}; {fit.summary()} "
                     f"[slope of ln k vs ln t {fit.rate_slope:.3f} ± {fit.rate_slope_stderr:.3f}], t·k(t) at the end {tk_end:.1f} (≥ 10)")
    return NumericEvidence(worst, 1.0, "errors in units of their tolerances; " + "; ".join(parts),
                           sizes={"d": _D, "m": _M, "p": _P, "c": _C, "dt": _DT, "gammas": list(_GAMMAS)},
                           seeds=(1300, 1301, 1302))


def _property(max_examples: int, *, power: float = 2.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.numeric import loss_and_gradient
    from qnnsym.strategies import datasets, seeds

    @given(st.integers(2, 8), st.integers(1, 8), seeds, st.sampled_from(("diagonal", "pauli")), st.booleans(),
           st.floats(0.25, 4.0), st.floats(0.1, 1.0), st.data())
    def prop(d, p, seed, generator, final, gamma, scale, draw):
        if generator == "pauli" and d & (d - 1):
            generator = "diagonal"
        mg, m1 = _pair(d, p, gamma, seed, generator=generator, final_unitary=final)
        data = draw.draw(datasets(d))
        theta0 = np.random.default_rng(seed).uniform(-np.pi, np.pi, p)
        eta = scale / (m1.kappa() * gamma**2)
        g_g = loss_and_gradient(mg, data, theta0)[1]
        g_1 = loss_and_gradient(m1, data.with_targets(data.targets / gamma), theta0)[1]
        unit = linalg_tol(d, p, scale=gamma**2 * max(1.0, float(np.max(np.abs(data.targets)))) ** 2)
        a, b = _runs_pair(mg, m1, data, theta0, gamma, eta, 1.0, 0.05, power)
        tol = a.meta["steps"] * unit  # the same ODE twice: rounding accumulates at most linearly
        errors = {
            "∇L_γ − γ²∇L₁(·; y/γ) at θ(0)": float(np.max(np.abs(g_g - gamma**power * g_1))) / unit,
            "r_γ − γ r₁ along the run": float(np.max(np.abs(a.residuals - gamma * b.residuals)))
            / (tol * max(1.0, float(np.max(np.abs(a.residuals[0]))))),
            "L_γ − γ²L₁ along the run": float(np.max(np.abs(a.loss - gamma**power * b.loss))) / (tol * max(1.0, float(a.loss[0]))),
        }
        assert max(errors.values()) <= 1.0, errors

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S13",
        title="The range of the measurement: L_γ(θ; y) = γ² L₁(θ; y/γ)",
        statement=STATEMENT,
        claimed="CHECKED",
        assumptions=["M₀ = γP with P a Pauli string (C7), any ansatz of C1", "gradient flow θ′ = −η∇L (C3)",
                     "for the rates: the dense model, several samples with labels ±1"],
        uses=["T3.2"],
        steps=_steps(),
        numeric=_numeric,
        property=_property,
        notes=("The scaling identity (steps 1–5) closes symbolically and γ = 1's Ω(t⁻²) is Theorem 3.2; the exponential "
               "decay for γ > 1 with several samples is numeric evidence only (open step 7), so the claim is CHECKED."),
    )
