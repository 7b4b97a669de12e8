r"""S11 (properties of the asymptotic flow ``M' = -c[M, [M, R]]``, ``R = sum_i r_i rho_i``).

1. **Isospectral**: ``tr M^k`` is conserved for every ``k``; by Newton's identities the characteristic
   polynomial, hence the spectrum, is conserved.
2. **Monotone loss**: ``L' = sum_i r_i r_i' = tr(R M') = -c ||[M, R]||_F^2 <= 0``.
3. **Fixed points** are exactly the ``M`` with ``[M, R] = 0``.
4. **Local rate**: at a zero-loss ``M*`` the residual obeys ``r' = -c K^asym(M*) r + O(|r|^2)`` with
   ``K^asym_ij(M*) = -tr(A_i A_j) = <A_i, A_j>_HS``, ``A_i = [M*, rho_i]``: a Gram matrix, positive
   definite iff the ``A_i`` are linearly independent.  Then every residual mode decays at least like
   ``exp(-c lambda_min t)`` (loss: ``2 c lambda_min``); if they are dependent, ``K^asym(M*) v = 0`` for some
   ``v != 0`` and ``(v . r)' = O(|r|^2)``: no linear rate in that direction.

Derivation (each step closes by the rewrite or computation it names):

- ``d/dt tr M^k = [eps^1] tr (M + eps M')^k = k tr(M^{k-1} M')`` and, with the double bracket,
  ``= 0``: shown abstractly for ``k = 1..6`` with noncommutative symbols and a *cyclic-trace rewrite*
  (:func:`cyclic_trace`: expand into words, rotate every word to its lexicographically least rotation —
  legitimate because ``tr(XY) = tr(YX)`` makes the trace of a word invariant under rotation — and collect;
  if the collected polynomial is zero the trace identity holds for all square matrices), and on explicit
  symbolic Hermitian ``2 x 2`` and ``3 x 3`` matrices (``expand``) for ``k = 2, 3``;
- Newton's identities on explicit ``2 x 2`` and ``3 x 3`` matrices (``expand``);
- ``tr(R M') = -c ||[M, R]||_F^2`` abstractly (cyclic trace, with ``[M, R]^dag = -[M, R]``) and on explicit
  ``2 x 2`` Hermitian ``M, rho_1, rho_2`` with ``r_i = tr(rho_i M) - y_i`` (``expand_complex``: the right side
  is ``-c`` times a sum of squares of real polynomials);
- ``M' = -c[M, A]`` is linear in ``A = [M, R]``; with step 2, ``M' = 0  =>  ||A||^2 = 0``;
- ``K^asym_ij = tr(A_i^dag A_j)`` for anti-Hermitian ``A_i``, ``x^T K x = ||sum_i x_i A_i||_F^2`` (``expand``),
  ``Re tr(A^dag B)`` is the Euclidean product of the real coordinates (``expand_complex``), Lagrange's
  identity for the ``2 x 2`` Gram determinant (``expand``: zero iff the coordinate vectors are parallel),
  and ``det K = 0`` when ``A_2 = s A_1`` (``expand``);
- ``K^asym(M* + E) - K^asym(M*)`` = terms linear in ``E`` plus ``-tr([E, rho_i][E, rho_j])`` (``expand``), and
  ``M'`` is linear in ``r``, so ``||M(t) - M*|| <= int_t^oo ||M'|| = O(|r(t)|)`` once ``r`` decays exponentially;
- the linearised flow is kernel regression with the frozen kernel ``c K^asym(M*)`` (by S3).

Numeric evidence (fixed seeds): drift of the spectrum under the isospectral integrator against the
round-off bound ``10 eps d n ||M||`` (``n`` steps); the RK4 drift converges at order 4 (measured order
``>= 3.5`` over ``dt = 0.04, 0.02, 0.01``); the loss is non-increasing along both integrators up to its
round-off; ``L'`` (five-point stencil) against ``-c r^T K^asym r = -c ||[M, R]||^2`` (relative ``1e-6``); at
numerically found zero-loss ``M*`` (RK4 flow to ``T = 30`` with labels ``|y| < 1`` for ``+-1`` spectra,
``K* = K^asym(M(T))``) the loss rate against ``2 c lambda_min(K*)``, fitted where the slowest eigen-mode carries all but
``1e-3`` of the loss and ``|r|^2 < 1e-8``, and the decay rate of each eigen-component ``v_k . r`` against
``c lambda_k``, fitted where ``|r|^2 < 1e-8``, the component exceeds the ``O(|r|^2)`` coupling by ``1e3`` and
round-off by ``1e3`` (relative tolerance ``1e-3`` for both; a fast mode that never rises above the coupling is
reported as n/a, the slowest always qualifies); with labels ``+-1`` (dependent commutators: ``[M*, rho_i] -> 0``;
isospectral integrator, so the labels stay exactly at the spectrum's extremes) the tail is classified
sublinear.
Property: random Hermitian ``M(0)`` (Haar conjugates of ``+-1`` spectra and of random spectra), random
data and ``c``: ``tr M^k`` (``k = 1..d``) conserved to ``10 eps d n k ||M||^k`` and the loss non-increasing
to round-off along short flows.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qnnsym.proofkit import commutator, cyclic_trace, hermitian_symbols, lagrange_identity_step, run_property
from qnnsym.proofkit import nc_word as _word
from qnnsym.theorems import NumericEvidence, Step, Theorem
from qnnsym.tolerances import EPS

__all__ = ["build"]

STATEMENT = (
    r"Along $M' = -c[M,[M,R]]$: $\mathrm{tr}\,M^k$ is conserved (the flow is isospectral); "
    r"$L' = -c\|[M,R]\|_F^2 \le 0$; the fixed points are the $M$ with $[M,R]=0$; at a zero-loss $M^*$, "
    r"$r' = -cK^{asym}(M^*)r + O(|r|^2)$ with $K^{asym}(M^*)$ the Gram matrix of $A_i=[M^*,\rho_i]$, so the local "
    r"rate is linear (at least $c\lambda_{\min}(K^{asym}(M^*))$ for $|r|$) iff the $A_i$ are linearly independent."
)


def _frobenius_sq(a):
    """``||A||_F^2 = sum_ab |A_ab|^2`` as a sum of squares of real polynomials (``expand_complex``)."""
    import sympy as sp

    return sum((sp.re(sp.expand_complex(x)) ** 2 + sp.im(sp.expand_complex(x)) ** 2 for x in a), sp.Integer(0))


def _steps(loss_factor=1) -> list[Step]:
    """``loss_factor = 1`` is S11's ``L' = -c||[M, R]||^2`` (tests pass a wrong one)."""
    import sympy as sp

    c = sp.Symbol("c", positive=True)
    eps = sp.Symbol("epsilon")
    M, Md, R = sp.symbols("M Mdot R", commutative=False)
    rho1, rho2 = sp.symbols("rho_1 rho_2", commutative=False)
    r1, r2 = sp.symbols("r_1 r_2", real=True)
    flow = -c * commutator(M, commutator(M, R))
    steps = []

    # 1. isospectrality, abstractly for k = 1..6
    def power_sums_conserved(kmax=6):
        for k in range(1, kmax + 1):
            deriv = sp.expand((M + eps * Md) ** k).coeff(eps, 1)  # product rule: d/dt M^k
            if cyclic_trace(deriv - k * M ** (k - 1) * Md) != 0:
                return False
            if cyclic_trace(deriv.subs(Md, flow)) != 0:
                return False
        return True

    steps.append(Step("d/dt tr M^k = [ε¹] tr(M + εM′)^k = k tr(M^(k−1) M′) = 0 for M′ = −c[M, [M, R]], k = 1..6 "
                      "(noncommutative symbols)", "cyclic trace, expand", check=power_sums_conserved))

    # explicit 2x2 and 3x3 Hermitian matrices, k = 2, 3
    for d in (2, 3):
        Mx, Rx = hermitian_symbols(d, "m"), hermitian_symbols(d, "q")
        Mdx = -c * commutator(Mx, commutator(Mx, Rx))
        lhs = sp.Matrix([sum(((Mx**j * Mdx * Mx ** (k - 1 - j)).trace() for j in range(k)), sp.Integer(0)) for k in (2, 3)])
        steps.append(Step(f"explicit {d}×{d} Hermitian M, R: d/dt tr M² = d/dt tr M³ = 0", "expand", lhs, sp.zeros(2, 1)))

    # Newton's identities: power sums determine the characteristic polynomial
    M2, M3 = hermitian_symbols(2, "m"), hermitian_symbols(3, "m")
    p = [None] + [(M3**k).trace() for k in (1, 2, 3)]
    e2 = (p[1] ** 2 - p[2]) / 2
    e3 = (p[1] ** 3 - 3 * p[1] * p[2] + 2 * p[3]) / 6
    lam = sp.Symbol("lambda")
    steps.append(Step("Newton (d = 2): det(λ − M) = λ² − tr M λ + (tr²M − tr M²)/2, so tr M, tr M² fix the spectrum",
                      "expand", (lam * sp.eye(2) - M2).det(), lam**2 - M2.trace() * lam + (M2.trace() ** 2 - (M2**2).trace()) / 2))
    steps.append(Step("Newton (d = 3): det(λ − M) = λ³ − p₁λ² + e₂λ − e₃ with e₂, e₃ polynomials in p_k = tr M^k",
                      "expand", (lam * sp.eye(3) - M3).det(), lam**3 - p[1] * lam**2 + e2 * lam - e3))

    # 2. L' = tr(R M') = -c ||[M, R]||^2
    A = commutator(M, R)
    steps.append(Step("tr(R M′) = c tr([M, R]²) (noncommutative symbols; with [M, R]† = −[M, R] this is −c‖[M, R]‖²_F)",
                      "cyclic trace, expand", check=lambda: cyclic_trace(R * flow - c * A * A) == 0))
    steps.append(Step("Σ_i r_i tr(ρ_i M′) = tr(R M′) for R = Σ_i r_i ρ_i (m = 2)", "cyclic trace, expand",
                      check=lambda: cyclic_trace((r1 * rho1 + r2 * rho2) * Md - r1 * rho1 * Md - r2 * rho2 * Md) == 0))
    Mx, q1, q2 = hermitian_symbols(2, "m"), hermitian_symbols(2, "a"), hermitian_symbols(2, "b")
    y1, y2 = sp.symbols("y_1 y_2", real=True)
    res = [sp.expand((q1 * Mx).trace()) - y1, sp.expand((q2 * Mx).trace()) - y2]
    Rx = res[0] * q1 + res[1] * q2
    Ax = commutator(Mx, Rx)
    Mdx = -c * commutator(Mx, Ax)
    ldot = res[0] * (q1 * Mdx).trace() + res[1] * (q2 * Mdx).trace()
    steps.append(Step(f"explicit 2×2, m = 2, r_i = tr(ρ_i M) − y_i: L′ = Σ_i r_i tr(ρ_i M′) = −{'' if loss_factor == 1 else loss_factor}c Σ_ab |[M, R]_ab|² "
                      "(a sum of squares of real polynomials: L′ ≤ 0)", "expand_complex", ldot, -loss_factor * c * _frobenius_sq(Ax)))

    # 3. fixed points
    Ag = sp.Matrix(2, 2, sp.symbols("g_0:4"))
    Om = c * Ax
    steps.append(Step("M′ = [Ω, M] with Ω = c[M, R] anti-Hermitian (Ω† + Ω = 0): a unitary conjugation (explicit 2×2, m = 2)",
                      "expand", sp.Matrix.hstack(Mdx - commutator(Om, Mx), Om.H + Om), sp.zeros(2, 4)))
    steps.append(Step("fixed points: A = [M, R] = 0 ⇒ M′ = −c[M, A] = 0 (generic A, substituted); conversely M′ = 0 ⇒ "
                      "tr(RM′) = −c‖A‖²_F = 0 ⇒ A = 0 (the identity above)", "expand",
                      (-c * commutator(Mx, Ag)).subs({g: 0 for g in Ag}), sp.zeros(2, 2)))

    # 4. Gram matrix
    A1, A2 = commutator(Mx, q1), commutator(Mx, q2)
    steps.append(Step("A_i = [M, ρ_i] is anti-Hermitian: A_i† + A_i = 0 (explicit 2×2)", "expand", A1.H + A1, sp.zeros(2, 2)))
    K = sp.Matrix(2, 2, lambda i, j: -((A1, A2)[i] * (A1, A2)[j]).trace())
    G = sp.Matrix(2, 2, lambda i, j: ((A1, A2)[i].H * (A1, A2)[j]).trace())
    steps.append(Step("K^asym_ij = −tr(A_i A_j) = tr(A_i† A_j) = ⟨A_i, A_j⟩_HS (explicit 2×2, m = 2)", "expand", K, G))
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    S = x1 * A1 + x2 * A2
    steps.append(Step("xᵀ K^asym x = ‖x₁A₁ + x₂A₂‖²_F (K PSD; xᵀKx = 0 iff Σ x_i A_i = 0: PD iff the A_i are independent)",
                      "expand_complex", (sp.Matrix([[x1, x2]]) * K * sp.Matrix([x1, x2]))[0], _frobenius_sq(S)))
    Pm, Qm = sp.Matrix(2, 2, sp.symbols("p_0:4")), sp.Matrix(2, 2, sp.symbols("q_0:4"))
    coords = lambda X: [sp.re(sp.expand_complex(v)) for v in X] + [sp.im(sp.expand_complex(v)) for v in X]  # noqa: E731
    steps.append(Step("Re tr(A†B) = a·b, the Euclidean product of the real coordinate vectors a, b ∈ R⁸", "expand_complex",
                      sp.re(sp.expand_complex((Pm.H * Qm).trace())), sum(u * v for u, v in zip(coords(Pm), coords(Qm)))))
    steps.append(lagrange_identity_step(8))
    s = sp.Symbol("s", real=True)
    Kdep = sp.Matrix(2, 2, lambda i, j: -((A1, s * A1)[i] * (A1, s * A1)[j]).trace())
    steps.append(Step("dependent commutators A₂ = sA₁ give det K^asym = 0 (no linear rate in the null direction)", "expand",
                      Kdep.det(), sp.Integer(0)))

    # 5. linearisation at M*
    E = hermitian_symbols(2, "e")
    Mp = Mx + E
    Kp = sp.Matrix(2, 2, lambda i, j: -(commutator(Mp, (q1, q2)[i]) * commutator(Mp, (q1, q2)[j])).trace())
    Ks = sp.Matrix(2, 2, lambda i, j: -(commutator(Mx, (q1, q2)[i]) * commutator(Mx, (q1, q2)[j])).trace())
    lin = sp.Matrix(2, 2, lambda i, j: -(commutator(E, (q1, q2)[i]) * commutator(Mx, (q1, q2)[j])).trace()
                    - (commutator(Mx, (q1, q2)[i]) * commutator(E, (q1, q2)[j])).trace())
    quad = sp.Matrix(2, 2, lambda i, j: -(commutator(E, (q1, q2)[i]) * commutator(E, (q1, q2)[j])).trace())
    steps.append(Step("K^asym(M* + E) = K^asym(M*) + (linear in E) − tr([E, ρ_i][E, ρ_j]): ‖K(M) − K(M*)‖ = O(‖M − M*‖)",
                      "expand", Kp, Ks + lin + quad))
    steps.append(Step("M′ = Σ_i r_i (−c[M, [M, ρ_i]]) is linear in r, so ‖M(t) − M*‖ ≤ ∫_t^∞‖M′‖ = O(|r(t)|) under "
                      "exponential decay and r′ = −cK^asym(M*) r + O(|r|²)", "cyclic trace, expand",
                      check=lambda: sp.expand(-c * commutator(M, commutator(M, r1 * rho1 + r2 * rho2))
                                              - r1 * (-c * commutator(M, commutator(M, rho1)))
                                              - r2 * (-c * commutator(M, commutator(M, rho2)))) == 0))
    steps.append(Step("the linearised flow r′ = −cK^asym(M*) r is kernel regression with the frozen PSD kernel cK^asym(M*): "
                      "r(t) = exp(−cK* t) r(0), each eigen-mode decays at rate cλ_k (S3)", "by S3", uses=("S3",)))
    return steps


# ----------------------------------------------------------------------------- numerics
def _pm1_conjugate(d: int, seed: int, spectrum=None) -> np.ndarray:
    from qnnsym.model.builders import pm1_diagonal
    from qnnsym.sampling import haar_unitaries

    v = haar_unitaries(d, 1, seed=seed)[0]
    w = pm1_diagonal(d) if spectrum is None else np.asarray(spectrum, dtype=float)
    return v.conj().T @ np.diag(w).astype(complex) @ v


def _pure_inputs(d: int, m: int, seed: int) -> np.ndarray:
    from qnnsym.sampling import orthonormal_states

    psi = orthonormal_states(d, m, seed=seed)
    return np.einsum("ia,ib->iab", psi, psi.conj())


def _loss_monotone_excess(traj, m0: np.ndarray, direction: float = -1.0) -> float:
    """Largest increase (``direction = -1``; decrease for ``+1``) of the loss between records, in units
    of its round-off ``10 eps d ||M|| sum_i |r_i|`` (each ``r_i`` is a trace with error ``~ eps d ||M||``)."""
    d = m0.shape[0]
    norm = float(np.max(np.abs(np.linalg.eigvalsh(m0))))
    unit = 10 * EPS * d * norm * (np.sum(np.abs(traj.residuals[:-1]), axis=1) + 1e-300)
    return float(np.max(-direction * np.diff(traj.loss) / unit))


#: zero-loss instances: (d, m, seed of M(0), seed of the inputs, labels)
_ZERO_LOSS = ((4, 2, 100, 200, (0.5, -0.2)), (8, 3, 101, 201, (0.5, -0.3, 0.1)))


@lru_cache(maxsize=4)
def _zero_loss_runs(profile: str):
    from qnnsym.numeric import asymptotic_flow, asymptotic_kernel

    out = []
    for d, m, s_m, s_x, labels in _ZERO_LOSS:
        m0, rhos = _pm1_conjugate(d, s_m), _pure_inputs(d, m, s_x)
        traj = asymptotic_flow(m0, rhos, labels, c=1.0, t_final=30.0, dt=0.01, record_every=10)
        kstar = asymptotic_kernel(traj.final, rhos)
        out.append((f"d={d} m={m} y={labels}", traj, kstar))
    return tuple(out)


def _numeric(profile: str, *, rate_factor: float = 2.0) -> NumericEvidence:
    """``rate_factor = 2``: the loss's terminal rate is ``2 c lambda_min`` (tests pass a wrong one)."""
    from qnnsym.numeric import asymptotic_flow
    from qnnsym.numeric.rates import classify_tail, fit_exponential

    c = 1.0
    parts, worst = [], 0.0
    # (a) isospectral integrator: spectrum drift against the round-off bound
    spectra = [None, None, np.linspace(-1.0, 0.7, 4), np.array([1.3, 0.2, -0.1, -0.4, -0.9, 0.5, 0.05, -1.1])]
    cases = [(4, 2, 10, 20, (0.4, -0.6)), (8, 4, 11, 21, (1.0, 1.0, -1.0, -1.0)), (4, 3, 12, 22, (0.1, 0.2, -0.3)),
             (8, 3, 13, 23, (0.5, -0.5, 0.0))]
    t_iso, dt_iso = (10.0, 0.01) if profile == "quick" else (40.0, 0.005)
    for (d, m, s_m, s_x, y), spec in zip(cases, spectra):
        m0, rhos = _pm1_conjugate(d, s_m, spec), _pure_inputs(d, m, s_x)
        traj = asymptotic_flow(m0, rhos, y, c=c, t_final=t_iso, dt=dt_iso, method="isospectral",
                               kernel_times=(1.0, 2.0, 5.0))
        n = traj.meta["steps"]
        norm = float(np.max(np.abs(np.linalg.eigvalsh(m0))))
        bound = 10 * EPS * d * n * norm
        drift = float(traj.series["spectrum_drift"].max())
        mono = _loss_monotone_excess(traj, m0)
        worst = max(worst, drift / bound, mono)
        parts.append(f"isospectral d={d} m={m}: drift {drift:.1e} (bound 10·eps·d·n·‖M‖ = {bound:.1e}); "
                     f"max loss increase {max(mono, 0):.2g} × round-off")
    # (b) RK4: drift converges at order 4; L' = -c r^T K r by a five-point stencil
    d, m, s_m, s_x, y = cases[0]
    m0, rhos = _pm1_conjugate(d, s_m), _pure_inputs(d, m, s_x)
    drifts = []
    for dt in (0.04, 0.02, 0.01):
        tr = asymptotic_flow(m0, rhos, y, c=c, t_final=5.0, dt=dt, kernel_times=(0.5, 1.0, 2.0, 4.0))
        drifts.append(float(tr.series["spectrum_drift"].max()))
    orders = [float(np.log2(a / b)) for a, b in zip(drifts, drifts[1:])]
    order_err = max(0.0, 3.5 - min(orders)) / 0.5  # > 1 iff the measured order is below 3
    h = tr.meta["dt"]
    e_ldot = 0.0
    for tk, K in zip(tr.kernel_times, tr.kernels):
        k = int(round(tk / h))
        Ls = tr.loss
        stencil = (Ls[k - 2] - 8 * Ls[k - 1] + 8 * Ls[k + 1] - Ls[k + 2]) / (12 * h)
        pred = -c * tr.residuals[k] @ K @ tr.residuals[k]
        e_ldot = max(e_ldot, abs(stencil - pred) / abs(pred))
    mono = _loss_monotone_excess(tr, m0)
    worst = max(worst, order_err, e_ldot / 1e-6, mono)
    parts.append(f"RK4 drift at dt = 0.04/0.02/0.01: {', '.join(f'{x:.2e}' for x in drifts)} (orders "
                 f"{', '.join(f'{o:.2f}' for o in orders)}; required ≥ 3.5); rel |L′ + c rᵀK^asym r| {e_ldot:.1e} (tol 1e-6); "
                 f"max loss increase {max(mono, 0):.2g} × round-off")
    # (c) zero-loss M*: eigen-component rates -> c lambda_k, loss rate -> 2 c lambda_min
    for name, traj, kstar in _zero_loss_runs(profile):
        lam, vec = np.linalg.eigh(kstar)
        proj = np.abs(traj.residuals @ vec)  # |v_k . r(t)|
        rsq = np.sum(traj.residuals**2, axis=1)
        floor = 1e-12  # projections carry round-off ~ eps d ||M|| ~ 1e-15: 1e-3 relative at worst
        # loss rate where the slowest mode carries all but < 1e-3 of the loss (rate error < 1e-3 (λ2 − λ1)/λ1)
        w = (proj[:, 0] ** 2 >= 1e3 * (rsq - proj[:, 0] ** 2)) & (proj[:, 0] > floor) & (rsq < 1e-8)
        rate_L, _ = fit_exponential(traj.times[w], traj.loss[w])
        e_loss = abs(rate_L - rate_factor * c * lam[0]) / (rate_factor * c * lam[0])
        comp_errs = []
        for k in range(lam.size):
            # linear regime (|r|² < 1e-8), the mode above the O(|r|²) coupling by 1e3 and above round-off;
            # the slowest mode always qualifies at late times, faster ones only if they start large enough
            wk = (rsq < 1e-8) & (proj[:, k] > 1e3 * rsq) & (proj[:, k] > floor)
            if k > 0 and wk.sum() < 5:
                comp_errs.append(float("nan"))
                continue
            rk, _ = fit_exponential(traj.times[wk], proj[wk, k])
            comp_errs.append(abs(rk - c * lam[k]) / (c * lam[k]))
        worst = max(worst, e_loss / 1e-3, np.nanmax(comp_errs) / 1e-3)
        parts.append(f"zero loss {name}: K^asym(M*) eigenvalues {', '.join(f'{x:.4f}' for x in lam)}; loss rate "
                     f"{rate_L:.6f} vs {rate_factor:g}cλ_min = {rate_factor * c * lam[0]:.6f} (rel {e_loss:.1e}); "
                     f"eigen-mode rates vs cλ_k: rel errors {', '.join('n/a' if x != x else f'{x:.1e}' for x in comp_errs)} "
                     "(tol 1e-3; n/a: the mode never rises 1e3 above the O(|r|²) coupling)")
    # (d) dependent commutators: labels at the extremes, K^asym -> 0, sublinear tail
    m0, rhos = _pm1_conjugate(4, 102), _pure_inputs(4, 2, 202)
    t_ext = 200.0 if profile == "quick" else 1000.0
    tr = asymptotic_flow(m0, rhos, (1.0, -1.0), c=c, t_final=t_ext, dt=0.05, record_every=10, kernel_times=(0.0, t_ext),
                         method="isospectral")  # at extreme labels a spectral drift would change the tail
    fit = classify_tail(tr.times[1:], tr.loss[1:])
    kratio = float(np.linalg.norm(tr.kernels[-1]) / np.linalg.norm(tr.kernels[0]))
    if fit.kind != "sublinear":
        worst = float("inf")
    parts.append(f"labels ±1 (A_i → 0): ‖K^asym(T)‖/‖K^asym(0)‖ = {kratio:.2e}, tail {fit.summary()}")
    return NumericEvidence(worst, 1.0, "errors in units of their tolerances; " + "; ".join(parts),
                           sizes={"c": c, "t_isospectral": t_iso, "dt_isospectral": dt_iso},
                           seeds=(10, 11, 12, 13, 20, 21, 22, 23, 100, 101, 102, 200, 201, 202))


def _property(max_examples: int, *, loss_direction: float = -1.0) -> int:
    """``loss_direction = -1``: the loss is non-increasing (tests pass ``+1``, a wrong claim)."""
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.numeric import asymptotic_flow
    from qnnsym.strategies import datasets, seeds

    @st.composite
    def initial(draw):
        d = draw(st.integers(2, 6))
        spec_seed = draw(seeds)
        kind = draw(st.sampled_from(("pm1", "random")))
        spectrum = None if kind == "pm1" else np.random.default_rng(spec_seed).uniform(-1, 1, d)
        return _pm1_conjugate(d, draw(seeds), spectrum)

    @given(initial(), st.data(), st.floats(0.1, 2.0))
    def prop(m0, draw, c):
        d = m0.shape[0]
        data = draw.draw(datasets(d))
        traj = asymptotic_flow(m0, data, c=c, t_final=1.0, dt=0.01, method="isospectral")
        n = traj.meta["steps"]
        mt = traj.final
        norm = max(float(np.max(np.abs(np.linalg.eigvalsh(m0)))), 1e-3)
        for k in range(1, d + 1):
            a = np.trace(np.linalg.matrix_power(m0, k)).real
            b = np.trace(np.linalg.matrix_power(mt, k)).real
            assert abs(a - b) <= 10 * EPS * d * n * k * norm**k, (k, a, b)
        excess = _loss_monotone_excess(traj, m0, direction=loss_direction)
        assert excess <= 1.0, f"loss increased by {excess:.3g} × round-off"

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S11",
        title="Properties of the asymptotic flow: isospectral, monotone loss, fixed points, local rate",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=["M′ = −c[M, [M, R]], R = Σ_i r_i ρ_i, r_i = tr(ρ_i M) − y_i (Theorem 4.2's flow), c > 0",
                     "M, ρ_i Hermitian; M* a zero-loss point approached by the flow (for the local rate)"],
        uses=["S3"],
        steps=_steps(),
        numeric=_numeric,
        property=_property,
        notes=("The abstract steps use the cyclic-trace rewrite defined here (sound: a zero canonical form proves the "
               "identity for all square matrices); the explicit 2×2/3×3 steps check the same identities with symbolic "
               "Hermitian entries. The converse of the rate statement is shown in the form: dependent commutators ⇒ "
               "det K^asym(M*) = 0 ⇒ a null mode v with (v·r)′ = −c vᵀ(K(M) − K(M*)) r = O(|r|²)."),
    )
