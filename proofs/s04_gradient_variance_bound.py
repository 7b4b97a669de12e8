"""S4 (the gradient is bounded by the measurement's variance).

For any state ``rho_i`` and any layer ``l`` (``M = M(theta)`` the effective measurement, C2):

    |J_il| <= ||H_l|| ||[M, rho_i]||_1 <= 2 ||H_l|| sqrt(Var_i(M)) <= 2 ||H_l|| sqrt((lambda_max - yhat_i)(yhat_i - lambda_min)),

and for a pure state ``||[M, rho]||_1 = 2 sqrt(Var)`` and ``||[M, rho]||_F^2 = 2 Var`` exactly.

Derivation.  Every inequality is written as an identity ``lhs - rhs = (manifestly non-negative)``
that closes by the named rewrite, and the non-negativity of the right side is confirmed by SymPy's
assumption system (``is_nonnegative``) — rule ``"<rewrite>; rhs >= 0"``.  Steps are shown on small
explicit instances (d = 2 or 3, two or three terms) of dimension-free arguments; say so where used.

1. ``J_il = i tr(Hhat_l [M, rho_i])`` (S1).
2. Hölder ``|tr(AB)| <= ||A|| ||B||_1``: (a) with the SVD ``B = sum_k s_k u_k v_k^dag``,
   ``tr(AB) = sum_k s_k v_k^dag A u_k`` (d = 2, generic entries); (b) ``|v^dag w| <= |v||w|`` — complex
   Lagrange identity in C^3; (c) ``|A u| <= ||A|| |u|`` for Hermitian ``A`` in its eigenbasis, eigenvalues
   ``||A|| sin(alpha_j)``; for a unitary ``W`` (d = 2, general U(2)) ``W^dag W = I``, so ``|W u| = |u|``;
   (d) ``|z_1 + z_2| <= |z_1| + |z_2|`` (two squared identities); (e) ``||Hhat|| = ||H||``: ``V^dag H V``
   and ``H`` have the same characteristic polynomial (d = 2, general U(2), general Hermitian ``H``).
   Hence ``|J_il| <= ||H_l|| ||[M, rho_i]||_1``.
3. Pure states, ``rho = psi psi^dag / N``, ``N = psi^dag psi`` (d = 3 in M's eigenbasis, generic complex ``psi``):
   ``[M, rho] = (phi psi^dag - psi phi^dag)/N`` with ``phi = (M - mu) psi``, ``psi^dag phi = 0``,
   ``|phi|^2/N = Var``; on the orthonormal pair ``(psi/|psi|, phi/|phi|)`` the commutator is
   ``s [[0, -1], [1, 0]]``, ``s = sqrt(Var)``, whose ``B^T B = s^2 I``: singular values ``s, s``, so
   ``||[M, rho]||_1 = 2 sqrt(Var)`` and ``||[M, rho]||_F^2 = 2 Var`` (also checked directly, d = 3).  For d = 2
   with Bloch vectors (two stereographic charts cover the sphere): ``C^dag C = Var I`` exactly.
4. Mixed states ``rho = sum_j p_j psi_j psi_j^dag``: the trace norm is a norm — ``||Z||_1 = tr(W Z)``
   for ``Z = V S U^dag``, ``W = U V^dag`` unitary (d = 2), then Hölder (step 2) gives
   ``||X + Y||_1 <= ||X||_1 + ||Y||_1`` — so ``||[M, rho]||_1 <= 2 sum_j p_j sqrt(Var_j)``;
   Jensen ``(sum p_j x_j)^2 <= sum p_j x_j^2`` (three weights); total variance
   ``Var_rho - sum_j p_j Var_j = sum_j p_j mu_j^2 - mu^2 >= 0``.  So ``||[M, rho]||_1 <= 2 sqrt(Var_rho)``.
5. Bhatia–Davis: ``E[(lambda_max - M)(M - lambda_min)] = (lambda_max - mu)(mu - lambda_min) - Var`` and, in
   M's eigenbasis with ``lambda_k = lambda_min + Delta sin^2 beta_k``, it equals
   ``sum_k |psi_k|^2 Delta^2 sin^2 beta_k cos^2 beta_k >= 0`` (d = 3; mixed states by linearity).

Numeric check: :func:`qnnsym.numeric.bounds.gradient_bounds` with the adjoint Jacobian on fixed-seed
instances (pure and mixed, Pauli and gamma-scaled measurements, a qubit circuit): every link of the
chain (compared in squared form, so no square root amplifies round-off) and the two pure-state
equalities to ``1e-12`` in units of the natural scale.  Property: the same on random circuits, dense
models and datasets at random ``theta``.
"""

from __future__ import annotations

import numpy as np

from qnnsym.proofkit import extreme_label_instances, run_property
from qnnsym.theorems import NumericEvidence, Step, Theorem, close_step

STATEMENT = (
    r"$|J_{il}| \le \|H_l\|\,\|[M,\rho_i]\|_1 \le 2\|H_l\|\sqrt{\mathrm{Var}_{\rho_i}(M)} "
    r"\le 2\|H_l\|\sqrt{(\lambda_{\max}-\hat y_i)(\hat y_i-\lambda_{\min})}$; for pure states "
    r"$\|[M,\rho]\|_1 = 2\sqrt{\mathrm{Var}}$ and $\|[M,\rho]\|_F^2 = 2\,\mathrm{Var}$."
)

#: Agreement of the chain's links and of the pure-state equalities, in units of the natural scale
#: (``||H_l|| ||M_0||`` for J, ``||M_0||^2`` for variances): the quantities are computed from the
#: engine's J and M(theta) with round-off ~ eps * d * p ~ 1e-14 at these sizes.
CHAIN_TOL = 1e-12


def _nonneg_step(claim: str, lhs, rhs, rule: str) -> Step:
    """``lhs = rhs`` closes by ``rule`` and ``rhs`` is non-negative by SymPy's assumptions."""
    import sympy as sp

    def check() -> bool:
        if not close_step(Step(claim, rule, lhs, rhs)).closed:
            return False
        return sp.sympify(rhs).is_nonnegative is True

    return Step(claim, f"{rule}; rhs ≥ 0", lhs, rhs, check=check)


def _cvec(name: str, n: int):
    import sympy as sp

    return sp.Matrix([sp.Symbol(f"{name}re_{k}", real=True) + sp.I * sp.Symbol(f"{name}im_{k}", real=True) for k in range(n)])


def _abs2(z):
    import sympy as sp

    re, im = sp.expand(z).as_real_imag()
    return re**2 + im**2


def _u2(tag: str):
    """A general element of U(2): ``e^{i gamma} [[a, b], [-conj b, conj a]]`` with ``|a|^2 + |b|^2 = 1``."""
    import sympy as sp

    chi, al, be, ga = sp.symbols(f"chi_{tag} alpha_{tag} beta_{tag} gamma_{tag}", real=True)
    a = sp.cos(chi) * sp.exp(sp.I * al)
    b = sp.sin(chi) * sp.exp(sp.I * be)
    return sp.exp(sp.I * ga) * sp.Matrix([[a, b], [-sp.conjugate(b), sp.conjugate(a)]])


def _pauli():
    import sympy as sp

    I = sp.I
    return sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -I], [I, 0]]), sp.Matrix([[1, 0], [0, -1]])


def _steps(frobenius_factor=2) -> list[Step]:
    """``frobenius_factor = 2`` is the statement (||[M, rho]||_F^2 = 2 Var); other values are wrong (tests)."""
    import sympy as sp

    I = sp.I
    steps: list[Step] = [Step("J_il = i tr(Ĥ_l[M, ρ_i])", "by S1", uses=("S1",))]

    # 2. Hölder
    A = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"A_{i}{j}"))
    s1, s2 = sp.symbols("s_1 s_2", nonnegative=True)
    u1, u2, v1, v2 = (sp.Matrix(2, 1, lambda i, _: sp.Symbol(f"{n}_{i}")) for n in ("u1", "u2", "v1", "v2"))
    B = s1 * u1 * v1.H + s2 * u2 * v2.H
    steps.append(Step("Hölder (a): tr(A Σ_k s_k u_k v_k†) = Σ_k s_k v_k†A u_k (SVD of B; d = 2, generic entries)", "expand",
                      (A * B).trace(), s1 * (v1.H * A * u1)[0] + s2 * (v2.H * A * u2)[0]))
    v, w = _cvec("v", 3), _cvec("w", 3)
    ip = (v.H * w)[0]
    lag = sum(_abs2(v[j] * w[k] - v[k] * w[j]) for j in range(3) for k in range(j + 1, 3))
    steps.append(_nonneg_step("Hölder (b): |v|²|w|² − |v†w|² = Σ_(j<k)|v_j w_k − v_k w_j|² (complex Lagrange identity, C³)",
                              sp.expand((v.H * v)[0] * (w.H * w)[0]) - _abs2(ip), lag, "expand"))
    nA = sp.Symbol("a", nonnegative=True)
    al = sp.symbols("alpha_1:4", real=True)
    uu = _cvec("u", 3)
    Ad = sp.diag(*[nA * sp.sin(x) for x in al])
    steps.append(_nonneg_step("Hölder (c): ‖A‖²|u|² − |Au|² = Σ_j ‖A‖² cos²α_j |u_j|² for Hermitian A = diag(‖A‖ sin α_j)",
                              sp.expand(nA**2 * (uu.H * uu)[0] - ((Ad * uu).H * (Ad * uu))[0]),
                              sum(nA**2 * sp.cos(x) ** 2 * _abs2(z) for x, z in zip(al, uu)), "expand, trigsimp"))
    Wu = _u2("w")
    steps.append(Step("Hölder (c′): a unitary W has W†W = I, so |Wu| = |u| and ‖W‖ = 1 (general U(2))", "expand, trigsimp",
                      Wu.H * Wu, sp.eye(2)))
    x1, y1, x2, y2 = sp.symbols("x_1 y_1 x_2 y_2", real=True)
    n1, n2 = sp.sqrt(x1**2 + y1**2), sp.sqrt(x2**2 + y2**2)
    steps.append(Step("Hölder (d): (|z₁| + |z₂|)² − |z₁ + z₂|² = 2(|z₁||z₂| − Re z̄₁z₂)", "expand",
                      (n1 + n2) ** 2 - ((x1 + x2) ** 2 + (y1 + y2) ** 2), 2 * (n1 * n2 - (x1 * x2 + y1 * y2))))
    steps.append(_nonneg_step("Hölder (d′): |z₁|²|z₂|² − (Re z̄₁z₂)² = (Im z̄₁z₂)² ≥ 0, so |z₁ + z₂| ≤ |z₁| + |z₂|",
                              (x1**2 + y1**2) * (x2**2 + y2**2) - (x1 * x2 + y1 * y2) ** 2, (x1 * y2 - x2 * y1) ** 2, "expand"))
    lam = sp.Symbol("lambda", real=True)
    h11, h22, hr, hi = sp.symbols("h_11 h_22 h_re h_im", real=True)
    Hm = sp.Matrix([[h11, hr + I * hi], [hr - I * hi, h22]])
    V = _u2("v")
    steps.append(Step("‖Ĥ‖ = ‖H‖: det(V†HV − λ) = det(H − λ) (general U(2), general Hermitian H)", "expand, trigsimp",
                      (V.H * Hm * V - lam * sp.eye(2)).det(), (Hm - lam * sp.eye(2)).det()))

    # 3. pure states, d = 3 in M's eigenbasis
    d = 3
    lams = sp.symbols("lambda_1:4", real=True)
    M = sp.diag(*lams)
    psi = _cvec("psi", d)
    N = (psi.H * psi)[0]
    rho = psi * psi.H / N
    mu = (psi.H * M * psi)[0] / N
    var = (psi.H * M * M * psi)[0] / N - mu**2
    phi = (M - mu * sp.eye(d)) * psi
    C = M * rho - rho * M
    steps.append(Step("[M, ρ] = (φψ† − ψφ†)/N with φ = (M − μ)ψ, N = ψ†ψ (rank ≤ 2; d = 3, M diagonal)", "cancel",
                      C, (phi * psi.H - psi * phi.H) / N))
    steps.append(Step("ψ†φ = 0", "cancel", (psi.H * phi)[0], sp.Integer(0)))
    steps.append(Step("|φ|²/N = Var_ψ(M)", "cancel", (phi.H * phi)[0] / N, var))
    s = sp.Symbol("s", nonnegative=True)
    blk = s * sp.Matrix([[0, -1], [1, 0]])
    steps.append(Step("on the orthonormal pair (ψ̂, φ̂) [M, ρ] = s[[0, −1], [1, 0]], s = |φ|/√N: BᵀB = s²I, singular values s, s "
                      "⇒ ‖[M, ρ]‖₁ = 2√Var, ‖[M, ρ]‖_F² = 2Var", "expand", blk.T * blk, s**2 * sp.eye(2)))
    steps.append(Step("‖[M, ρ]‖_F² = tr(C†C) = 2 Var for a pure state (d = 3)", "cancel", (C.H * C).trace(), frobenius_factor * var))
    sx, sy, sz = _pauli()
    u, vv = sp.symbols("u v", real=True)
    a0 = sp.Symbol("m_0", real=True)
    b = sp.symbols("m_1:4", real=True)
    M2 = a0 * sp.eye(2) + b[0] * sx + b[1] * sy + b[2] * sz
    for sign, chart in ((1, "north"), (-1, "south")):
        den = 1 + u**2 + vv**2
        n = [2 * u / den, 2 * vv / den, sign * (1 - u**2 - vv**2) / den]
        rho2 = (sp.eye(2) + n[0] * sx + n[1] * sy + n[2] * sz) / 2
        C2 = M2 * rho2 - rho2 * M2
        var2 = (rho2 * M2 * M2).trace() - (rho2 * M2).trace() ** 2
        steps.append(Step(f"d = 2, ρ = (I + n·σ)/2 with |n| = 1 ({chart} chart), M = m₀I + m·σ: C†C = Var·I "
                          "(both singular values √Var)", "rational_function", C2.H * C2, var2 * sp.eye(2)))

    # 4. mixed states
    U, Vm = _u2("p"), _u2("q")
    Z = Vm * sp.diag(s1, s2) * U.H
    steps.append(Step("‖Z‖₁ is attained: tr(U V† Z) = s₁ + s₂ for Z = V diag(s) U† (d = 2), so with Hölder "
                      "‖X + Y‖₁ = tr(W(X + Y)) ≤ ‖X‖₁ + ‖Y‖₁", "expand, trigsimp", (U * Vm.H * Z).trace(), s1 + s2))
    q = sp.symbols("q_1:4", positive=True)
    xs = sp.symbols("x_1:4", real=True)
    tot = sum(q)
    p = [qi / tot for qi in q]
    steps.append(_nonneg_step("Jensen: Σp_j x_j² − (Σp_j x_j)² = Σ_(j<k) p_j p_k (x_j − x_k)² for weights p_j = q_j/Σq",
                              sum(pi * xi**2 for pi, xi in zip(p, xs)) - sum(pi * xi for pi, xi in zip(p, xs)) ** 2,
                              sum(p[j] * p[k] * (xs[j] - xs[k]) ** 2 for j in range(3) for k in range(j + 1, 3)), "rational_function"))
    mus = sp.symbols("mu_1:4", real=True)
    e2 = sp.symbols("E2_1:4", real=True)  # E_j[M^2]
    var_rho = sum(pi * ei for pi, ei in zip(p, e2)) - sum(pi * mi for pi, mi in zip(p, mus)) ** 2
    steps.append(Step("total variance: Var_ρ − Σ_j p_j Var_j = Σ_j p_j μ_j² − (Σ_j p_j μ_j)² (≥ 0 by Jensen)", "rational_function",
                      var_rho - sum(pi * (ei - mi**2) for pi, ei, mi in zip(p, e2, mus)),
                      sum(pi * mi**2 for pi, mi in zip(p, mus)) - sum(pi * mi for pi, mi in zip(p, mus)) ** 2))

    # 5. Bhatia–Davis
    lmin, mu_s, E2 = sp.symbols("lambda_min mu E2", real=True)
    Delta = sp.Symbol("Delta", nonnegative=True)
    lmax = lmin + Delta
    steps.append(Step("E[(λmax − M)(M − λmin)] = (λmax − μ)(μ − λmin) − Var with E[M] = μ, E[M²] = Var + μ²", "expand",
                      -E2 + (lmax + lmin) * mu_s - lmax * lmin, (lmax - mu_s) * (mu_s - lmin) - (E2 - mu_s**2)))
    beta = sp.symbols("beta_1:4", real=True)
    lam_k = [lmin + Delta * sp.sin(bk) ** 2 for bk in beta]
    Mb = sp.diag(*lam_k)
    ev = (psi.H * (lmax * sp.eye(3) - Mb) * (Mb - lmin * sp.eye(3)) * psi)[0]
    steps.append(_nonneg_step("ψ†(λmax − M)(M − λmin)ψ = Σ_k |ψ_k|² Δ² sin²β_k cos²β_k ≥ 0 with λ_k = λmin + Δ sin²β_k "
                              "(M's eigenbasis, d = 3) ⇒ Var ≤ (λmax − ŷ)(ŷ − λmin)", sp.expand(ev),
                              sum(Delta**2 * sp.sin(bk) ** 2 * sp.cos(bk) ** 2 * _abs2(z) for bk, z in zip(beta, psi)), "expand, trigsimp"))
    return steps


# --------------------------------------------------------------------------- numerics
def chain_violations(model, data, theta, *, factor: float = 2.0) -> dict[str, float]:
    """Largest violation of each link of the S4 chain (positive = violated), in units of the natural
    scale; ``factor`` is the constant of ``||[M, rho]||_1 <= factor sqrt(Var)`` (2 is S4)."""
    from qnnsym.numeric import effective_measurement, predict_and_jacobian
    from qnnsym.numeric.bounds import gradient_bounds, measurement_range

    yhat, J = predict_and_jacobian(model, data, theta)
    G = gradient_bounds(model, data, theta, J, yhat)
    norms = np.array([l.generator.norm for l in model.layers])
    lo, hi = measurement_range(model)
    m0 = max(abs(lo), abs(hi))
    trace_norm = G["commutator"][:, 0] / norms[0]  # ||[M, rho_i]||_1
    var = (G["variance"][:, 0] / (2 * norms[0])) ** 2
    spread = (G["range"][:, 0] / (2 * norms[0])) ** 2
    out = {
        "|J| ≤ ‖H‖‖[M,ρ]‖₁": float(np.max((np.abs(J) - G["commutator"]) / (norms * m0))),
        f"‖[M,ρ]‖₁ ≤ {factor:g}√Var": float(np.max((trace_norm / factor) ** 2 - var) / m0**2),
        "Var ≤ (λmax−ŷ)(ŷ−λmin)": float(np.max(var - spread) / m0**2),
    }
    if data.kind == "pure":
        M = effective_measurement(model, theta)
        rhos = data.density_matrices()
        frob = np.array([np.linalg.norm(M @ r - r @ M) ** 2 for r in rhos])
        out["pure: ‖[M,ρ]‖₁² = 4Var"] = float(np.max(np.abs(trace_norm**2 / 4 - var)) / m0**2)
        out["pure: ‖[M,ρ]‖_F² = 2Var"] = float(np.max(np.abs(frob / 2 - var)) / m0**2)
    return out


def _instances(profile: str):
    from qnnsym.model import dense_haar_model, hardware_efficient_ansatz
    from qnnsym.model.dataset import Dataset
    from qnnsym.sampling import random_density_matrices

    out = [(name, model, data, theta) for name, model, data, theta in extreme_label_instances(profile)]
    for k, (d, p) in enumerate([(4, 10), (8, 30)] if profile == "quick" else [(4, 10), (8, 30), (16, 100)]):
        rng = np.random.default_rng(4000 + k)
        model = dense_haar_model(d, p, seed=4100 + k, generator="pauli", gamma=1.5)
        data = Dataset(random_density_matrices(d, 4, rng=rng), rng.uniform(-1.5, 1.5, 4))
        out.append((f"dense d={d} p={p} pauli gamma=1.5 mixed", model, data, rng.uniform(-np.pi, np.pi, p)))
    hea = hardware_efficient_ansatz(2, 3)
    rng = np.random.default_rng(4200)
    out.append(("hea 2q 3L mixed", hea, Dataset(random_density_matrices(4, 3, rng=rng), [0.0, 0.5, -0.5]),
                rng.uniform(-np.pi, np.pi, hea.n_params)))
    return out


def _numeric(profile: str, *, factor: float = 2.0) -> NumericEvidence:
    from qnnsym.numeric import predict_and_jacobian
    from qnnsym.numeric.bounds import gradient_bounds

    worst, parts = -np.inf, []
    for name, model, data, theta in _instances(profile):
        v = chain_violations(model, data, theta, factor=factor)
        worst = max(worst, max(v.values()))
        yhat, J = predict_and_jacobian(model, data, theta)
        G = gradient_bounds(model, data, theta, J, yhat)
        ratios = [float(np.max(np.abs(J) / G[k])) for k in ("commutator", "variance", "range")]
        parts.append(f"{name} ({data.kind}): max |J|/bound = {ratios[0]:.3f}, {ratios[1]:.3f}, {ratios[2]:.3f}; "
                     f"largest violation {max(v.values()):.1e}")
    return NumericEvidence(max(worst, 0.0), CHAIN_TOL, "; ".join(parts), sizes={"profile": profile},
                           seeds=(100, 200, 300, 4000, 4100, 4200))


def _property(max_examples: int, *, factor: float = 2.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.strategies import datasets, dense_models, parameters, qubit_circuits

    @given(st.one_of(dense_models(max_dim=8, max_layers=6), qubit_circuits(max_qubits=3, max_gates=8)), st.data())
    def prop(model, draw):
        data = draw.draw(datasets(model.dim))
        theta = draw.draw(parameters(model.n_params))
        v = chain_violations(model, data, theta, factor=factor)
        assert max(v.values()) <= CHAIN_TOL, v

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S4",
        title="The gradient is bounded by the measurement's variance",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=["C1–C2; any state ρ_i (pure or mixed), any layer l", "‖·‖ operator norm, ‖·‖₁ trace norm"],
        uses=["S1"],
        steps=_steps(),
        numeric=_numeric,
        property=_property,
        notes=("Inequalities are identities with a manifestly non-negative side (checked by SymPy's assumptions). "
               "Steps are shown on explicit instances of dimension-free arguments: Hölder's pieces in d = 2/C³, "
               "the rank-2 structure in d = 3 (M's eigenbasis), Bloch vectors in d = 2, Jensen with three weights."),
    )
