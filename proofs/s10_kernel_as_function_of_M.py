"""S10: the tangent kernel as a function of the effective measurement.

With ``A_i = [M, ρ_i]`` (traceless, anti-Hermitian) and the frame map
``F(X) = Σ_l Ĥ_l tr(Ĥ_l X)``, the gradient formula of S1 gives

    K_ij = Σ_l J_il J_jl = −Σ_l tr(Ĥ_l A_i) tr(Ĥ_l A_j) = −tr(A_i F(A_j)).

If ``F(X) = κ X`` on traceless ``X`` then ``K_ij = −κ tr(A_i A_j) = κ K^asym_ij(M)``.

- **Exact for a complete Pauli frame**: ``{Ĥ_l} = {R† P R : P ≠ I}`` (any common unitary ``R``) has
  ``F(X) = d X`` by S7's frame identity (conjugation by ``R`` commutes with ``F``), and
  ``κ = Σ_l β(H_l) = (d² − 1)·d/(d² − 1) = d``, so ``K = κ K^asym(M)`` exactly (repeating the frame
  ``r`` times: ``κ = r d``).
- **Approximately for random layers**: for the dense model the ``Ĥ_l`` are independent Haar
  conjugates of ``H_l`` relative to ``M`` (S9's reduction), so ``E F(X) = Σ_l β(H_l) X = κX`` (S7:
  ``E[Â tr(ÂX)] = β X``) and, since ``tr Ĥ² = tr H²``,
  ``E‖F(X) − κX‖_F² = Σ_l β(H_l)(tr H_l² − β(H_l)) ‖X‖_F²``.  The relative RMS error of the frame
  map is ``√(Σ_l β_l(tr H_l² − β_l))/κ`` — ``√((d² − 2)/p)`` for Pauli-type generators: it falls
  like ``p^{−1/2}`` and drops below 1 once ``p`` passes ``d² − 2``.  Hence
  ``E‖K − κK^asym‖² ∝ p`` while ``‖κK^asym‖² ∝ p²``: the relative error of ``K ≈ κK^asym(M(θ))``
  decays like ``p^{−1/2}`` (exactly, for the ratio of mean squares with a final Haar unitary).

Numeric evidence: (i) QNNs built so that the effective generators are exactly a (rotated) complete
Pauli frame — ``H_l`` the non-identity Pauli strings, ``W_1 = R``, ``W_l = R V_{l−1}†`` so that the
circuit before rotation ``l`` is always ``R`` — at arbitrary θ and random ``M0``, inputs and final
unitary: ``‖K − κK^asym(M(θ))‖_F/‖K‖_F`` from the engine (adjoint Jacobian, effective measurement)
below ``1e−12`` for n = 1, 2, 3 qubits; (ii) random dense models at ``d = 4`` with ``W_{p+1}``,
``p ∈ {5, 15, 60, 240}``: the relative errors decrease, and the fitted exponent of
``√(E‖K − κK^asym‖²/E‖κK^asym‖²)`` is ``−1/2`` within 0.1 (the per-model ``‖K − κK^asym‖/‖K‖`` is
reported with its own exponent).
"""

from __future__ import annotations

import numpy as np

from qnnsym.proofs.s07_haar_second_moments import alpha_beta_formula, pauli_matrices
from qnnsym.proofkit import hermitian_symbols, lazy_step
from qnnsym.symbolic.haar_words import (
    conj,
    haar_average_words,
    letter,
    to_sympy,
    tr,
    trace_product,
)
from qnnsym.theorems import NumericEvidence, Step, Theorem

__all__ = ["frame_model", "frame_kernel_sides", "make_numeric", "build"]

STATEMENT = (
    r"$K_{ij} = -\sum_l \mathrm{tr}(\hat H_l A_i)\,\mathrm{tr}(\hat H_l A_j)$, $A_i = [M,\rho_i]$; if "
    r"$\sum_l \hat H_l\,\mathrm{tr}(\hat H_l X) = \kappa X$ on traceless $X$ ($\kappa = \sum_l\beta(H_l)$) then "
    r"$K(\theta) = \kappa K^{asym}(M(\theta))$: exact for a complete (rotated) Pauli frame; for Haar-random layers "
    r"$E\|F(X)-\kappa X\|_F^2 = \sum_l \beta_l(\mathrm{tr}H_l^2-\beta_l)\|X\|_F^2$ (relative error $\sqrt{(d^2-2)/p}$ for "
    r"Pauli-type $H_l$), so the error of $K\approx\kappa K^{asym}$ shrinks like $p^{-1/2}$ once $p$ passes $d^2-1$."
)


def _ts(name: str):
    from qnnsym.symbolic.symbols import trace_symbol

    return trace_symbol(name)


def frame_kernel_sides(n: int):
    """``(−Σ_P tr(P A_i) tr(P A_j), d K^asym_ij)`` for symbolic Hermitian ``M, ρ_i, ρ_j`` on ``n`` qubits."""
    import sympy as sp

    d = 2**n
    M, Ri, Rj = hermitian_symbols(d, "m"), hermitian_symbols(d, "r"), hermitian_symbols(d, "s")
    Ai, Aj = M * Ri - Ri * M, M * Rj - Rj * M
    frame = [P for label, P in pauli_matrices(n) if set(label) != {"I"}]
    K = -sum(((P * Ai).trace() * (P * Aj).trace() for P in frame), sp.S.Zero)
    kasym = -(Ai * Aj).trace()
    return K, d * kasym


def _frame_kernel_step(n: int) -> Step:
    def thunk():
        return frame_kernel_sides(n)

    return lazy_step(f"n = {n}: with Ĥ_l the {4**n - 1} Pauli strings, −Σ_l tr(Ĥ_l A_i) tr(Ĥ_l A_j) = d K^asym_ij for symbolic "
                     f"Hermitian {2**n}×{2**n} M, ρ_i, ρ_j (trace algebra, expand)", "expand", thunk)


def _steps() -> list[Step]:
    import sympy as sp

    from qnnsym.symbolic.haar import Op, haar_trace_product, second_moment_coefficients
    from qnnsym.symbolic.symbols import d

    steps = []
    steps.append(Step("the gradient formula J_il = i tr(Ĥ_l [M, ρ_i]) = i tr(Ĥ_l A_i)", "by S1", uses=("S1",)))
    # 1. K from S1's gradient formula: J_il = i t_il with t_il = tr(Ĥ_l A_i) (p = 3 symbols)
    t = sp.Matrix(2, 3, sp.symbols("t_0:6"))
    J = sp.I * t
    steps.append(Step("K_ij = Σ_l J_il J_jl with J_il = i tr(Ĥ_l A_i) (S1) gives K_ij = −Σ_l tr(Ĥ_l A_i) tr(Ĥ_l A_j)",
                      "expand", J * J.T, -t * t.T))
    # 2. = −tr(A_i F(A_j)), and F = κ id on traceless X gives κ K^asym: linear algebra on symbols
    kap = sp.Symbol("kappa")
    Ai, Aj = sp.Matrix(2, 2, sp.symbols("a_0:4")), sp.Matrix(2, 2, sp.symbols("b_0:4"))
    Hs = [sp.Matrix(2, 2, sp.symbols(f"h{l}_0:4")) for l in range(3)]
    F = lambda X: sum((H * (H * X).trace() for H in Hs), sp.zeros(2, 2))
    steps.append(Step("−Σ_l tr(Ĥ_l A_i) tr(Ĥ_l A_j) = −tr(A_i F(A_j)), F(X) = Σ_l Ĥ_l tr(Ĥ_l X) (symbolic 2×2, p = 3)",
                      "expand", -sum(((H * Ai).trace() * (H * Aj).trace() for H in Hs), sp.S.Zero), -(Ai * F(Aj)).trace()))
    steps.append(Step("with F(A_j) = κ A_j: −tr(A_i F(A_j)) = −κ tr(A_i A_j) = κ K^asym_ij", "expand",
                      -(Ai * (kap * Aj)).trace(), kap * (-(Ai * Aj).trace())))
    # 3. complete Pauli frame: F(X) = d X (S7) and κ = (d² − 1) β(P) = d
    steps.append(Step("complete Pauli frame: Σ_(P≠I) P tr(P X) = d X on traceless X (S7's frame identity)", "by S7", uses=("S7",)))
    _, bP = second_moment_coefficients(Op("P"))
    steps.append(Step("κ of a complete frame = (d² − 1) β(P) = d (β from the t = 2 twirl, tr P = 0, tr P² = d)",
                      "rational_function", (d**2 - 1) * bP.subs({_ts("tr(P)"): 0, _ts("tr(P**2)"): d}), d))
    steps.append(_frame_kernel_step(1))
    steps.append(_frame_kernel_step(2))
    # 4. random layers: mean and mean-square error of the frame map (t = 2)
    H, X, Xd, Y = Op("H"), Op("X"), Op("Xd"), Op("Y")
    trH, trH2 = _ts("tr(H)"), _ts("tr(H**2)")
    _, bH = alpha_beta_formula(trH, trH2, d)
    traceless = {_ts("tr(X)"): 0, _ts("tr(Xd)"): 0}
    steps.append(Step("E[Ĥ tr(ĤX)] = β(H) X on traceless X: tr(Y E[Ĥ tr(ĤX)]) = β(H) tr(XY) (so E F(X) = κ X)",
                      "rational_function", haar_trace_product([(Y, H), (X, H)]).subs(traceless), bH * _ts("tr(X*Y)")))
    Hh = conj(H, "V")
    steps.append(Step("tr(Ĥ²) = tr(H²) for every V (the word average of tr(ĤĤ) is deterministic)", "rational_function",
                      to_sympy(haar_average_words(tr(Hh * Hh), "V")), trH2))
    # ‖F_l − βX‖² = tr(H²) tr(X†Ĥ) tr(ĤX) − 2β tr(X†Ĥ) tr(ĤX) + β² tr(X†X)   (Ĥ Hermitian, tr Ĥ² = tr H²)
    cross = to_sympy(haar_average_words(trace_product(tr(letter(Xd) * Hh), tr(Hh * letter(X))), "V")).subs(traceless)
    mse = trH2 * cross - 2 * bH * cross + bH**2 * _ts("tr(X*Xd)")
    steps.append(Step("E‖Ĥ tr(ĤX) − β(H) X‖_F² = β(H)(tr H² − β(H)) ‖X‖_F² (Xd = X†; the layers are independent with mean "
                      "zero errors, so E‖F(X) − κX‖² = Σ_l β_l(tr H_l² − β_l)‖X‖²)", "rational_function",
                      mse, bH * (trH2 - bH) * _ts("tr(X*Xd)")))
    p = sp.Symbol("p", positive=True, integer=True)
    pa = {trH: 0, trH2: d}
    steps.append(Step("Pauli-type generators: relative mean-square error of the frame map p β(d − β)/(pβ)² = (d² − 2)/p "
                      "(< 1 iff p > d² − 2)", "rational_function",
                      (p * bH * (trH2 - bH) / (p * bH) ** 2).subs(pa), (d**2 - 2) / p))
    return steps


# ---------------------------------------------------------------------------------------------
# numerics


def frame_model(n_qubits: int, theta: np.ndarray, seed: int, repeats: int = 1, measurement=None):
    """A QNN whose effective generators at ``theta`` are exactly the rotated Pauli frame
    ``{R† P R : P ≠ I}`` (``repeats`` times): ``H_l = P_l``, ``W_1 = R``, ``W_l = R V_{l−1}†``."""
    from qnnsym.model import QNN, DenseHermitian, Layer
    from qnnsym.model.gates import DenseUnitary
    from qnnsym.model.operators import PauliOperator
    from qnnsym.model.pauli import all_pauli_strings
    from qnnsym.sampling import haar_unitaries

    d = 2**n_qubits
    paulis = all_pauli_strings(n_qubits) * repeats
    us = haar_unitaries(d, 2, seed=seed)
    R, final = us[0], us[1]
    rng = np.random.default_rng(seed + 1)
    if measurement is None:
        a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        measurement = (a + a.conj().T) / 2
    layers = []
    V = np.eye(d, dtype=complex)  # the circuit so far
    for l, P in enumerate(paulis):
        W = R @ V.conj().T
        W = _polish(W)
        Pm = P.matrix()
        U = np.cos(theta[l]) * np.eye(d) - 1j * np.sin(theta[l]) * Pm  # exp(-iθP), P² = I
        layers.append(Layer(PauliOperator(P), DenseUnitary(W), name=f"frame {P.label}"))
        V = U @ W @ V
    return QNN(tuple(layers), DenseHermitian(measurement), final=DenseUnitary(final), n_qubits=n_qubits,
               name=f"pauli-frame(n={n_qubits}, r={repeats})")


def _polish(W: np.ndarray) -> np.ndarray:
    """Re-unitarise against accumulated round-off (polar factor)."""
    u, _, vh = np.linalg.svd(W)
    return u @ vh


def make_numeric(kappa_of=None):
    """The numeric check; ``kappa_of(model)`` (default ``model.kappa()``) is the claimed constant."""
    kappa_of = (lambda model: model.kappa()) if kappa_of is None else kappa_of

    def numeric(profile: str) -> NumericEvidence:
        from qnnsym.model import dense_haar_model, random_orthonormal_dataset
        from qnnsym.model.dataset import Dataset
        from qnnsym.numeric import asymptotic_kernel, effective_measurement, tangent_kernel
        from qnnsym.sampling import random_density_matrices

        details, seeds = [], []
        # (i) exact frames
        frame_err = 0.0
        cases = [(1, 1), (2, 1), (2, 2), (3, 1)]
        for k, (n, reps) in enumerate(cases):
            seed = 10100 + k
            seeds.append(seed)
            d = 2**n
            p = (4**n - 1) * reps
            theta = np.random.default_rng(seed + 7).uniform(-np.pi, np.pi, p)
            model = frame_model(n, theta, seed, reps)
            data = Dataset(random_density_matrices(d, 3, rank=max(1, d // 2), seed=seed + 3), np.zeros(3))
            K = tangent_kernel(model, data, theta)
            Ka = asymptotic_kernel(effective_measurement(model, theta), data.density_matrices())
            err = float(np.linalg.norm(K - kappa_of(model) * Ka) / np.linalg.norm(K))
            frame_err = max(frame_err, err)
            details.append(f"Pauli frame n={n} x{reps} (p={p}, κ={kappa_of(model):g}): ‖K − κK^asym‖/‖K‖ = {err:.2e}")
        # (ii) random dense models at d = 4 with a final Haar unitary
        n_models = 40 if profile == "quick" else 300
        ps = (5, 15, 60, 240)
        rel_mean, rel_ms = [], []
        for k, p in enumerate(ps):
            seed = 10200 + k
            seeds.append(seed)
            data = random_orthonormal_dataset(4, 4, seed=seed)
            rhos = data.density_matrices()
            rng = np.random.default_rng(seed + 1)
            per, num, den = [], 0.0, 0.0
            for j in range(n_models):
                model = dense_haar_model(4, p, seed=seed * 1000 + j, final_unitary=True)
                theta = rng.uniform(-np.pi, np.pi, p)
                K = tangent_kernel(model, data, theta)
                kK = kappa_of(model) * asymptotic_kernel(effective_measurement(model, theta), rhos)
                e2 = float(np.sum((K - kK) ** 2))
                per.append(np.sqrt(e2) / np.linalg.norm(K))
                num += e2
                den += float(np.sum(kK**2))
            rel_mean.append(float(np.mean(per)))
            rel_ms.append(float(np.sqrt(num / den)))
            details.append(f"d=4 p={p} ({n_models} models): mean ‖K − κK^asym‖/‖K‖ = {rel_mean[-1]:.4f}, "
                           f"sqrt(E‖K − κK^asym‖²/E‖κK^asym‖²) = {rel_ms[-1]:.4f}")
        lp = np.log(np.array(ps, dtype=float))
        slope_ms = float(np.polyfit(lp, np.log(rel_ms), 1)[0])
        slope_mean = float(np.polyfit(lp, np.log(rel_mean), 1)[0])
        decreasing = all(a > b for a, b in zip(rel_mean, rel_mean[1:])) and all(a > b for a, b in zip(rel_ms, rel_ms[1:]))
        details.append(f"fitted exponents: RMS ratio {slope_ms:.3f} (exact law −1/2, tolerance ±0.1), "
                       f"mean per-model ratio {slope_mean:.3f}; decreasing: {decreasing}")
        # one number: max of (frame error / 1e-12) and (|slope + 1/2| / 0.1), and a failure if not decreasing
        worst = max(frame_err / 1e-12, abs(slope_ms + 0.5) / 0.1, 0.0 if decreasing else np.inf)
        details.insert(0, f"max(frame error/1e-12, |slope + 1/2|/0.1) = {worst:.3f} (≤ 1)")
        return NumericEvidence(worst, 1.0, "; ".join(details), sizes={"frames": cases, "p": ps, "models": n_models},
                               seeds=tuple(seeds))

    return numeric


def _property(max_examples: int) -> int:
    """Any rotated complete Pauli frame, any Hermitian M and any states: −Σ_P tr(R†PR A_i) tr(R†PR A_j) = d K^asym_ij."""
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.model.pauli import all_pauli_strings
    from qnnsym.numeric import asymptotic_kernel
    from qnnsym.proofkit import run_property
    from qnnsym.sampling import haar_unitaries, random_density_matrices
    from qnnsym.strategies import seeds

    @given(st.integers(1, 3), seeds)
    def prop(n, seed):
        d = 2**n
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        M = (a + a.conj().T) / 2
        R = haar_unitaries(d, 1, seed=seed)[0]
        rhos = random_density_matrices(d, 3, seed=seed + 1)
        A = np.einsum("ab,ibc->iac", M, rhos) - np.einsum("iab,bc->iac", rhos, M)
        Hs = [R.conj().T @ P.matrix() @ R for P in all_pauli_strings(n)]
        t = np.array([[np.trace(H @ Ai) for H in Hs] for Ai in A])
        K = (-(t @ t.T)).real
        Ka = asymptotic_kernel(M, rhos)
        assert np.allclose(K, d * Ka, atol=1e-10 * max(1.0, np.abs(Ka).max()) * d)

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S10",
        title="The tangent kernel as a function of M: K ≈ κ K^asym(M)",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=[
            "J_il = i tr(Ĥ_l [M, ρ_i]) (S1's gradient formula), K = J Jᵀ (C4)",
            "exact case: effective generators a complete Pauli frame {R†PR : P ≠ I} (possibly repeated)",
            "approximate case: Ĥ_l independent Haar conjugates of H_l relative to M (the dense model, S9's reduction)",
        ],
        uses=["S1", "S7"],
        steps=_steps(),
        numeric=make_numeric(),
        property=_property,
    )
