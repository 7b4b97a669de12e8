"""S7: second moments of Haar conjugation (Weingarten calculus at t = 2) and their consequences.

Statement (C5 conventions; ``Â = V A V†`` with ``V`` Haar on U(d); ``X`` traceless):

    E[Â ⊗ Â] = α(A) I⊗I + β(A) SWAP,    Wg(e, d) = 1/(d²−1),   Wg((12), d) = −1/(d(d²−1)),
    α(A) = (d (tr A)² − tr A²)/(d(d²−1)),   β(A) = (tr A² − (tr A)²/d)/(d²−1);
    E[Â tr(Â X)] = α(A) tr(X) I + β(A) X  = β(A) X            (X traceless),
    E[Â X Â]     = α(A) X + β(A) tr(X) I = α(A) X             (X traceless),
    E ŷ = tr M0/d,   E ŷ² = ((tr M0)² + tr M0²)/(d(d+1))       (ŷ = ⟨ψ|M0|ψ⟩, ψ Haar-random),
    Σ_{P≠I} P tr(P X) = d X   (n-qubit Pauli strings, d = 2ⁿ).

Derivation.  ``twirl([A, A], 2)`` of :mod:`qnnsym.symbolic.haar` gives
``E[Â⊗Â] = Σ_τ c_τ P_τ`` with ``c_τ = Σ_σ Wg(σ⁻¹τ, d) tr(P_σ† A⊗A)`` — the two coefficients are
read off and compared with C5 (steps 1–3).  The operator identities follow by contracting the
twirl with the second tensor factor: ``E[Â tr(ÂX)] = tr₂[E(Â⊗Â)(I⊗X)] = α tr X I + β X`` because
``tr₂[SWAP (I⊗X)] = X``; they are checked here as scalar identities against an arbitrary test
operator ``Y`` (``tr(Y E[Â tr(ÂX)]) = E[tr(YÂ) tr(ÂX)]``, a product of traces evaluated by
``haar_trace_product``; and ``tr(Y E[ÂXÂ])`` by the word contraction below), which determine the
operators since ``Y`` is arbitrary.

Pauli frame.  The d² Pauli strings are an orthogonal operator basis, ``tr(P Q) = d δ_PQ``, so
``Σ_P P⊗P = d SWAP`` (checked for n = 1, 2 by ``expand``) and ``Σ_P P tr(P X) = tr₂[(Σ_P P⊗P)(I⊗X)]
= d X``; the identity string contributes ``tr(X) I = 0``.  Twirl/design view: the Clifford group is
a unitary 2-design and its orbit of a non-identity Pauli is every non-identity Pauli (up to sign),
so the uniform average ``(1/(d²−1)) Σ_{P≠I} P⊗P`` *is* the Haar moment ``E[P̂⊗P̂] = α(P) I⊗I +
β(P) SWAP`` with ``(d²−1)(α(P), β(P)) = (−1, d)`` (tr P = 0, tr P² = d; step 9 derives this with
the twirl for symbolic d).  Contracting with ``I⊗X`` gives ``Σ_{P≠I} P tr(PX) = (d²−1)(α tr X + β X)
= d X`` for traceless X.

The module also provides the small word-contraction engine used by S8–S10
(:func:`haar_average_words`): Haar averages of products of traces of words in fixed operators and
Haar-conjugated letters ``V X V†`` (several independent Haar unitaries, averaged one at a time).
For one unitary with ``t`` letters ``X_0..X_{t−1}``, ``E[V^{⊗t}(⊗X_k)V^{†⊗t}] = Σ_τ c_τ P_τ``
(``twirl``), and substituting ``P_τ`` (matrix elements ``Π_k δ(j_{τ(k)}, i_k)``) into the trace
network joins the fixed block ``F_k`` that follows letter ``k`` (up to the next letter ``n(k)`` of
its word) to the block of letter ``τ⁻¹(n(k))``: each cycle of ``k ↦ τ⁻¹(n(k))`` is one trace
``tr(F_k F_{τ⁻¹(n(k))} ⋯)``.  The contraction is cross-checked against ``haar_trace_product``
(products of traces) in step 6.

Numeric evidence: Monte Carlo over Haar samples (``qnnsym.numeric.haar.haar_average``) at
d = 2, 3, 4, 8 of ``E[Â⊗Â]`` (all entries, d ≤ 4; functionals at d = 8), ``E[Â tr(ÂX)]``,
``E[ÂXÂ]``, ``E ŷ`` and ``E ŷ²``; z-scores against the exact values, threshold ``MONTE_CARLO_Z``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from qnnsym.proofkit import lazy_step, z_scores
from qnnsym.symbolic.haar_words import (
    Conj,
    commutator,
    conj,
    haar_average_letters,
    haar_average_words,
    letter,
    to_sympy,
    tr,
    tp_add,
    trace_product,
)
from qnnsym.theorems import Golden, NumericEvidence, Step, Theorem

__all__ = ["alpha_beta_formula", "pauli_matrices", "build"]

STATEMENT = (
    r"$E[VAV^\dagger\otimes VAV^\dagger] = \alpha(A)\,I\otimes I + \beta(A)\,\mathrm{SWAP}$ with "
    r"$\mathrm{Wg}(e,d) = 1/(d^2-1)$, $\mathrm{Wg}((12),d) = -1/(d(d^2-1))$; for traceless $X$: "
    r"$E[\hat A\,\mathrm{tr}(\hat A X)] = \beta(A) X$, $E[\hat A X \hat A] = \alpha(A) X$; "
    r"$E\hat y = \mathrm{tr} M_0/d$, $E\hat y^2 = ((\mathrm{tr} M_0)^2 + \mathrm{tr} M_0^2)/(d(d+1))$ "
    r"for a Haar-random pure input; $\sum_{P\ne I} P\,\mathrm{tr}(PX) = d X$."
)


def alpha_beta_formula(tr_a: Any, tr_a2: Any, d: Any) -> tuple:
    """C5 typed in (the *claimed* closed forms that the machinery's output is compared with)."""
    return (d * tr_a**2 - tr_a2) / (d * (d**2 - 1)), (tr_a2 - tr_a**2 / d) / (d**2 - 1)


# =============================================================================================
# S7 itself
# =============================================================================================


def _ops():
    from qnnsym.symbolic.haar import Op

    return {
        "A": Op("A"),
        "X": Op("X"),
        "Y": Op("Y"),
        "M0": Op("M0"),
        "rho": Op("rho", kind="rank_one_projector"),
    }


def _ts(name: str):
    from qnnsym.symbolic.symbols import trace_symbol

    return trace_symbol(name)


def pauli_matrices(n: int):
    """All ``4**n`` Pauli strings on ``n`` qubits as exact SymPy matrices, identity first
    (qubit 0 most significant, C6)."""
    import itertools

    import sympy as sp

    one = {"I": sp.eye(2), "X": sp.Matrix([[0, 1], [1, 0]]), "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
           "Z": sp.Matrix([[1, 0], [0, -1]])}
    out = []
    for labels in itertools.product("IXYZ", repeat=n):
        m = sp.Matrix([[1]])
        for c in labels:
            m = sp.kronecker_product(m, one[c])
        out.append(("".join(labels), m))
    return out


def _traceless_symbolic(d: int):
    """A general traceless ``d x d`` matrix of complex symbols (last diagonal entry fixed)."""
    import sympy as sp

    xs = sp.symbols(f"x_0:{d * d}")
    X = sp.Matrix(d, d, xs)
    X[d - 1, d - 1] = -sum(X[i, i] for i in range(d - 1))
    return X


def _frame_step(n: int) -> Step:
    import sympy as sp

    d = 2**n
    X = _traceless_symbolic(d)
    lhs = sp.zeros(d, d)
    for label, P in pauli_matrices(n):
        if set(label) != {"I"}:
            lhs += P * (P * X).trace()
    return Step(f"Pauli frame, n = {n}: Σ_(P≠I) P tr(P X) = {d} X for a symbolic traceless {d}×{d} X",
                "expand", lhs, d * X)


def _completeness_step(n: int) -> Step:
    import sympy as sp

    from qnnsym.symbolic.haar import permutation_operator

    d = 2**n
    lhs = sp.zeros(d * d, d * d)
    for label, P in pauli_matrices(n):
        if set(label) != {"I"}:
            lhs += sp.kronecker_product(P, P)
    swap = sp.Matrix(permutation_operator((1, 0), d))
    return Step(f"n = {n}: Σ_(P≠I) P⊗P = d SWAP − I⊗I (Pauli strings are an orthogonal operator basis)",
                "expand", lhs, d * swap - sp.eye(d * d))


def _steps() -> list[Step]:
    import sympy as sp

    from qnnsym.symbolic.haar import haar_trace_product, second_moment_coefficients, twirl
    from qnnsym.symbolic.symbols import d
    from qnnsym.symbolic.weingarten import weingarten

    o = _ops()
    A, X, Y, M0, rho = o["A"], o["X"], o["Y"], o["M0"], o["rho"]
    trA, trA2 = _ts("tr(A)"), _ts("tr(A**2)")
    aF, bF = alpha_beta_formula(trA, trA2, d)
    steps = []
    steps.append(Step("Wg(e, d) = 1/(d²−1) (characters of S_2)", "cancel", weingarten((0, 1), d), 1 / (d**2 - 1)))
    steps.append(Step("Wg((12), d) = −1/(d(d²−1))", "cancel", weingarten((1, 0), d), -1 / (d * (d**2 - 1))))
    alpha, beta = second_moment_coefficients(A)
    steps.append(Step("the twirl of A⊗A: coefficient of I⊗I is α(A) (C5)", "rational_function", alpha, aF))
    steps.append(Step("the twirl of A⊗A: coefficient of SWAP is β(A) (C5)", "rational_function", beta, bF))

    # E[Â tr(ÂX)] = α tr X I + β X, tested against an arbitrary Y
    lhs = haar_trace_product([(Y, A), (X, A)])
    steps.append(Step("tr(Y E[Â tr(ÂX)]) = E[tr(YÂ) tr(ÂX)] = α(A) tr X tr Y + β(A) tr(XY), i.e. "
                      "E[Â tr(ÂX)] = α(A) tr(X) I + β(A) X", "rational_function",
                      lhs, aF * _ts("tr(X)") * _ts("tr(Y)") + bF * _ts("tr(X*Y)")))
    # the same from the word contraction (cross-check of haar_average_words against haar_trace_product)
    poly = trace_product(tr(letter(Y) * conj(A, "V")), tr(conj(A, "V") * letter(X)))
    steps.append(Step("word contraction of the twirl reproduces haar_trace_product for E[tr(YÂ) tr(ÂX)]",
                      "rational_function", to_sympy(haar_average_words(poly, "V")), lhs))
    # E[Â X Â] = α X + β tr X I
    poly = tr(letter(Y) * conj(A, "V") * letter(X) * conj(A, "V"))
    axa = to_sympy(haar_average_words(poly, "V"))
    steps.append(Step("tr(Y E[ÂXÂ]) = α(A) tr(XY) + β(A) tr X tr Y, i.e. E[ÂXÂ] = α(A) X + β(A) tr(X) I",
                      "rational_function", axa, aF * _ts("tr(X*Y)") + bF * _ts("tr(X)") * _ts("tr(Y)")))
    steps.append(Step("traceless X: E[Â tr(ÂX)] = β(A) X and E[ÂXÂ] = α(A) X (tr X = 0 in the two identities above)",
                      "rational_function", sp.Matrix([lhs, axa]).subs(_ts("tr(X)"), 0),
                      sp.Matrix([bF * _ts("tr(X*Y)"), aF * _ts("tr(X*Y)")])))
    # predictions for a Haar-random pure input
    steps.append(Step("E ŷ = E tr(M0 VρV†) = tr M0/d (ρ rank-one)", "rational_function",
                      haar_trace_product([(M0, rho)]), _ts("tr(M0)") / d))
    steps.append(Step("E ŷ² = ((tr M0)² + tr M0²)/(d(d+1))", "rational_function",
                      haar_trace_product([(M0, rho), (M0, rho)]), (_ts("tr(M0)") ** 2 + _ts("tr(M0**2)")) / (d * (d + 1))))
    # Pauli frame: explicit n = 1, 2, and the twirl view for symbolic d
    steps.append(_completeness_step(1))
    steps.append(_completeness_step(2))
    steps.append(_frame_step(1))
    steps.append(_frame_step(2))
    c = twirl([A, A], 2)
    pa = {trA: 0, trA2: d}
    steps.append(Step("twirl view: for a Pauli (tr P = 0, tr P² = d) (d²−1)(α(P), β(P)) = (−1, d), so "
                      "(d²−1) E[P̂⊗P̂] = d SWAP − I⊗I = Σ_(P≠I) P⊗P and Σ_(P≠I) P tr(PX) = (d²−1) β(P) X = d X",
                      "rational_function",
                      sp.Matrix([(d**2 - 1) * c[(0, 1)].subs(pa), (d**2 - 1) * c[(1, 0)].subs(pa)]),
                      sp.Matrix([-1, d])))
    return steps


def _golden() -> list[Golden]:
    import sympy as sp

    from qnnsym.symbolic.haar import haar_trace_product, permutation_operator, twirl

    def explicit_twirl(n_qubits: int):
        # E[P̂ ⊗ P̂] for P = Z⊗I.. as an explicit d²×d² matrix: must be (d SWAP − I⊗I)/(d²−1)
        d = 2**n_qubits
        P = dict(pauli_matrices(n_qubits))["Z" + "I" * (n_qubits - 1)]
        c = twirl(sp.kronecker_product(P, P), 2)
        return c[(0, 1)] * sp.eye(d * d) + c[(1, 0)] * sp.Matrix(permutation_operator((1, 0), d))

    def frame_avg(n_qubits: int):
        d = 2**n_qubits
        tot = sp.zeros(d * d, d * d)
        for label, P in pauli_matrices(n_qubits):
            if set(label) != {"I"}:
                tot += sp.kronecker_product(P, P)
        return tot / (d * d - 1)

    Z, X = sp.diag(1, -1), sp.Matrix([[0, 1], [1, 0]])
    return [
        Golden("E tr(Z V X V†)² at d = 2 (explicit matrices)", lambda: haar_trace_product([(Z, X), (Z, X)]), sp.Rational(4, 3)),
        Golden("α, β of a 2-qubit Pauli (explicit twirl)", lambda: sp.Matrix([twirl([sp.diag(1, -1, 1, -1)] * 2, 2)[k] for k in ((0, 1), (1, 0))]),
               sp.Matrix([sp.Rational(-1, 15), sp.Rational(4, 15)])),
        Golden("Haar E[P̂⊗P̂] = uniform average of Q⊗Q over Q ≠ I, n = 1", lambda: explicit_twirl(1) - frame_avg(1), sp.zeros(4, 4)),
        Golden("Haar E[P̂⊗P̂] = uniform average of Q⊗Q over Q ≠ I, n = 2", lambda: explicit_twirl(2) - frame_avg(2), sp.zeros(16, 16)),
        Golden("E ŷ² for M0 = Z, d = 2 (explicit)", lambda: haar_trace_product([(Z, sp.diag(1, 0)), (Z, sp.diag(1, 0))]), sp.Rational(1, 3)),
    ]


# =============================================================================================
# numerics (first principles: Haar samples; the exact values are C5 evaluated with numpy)
# =============================================================================================


def _random_hermitian(d: int, rng) -> np.ndarray:
    a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    return (a + a.conj().T) / 2


def _re_im(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return np.concatenate([x.real.reshape(x.shape[0], -1), x.imag.reshape(x.shape[0], -1)], axis=1)


def _numeric(profile: str) -> NumericEvidence:
    from qnnsym.conventions import haar_alpha, haar_beta
    from qnnsym.sampling import haar_unitaries
    from qnnsym.tolerances import MONTE_CARLO_Z

    n = 20000 if profile == "quick" else 200000
    worst, details, seeds = 0.0, [], []
    for k, d in enumerate((2, 3, 4, 8)):
        seed = 700 + k
        seeds.append(seed)
        rng = np.random.default_rng(seed)
        A = _random_hermitian(d, rng)
        X = _random_hermitian(d, rng)
        X -= np.trace(X).real / d * np.eye(d)
        Yt = _random_hermitian(d, rng)
        M0 = np.diag(rng.standard_normal(d))
        ta, ta2 = float(np.trace(A).real), float(np.trace(A @ A).real)
        al, be = haar_alpha(ta, ta2, d), haar_beta(ta, ta2, d)
        swap = np.zeros((d * d, d * d))
        for i in range(d):
            for j in range(d):
                swap[i * d + j, j * d + i] = 1
        exact_tt = al * np.eye(d * d) + be * swap
        exact_ahat = be * X
        exact_axa = al * X
        tm, tm2 = float(np.trace(M0)), float(np.trace(M0 @ M0))
        exact_y = np.array([tm / d, (tm**2 + tm2) / (d * (d + 1))])
        parts = {"E[Â⊗Â]": [], "E[Â tr(ÂX)]": [], "E[ÂXÂ]": [], "E ŷ, E ŷ²": []}
        done, batch = 0, 2048
        urng = np.random.default_rng(seed + 1000)
        while done < n:
            b = min(batch, n - done)
            V = haar_unitaries(d, b, rng=urng)
            Ah = V @ A @ V.conj().transpose(0, 2, 1)
            if d <= 4:
                tt = np.einsum("nab,nce->nacbe", Ah, Ah).reshape(b, d * d, d * d)
            else:  # d = 8: the functional tr((Y⊗X) E[Â⊗Â]) = α tr Y tr X + β tr(YX), plus a few entries
                tt = np.stack([np.einsum("nab,ba->n", Ah, Yt) * np.einsum("nab,ba->n", Ah, X),
                               Ah[:, 0, 0] * Ah[:, 1, 1], Ah[:, 0, 1] * Ah[:, 1, 0]], axis=1)
            trAX = np.einsum("nab,ba->n", Ah, X)
            parts["E[Â⊗Â]"].append(_re_im(tt))
            parts["E[Â tr(ÂX)]"].append(_re_im(Ah * trAX[:, None, None]))
            parts["E[ÂXÂ]"].append(_re_im(Ah @ X @ Ah))
            psi = V[:, :, 0]
            y = np.einsum("na,ab,nb->n", psi.conj(), M0, psi).real
            parts["E ŷ, E ŷ²"].append(np.stack([y, y**2], axis=1))
            done += b
        if d > 4:  # α tr Y tr X + β tr(YX) (tr X = 0), and the entries ((0,1),(0,1)) = α, ((0,1),(1,0)) = β
            exact_tt = np.array([be * np.trace(Yt @ X), al, be])
        exacts = {"E[Â⊗Â]": _re_im(exact_tt[None]), "E[Â tr(ÂX)]": _re_im(exact_ahat[None]),
                  "E[ÂXÂ]": _re_im(exact_axa[None]), "E ŷ, E ŷ²": exact_y[None]}
        for name, chunks in parts.items():
            mean, se, z = z_scores(np.concatenate(chunks), exacts[name][0])
            zmax = float(np.max(z))
            worst = max(worst, zmax)
            w = int(np.argmax(z))  # the worst component, with its standard error
            details.append(f"d={d} {name} (n={n}, seeds {seed}/{seed + 1000}): max z = {zmax:.2f} over {z.size} components, "
                           f"worst {float(mean.ravel()[w]):.4f}±{float(se.ravel()[w]):.1e} vs {float(exacts[name][0].ravel()[w]):.4f}")
    details.insert(0, f"max z = {worst:.2f} (threshold {MONTE_CARLO_Z})")
    return NumericEvidence(worst, MONTE_CARLO_Z, "; ".join(details),
                           sizes={"d": [2, 3, 4, 8], "n_samples": n}, seeds=tuple(seeds))


def _property(max_examples: int) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.model.pauli import all_pauli_strings
    from qnnsym.proofkit import run_property
    from qnnsym.strategies import seeds

    @given(st.integers(1, 3), seeds)
    def prop(n, seed):
        d = 2**n
        rng = np.random.default_rng(seed)
        X = _random_hermitian(d, rng) + 1j * _random_hermitian(d, rng)  # a general complex matrix
        X -= np.trace(X) / d * np.eye(d)
        tot = np.zeros((d, d), dtype=complex)
        for P in all_pauli_strings(n):
            m = P.matrix()
            tot += m * np.trace(m @ X)
        assert np.allclose(tot, d * X, atol=1e-12 * d * max(1.0, np.abs(X).max()))

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S7",
        title="Second moments of Haar conjugation (Weingarten t = 2) and the Pauli frame",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=[
            "V Haar-distributed on U(d), normalised to 1 (C5); A Hermitian (any square A for the operator identities)",
            "X traceless where stated; ψ Haar-random pure state for E ŷ, E ŷ²",
            "Pauli frame: n-qubit Pauli strings, d = 2ⁿ (shown symbolically for n = 1, 2; numerically for n ≤ 3)",
        ],
        steps=_steps(),
        golden=_golden(),
        numeric=_numeric,
        property=_property,
        notes="The word-contraction engine haar_average_words defined here is reused by S8–S10.",
    )
