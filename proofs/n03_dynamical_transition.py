r"""N3 (the dynamical transition at the critical target; Zhang, Liu, Wu, Jiang, Zhuang 2024).

One pure input, an observable ``O`` with eigenvalues ``lambda_1 < lambda_2 <= ... <= lambda_d`` and the loss
``L = (<O> - O_0)^2/2`` under the asymptotic flow ``M' = -c[M, [M, R]]``, ``R = r rho``, ``r = yhat - O_0``
(Theorem 4.2).  With ``g = lambda_2 - lambda_1`` (the next level the input overlaps) and ``delta = O_min - O_0``:

- ``O_0 < O_min``: ``yhat -> O_min``, ``L -> delta^2/2``; ``yhat - O_min`` and ``L - L_inf`` decay at ``2 c g delta``;
- ``O_min < O_0 < O_max``: ``|r|`` decays at ``2 c Var_inf`` (``L`` at ``4 c Var_inf``); ``Var_inf`` is the variance of
  ``O`` in the Gibbs tilt of the initial populations with mean ``O_0`` (two levels: ``(lambda_2 - O_0)(O_0 - lambda_1)``;
  always at most that with ``lambda_max, lambda_min``), and ``Var_inf / (O_0 - O_min) -> g``;
- ``O_0 = O_min``: ``r t -> 1/(2 c g)``, ``L ~ 1/(8 c^2 g^2 t^2)`` (S12's ``1/(32 c^2 gamma^2 t^2)`` at ``g = 2 gamma``).

So the rate of ``|yhat - yhat_inf|`` is ``2 c g |O_0 - O_min|`` to first order on both sides and vanishes at the
critical target, where the law is polynomial.  S12 is the two-level case ``O = gamma P``; here the observable is
general (and shifted: ``O = a I + b P`` reduces to S12 by an affine change of variables).

Derivation (each step closes by the rewrite named):

1. frame change: ``M = V^dag O V``, ``A = -c r [M, rho]``: ``M' = [M, A]`` is the flow and
   ``V [A, rho] V^dag = -c r [[O, rho~], rho~]`` with ``rho~ = V rho V^dag`` (word rewriting ``V V^dag = V^dag V = 1``);
2. pure ``rho~``: ``[[O, rho~], rho~] = O rho~ + rho~ O - 2 yhat rho~`` (``rho^2 = rho``, ``rho O rho = yhat rho``);
3. populations (explicit ``d = 3``, ``rho~ = phi phi^dag / |phi|^2``): ``p_k' = -2 c r (lambda_k - yhat) p_k``;
4. Gibbs form ``p_k = w_k x_k / Z`` (``x_k = e^{-beta lambda_k}``, ``beta' = 2 c r``) solves it; ``d yhat/d beta = -Var``;
5. ratio law ``d/dt ln(p_j/p_1) = -2 c r (lambda_j - lambda_1)`` (exact);
6. linearisation at the ground-state projector (``d = 2, 3, 4``, general Hermitian perturbation ``X``):
   ``DF[X] = -c delta [M*, [X, rho]]``, whose ``(j, 1)`` entries are ``-c delta (lambda_j - lambda_1) X_j1`` and whose
   other entries vanish: eigenvalues ``-c delta (lambda_j - lambda_1)`` on the amplitudes, 0 along the fixed manifold;
7. below: ``(yhat - lambda_1) e^{g beta} -> g w_2/w_1`` (rational in ``x = e^{-g beta}``, ``s = e^{-h beta}``, ``d = 3``) and
   ``beta' -> 2 c delta``: rate ``2 c g delta``; two levels: ``-f'(lambda_1) = 2 c g delta`` for
   ``f = -2c(lambda_2 - yhat)(yhat - lambda_1)(yhat - O_0)``;
8. inside: two levels ``Var = (lambda_2 - yhat)(yhat - lambda_1)``; Bhatia-Davis identity (``d = 4``); the linearised
   rate of ``beta`` is ``2 c Var_beta*``; ``Var/(yhat - lambda_1) -> g`` as ``beta -> infinity`` (``d = 3``);
9. critical: ``u = yhat - lambda_1``, two levels ``u' = -2 c u^2 (g - u)``, S12's boundary closed form at
   ``gamma = g/2`` gives ``u t -> 1/(2 c g)`` (``sympy.limit``); ``d = 3``: ``lim -u/(2 c u_beta) = 1/(2 c g)``
   (L'Hopital for ``u t = t / (1/u)``), so ``L ~ 1/(8 c^2 g^2 t^2)``; at ``g = 2 gamma`` this is S12's constant;
10. affine reduction: ``O = a + bP``, ``yhat = a + b y~``: ``f(yhat) = b f_S12(y~; (O_0 - a)/b, gamma = 1, c b^2)``;
11. the rates ``2 c g delta`` (below) and ``2 c (lambda_2 - O_0)(O_0 - lambda_1)`` (inside, two levels) vanish at
    ``O_0 = lambda_1`` with slopes ``-2 c g`` and ``+2 c g``.

Numeric evidence (quick profile; the matrix flow uses the isospectral integrator, so the attractor is exact):
the flow (``d = 4``, ``O = diag(-1, -0.2, 0.5, 1.3)``, Haar ``M(0)`` and input, ``c = 1``) at ``O_0`` below, at, inside
and above the range: fitted rates of ``|yhat - yhat_inf|`` against the derived ones (relative ``2e-3``), the critical
tail sublinear with exponent within ``0.02`` of 2 and ``8 c^2 g^2 L(T) T^2`` within ``0.02`` of 1; the matrix flow
against the reduced Gibbs ODE (``1e-7``, RK4 ``dt = 0.005``); the shifted two-level flow (``O = 0.5 + 1.5 Z``)
against S12's closed forms under the affine map (``1e-8``); a dense QNN (``p = 240``, one sample): exponent
within ``0.05`` of 2 at ``O_0 = O_min``, linear tails elsewhere, the rate proportional to ``delta`` below (the ratio
measured/derived equal at ``delta = 0.5`` and ``0.25`` within 1 percent), equal to the QNN's own linearisation
``2 eta delta h_min`` (``h_min`` the least positive eigenvalue of the Hessian of ``yhat`` at ``theta(T)``) within ``1e-3``
(inside: to its own kernel rate ``eta |grad yhat(theta(T))|^2`` within ``1e-3``),
and within 35 percent of the flow's derived rate (a single finite-``p`` model: its local constant differs from ``c`` by ``O(p^{-1/2})``; this is not a convergence
claim).  Property: random spectra (``d = 2, 3, 4``), Haar inputs, targets in ``[lambda_1 - 1, lambda_d + 1]``: the matrix
flow on ``[0, 1]`` equals the reduced Gibbs ODE within ``1e-7`` times the spread.
"""

from __future__ import annotations

import numpy as np

from qnnsym.proofkit import run_property
from qnnsym.theorems import Golden, NumericEvidence, Step, Theorem

STATEMENT = (
    r"For one pure input, $O$ with eigenvalues $\lambda_1<\lambda_2\le\dots$ and $L=(\langle O\rangle-O_0)^2/2$ under the "
    r"asymptotic flow: if $O_0<O_{min}$, $\hat y\to O_{min}$ and $L-L_\infty$ decays at $2cg(O_{min}-O_0)$, $g=\lambda_2-\lambda_1$; "
    r"if $O_0$ is inside the range, $|r|$ decays at $2c\,\mathrm{Var}_\infty$ (two levels: $2c(\lambda_2-O_0)(O_0-\lambda_1)$), "
    r"with $\mathrm{Var}_\infty\sim g(O_0-O_{min})$; at $O_0=O_{min}$, $L\sim 1/(8c^2g^2t^2)$. The rates vanish at the critical "
    r"target from both sides (slopes $\mp 2cg$)."
)


# ----------------------------------------------------------------------------- noncommutative rewriting
def _reduce(expr, rules):
    """Expand a noncommutative polynomial and rewrite each word with ``rules(word) -> (coef, word) | None``
    until nothing changes."""
    import sympy as sp

    from qnnsym.proofkit import nc_word

    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        coef, w = nc_word(term)
        w = list(w)
        while True:
            hit = rules(w)
            if hit is None:
                break
            f, w = hit
            coef *= f
        total += coef * (sp.Mul(*w) if w else sp.Integer(1))
    return sp.expand(total)


def _unitary_rules(V, Vd):
    def rules(w):
        for k in range(len(w) - 1):
            if (w[k], w[k + 1]) in ((V, Vd), (Vd, V)):
                return 1, w[:k] + w[k + 2:]
        return None
    return rules


def _pure_rules(rho, O, yhat):
    def rules(w):
        for k in range(len(w) - 1):
            if w[k] == rho and w[k + 1] == rho:
                return 1, w[:k + 1] + w[k + 2:]
            if k + 2 < len(w) and w[k] == rho and w[k + 1] == O and w[k + 2] == rho:
                return yhat, w[:k + 1] + w[k + 3:]
        return None
    return rules


# ----------------------------------------------------------------------------- steps
def _syms():
    import sympy as sp

    c, h, g = sp.symbols("c h g", positive=True)
    y0, r, beta, yhat, t = sp.symbols("O_0 r beta yhat t", real=True)
    lam = sp.symbols("lambda1:5", real=True)
    w = sp.symbols("w1:5", positive=True)
    return c, h, g, y0, r, beta, yhat, t, lam, w


def _gibbs_pops(n, lam, w):
    """``p_k = w_k x_k / Z`` with symbols ``x_k = e^{-beta lambda_k}`` and ``d/dbeta x_k = -lambda_k x_k``."""
    import sympy as sp

    x = sp.symbols(f"x1:{n + 1}", positive=True)
    Z = sum(w[k] * x[k] for k in range(n))
    p = [w[k] * x[k] / Z for k in range(n)]

    def dbeta(expr):
        return sum(sp.diff(expr, x[k]) * (-lam[k] * x[k]) for k in range(n))

    return x, p, dbeta


def _two_exp(lam, w):
    """``d = 3`` populations in ``X = e^{-g beta}``, ``S = e^{-h beta}`` (``lambda_2 = lambda_1 + g``,
    ``lambda_3 = lambda_2 + h``), with ``d/dbeta`` and ``u = yhat - lambda_1`` (common factor ``e^{-beta lambda_1}``
    cancelled)."""
    import sympy as sp

    X, S = sp.symbols("X S", positive=True)
    g, h = sp.symbols("g h", positive=True)
    Z = w[0] + w[1] * X + w[2] * X * S
    u = (g * w[1] * X + (g + h) * w[2] * X * S) / Z
    m2 = (g**2 * w[1] * X + (g + h) ** 2 * w[2] * X * S) / Z  # sum_k (lambda_k - lambda_1)^2 p_k

    def dbeta(expr):
        return sp.diff(expr, X) * (-g * X) + sp.diff(expr, S) * (-h * S)

    return X, S, g, h, u, m2, dbeta


def _at_origin(expr, X, S):
    """The value at ``X = S = 0`` of a rational function whose cancelled denominator does not vanish there
    (so the limit ``beta -> infinity`` is that value); ``None`` if the denominator vanishes."""
    import sympy as sp

    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    d0 = sp.simplify(den.subs({X: 0, S: 0}))
    if d0 == 0:
        return None
    return sp.cancel(num.subs({X: 0, S: 0}) / d0)


def _steps(rate_constant=2, critical_constant=8) -> list[Step]:
    """``rate_constant = 2`` and ``critical_constant = 8`` are N3's ``2cg delta`` and ``1/(8c^2g^2)`` (tests pass
    wrong ones)."""
    import sympy as sp

    from qnnsym.proofkit import hermitian_symbols

    c, _, _, y0, r, beta, yhat, t, lam, w = _syms()
    V, Vd, O, rho, M = sp.symbols("V Vdag O rho M", commutative=False)
    steps = []

    # 1. frame change
    def frame():
        Mv = Vd * O * V
        A = -c * r * (Mv * rho - rho * Mv)
        # the product rule with V' = VA and (V')† = A†V† = −AV† (A is anti-Hermitian: M, ρ Hermitian, c r real)
        m_dot = (-A * Vd) * O * V + Vd * O * (V * A)
        ok0 = _reduce(m_dot - (Mv * A - A * Mv), _unitary_rules(V, Vd)) == 0
        flow = -c * r * (Mv * (Mv * rho - rho * Mv) - (Mv * rho - rho * Mv) * Mv)
        ok1 = ok0 and _reduce(Mv * A - A * Mv - flow, _unitary_rules(V, Vd)) == 0
        rt = V * rho * Vd
        lhs = _reduce(V * (A * rho - rho * A) * Vd, _unitary_rules(V, Vd))
        rhs = _reduce(-c * r * ((O * rt - rt * O) * rt - rt * (O * rt - rt * O)), _unitary_rules(V, Vd))
        return ok1 and sp.expand(lhs - rhs) == 0

    steps.append(Step("M = V†OV, A = −cr[M, ρ] (anti-Hermitian): with V′ = VA, M′ = (V′)†OV + V†OV′ = −AM + MA = "
                      "[M, A] = −cr[M, [M, ρ]], the flow; and ρ̃ = VρV† obeys "
                      "ρ̃′ = V[A, ρ]V† = −cr[[O, ρ̃], ρ̃]", "word rewriting (V V† = V† V = 1)", check=frame))

    def pure():
        lhs = _reduce((O * rho - rho * O) * rho - rho * (O * rho - rho * O), _pure_rules(rho, O, yhat))
        return sp.expand(lhs - (O * rho + rho * O - 2 * yhat * rho)) == 0

    steps.append(Step("pure ρ̃: [[O, ρ̃], ρ̃] = Oρ̃ + ρ̃O − 2ŷρ̃, i.e. φ′ = −cr(O − ŷ)φ", "word rewriting (ρ² = ρ, ρOρ = ŷρ)",
                      check=pure))

    # 3. populations, explicit d = 3
    def populations():
        xs = sp.symbols("a1:4", real=True)
        ys = sp.symbols("b1:4", real=True)
        phi = sp.Matrix([xs[k] + sp.I * ys[k] for k in range(3)])
        nrm = sum(xs[k] ** 2 + ys[k] ** 2 for k in range(3))
        R = phi * phi.H / nrm
        Om = sp.diag(*lam[:3])
        yh = (Om * R).trace()
        rdot = -c * r * ((Om * R - R * Om) * R - R * (Om * R - R * Om))
        return all(sp.cancel(sp.together(sp.expand(rdot[k, k] + 2 * c * r * (lam[k] - yh) * R[k, k]))) == 0 for k in range(3))

    steps.append(Step("d = 3, ρ̃ = φφ†/|φ|², O = diag(λ): p_k′ = (ρ̃′)_kk = −2cr(λ_k − ŷ)p_k", "rational_function",
                      check=populations))

    # 4. Gibbs form and d yhat / d beta
    def gibbs():
        x, p, dbeta = _gibbs_pops(3, lam, w)
        yh = sum(lam[k] * p[k] for k in range(3))
        var = sum(lam[k] ** 2 * p[k] for k in range(3)) - yh**2
        ok = all(sp.cancel(dbeta(p[k]) + (lam[k] - yh) * p[k]) == 0 for k in range(3))
        return ok and sp.cancel(dbeta(yh) + var) == 0

    steps.append(Step("p_k = w_k e^{−βλ_k}/Z(β): dp_k/dβ = −(λ_k − ŷ)p_k, so with β′ = 2cr the populations solve step 3 "
                      "(β(0) = 0: p_k(0) = w_k); dŷ/dβ = −Var_β(O) (d = 3, x_k = e^{−βλ_k})", "rational_function",
                      check=gibbs))
    # 5. ratio law
    pj, p1 = sp.symbols("p_j p_1", positive=True)
    steps.append(Step("d/dt ln(p_j/p_1) = p_j′/p_j − p_1′/p_1 = −2cr(λ_j − λ_1) exactly", "expand",
                      (-2 * c * r * (lam[1] - yhat) * pj) / pj - (-2 * c * r * (lam[0] - yhat) * p1) / p1,
                      -2 * c * r * (lam[1] - lam[0])))

    # 6. linearisation at the ground-state projector
    def linearisation():
        eps = sp.Symbol("epsilon")
        delta = lam[0] - y0
        for d in (2, 3, 4):
            X = hermitian_symbols(d, "X")
            Ms = sp.diag(*lam[:d])
            E = sp.zeros(d, d)
            E[0, 0] = 1
            Mt = Ms + eps * X
            F = -c * ((E * Mt).trace() - y0) * (Mt * (Mt * E - E * Mt) - (Mt * E - E * Mt) * Mt)
            DF = sp.diff(F, eps).subs(eps, 0)
            G = sp.zeros(d, d)
            for j in range(1, d):
                G[j, 0] = (lam[j] - lam[0]) * X[j, 0]
                G[0, j] = (lam[j] - lam[0]) * X[0, j]
            if sp.expand(DF + c * delta * G) != sp.zeros(d, d):
                return False
        return True

    steps.append(Step("linearisation of F(M) = −c(tr ρM − O₀)[M, [M, ρ]] at M* = diag(λ), ρ = |1⟩⟨1| (d = 2, 3, 4, any "
                      "Hermitian X): DF[X]_j1 = −cδ(λ_j − λ_1)X_j1, DF[X]_1j likewise, all other entries 0 (δ = λ_1 − O₀): "
                      "amplitudes decay at cδ(λ_j − λ_1), populations at 2cδ(λ_j − λ_1)", "expand", check=linearisation))

    # 7. below
    def below():
        X, S, g, h, u, _, _ = _two_exp(lam, w)
        return _at_origin(u / X, X, S) == g * w[1] / w[0]

    steps.append(Step("d = 3: (ŷ − λ_1)e^{gβ} → g w_2/w_1 as β → ∞ (rational in X = e^{−gβ}, S = e^{−hβ}; denominator w_1 at 0), "
                      "and β′ = 2cr → 2cδ: ŷ − λ_1 ~ e^{−2cgδt}, the slowest population ratio of step 5", "rational_function",
                      check=below))
    f2 = -2 * c * (lam[1] - yhat) * (yhat - lam[0]) * (yhat - y0)
    gap = lam[1] - lam[0]
    steps.append(Step(f"two levels: ŷ′ = f(ŷ) = −2c(λ_2 − ŷ)(ŷ − λ_1)(ŷ − O₀); below: −f′(λ_1) = {rate_constant}cg(λ_1 − O₀)",
                      "expand", -sp.diff(f2, yhat).subs(yhat, lam[0]), rate_constant * c * gap * (lam[0] - y0)))
    steps.append(Step("L − L_∞ = ((δ + e)² − δ²)/2 = δe + e²/2 (e = ŷ − λ_1): the same rate as e", "expand",
                      ((lam[0] - y0 + yhat) ** 2 - (lam[0] - y0) ** 2) / 2, (lam[0] - y0) * yhat + yhat**2 / 2))

    # 8. inside
    p2 = sp.Symbol("p2", real=True)
    steps.append(Step("two levels: Var = λ_1²(1 − p_2) + λ_2²p_2 − ŷ² = (λ_2 − ŷ)(ŷ − λ_1) with ŷ = λ_1(1 − p_2) + λ_2 p_2",
                      "expand", lam[0] ** 2 * (1 - p2) + lam[1] ** 2 * p2 - (lam[0] * (1 - p2) + lam[1] * p2) ** 2,
                      (lam[1] - (lam[0] * (1 - p2) + lam[1] * p2)) * ((lam[0] * (1 - p2) + lam[1] * p2) - lam[0])))
    ps = sp.symbols("q1:4", real=True)
    q = list(ps) + [1 - sum(ps)]
    yq = sum(lam[k] * q[k] for k in range(4))
    steps.append(Step("Bhatia–Davis (d = 4): (λ_4 − ŷ)(ŷ − λ_1) − Var = Σ_k p_k(λ_4 − λ_k)(λ_k − λ_1) ≥ 0", "expand",
                      (lam[3] - yq) * (yq - lam[0]) - (sum(lam[k] ** 2 * q[k] for k in range(4)) - yq**2),
                      sum(q[k] * (lam[3] - lam[k]) * (lam[k] - lam[0]) for k in range(4))))
    def linearised_inside():
        x, p, dbeta = _gibbs_pops(3, lam, w)
        yh = sum(lam[k] * p[k] for k in range(3))
        var = sum(lam[k] ** 2 * p[k] for k in range(3)) - yh**2
        return sp.cancel(dbeta(2 * c * (yh - y0)) + 2 * c * var) == 0

    steps.append(Step("inside: β′ = 2c(ŷ(β) − O₀) has the fixed point ŷ(β*) = O₀ and d/dβ[2c(ŷ(β) − O₀)] = −2c Var_β "
                      "(d = 3), so β − β* and r = ŷ − O₀ ≈ −Var_β*(β − β*) decay at 2c Var_∞ (L at 4c Var_∞)",
                      "rational_function", check=linearised_inside))

    def var_ratio():
        X, S, g, h, u, m2, _ = _two_exp(lam, w)
        return _at_origin((m2 - u**2) / u, X, S) == g

    steps.append(Step("d = 3: Var/(ŷ − λ_1) → g as β → ∞, so Var_∞ ~ g(O₀ − O_min) as O₀ → O_min⁺", "rational_function",
                      check=var_ratio))

    # 9. critical
    def critical_two():
        from qnnsym.symbolic.flow import c as c_, e as e_, gamma as gam, one_sample_solution

        sol_b = one_sample_solution("boundary").results["solution"]
        g = sp.Symbol("g", positive=True)
        ode_ok = sp.expand(f2.subs(y0, lam[0]).subs(yhat, lam[0] + e_).subs(lam[1], lam[0] + g)
                           + 2 * c * e_**2 * (g - e_)) == 0
        s12_ok = sp.expand((-2 * c_ * e_**2 * (2 * gam - e_)).subs(gam, g / 2).subs(c_, c) + 2 * c * e_**2 * (g - e_)) == 0
        lim = sp.limit(e_ * sol_b.subs(gam, g / 2), e_, 0, "+").subs(c_, c)
        return ode_ok and s12_ok and sp.cancel(lim - 1 / (2 * c * g)) == 0

    steps.append(Step("O₀ = λ_1, two levels, u = ŷ − λ_1: u′ = −2cu²(g − u) = S12's boundary ODE at γ = g/2; its closed form "
                      "gives u·t → 1/(2cg)", "expand, sympy.limit", check=critical_two, uses=("S12",)))

    def critical_d3():
        X, S, g, h, u, _, dbeta = _two_exp(lam, w)
        return _at_origin(-u / (2 * c * dbeta(u)), X, S) == 1 / (2 * c * g)

    steps.append(Step("O₀ = λ_1, d = 3: t(β) = ∫dβ/(2cu) and 1/u both → ∞, so lim u·t = lim (1/(2cu))/(−u_β/u²) = "
                      "lim −u/(2c u_β) = 1/(2cg)", "rational_function (L'Hôpital)", check=critical_d3))
    g_ = sp.Symbol("g", positive=True)
    gam = sp.Symbol("gamma", positive=True)
    steps.append(Step(f"L = u²/2 ~ 1/({critical_constant}c²g²t²); at g = 2γ this is S12's 1/(32c²γ²t²)", "cancel",
                      sp.Matrix([(1 / (2 * c * g_)) ** 2 / 2, (1 / (critical_constant * c**2 * g_**2)).subs(g_, 2 * gam)]),
                      sp.Matrix([1 / (critical_constant * c**2 * g_**2), 1 / (32 * c**2 * gam**2)])))

    # 10. affine reduction
    a, b = sp.symbols("a b", real=True)
    yt, yt0 = sp.symbols("ytilde ytilde_0", real=True)
    f_s12 = lambda u, y, gamma, cc: -2 * cc * (gamma**2 - u**2) * (u - y)  # noqa: E731
    steps.append(Step("O = aI + bP (spectrum a ∓ b), ŷ = a + bỹ, O₀ = a + bỹ₀: f(ŷ) = b·f_S12(ỹ; ỹ₀, γ = 1, cb²); critical "
                      "target a − b (ỹ₀ = −1)", "expand",
                      f2.subs({lam[0]: a - b, lam[1]: a + b}).subs({yhat: a + b * yt, y0: a + b * yt0}),
                      b * f_s12(yt, yt0, 1, c * b**2)))

    # 11. both rates vanish at the critical target
    inside2 = 2 * c * (lam[1] - y0) * (y0 - lam[0])
    below2 = 2 * c * gap * (lam[0] - y0)
    steps.append(Step("at O₀ = λ_1: 2cg(λ_1 − O₀) = 0 = 2c(λ_2 − O₀)(O₀ − λ_1); slopes in O₀: −2cg and +2cg", "expand",
                      sp.Matrix([below2.subs(y0, lam[0]), inside2.subs(y0, lam[0]), sp.diff(below2, y0),
                                 sp.diff(inside2, y0).subs(y0, lam[0])]),
                      sp.Matrix([0, 0, -2 * c * gap, 2 * c * gap])))
    steps.append(Step("general d: steps 3, 4, 7, the Var ratio and the d = 3 critical limit hold for every d (each is "
                      "componentwise in the eigenbasis of O); closed above on d = 3 (linearisation d = 2, 3, 4) instances",
                      "open: argued; checked by the property (random spectra, d = 2, 3, 4) and the d = 4 flow evidence"))
    return steps


def _golden_below():
    import sympy as sp

    u = sp.Symbol("u")
    f = -2 * (2 - u) * (u + 1) * (u + 2)
    return -sp.diff(f, u).subs(u, -1)


def _golden_critical():
    import sympy as sp

    from qnnsym.symbolic.flow import c, e, gamma, one_sample_solution

    sol = one_sample_solution("boundary").results["solution"].subs({gamma: sp.Rational(3, 2), c: 1})
    return sp.limit(e * sol, e, 0, "+") ** 2 / 2


def _golden() -> list[Golden]:
    import sympy as sp

    def gibbs_rate():
        x = sp.Symbol("x", positive=True)  # e^{-beta} for spectrum (0, 1, 2), w = (1/4, 1/2, 1/4)
        w = (sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(1, 4))
        Z = w[0] + w[1] * x + w[2] * x**2
        yh = (w[1] * x + 2 * w[2] * x**2) / Z
        m2 = (w[1] * x + 4 * w[2] * x**2) / Z
        (root,) = [s for s in sp.solve(sp.Eq(yh, sp.Rational(2, 3)), x) if s.is_positive]
        return sp.nsimplify(2 * (m2 - yh**2).subs(x, root))  # 2 c Var_inf at c = 1

    return [
        Golden("2c·Var_∞ for spectrum (0, 1, 2), w = (1/4, 1/2, 1/4), O₀ = 2/3, c = 1 (e^{−β*} = 1/2)", gibbs_rate,
               sp.Rational(8, 9)),
        Golden("below rate −f′(λ_1) of the two-level ODE, spectrum (−1, 2), O₀ = −2, c = 1", _golden_below, 6),
        Golden("critical constant: (lim e·t)²/2 from S12's boundary closed form at γ = g/2 = 3/2, c = 1", _golden_critical,
               sp.Rational(1, 72)),
    ]


# ----------------------------------------------------------------------------- numeric evidence
_SPEC = (-1.0, -0.2, 0.5, 1.3)
_C, _SEED = 1.0, 3
#: (O_0, t_final, dt) for the flow (the isospectral step is second order: dt = 0.1 where the rate is small); the
#: critical target is O_min = -1
_FLOW = ((-1.5, None, 0.05), (-1.1, None, 0.1), (-1.0, 500.0, 0.1), (-0.9, None, 0.1), (0.3, None, 0.05), (1.8, None, 0.05))
_QNN_P = 240
_QNN = ((-1.5, 60.0), (-1.25, 120.0), (-1.0, 200.0), (0.3, 60.0))


def _two_level_shift(profile: str):
    """``O = 0.5 + 1.5 Z`` (spectrum ``{-1, 2}``): the matrix flow against S12's closed form under the affine map."""
    from qnnsym.numeric import asymptotic_flow, haar_states, haar_unitaries
    from qnnsym.proofs.s12_one_sample import closed_form

    a, b, c = 0.5, 1.5, 0.5
    V = haar_unitaries(2, 1, seed=1300)[0]
    psi = haar_states(2, 1, seed=1301)[0]
    m0 = V.conj().T @ np.diag([a - b, a + b]) @ V
    worst = 0.0
    for y in (-2.0, -1.0, 0.7):
        traj = asymptotic_flow(m0, np.outer(psi, psi.conj())[None], [y], c=c, t_final=4.0, dt=0.005)
        yh = traj.residuals[:, 0] + y
        exact = a + b * closed_form(traj.times, (yh[0] - a) / b, (y - a) / b, 1.0, c * b * b)
        worst = max(worst, float(np.max(np.abs(yh - exact))))
    return worst


_PARTS = ("flow", "critical", "reduced", "shift", "qnn")


def _qnn_kernel_rate(spec, y: float, theta) -> float:
    """Inside the range, one sample: ``r' = -eta K r`` with the scalar kernel ``K = |grad yhat|^2`` (S2), so the terminal
    rate of ``|r|`` is ``eta |grad yhat(theta*)|^2``."""
    from qnnsym.model import Dataset
    from qnnsym.neighbours.transition import _instance
    from qnnsym.numeric import jacobian

    _, psi, _, (model, _) = _instance(spec, "qnn", _QNN_P, _SEED)
    J = jacobian(model, Dataset(psi[None], [y]), theta)[0]
    return float((_C / model.kappa()) * J @ J)


def _qnn_local_rate(spec, y: float, theta) -> float:
    """The finite-``p`` QNN's own asymptotic rate below ``O_min``: near the minimiser ``theta*`` of ``yhat``,
    ``yhat - O_min ~ (theta - theta*)^T H (theta - theta*)/2`` and ``theta' = -eta r grad yhat ~ -eta delta H (theta - theta*)``,
    so ``yhat - O_min`` decays at ``2 eta delta h_min`` (``h_min`` the least positive eigenvalue of the Hessian ``H`` of
    ``yhat``, by central differences of the adjoint Jacobian at ``theta(T)``; ``eta h_min -> c g`` as ``p -> infinity``)."""
    from qnnsym.model import Dataset
    from qnnsym.neighbours.transition import _instance
    from qnnsym.numeric import jacobian

    _, psi, _, (model, _) = _instance(spec, "qnn", _QNN_P, _SEED)
    data = Dataset(psi[None], [y])
    p, h = theta.size, 1e-4
    hess = np.array([(jacobian(model, data, theta + h * v)[0] - jacobian(model, data, theta - h * v)[0]) / (2 * h)
                     for v in np.eye(p)])
    ev = np.linalg.eigvalsh(0.5 * (hess + hess.T))
    h_min = float(ev[ev > 1e-6 * ev.max()].min())
    return 2.0 * (_C / model.kappa()) * (spec[0] - y) * h_min


def _numeric(profile: str, *, rate_scale: float = 1.0, critical_offset: float = 0.0,
             critical_kind: str = "sublinear", parts: tuple = _PARTS) -> NumericEvidence:
    """``rate_scale = 1``, ``critical_offset = 0`` and ``critical_kind = "sublinear"`` are N3's claims (tests pass a wrong
    rate constant, a wrong critical target or "linear" at the critical target, and may run only some ``parts``)."""
    from qnnsym.neighbours.transition import _instance, measure_transition, reduced_flow
    from qnnsym.numeric import asymptotic_flow

    spec = np.array(_SPEC)
    crit = spec[0] + critical_offset
    worst, lines = 0.0, []
    flow_targets = [(crit if y == -1.0 else y, T, dt) for y, T, dt in _FLOW
                    if ("critical" if y == -1.0 else "flow") in parts]
    for y, T, dt in flow_targets:
        (run,) = measure_transition(spec, [y], _C, engine="flow", seed=_SEED, t_final=T, dt=dt)
        if y == crit:
            ok = run.kind == critical_kind and (critical_kind != "sublinear" or
                                                (abs(run.exponent - 2) <= 0.02 and abs(run.constant_ratio - 1) <= 0.02))
            worst = max(worst, 0.0 if ok else np.inf)
            lines.append(f"flow O₀ = {y:g} (claimed critical): tail {run.kind} (claimed {critical_kind}), exponent "
                         f"{run.exponent:.4f} (|α − 2| ≤ 0.02), 8c²g²L(T)T² = {run.constant_ratio:.4f} (tol 0.02)")
        else:
            pred = rate_scale * run.derived.residual_rate
            err = abs(run.measured_rate / pred - 1) if np.isfinite(run.measured_rate) and pred > 0 else np.inf
            worst = max(worst, err / 2e-3, 0.0 if run.kind == "linear" else np.inf)
            lines.append(f"flow O₀ = {y:g} ({run.derived.regime}): rate {run.measured_rate:.6g} vs derived {pred:.6g} "
                         f"(rel {err:.1e}, tol 2e-3)")
    # the matrix flow against the reduced Gibbs ODE (an independent road)
    m0, psi, w, _ = _instance(spec, "flow", 0, _SEED)
    red_err = 0.0
    for y in ((-1.5, -1.0, 0.3) if "reduced" in parts else ()):
        traj = asymptotic_flow(m0, np.outer(psi, psi.conj())[None], [y], c=_C, t_final=5.0, dt=0.005, record_every=20)
        red = reduced_flow(spec, w, y, rate_scale * _C, traj.times)
        red_err = max(red_err, float(np.max(np.abs(traj.residuals[:, 0] + y - red.yhat))))
    if "reduced" in parts:
        worst = max(worst, red_err / 1e-7)
        lines.append(f"matrix flow vs reduced Gibbs ODE on [0, 5] (3 targets): {red_err:.1e} (tol 1e-7)")
    if "shift" in parts:
        shift_err = _two_level_shift(profile)
        worst = max(worst, shift_err / 1e-8)
        lines.append(f"O = 0.5 + 1.5Z against S12's closed form under ŷ = a + bỹ (O₀ = −2, −1, 0.7): {shift_err:.1e} "
                     "(tol 1e-8)")
    # a finite QNN
    ratios = {}
    for y, T in (_QNN if "qnn" in parts else ()):
        y = crit if y == -1.0 else y
        (run,) = measure_transition(spec, [y], _C, engine="qnn", p=_QNN_P, seed=_SEED, t_final=T, dt=0.2)
        if y == crit:
            ok = run.kind == critical_kind and (critical_kind != "sublinear" or abs(run.exponent - 2) <= 0.05)
            worst = max(worst, 0.0 if ok else np.inf)
            lines.append(f"QNN p = {_QNN_P} O₀ = {y:g}: tail {run.kind}, exponent {run.exponent:.4f} (|α − 2| ≤ 0.05), "
                         f"8c²g²L(T)T² = {run.constant_ratio:.3f}")
        else:
            pred = rate_scale * run.derived.residual_rate
            ratio = run.measured_rate / pred
            ratios[y] = ratio
            # the QNN's own linearisation at theta(T): inside, m = 1 gives r' = -eta |J|^2 r (rate eta |J(theta*)|^2);
            # below, the Hessian of yhat at its minimiser sets the rate
            own_rate = {0.3: (_qnn_kernel_rate, "its own kernel η|∇ŷ(θ(T))|²"),
                        -1.5: (_qnn_local_rate, "its own linearisation 2ηδh_min(∇²ŷ(θ(T)))")}.get(y)
            if own_rate is not None:
                fn, what = own_rate
                own = rate_scale * fn(spec, y, run.final)
                err = abs(run.measured_rate / own - 1)
                worst = max(worst, err / 1e-3)
                lines.append(f"QNN O₀ = {y:g}: rate {run.measured_rate:.6g} vs {what} = {own:.6g} (rel {err:.1e}, tol 1e-3)")
            # the comparison with the limit flow's rate is reported, not checked: one finite-p model's local
            # constant differs from c; the checks are the QNN's own linearisation above and the law (rate ∝ δ) below
            worst = max(worst, 0.0 if run.kind == "linear" and np.isfinite(ratio) else np.inf)
            lines.append(f"QNN O₀ = {y:g} ({run.derived.regime}): rate {run.measured_rate:.5g} vs flow-derived {pred:.5g} "
                         f"(ratio {ratio:.4f}, reported)")
    below = [ratios[y] for y in (-1.5, -1.25) if y in ratios]
    if len(below) == 2:
        spread = abs(below[0] / below[1] - 1)
        worst = max(worst, spread / 1e-2)
        lines.append(f"QNN rate ∝ δ below O_min: ratio(δ = 0.5)/ratio(δ = 0.25) − 1 = {spread:.1e} (tol 1e-2)")
    return NumericEvidence(float(worst), 1.0, "errors in units of their tolerances; " + "; ".join(lines),
                           sizes={"spectrum": list(_SPEC), "c": _C, "p_qnn": _QNN_P}, seeds=(_SEED, 1300, 1301))


def _property(max_examples: int, *, rate_scale: float = 1.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.neighbours.transition import reduced_flow
    from qnnsym.numeric import asymptotic_flow, haar_states, haar_unitaries
    from qnnsym.strategies import seeds

    @given(st.sampled_from((2, 3, 4)), st.floats(0.0, 1.0), st.floats(0.1, 1.0), seeds)
    def prop(d, frac, c, seed):
        rng = np.random.default_rng(seed)
        spec = np.sort(rng.uniform(-1.0, 1.0, d))
        spec[-1] = max(spec[-1], spec[0] + 0.2)
        y = spec[0] - 1.0 + frac * (spec[-1] - spec[0] + 2.0)
        V = haar_unitaries(d, 1, seed=seed % (2**31))[0]
        psi = haar_states(d, 1, seed=(seed + 1) % (2**31))[0]
        m0 = V.conj().T @ np.diag(spec) @ V
        traj = asymptotic_flow(m0, np.outer(psi, psi.conj())[None], [y], c=c, t_final=1.0, dt=0.002, record_every=50)
        red = reduced_flow(spec, np.abs(V @ psi) ** 2, y, rate_scale * c, traj.times)
        err = float(np.max(np.abs(traj.residuals[:, 0] + y - red.yhat)))
        assert err <= 1e-7 * (spec[-1] - spec[0]), (err, d, y, c)

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="N3",
        title="Dynamical transition at the critical target O₀ = O_min (Zhang, Liu, Wu, Jiang, Zhuang 2024)",
        statement=STATEMENT,
        claimed="CHECKED",
        assumptions=["the asymptotic flow M′ = −c[M, [M, R]] (Theorem 4.2's limit dynamics) with c > 0, m = 1, ρ pure",
                     "the input overlaps λ_1 and λ_2 (w_1, w_2 > 0; generic); g is the gap to the next populated level",
                     "Var_∞ inside the range is that of the Gibbs tilt of the initial populations w_k (fixed by O₀ alone "
                     "for two levels)"],
        uses=["S12"],
        steps=_steps(),
        golden=_golden(),
        numeric=_numeric,
        property=_property,
        notes=("CHECKED, not PROVED: the reduction to the Gibbs ODE and the rates are exact symbolic steps, but several "
               "(populations, Gibbs form, the limits below the range and at O_min, Var/(ŷ − λ_1) → g) are closed on d = 3 "
               "instances and the linearisation on d = 2, 3, 4; their general-d form is the open step, supported by the "
               "property (random spectra with d = 2, 3, 4) and the d = 4 flow evidence. The finite-QNN runs are evidence "
               "of the same laws (exponent 2 at O_min, rate ∝ δ below, each rate equal to the QNN's own linearisation); "
               "a single model's local constant differs from c (ratio ≈ 0.71 at p = 240 for this seed), which is "
               "reported, not checked."),
    )
