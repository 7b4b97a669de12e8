r"""S12 (one sample: the rate changes during training).

Along the asymptotic flow ``M' = -c[M, [M, R]]`` (Theorem 4.2) with ``m = 1``, a pure input ``rho`` and
``M_0 = gamma P`` (``P`` a Pauli string, so ``M^2 = gamma^2 I``):

    yhat' = -2c (gamma^2 - yhat^2)(yhat - y)      exactly.

- ``|y| < gamma``: linear convergence; the residual's terminal rate is ``2c(gamma^2 - y^2)`` (the loss's
  ``4c(gamma^2 - y^2)``), while the initial rate is ``2c(gamma^2 - yhat(0)^2)`` — the rate changes during
  training, which no frozen kernel does;
- ``|y| = gamma``: ``|r(t)| ~ 1/(4 c gamma t)`` (``L ~ 1/(32 c^2 gamma^2 t^2)``);
- ``|y| > gamma`` (the dynamical transition of Zhang, Liu, Wu, Jiang, Zhuang 2024, seen from the target's
  side): ``yhat -> sign(y) gamma`` exponentially at rate ``4 c gamma (|y| - gamma)``.  Both exponential rates
  vanish at the critical point ``|y| = gamma``, where the decay is polynomial.

Derivation (each step closes by the rewrite or computation it names):

1. ``M^2 = U^dag gamma P U U^dag gamma P U = gamma^2`` (word rewriting: ``U U^dag = 1``, ``P^2 = 1``);
2. ``yhat' = tr(rho M') = -c r tr(rho [M, [M, rho]])`` and ``tr(rho [M, [M, rho]]) = -tr([M, rho]^2) = K^asym_11``
   (cyclic trace, :func:`qnnsym.proofkit.cyclic_trace`);
3. ``K^asym_11 = 2(gamma^2 - yhat^2)`` by the rules ``rho^2 = rho``, ``M^2 = gamma^2``, ``rho W rho = tr(rho W) rho`` and
   cyclicity; independently on explicit ``2 x 2`` matrices with unit Bloch vectors in stereographic
   coordinates (``rational_function``);
4. closed forms (from :func:`qnnsym.symbolic.flow.one_sample_solution`, each re-verified here): the
   separable solution ``t(yhat) = sum_k Res_k log((yhat - r_k)/(yhat_0 - r_k))`` for ``|y| != gamma``
   (``(dt/dyhat) f(yhat) = 1`` by ``rational_function``; ``t(yhat_0) = 0``), the boundary solution ``t(e)``
   (``e = gamma - yhat``) with ``e t -> 1/(4 c gamma)`` (``sympy.limit``), the mirror ``y -> -y``, and the
   explicit ``yhat(t)`` for ``y = 0``;
5. rates: ``-1/Res_y = -f'(y) = 2c(gamma^2 - y^2)``; ``-f'(gamma) = 4 c gamma (y - gamma)``; both vanish at
   ``y = gamma`` (``expand``).

Golden values: ``t(1/4)`` for ``gamma = 1, y = 1/2, c = 1, yhat_0 = 0``; ``t(e = 1/2)`` on the boundary for
``gamma = c = e_0 = 1``; ``yhat(1)`` for ``y = 0, c = 1/4, gamma = 1, yhat_0 = 1/2``; ``K^asym_11`` of ``|+><+|`` under
``(3/2) Z``.

Numeric evidence: the matrix flow (:func:`qnnsym.numeric.asymptotic_flow`, RK4, ``dt = 0.01``; ``d = 2, 4``,
``M_0 = gamma V^dag P V`` with Haar ``V``, Haar pure input) against the lambdified closed forms (the implicit
``t(yhat)`` inverted by ``brentq``) and against a separate RK4 integration of the scalar ODE: ``|dyhat|/gamma``
within ``1e-8`` (RK4 at ``dt = 0.005``; the dt-halving estimate is ``~1e-11``-``1e-9``); the fitted
terminal loss rate against ``4c(gamma^2 - y^2)`` (relative ``1e-3``), the measured initial rate against
``4c(gamma^2 - yhat_0^2)`` (relative ``1e-2``, second-order differences at spacing ``0.01``); on the boundary the
tail (isospectral integrator on ``[0, 400]``, ``dt = 0.1``: an RK4 drift of the spectrum would move the label
inside the numerical range) is classified sublinear with exponent within ``0.05`` of 2 and ``4 c gamma T |r(T)|``
within ``0.02`` of 1 (the closed form's correction is ``O(e log(1/e)/gamma) ~ 2e-3`` there);
outside the range ``lambda_max(M) - yhat`` decays at ``4 c gamma (y - gamma)`` (relative ``1e-3``).
Property: random ``gamma, y (|y| <= gamma), c``, Haar ``M(0)`` and input: the matrix flow on ``[0, 1]`` matches
the closed form within ``1e-8 gamma`` (RK4 at ``dt = 0.002``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qnnsym.proofkit import run_property
from qnnsym.theorems import Golden, NumericEvidence, Step, Theorem

STATEMENT = (
    r"For $m=1$, a pure input and $M_0=\gamma P$: $\hat y' = -2c(\gamma^2-\hat y^2)(\hat y-y)$ exactly. If $|y|<\gamma$ "
    r"the convergence is linear with terminal rate $2c(\gamma^2-y^2)$ for the residual ($4c(\gamma^2-y^2)$ for the loss), "
    r"different from the initial rate $2c(\gamma^2-\hat y(0)^2)$; if $|y|=\gamma$ the residual decays like $1/(4c\gamma t)$; "
    r"if $|y|>\gamma$, $\hat y\to\pm\gamma$ at rate $4c\gamma(|y|-\gamma)$. Closed-form solutions are derived."
)


# ----------------------------------------------------------------------------- word rewriting
def _reduce_word(word, rho, M, gamma, yhat, U=None, Ud=None, P=None):
    """Apply ``U U^dag = U^dag U = 1``, ``P P = 1``, ``rho rho = rho``, ``M M = gamma^2`` and
    ``rho M rho = yhat rho`` (pure state: ``rho W rho = tr(rho W) rho``) until nothing changes."""
    import sympy as sp

    coef, w = sp.Integer(1), list(word)
    changed = True
    while changed:
        changed = False
        for k in range(len(w) - 1):
            a, b = w[k], w[k + 1]
            if U is not None and ((a, b) == (U, Ud) or (a, b) == (Ud, U)):
                del w[k : k + 2]
            elif P is not None and a == P and b == P:
                del w[k : k + 2]
            elif a == rho and b == rho:
                del w[k + 1]
            elif a == M and b == M:
                coef *= gamma**2
                del w[k : k + 2]
            elif k + 2 < len(w) and a == rho and b == M and w[k + 2] == rho:
                coef *= yhat
                del w[k + 1 : k + 3]
            else:
                continue
            changed = True
            break
    return coef, tuple(w)


def _pure_trace(expr, rho, M, gamma, yhat):
    """``tr`` of a noncommutative polynomial in ``M, rho`` with ``M^2 = gamma^2``, ``rho`` pure, ``tr rho = 1``,
    ``tr(rho M) = yhat``: rotate each word to start at ``rho`` (cyclicity), reduce, close ``rho ... rho``
    cyclically; ``None`` if a word does not reduce to ``rho`` or ``rho M``."""
    import sympy as sp

    from qnnsym.proofkit import nc_word as _word

    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        coef, w = _word(term)
        while True:
            if rho in w:
                k = w.index(rho)
                w = w[k:] + w[:k]
            f, w2 = _reduce_word(w, rho, M, gamma, yhat)
            coef *= f
            if len(w2) > 1 and w2[0] == rho and w2[-1] == rho:  # tr(rho W rho) = tr(rho rho W)
                w2 = w2[:-1]
            if w2 == w:
                break
            w = w2
        if w == (rho,):
            total += coef
        elif w == (rho, M):
            total += coef * yhat
        else:
            return None
    return sp.expand(total)


# ----------------------------------------------------------------------------- steps
def _symbols():
    from qnnsym.symbolic.flow import c, e, e0, gamma, t, y, yhat, yhat0

    return c, gamma, y, yhat, yhat0, t, e, e0


def _steps(ode_constant=2) -> list[Step]:
    """``ode_constant = 2`` is S12's ``yhat' = -2c(...)`` (tests pass a wrong one)."""
    import sympy as sp

    from qnnsym.proofkit import cyclic_trace
    from qnnsym.symbolic.flow import one_sample_solution

    c, gamma, y, yhat, yhat0, t, e, e0 = _symbols()
    M, rho, U, Ud, P = sp.symbols("M rho U Udag P", commutative=False)
    r = sp.Symbol("r", real=True)
    f = -ode_constant * c * (gamma**2 - yhat**2) * (yhat - y)
    steps = []

    def m_squared():
        total = sp.Integer(0)
        from qnnsym.proofkit import nc_word as _word

        for term in sp.Add.make_args(sp.expand((Ud * gamma * P * U) * (Ud * gamma * P * U))):
            coef, w = _word(term)
            f_, w = _reduce_word(w, rho, M, gamma, yhat, U=U, Ud=Ud, P=P)
            if w:
                return False
            total += coef * f_
        return sp.expand(total - gamma**2) == 0

    steps.append(Step("M² = U†(γP)U U†(γP)U = γ² (U U† = 1, P² = 1): the flow keeps M² = γ² (S11, isospectral)",
                      "word rewriting", check=m_squared))
    comm = M * rho - rho * M
    inner = M * (r * rho) - (r * rho) * M  # [M, R] with R = r rho
    mdot = -c * (M * inner - inner * M)  # the double bracket
    steps.append(Step("m = 1: ŷ′ = tr(ρM′) = −c r tr(ρ[M, [M, ρ]]) with R = rρ, and tr(ρ[M, [M, ρ]]) = −tr([M, ρ]²) "
                      "= K^asym_11", "cyclic trace, expand",
                      check=lambda: cyclic_trace(rho * mdot - (-c * r) * (-(comm * comm))) == 0))

    def k11():
        value = _pure_trace(-(comm * comm), rho, M, gamma, yhat)
        return value is not None and sp.expand(value - 2 * (gamma**2 - yhat**2)) == 0

    steps.append(Step("K^asym_11 = −tr([M, ρ]²) = 2tr(M²ρ) − 2tr(MρMρ) = 2(γ² − ŷ²) (ρ² = ρ, M² = γ², ρMρ = ŷρ, tr ρ = 1)",
                      "word rewriting, cyclic trace", check=k11))
    u, v, a, b = sp.symbols("u v a b", real=True)
    sig = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.diag(1, -1))

    def unit(p, q):
        n = p**2 + q**2 + 1
        return (2 * p / n, 2 * q / n, (p**2 + q**2 - 1) / n)

    s_, n_ = unit(u, v), unit(a, b)
    rho2 = (sp.eye(2) + sum((s_[k] * sig[k] for k in range(3)), sp.zeros(2, 2))) / 2
    M2 = gamma * sum((n_[k] * sig[k] for k in range(3)), sp.zeros(2, 2))
    C2 = M2 * rho2 - rho2 * M2
    steps.append(Step("explicit d = 2: −tr([M, ρ]²) = 2(γ² − tr(ρM)²) for ρ = (1 + s·σ)/2, M = γ n·σ with unit s, n "
                      "(stereographic coordinates)", "rational_function", -(C2 * C2).trace(), 2 * (gamma**2 - (rho2 * M2).trace() ** 2)))
    steps.append(Step(f"S12: ŷ′ = −c K^asym_11 (ŷ − y) = −{ode_constant}c(γ² − ŷ²)(ŷ − y)", "expand",
                      -c * 2 * (gamma**2 - yhat**2) * (yhat - y), f))

    # closed forms
    sol_i = one_sample_solution("interior").results["solution"]
    sol_b = one_sample_solution("boundary").results["solution"]
    sol_z = one_sample_solution("zero_target").results["solution"]
    steps.append(Step("|y| ≠ γ: t(ŷ) = Σ_k Res_k log((ŷ − r_k)/(ŷ₀ − r_k)), r_k ∈ {y, γ, −γ}, solves dt/dŷ = 1/f(ŷ)",
                      "rational_function", sp.diff(sol_i, yhat) * f, sp.Integer(1)))
    steps.append(Step("t(ŷ₀) = 0", "expand", sol_i.subs(yhat, yhat0), sp.Integer(0)))
    res_y = sp.limit(sp.diff(sol_i, yhat) * (yhat - y), yhat, y)  # the coefficient of log|ŷ − y|
    steps.append(Step("terminal rate |y| < γ: t ≈ Res_y log|ŷ − y| as ŷ → y, so |r| ~ e^{t/Res_y}: −1/Res_y = 2c(γ² − y²) "
                      "(loss: 4c(γ² − y²))", "rational_function", -1 / res_y, 2 * c * (gamma**2 - y**2)))
    steps.append(Step("−f′(y) = 2c(γ² − y²) (the linearisation at ŷ = y agrees with the residue)", "expand",
                      -sp.diff(f, yhat).subs(yhat, y), 2 * c * (gamma**2 - y**2)))
    steps.append(Step("initial rate −(d/dt) ln|ŷ − y| at t = 0 is 2c(γ² − ŷ₀²); it differs from the terminal rate by "
                      "2c(y² − ŷ₀²) (≠ 0 unless |ŷ₀| = |y|)", "expand",
                      sp.cancel(-f.subs(yhat, yhat0) / (yhat0 - y)) - 2 * c * (gamma**2 - y**2), 2 * c * (y**2 - yhat0**2)))
    g = sp.expand(-f.subs(y, gamma).subs(yhat, gamma - e))
    steps.append(Step("y = γ, e = γ − ŷ: e′ = −ŷ′ = −2c e²(2γ − e)", "expand", g, -2 * c * e**2 * (2 * gamma - e)))
    steps.append(Step("boundary closed form t(e) solves dt/de = 1/e′(e)", "rational_function", sp.diff(sol_b, e) * g, sp.Integer(1)))
    steps.append(Step("t(e₀) = 0", "expand", sol_b.subs(e, e0), sp.Integer(0)))
    steps.append(Step("e·t(e) → 1/(4cγ) as e → 0⁺: |r(t)| ~ 1/(4cγt), L ~ 1/(32c²γ²t²)", "sympy.limit",
                      check=lambda: sp.cancel(sp.limit(e * sol_b, e, 0, "+") - 1 / (4 * c * gamma)) == 0))
    steps.append(Step("mirror: f(−ŷ; −y) = −f(ŷ; y), so y = −γ is the boundary case for −ŷ", "expand",
                      f.subs({yhat: -yhat, y: -y}, simultaneous=True), -f))
    steps.append(Step("y = 0: ŷ(t) = γŷ₀/√(ŷ₀² + (γ² − ŷ₀²)e^{4cγ²t}) solves the ODE", "rational_function",
                      sp.diff(sol_z, t), f.subs(y, 0).subs(yhat, sol_z)))
    steps.append(Step("y = 0: ŷ(0) = ŷ₀", "cancel", sol_z.subs(t, 0), yhat0))
    steps.append(Step("|y| > γ: −f′(γ) = 4cγ(y − γ) > 0 for y > γ (ŷ → γ exponentially); both rates 2c(γ² − y²) and "
                      "4cγ(y − γ) vanish at y = γ (the dynamical transition)", "expand",
                      sp.Matrix([-sp.diff(f, yhat).subs(yhat, gamma), (2 * c * (gamma**2 - y**2)).subs(y, gamma)]),
                      sp.Matrix([4 * c * gamma * (y - gamma), 0])))
    return steps


def _golden() -> list[Golden]:
    import sympy as sp

    from qnnsym.symbolic.flow import asymptotic_kernel, one_sample_solution

    c, gamma, y, yhat, yhat0, t, e, e0 = _symbols()
    half = sp.Rational(1, 2)

    def interior():
        sol = one_sample_solution("interior").results["solution"]
        return sp.expand_log(sol.subs({gamma: 1, y: half, c: 1, yhat0: 0, yhat: sp.Rational(1, 4)}), force=True)

    def boundary():
        sol = one_sample_solution("boundary").results["solution"]
        return sp.expand_log(sol.subs({gamma: 1, c: 1, e0: 1, e: half}), force=True)

    def zero():
        sol = one_sample_solution("zero_target").results["solution"]
        return sp.radsimp(sol.subs({gamma: 1, c: sp.Rational(1, 4), yhat0: half, t: 1}))

    def kernel():
        plus = sp.Matrix([[1, 1], [1, 1]]) / 2
        return asymptotic_kernel(sp.Rational(3, 2) * sp.diag(1, -1), [plus])[0, 0]

    return [
        Golden("t(ŷ = 1/4), γ = 1, y = 1/2, c = 1, ŷ₀ = 0", interior, sp.log(3) / 2 + sp.log(5) / 6 - 2 * sp.log(2) / 3),
        Golden("boundary t(e = 1/2), γ = c = e₀ = 1", boundary, sp.Rational(1, 4) + sp.log(3) / 8),
        Golden("y = 0: ŷ(1), c = 1/4, γ = 1, ŷ₀ = 1/2", zero, sp.radsimp(1 / sp.sqrt(1 + 3 * sp.E))),
        Golden("K^asym_11 of |+⟩⟨+| under (3/2)Z = 2(γ² − 0²)", kernel, sp.Rational(9, 2)),
    ]


# ----------------------------------------------------------------------------- closed forms as numbers
@lru_cache(maxsize=1)
def _lambdified():
    """The finished closed forms, lambdified (they only *evaluate* the formulas)."""
    import sympy as sp

    from qnnsym.symbolic.flow import one_sample_solution

    c, gamma, y, yhat, yhat0, t, e, e0 = _symbols()
    ti = sp.lambdify((yhat, yhat0, y, gamma, c), one_sample_solution("interior").results["solution"], "math")
    tb = sp.lambdify((e, e0, gamma, c), one_sample_solution("boundary").results["solution"], "math")
    yz = sp.lambdify((t, yhat0, gamma, c), one_sample_solution("zero_target").results["solution"], "math")
    return ti, tb, yz


def closed_form(times, yhat_0: float, y: float, gamma: float, c: float) -> np.ndarray:
    """``yhat(t)`` from the closed forms: explicit for ``y = 0``; otherwise the implicit ``t(yhat)`` (or ``t(e)``
    on the boundary) inverted by ``brentq`` between ``yhat_0`` and the attractor (``y``, or ``sign(y) gamma``
    when ``|y| >= gamma``)."""
    from scipy.optimize import brentq

    ti, tb, yz = _lambdified()
    out = np.empty(len(times))
    if y == 0.0:
        return np.array([yz(float(tk), yhat_0, gamma, c) for tk in times])
    if abs(y) == gamma:  # boundary; mirror y = -gamma onto +gamma
        s = 1.0 if y > 0 else -1.0
        e_0 = gamma - s * yhat_0
        for k, tk in enumerate(times):
            if tk == 0:
                out[k] = yhat_0
                continue
            e = brentq(lambda x: tb(x, e_0, gamma, c) - tk, 1e-300, e_0, xtol=1e-300, rtol=1e-15, maxiter=500)
            out[k] = s * (gamma - e)
        return out
    target = y if abs(y) < gamma else np.sign(y) * gamma
    end = float(np.nextafter(target, yhat_0))
    t_end = ti(end, yhat_0, y, gamma, c)  # the time to come within one ulp of the attractor
    for k, tk in enumerate(times):
        if tk == 0:
            out[k] = yhat_0
        elif tk >= t_end:
            out[k] = end  # float64 cannot resolve the remaining distance
        else:
            out[k] = brentq(lambda u: ti(u, yhat_0, y, gamma, c) - tk, yhat_0, end, xtol=1e-300, rtol=1e-15, maxiter=500)
    return out


def _scalar_rk4(yhat_0: float, y: float, gamma: float, c: float, t_final: float, dt: float, ode_constant: float = 2.0):
    """RK4 on the scalar ODE ``yhat' = -ode_constant c (gamma^2 - yhat^2)(yhat - y)`` (an independent road)."""
    f = lambda u: -ode_constant * c * (gamma**2 - u * u) * (u - y)  # noqa: E731
    n = int(round(t_final / dt))
    out = np.empty(n + 1)
    u = out[0] = yhat_0
    for k in range(n):
        k1 = f(u)
        k2 = f(u + 0.5 * dt * k1)
        k3 = f(u + 0.5 * dt * k2)
        k4 = f(u + dt * k3)
        u = out[k + 1] = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return out


def _instance(d: int, gamma: float, seed: int):
    """``M(0) = gamma V^dag P V`` (``P`` = Z on qubit 0, Haar ``V``) and a Haar pure input, as density matrices."""
    from qnnsym.model import PauliString
    from qnnsym.sampling import haar_states, haar_unitaries

    n = int(np.log2(d))
    P = PauliString("Z" + "I" * (n - 1)).matrix()
    V = haar_unitaries(d, 1, seed=seed)[0]
    psi = haar_states(d, 1, seed=seed + 1)
    return gamma * V.conj().T @ P @ V, np.einsum("ia,ib->iab", psi, psi.conj())


def _matrix_flow(d, gamma, y, c, seed, t_final, dt, record_every=1, method="rk4"):
    from qnnsym.numeric import asymptotic_flow

    m0, rho = _instance(d, gamma, seed)
    traj = asymptotic_flow(m0, rho, [y], c=c, t_final=t_final, dt=dt, record_every=record_every, method=method)
    return traj, traj.residuals[:, 0] + y


#: (name, d, gamma, y, c, seed)
_CASES = (("interior", 4, 1.5, 0.6, 0.7, 1200), ("zero target", 2, 1.0, 0.0, 0.5, 1210),
          ("boundary y = γ", 4, 2.0, 2.0, 0.25, 1220), ("boundary y = −γ", 2, 1.0, -1.0, 0.5, 1230),
          ("outside y = 2γ", 4, 1.0, 2.0, 1.0, 1240))
_ACC_T, _ACC_DT, _TOL = 10.0, 0.005, 1e-8


def _numeric(profile: str, *, ode_constant: float = 2.0) -> NumericEvidence:
    """``ode_constant = 2`` is S12 (tests pass a wrong constant: the closed form and the rates use it)."""
    from qnnsym.numeric.rates import classify_tail, fit_exponential, instantaneous_rate

    scale = ode_constant / 2.0  # a wrong constant = the closed form of the flow at c * scale
    worst, parts = 0.0, []
    for name, d, gamma, y, c, seed in _CASES:
        traj, yh = _matrix_flow(d, gamma, y, c, seed, _ACC_T, _ACC_DT)
        exact = closed_form(traj.times, yh[0], y, gamma, c * scale)
        scalar = _scalar_rk4(yh[0], y, gamma, c, _ACC_T, _ACC_DT, ode_constant)
        e_cf = float(np.max(np.abs(yh - exact))) / gamma
        e_rk = float(np.max(np.abs(yh - scalar))) / gamma
        worst = max(worst, e_cf / _TOL, e_rk / _TOL)
        line = (f"{name} (d={d}, γ={gamma:g}, y={y:g}, c={c:g}, ŷ₀={yh[0]:.4f}): |ŷ − closed form|/γ = {e_cf:.1e}, "
                f"|ŷ − scalar RK4|/γ = {e_rk:.1e}")
        if name == "interior":
            half, yh2 = _matrix_flow(d, gamma, y, c, seed, _ACC_T, _ACC_DT / 2, record_every=2)
            line += f" (dt-halving estimate {float(np.max(np.abs(yh - yh2))) * 16 / 15 / gamma:.1e})"
            L = traj.loss
            win = (L < 1e-10) & (L > 1e-22)
            rate, _ = fit_exponential(traj.times[win], L[win])
            pred = 2 * ode_constant * c * (gamma**2 - y**2)
            k0 = float(instantaneous_rate(traj.times[:50], L[:50])[0])
            pred0 = 2 * ode_constant * c * (gamma**2 - yh[0] ** 2)
            kind = classify_tail(traj.times[1:][L[1:] > 1e-22], L[1:][L[1:] > 1e-22]).kind
            worst = max(worst, abs(rate / pred - 1) / 1e-3, abs(k0 / pred0 - 1) / 1e-2, 0 if kind == "linear" else np.inf)
            line += (f"; loss tail {kind}, terminal rate {rate:.6f} vs 4c(γ² − y²) = {pred:.6f}; initial rate {k0:.4f} vs "
                     f"4c(γ² − ŷ₀²) = {pred0:.4f} (ratio initial/terminal {k0 / rate:.3f})")
        elif name == "boundary y = γ":
            t_tail = 400.0 if profile == "quick" else 2000.0
            # long tail: the isospectral integrator, since an RK4 drift of the spectrum by δ would move the boundary
            # label inside the numerical range and turn the tail exponential once |r| ~ δ
            tail, yt = _matrix_flow(d, gamma, y, c, seed, t_tail, 0.1, record_every=10, method="isospectral")
            fit = classify_tail(tail.times[1:], tail.loss[1:])
            e_end = gamma - yt[-1]
            asym = 4 * c * gamma * tail.times[-1] * e_end
            ok = fit.kind == "sublinear" and abs(fit.exponent - 2) <= 0.05 and abs(asym * scale - 1) <= 0.02
            worst = max(worst, 0 if ok else np.inf)
            line += (f"; tail on [0, {t_tail:g}] (isospectral, dt = 0.1): {fit.summary()} (|α − 2| ≤ 0.05), 4cγT|r(T)| = {asym:.4f} "
                     "(→ 1, tol 0.02)")
        elif name.startswith("outside"):
            # the numerical flow's attractor is its own largest eigenvalue (RK4 conserves the spectrum to O(dt⁴))
            gap = np.linalg.eigvalsh(traj.final)[-1] - yh
            win = (gap < 1e-5) & (gap > 1e-9)
            rate, _ = fit_exponential(traj.times[win], gap[win])
            pred = 2 * ode_constant * c * gamma * (y - gamma)
            worst = max(worst, abs(rate / pred - 1) / 1e-3)
            line += f"; λ_max(M) − ŷ decays at {rate:.6f} vs 4cγ(y − γ) = {pred:.6f}"
        parts.append(line)
    return NumericEvidence(worst, 1.0, "errors in units of their tolerances (closed form/RK4: 1e-8 γ); " + "; ".join(parts),
                           sizes={"T": _ACC_T, "dt": _ACC_DT}, seeds=tuple(cs[-1] for cs in _CASES))


def _property(max_examples: int, *, ode_constant: float = 2.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.numeric import asymptotic_flow
    from qnnsym.strategies import seeds

    fractions = st.one_of(st.sampled_from((-1.0, 0.0, 1.0)), st.floats(-0.95, 0.95))

    @given(st.sampled_from((2, 4)), st.floats(0.5, 2.0), fractions, st.floats(0.1, 1.0), seeds)
    def prop(d, gamma, frac, c, seed):
        y = frac * gamma
        m0, rho = _instance(d, gamma, seed % (2**31))
        traj = asymptotic_flow(m0, rho, [y], c=c, t_final=1.0, dt=0.002, record_every=25)
        yh = traj.residuals[:, 0] + y
        if abs(yh[0] - y) < 1e-6 * gamma or gamma - abs(yh[0]) < 1e-6 * gamma:
            return  # at (or numerically at) a fixed point: nothing moves
        exact = closed_form(traj.times, yh[0], y, gamma, c * ode_constant / 2)
        # RK4 at dt = 0.002: the worst corner of the box (cγ² = 4, y = ±γ) has a global error ~2e-9 γ on [0, 1]
        # (measured; it falls 16-fold per halving of dt), so 1e-8 γ leaves a factor 5
        assert np.max(np.abs(yh - exact)) <= 1e-8 * gamma, (np.max(np.abs(yh - exact)), yh[0], y, gamma, c)

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S12",
        title="One sample: ŷ′ = −2c(γ² − ŷ²)(ŷ − y) and a rate that changes during training",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=["the asymptotic flow M′ = −c[M, [M, R]] (Theorem 4.2's limit dynamics) with c > 0",
                     "m = 1, ρ pure, M₀ = γP with P a Pauli string (P² = I), so M² = γ²",
                     "ŷ(0) strictly inside (−γ, γ) and ŷ(0) ≠ y"],
        steps=_steps(),
        golden=_golden(),
        numeric=_numeric,
        property=_property,
        notes=("Everything here is exact for the limit flow; S12 does not depend on the p → ∞ limit of Theorem 4.2 "
               "(which is CHECKED), only on the flow itself. The closed forms come from qnnsym.symbolic.flow and are "
               "re-verified against the ODE and initial condition here."),
    )
