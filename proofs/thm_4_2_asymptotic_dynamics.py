r"""Theorem 4.2 (You, Chakrabarti, Chen, Wu 2023): the asymptotic dynamics.

With Haar-random ``W_l``, ``c = eta sum_l beta(H_l)`` fixed (C8) and ``p -> infinity``, the QNN's trajectory
on ``[0, T]`` follows the double-bracket flow

    M' = -c [M, [M, R]],   R = sum_i r_i rho_i,   r_i = tr(rho_i M) - y_i,

from ``M(0) = U(theta(0))^dag M_0 U(theta(0))``; equivalently ``r' = -c K^asym(M) r``.

Derivation (each step names how it closes):

1. ``d/dtheta e^{-i theta H} = -i e^{-i theta H} H`` and the chain rule ``dM/dtheta_l = i[Hhat_l, M]``
   (``Hhat_l = V_l^dag H_l V_l``) — abstract noncommutative algebra with unitarity and ``[e^{-i theta H}, H] = 0``
   (:func:`qnnsym.symbolic.flow.measurement_flow`, recomputed at every verification);
2. ``dyhat_i/dtheta_l = i tr(Hhat_l [M, rho_i])`` (S1) and ``theta_l' = -eta sum_i r_i dyhat_i/dtheta_l`` (C3)
   (same derivation);
3. the exact finite-``p`` induced flow ``M' = sum_l theta_l' dM/dtheta_l = eta sum_l tr(Hhat_l X) [Hhat_l, M]``
   with ``X = [M, R]`` (traceless) — explicit symbolic ``2 x 2`` matrices, ``p = 2``, ``m = 2`` (``expand``);
   this is ``eta [F(X), M]`` with the frame map ``F(X) = sum_l Hhat_l tr(Hhat_l X)``;
4. **the approximation**: ``F(X) ~ kappa X`` on traceless ``X`` (S10: exact for a complete Pauli frame, relative
   RMS error ``sqrt((d^2 - 2)/p)`` for independent Haar layers) — cited ``by S10``;
5. with ``F(X) = kappa X``: ``M' = eta kappa [X, M] = -c [M, [M, R]]``, ``c = eta kappa`` (``expand``);
6. ``r_i' = tr(rho_i M') = -c sum_j K^asym_ij r_j`` with ``K^asym_ij = -tr([M, rho_i][M, rho_j])``
   ``= tr(M^2 {rho_i, rho_j}) - 2 tr(M rho_i M rho_j)`` (explicit ``2 x 2``, ``expand``);
7. Grönwall: if the two vector fields differ by at most ``eps`` and the limit field is ``Lambda``-Lipschitz,
   ``e(t) <= eps (e^{Lambda t} - 1)/Lambda`` (the bound solves ``e' = Lambda e + eps``, ``e(0) = 0``; ``cancel``);
8. OPEN: that the frame error along the *whole trajectory* (the ``Hhat_l(theta(t))`` move with ``theta``, and
   are not independent of ``M(t)``) tends to 0 uniformly on ``[0, T]`` as ``p -> infinity``.  S10 controls it at
   a fixed ``theta`` in mean square; each ``theta_l`` moves only ``O(eta) = O(1/p)``, which is the heuristic of
   the paper, but the package does not formalise the uniform bound.  So the limit statement is CHECKED.

Numeric evidence (experiment E2): dense models at ``d = 4`` with a final Haar unitary (so every layer is
Haar-conjugated and ``kappa = p d/(d^2 - 1)`` is the right constant), ``m = 2`` orthonormal pure inputs
labelled ``+-1``, ``c = 1`` (``eta = c / kappa``), ``p in {15, 60, 240, 960}`` (full: also 3840), 24 models per ``p``; for each
model its own ``M(0) = effective_measurement(model, theta0)``; gradient flow (RK4) against the double-bracket
flow (RK4) on ``[0, 3]``, ``dt = 0.05``.  Reported: the mean over models of ``sup_t max_i |r_QNN - r_asym|`` per
``p`` (with standard errors) and the fitted exponent of that mean against ``p``.  Pass: the means decrease
strictly and the exponent is ``<= -0.3``.  Why ``-0.3``: S10 predicts that the vector fields differ by a
relative ``sqrt((d^2 - 2)/p)``, and by Grönwall so do the trajectories: exponent ``-1/2``.  The sup-errors
scatter widely between models (coefficient of variation ~0.7, heavier at large ``p``); with 24 models per
``p`` (quick; 48 in full) the slope's standard error, propagated from the per-``p`` standard errors, is about
``0.06``, so ``-0.3`` is about three standard errors above ``-1/2`` while still rejecting an error that does not
vanish (exponent ``0``, e.g. a flow with the wrong constant ``c``).  The RK4 error is estimated by halving ``dt`` on the
largest model and must be below a tenth of the smallest mean error.
Property (the exact part of the derivation): for QNNs whose effective generators are a rotated complete
Pauli frame (``n = 1, 2`` qubits; ``W_1 = R``, ``W_l = R V_{l-1}^dag``), at random ``theta``, ``eta``, ``M_0`` and
data, the five-point derivative of the engine's ``M(theta + s theta')`` at ``s = 0`` (``theta' = -eta grad L``
from the adjoint sweep) equals the reference ``-c[M, [M, R]]`` with ``c = eta kappa`` exactly (to the stencil's
error bound).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import numpy as np

from qnnsym.proofkit import run_property
from qnnsym.theorems import NumericEvidence, Step, Theorem
from qnnsym.tolerances import EPS, finite_difference_step

STATEMENT = (
    r"With Haar-random $W_l$, $c=\eta\sum_l\beta(H_l)$ fixed and $p\to\infty$, the QNN trajectory on $[0,T]$ "
    r"follows $M' = -c[M,[M,R]]$, $R=\sum_i r_i\rho_i$, from $M(0)=U(\theta(0))^\dagger M_0U(\theta(0))$; "
    r"equivalently $r' = -cK^{asym}(M)\,r$ with $K^{asym}_{ij} = -\mathrm{tr}([M,\rho_i][M,\rho_j])$."
)

#: S10 is cited only when its proof file is present (``discover()`` would otherwise reject the id).
_S10_MODULE = "qnnsym.proofs.s10_kernel_as_function_of_M"


def _s10_available() -> bool:
    try:
        return importlib.util.find_spec(_S10_MODULE) is not None
    except (ImportError, ValueError):
        return False


def _derivation_step(name_prefix: str, claim: str) -> Step:
    """A step of :func:`qnnsym.symbolic.flow.measurement_flow`, recomputed (uncached) when checked."""

    def check() -> bool:
        from qnnsym.symbolic.flow import measurement_flow

        der = getattr(measurement_flow, "__wrapped__", measurement_flow)()  # recompute, bypassing the cache
        hits = [s for s in der.steps if s.name.startswith(name_prefix)]
        return len(hits) == 1 and bool(hits[0].verified)

    return Step(claim, "abstract noncommutative algebra (qnnsym.symbolic.flow.measurement_flow)", check=check)


def _herm(name: str):
    from qnnsym.proofkit import hermitian_symbols

    return hermitian_symbols(2, name)


def _comm(a, b):
    return a * b - b * a


def _steps(sign: int = -1) -> list[Step]:
    """``sign = -1`` is the theorem's ``M' = -c[M, [M, R]]`` (tests pass ``+1``)."""
    import sympy as sp

    eta, kappa, c = sp.symbols("eta kappa c", positive=True)
    steps = [
        _derivation_step("layer derivative", "d/dθ e^{−iθH} = −i e^{−iθH} H (noncommutative H)"),
        _derivation_step("chain rule", "dM/dθ_l = i[Ĥ_l, M], Ĥ_l = V_l† H_l V_l (unitarity, [e^{−iθH}, H] = 0)"),
        _derivation_step("gradient (S1)", "dŷ_i/dθ_l = tr(ρ_i dM/dθ_l) = i tr(Ĥ_l[M, ρ_i]) (cyclic trace)"),
        _derivation_step("gradient flow (C3)", "θ_l′ = −η Σ_i r_i dŷ_i/dθ_l (C3)"),
    ]
    # 3. the exact induced flow, explicit 2x2, p = 2 layers, m = 2 samples
    M, H1, H2, q1, q2 = _herm("m"), _herm("h"), _herm("k"), _herm("a"), _herm("b")
    r1, r2 = sp.symbols("r_1 r_2", real=True)
    R = r1 * q1 + r2 * q2
    X = _comm(M, R)
    thdot = [-eta * (r1 * sp.I * (H * _comm(M, q1)).trace() + r2 * sp.I * (H * _comm(M, q2)).trace()) for H in (H1, H2)]
    mdot = thdot[0] * sp.I * _comm(H1, M) + thdot[1] * sp.I * _comm(H2, M)
    induced = eta * ((H1 * X).trace() * _comm(H1, M) + (H2 * X).trace() * _comm(H2, M))
    steps.append(Step("induced flow: M′ = Σ_l θ_l′ · i[Ĥ_l, M] = η Σ_l tr(Ĥ_l X)[Ĥ_l, M], X = [M, R] "
                      "(explicit 2×2 Hermitian Ĥ_1, Ĥ_2, M, ρ_1, ρ_2)", "expand", mdot, induced))
    F = H1 * (H1 * X).trace() + H2 * (H2 * X).trace()
    steps.append(Step("η Σ_l tr(Ĥ_l X)[Ĥ_l, M] = η[F(X), M] with the frame map F(X) = Σ_l Ĥ_l tr(Ĥ_l X)", "expand",
                      induced, eta * _comm(F, M)))
    steps.append(Step("X = [M, R] is traceless (the frame identity is applied on traceless X)", "expand",
                      X.trace(), sp.Integer(0)))
    # 4. the approximation
    if _s10_available():
        steps.append(Step("F(X) ≈ κX on traceless X, κ = Σ_l β(H_l) (exact for a complete Pauli frame; relative RMS "
                          "error √((d² − 2)/p) for Haar layers)", "by S10", uses=("S10",)))
    else:
        steps.append(Step("F(X) ≈ κX on traceless X (S10; no proof file for S10 in proofs/)", "open: S10 not available"))
    # 5. the double bracket
    steps.append(Step(f"F(X) = κX: M′ = ηκ[X, M] = {'−' if sign < 0 else '+'}c[M, [M, R]] with c = ηκ (C8)", "expand",
                      eta * _comm(kappa * X, M), (sign * c * _comm(M, _comm(M, R))).subs(c, eta * kappa)))
    # 6. the residual flow
    Mdot = -c * _comm(M, _comm(M, R))
    A = [_comm(M, q) for q in (q1, q2)]
    K = sp.Matrix(2, 2, lambda i, j: -(A[i] * A[j]).trace())
    steps.append(Step("r_i′ = tr(ρ_i M′) = −c Σ_j K^asym_ij r_j (explicit 2×2, m = 2)", "expand",
                      sp.Matrix([(q * Mdot).trace() for q in (q1, q2)]), -c * K * sp.Matrix([r1, r2])))
    qs = (q1, q2)
    alt = sp.Matrix(2, 2, lambda i, j: (M * M * (qs[i] * qs[j] + qs[j] * qs[i])).trace() - 2 * (M * qs[i] * M * qs[j]).trace())
    steps.append(Step("K^asym_ij = −tr([M, ρ_i][M, ρ_j]) = tr(M²{ρ_i, ρ_j}) − 2 tr(Mρ_iMρ_j)", "expand", K, alt))
    # 7. Grönwall
    Lam, e0, t = sp.Symbol("Lambda", positive=True), sp.Symbol("epsilon", positive=True), sp.Symbol("t", nonnegative=True)
    bound = e0 * (sp.exp(Lam * t) - 1) / Lam
    steps.append(Step("Grönwall: e(t) = ε(e^{Λt} − 1)/Λ solves e′ = Λe + ε, e(0) = 0 (trajectory error ≤ field error × "
                      "(e^{ΛT} − 1)/Λ on [0, T])", "cancel",
                      sp.diff(bound, t) - Lam * bound - e0 + bound.subs(t, 0), sp.Integer(0)))
    steps.append(Step("the frame error tends to 0 uniformly along the trajectory on [0, T] as p → ∞ (Ĥ_l(θ(t)) move by "
                      "O(1/p) each; S10 bounds it at fixed θ in mean square) — the limit interchange of Theorem 4.2",
                      "open: numeric evidence only (experiment E2)"))
    return steps


# ----------------------------------------------------------------------------- numerics
_D, _M, _C, _T, _DT = 4, 2, 1.0, 3.0, 0.05


def _plan(profile: str):
    if profile == "quick":
        return (15, 60, 240, 960), 24
    return (15, 60, 240, 960, 3840), 48


@lru_cache(maxsize=8)
def _sup_errors(ps: tuple, n_models: int, c_scale: float = 1.0):
    """``sup_t max_i |r_QNN - r_asym|`` per (p, model); the flow runs at ``c_scale * c`` (1: the theorem)."""
    from qnnsym.model import dense_haar_model, random_orthonormal_dataset
    from qnnsym.numeric import asymptotic_flow, effective_measurement, gradient_flow

    table, dt_check = {}, None
    for k, p in enumerate(ps):
        errs = []
        for j in range(n_models):
            model = dense_haar_model(_D, p, seed=42_000 + 1000 * k + j, final_unitary=True)
            data = random_orthonormal_dataset(_D, _M, seed=43_000 + 1000 * k + j)
            theta0 = np.random.default_rng(44_000 + 1000 * k + j).uniform(-np.pi, np.pi, p)
            eta = _C / model.kappa()
            qnn = gradient_flow(model, data, theta0, eta=eta, t_final=_T, dt=_DT)
            m0 = effective_measurement(model, theta0)
            flow = asymptotic_flow(m0, data, c=c_scale * _C, t_final=_T, dt=_DT)
            errs.append(float(np.max(np.abs(qnn.residuals - flow.residuals))))
            if k == len(ps) - 1 and j == 0:  # RK4 error estimate on the largest model: halve dt
                qnn2 = gradient_flow(model, data, theta0, eta=eta, t_final=_T, dt=_DT / 2, record_every=2)
                flow2 = asymptotic_flow(m0, data, c=c_scale * _C, t_final=_T, dt=_DT / 2, record_every=2)
                dt_check = max(float(np.max(np.abs(qnn.residuals - qnn2.residuals))),
                               float(np.max(np.abs(flow.residuals - flow2.residuals))))
        table[p] = np.array(errs)
    return table, dt_check


def _numeric(profile: str, *, c_scale: float = 1.0, max_exponent: float = -0.3, plan=None) -> NumericEvidence:
    """``c_scale = 1`` compares with the theorem's flow (tests pass a wrong constant, and may pass a smaller
    ``plan = (ps, models_per_p)``)."""
    ps, n_models = _plan(profile) if plan is None else plan
    table, dt_err = _sup_errors(tuple(ps), int(n_models), float(c_scale))
    ps = np.array(sorted(table), dtype=float)
    means = np.array([table[p].mean() for p in sorted(table)])
    ses = np.array([table[p].std(ddof=1) / np.sqrt(table[p].size) for p in sorted(table)])
    x = np.log(ps)
    slope, _ = np.polyfit(x, np.log(means), 1)
    slope_se = float(np.sqrt(np.sum(((x - x.mean()) * ses / means) ** 2)) / np.sum((x - x.mean()) ** 2))
    decreasing = bool(np.all(np.diff(means) < 0))
    dt_ok = dt_err is not None and dt_err < 0.1 * means.min()
    per_p = "; ".join(f"p={int(p)}: mean sup|r_QNN − r_asym| = {mu:.4f} ± {se:.4f} (max {table[int(p)].max():.4f})"
                      for p, mu, se in zip(ps, means, ses))
    detail = (f"fitted exponent {slope:.3f} ± {slope_se:.3f} (S10 + Grönwall predict −1/2; pass ≤ {max_exponent}); "
              f"means strictly decreasing: {decreasing}; RK4 error (dt halved, largest p) {dt_err:.1e} "
              f"(must be < 0.1 × smallest mean); {per_p}")
    error = slope + 0.5 if decreasing and dt_ok else float("inf")
    return NumericEvidence(float(error), max_exponent + 0.5, "error = exponent + 1/2; " + detail,
                           sizes={"d": _D, "m": _M, "c": _C, "T": _T, "dt": _DT, "p": [int(p) for p in ps],
                                  "models_per_p": int(table[int(ps[0])].size)},
                           seeds=(42_000, 43_000, 44_000))


# ----------------------------------------------------------------------------- property
def _frame_qnn(n_qubits: int, theta: np.ndarray, seed: int):
    """A QNN whose effective generators at ``theta`` are the rotated Pauli frame ``{R^dag P R : P != I}``:
    ``H_l = P_l``, ``W_1 = R`` and ``W_l = R V_{l-1}^dag`` (``V_{l-1}`` the circuit after rotation ``l - 1``), so the
    circuit before every rotation is ``R``; random Hermitian ``M_0`` and a Haar final unitary."""
    from qnnsym.model import QNN, DenseHermitian, Layer, all_pauli_strings
    from qnnsym.model.gates import DenseUnitary
    from qnnsym.model.operators import PauliOperator
    from qnnsym.sampling import haar_unitaries

    d = 2**n_qubits
    R, final = haar_unitaries(d, 2, seed=seed)
    a = np.random.default_rng(seed + 1).standard_normal((d, d, 2)) @ np.array([1.0, 1j])
    layers, V = [], np.eye(d, dtype=complex)
    for l, P in enumerate(all_pauli_strings(n_qubits)):
        u, _, vh = np.linalg.svd(R @ V.conj().T)  # W_l, re-unitarised against round-off
        W = u @ vh
        layers.append(Layer(PauliOperator(P), DenseUnitary(W), name=f"frame {P.label}"))
        V = (np.cos(theta[l]) * np.eye(d) - 1j * np.sin(theta[l]) * P.matrix()) @ W @ V
    return QNN(tuple(layers), DenseHermitian((a + a.conj().T) / 2), final=DenseUnitary(final), n_qubits=n_qubits,
               name=f"pauli-frame(n={n_qubits})")


def _property(max_examples: int, *, c_scale: float = 1.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.numeric import effective_measurement, loss_and_gradient, reference
    from qnnsym.strategies import datasets, seeds

    @given(st.integers(1, 2), seeds, st.floats(0.05, 2.0), st.data())
    def prop(n, seed, eta, draw):
        d = 2**n
        theta = np.random.default_rng(seed + 2).uniform(-np.pi, np.pi, d * d - 1)
        model = _frame_qnn(n, theta, seed)
        data = draw.draw(datasets(d))
        g = loss_and_gradient(model, data, theta)[1]
        v = -eta * g  # theta' along the gradient flow
        if not np.any(v):
            return
        omega = 2 * float(np.sum(np.abs(v)))  # M(theta + s v) has frequencies <= 2 sum_l |v_l| (generators ±1)
        h = finite_difference_step(omega)
        f = lambda s: effective_measurement(model, theta + s * v)  # noqa: E731
        mdot = (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h)
        m = f(0.0)
        c = c_scale * eta * model.kappa()
        rhs = reference.asymptotic_flow_rhs(m, data.density_matrices(), data.targets, c)
        scale = float(np.max(np.abs(np.linalg.eigvalsh(m))))
        # stencil truncation h^4 omega^5 scale / 30 (Bernstein) + round-off 18/(12h) * 100 eps d scale, doubled
        tol = 2 * (h**4 * omega**5 * scale / 30 + 1.5 / h * 100 * EPS * d * scale)
        assert np.max(np.abs(mdot - rhs)) <= tol, (np.max(np.abs(mdot - rhs)), tol)

    return run_property(prop, max_examples)


def build() -> Theorem:
    uses = ["S10"] if _s10_available() else []
    return Theorem(
        id="T4.2",
        title="Asymptotic dynamics: the double-bracket flow of the effective measurement",
        paper="Theorem 4.2",
        statement=STATEMENT,
        claimed="CHECKED",
        assumptions=[
            "dense model: W_l i.i.d. Haar, H_l with eigenvalues ±1 (C1), a final Haar W_{p+1} in the numerics",
            "gradient flow θ′ = −η∇L (C3) with c = ηΣ_lβ(H_l) fixed as p → ∞ (C8)",
            "the frame identity Σ_l Ĥ_l tr(Ĥ_l X) ≈ κX on traceless X (S10)",
        ],
        uses=uses,
        steps=_steps(),
        numeric=_numeric,
        property=_property,
        notes=("CHECKED, honestly: steps 1–7 close (the exact finite-p induced flow, the substitution of the frame "
               "identity, the double bracket, the residual form, Grönwall) and the frame identity itself is S10; the open "
               "step is the uniform-in-time control of the frame error along the trajectory (the Ĥ_l depend on θ(t)), "
               "which the package does not formalise. The p → ∞ limit is supported by experiment E2 (sup-error exponent) "
               "and the exact instantaneous identity on complete Pauli frames is the property."),
    )
