"""S5 (the tangent kernel vanishes at boundary labels).

With ``S = sum_l ||H_l||^2``, the measurement range ``[lambda_min, lambda_max]`` and ``Delta = lambda_max - lambda_min``:

    tr K <= 4 S sum_i (lambda_max - yhat_i)(yhat_i - lambda_min),

and if every ``y_i in {lambda_min, lambda_max}`` then ``K_ii <= 4 S Delta |r_i|`` and
``||K|| <= tr K <= 4 S Delta sum_i |r_i| <= 4 S Delta sqrt(2 m L) -> 0`` as ``L -> 0``.

Derivation (each step closes by the rewrite it names, or substitutes a proved result):

1. ``K_ii = (J J^T)_ii = sum_l J_il^2`` (explicit ``m = 2, p = 3``; ``expand``);
2. ``J_il^2 <= 4 ||H_l||^2 Var_i <= 4 ||H_l||^2 (lambda_max - yhat_i)(yhat_i - lambda_min)`` (S4);
3. ``sum_l 4 ||H_l||^2 X = 4 S X`` (``expand``), so ``K_ii <= 4 S (lambda_max - yhat_i)(yhat_i - lambda_min)``;
4. at ``y_i = lambda_max``: ``yhat_i = lambda_max - |r_i|`` and the product is ``|r_i| (Delta - |r_i|)``; at
   ``y_i = lambda_min``: ``yhat_i = lambda_min + |r_i|``, the same (``expand``);
5. ``Delta |r| - |r| (Delta - |r|) = |r|^2 >= 0`` (``expand``; non-negative by assumptions), so ``K_ii <= 4 S Delta |r_i|``;
6. ``K`` is PSD (S2), so ``||K|| = lambda_max(K) <= tr K`` (the other eigenvalues are ``>= 0``; ``expand``);
7. ``sum_i |r_i| <= sqrt(m) |r| = sqrt(2 m L)`` (``m sum x_i^2 - (sum x_i)^2 = sum_{i<j} (x_i - x_j)^2``);
8. ``lim_{L -> 0+} 4 S Delta sqrt(2 m L) = 0`` (``sympy.limit``).

Numeric check: along gradient-descent runs with extreme labels (dense models with Pauli and
gamma-scaled measurements, a hardware-efficient circuit), at every visited point: ``K_ii`` against
``4 S Delta |r_i|``, ``tr K`` against its bound and ``||K||`` against ``4 S Delta sqrt(2 m L)``, in units
of ``4 S Delta^2`` (tolerance ``1e-12``: round-off of ``J J^T``); the detail reports the largest ratios
and how ``||K||`` shrinks with ``L``.
Property: short gradient-descent runs on random instances with extreme labels — at every visited
point the S4 gradient bound and the S5 kernel bounds hold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qnnsym.proofkit import extreme_label_instances, run_property, sum_of_squares_step
from qnnsym.theorems import NumericEvidence, Step, Theorem, close_step

STATEMENT = (
    r"With $S=\sum_l\|H_l\|^2$: $\mathrm{tr}\,K \le 4S\sum_i(\lambda_{\max}-\hat y_i)(\hat y_i-\lambda_{\min})$; "
    r"if every $y_i\in\{\lambda_{\min},\lambda_{\max}\}$ then $K_{ii}\le 4S\Delta|r_i|$ and "
    r"$\|K\|\le 4S\Delta\sqrt{2mL}\to 0$ as $L\to 0$."
)

#: Violations are measured in units of ``4 S Delta^2`` (the scale of ``K_ii``); the kernel is built from the
#: adjoint Jacobian with round-off ~ eps * d * p relative, far below this.
KERNEL_TOL = 1e-12


def _steps(constant=4) -> list[Step]:
    """``constant = 4`` is the statement's constant in ``K_ii <= 4 S Delta |r_i|`` (others: tests)."""
    import sympy as sp

    m, p = 2, 3
    J = sp.Matrix(m, p, lambda i, l: sp.Symbol(f"J_{i}{l}", real=True))
    K = J * J.T
    steps = [Step("K_ii = Σ_l J_il² (m = 2, p = 3)", "expand", sp.Matrix([K[i, i] for i in range(m)]),
                  sp.Matrix([sum(J[i, l] ** 2 for l in range(p)) for i in range(m)])),
             Step("J_il² ≤ 4‖H_l‖² Var_i ≤ 4‖H_l‖²(λmax − ŷ_i)(ŷ_i − λmin)", "by S4", uses=("S4",))]
    hn = sp.symbols("h_1:4", nonnegative=True)  # ||H_l||
    X = sp.Symbol("X", nonnegative=True)
    S = sp.Symbol("S", positive=True)
    steps.append(Step("Σ_l 4‖H_l‖² X = 4SX with S = Σ_l‖H_l‖² (p = 3)", "expand",
                      sum(4 * h**2 * X for h in hn), (4 * S * X).subs(S, sum(h**2 for h in hn))))
    lmin = sp.Symbol("lambda_min", real=True)
    Delta, a = sp.symbols("Delta a", nonnegative=True)  # a = |r_i|
    lmax = lmin + Delta
    for label, yhat in (("y = λmax: ŷ = λmax − |r|", lmax - a), ("y = λmin: ŷ = λmin + |r|", lmin + a)):
        steps.append(Step(f"{label}, so (λmax − ŷ)(ŷ − λmin) = |r|(Δ − |r|)", "expand",
                          (lmax - yhat) * (yhat - lmin), a * (Delta - a)))

    def bound_check() -> bool:
        lhs, rhs = constant / 4 * Delta * a - a * (Delta - a), a**2
        return close_step(Step("", "expand", lhs, rhs)).closed and rhs.is_nonnegative is True

    steps.append(Step(f"Δ|r| − |r|(Δ − |r|) = |r|² ≥ 0, so K_ii ≤ 4S|r|(Δ − |r|) ≤ {constant}SΔ|r_i|", "expand; rhs ≥ 0",
                      check=bound_check))
    steps.append(Step("K is positive semidefinite", "by S2", uses=("S2",)))
    lam = sp.symbols("mu_1:4", nonnegative=True)

    def norm_check() -> bool:
        lhs, rhs = sum(lam) - lam[2], lam[0] + lam[1]
        return close_step(Step("", "expand", lhs, rhs)).closed and rhs.is_nonnegative is True

    steps.append(Step("‖K‖ ≤ tr K: tr K − μ_max = Σ_(others) μ_k ≥ 0 for eigenvalues μ_k ≥ 0 (m = 3)", "expand; rhs ≥ 0",
                      check=norm_check))
    steps.append(sum_of_squares_step(3))
    L = sp.Symbol("L", nonnegative=True)
    mm = sp.Symbol("m", positive=True)
    steps.append(Step("‖K‖ ≤ 4SΔΣ|r_i| ≤ 4SΔ√(2mL) → 0 as L → 0⁺", "sympy.limit",
                      check=lambda: sp.limit(4 * S * Delta * sp.sqrt(2 * mm * L), L, 0, "+") == 0))
    return steps


# --------------------------------------------------------------------------- numerics
def kernel_violations(model, targets, residuals, kernels, *, constant: float = 4.0) -> dict[str, float]:
    """Largest violation of each S5 bound over the visited points (positive = violated), in units of
    ``4 S Delta^2``; ``residuals`` (n, m) and ``kernels`` (n, m, m) at the same points."""
    from qnnsym.numeric.bounds import measurement_range

    lo, hi = measurement_range(model)
    delta = hi - lo
    S = model.generator_norm_sq_sum()
    unit = 4 * S * delta**2
    m = residuals.shape[1]
    yhat = residuals + targets
    diag = np.einsum("kii->ki", kernels)
    trace = diag.sum(axis=1)
    spread = np.clip((hi - yhat) * (yhat - lo), 0.0, None).sum(axis=1)
    norm = np.linalg.eigvalsh(kernels)[:, -1]
    L = 0.5 * np.sum(residuals**2, axis=1)
    return {
        f"K_ii ≤ {constant:g}SΔ|r_i|": float(np.max(diag - constant * S * delta * np.abs(residuals)) / unit),
        "tr K ≤ 4SΣ(λmax−ŷ)(ŷ−λmin)": float(np.max(trace - 4 * S * spread) / unit),
        "‖K‖ ≤ 4SΔ√(2mL)": float(np.max(norm - 4 * S * delta * np.sqrt(2 * m * L)) / unit),
    }


@lru_cache(maxsize=4)
def _runs(profile: str):
    """Gradient-descent runs with the kernel at every step (cached per profile)."""
    from qnnsym.numeric import gradient_descent, tangent_kernel

    steps = 150 if profile == "quick" else 1000
    out = []
    for name, model, data, theta in extreme_label_instances(profile):
        lr = 1.0 / float(np.trace(tangent_kernel(model, data, theta)))
        traj = gradient_descent(model, data, theta, lr=lr, steps=steps, kernel_steps=range(steps + 1))
        out.append((name, model, data, traj))
    return out


def _numeric(profile: str, *, constant: float = 4.0) -> NumericEvidence:
    from qnnsym.numeric.bounds import measurement_range

    worst, parts = -np.inf, []
    for name, model, data, traj in _runs(profile):
        v = kernel_violations(model, data.targets, traj.residuals, traj.kernels, constant=constant)
        worst = max(worst, max(v.values()))
        lo, hi = measurement_range(model)
        S, delta = model.generator_norm_sq_sum(), hi - lo
        diag = np.einsum("kii->ki", traj.kernels)
        ratio = float(np.max(diag / (4 * S * delta * np.abs(traj.residuals))))
        norms = np.linalg.eigvalsh(traj.kernels)[:, -1]
        parts.append(f"{name}: max K_ii/(4SΔ|r_i|) = {ratio:.3f}, max ‖K‖/(4SΔ√(2mL)) = "
                     f"{float(np.max(norms / (4 * S * delta * np.sqrt(2 * data.m * traj.loss)))):.3f}; "
                     f"L: {traj.loss[0]:.3g} → {traj.loss[-1]:.3g}, ‖K‖: {norms[0]:.3g} → {norms[-1]:.3g}")
    return NumericEvidence(max(worst, 0.0), KERNEL_TOL, "violations in units of 4SΔ²; " + "; ".join(parts),
                           sizes={"profile": profile}, seeds=tuple(range(100, 104)))


def _property(max_examples: int, *, constant: float = 4.0) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from qnnsym.numeric import loss_and_gradient
    from qnnsym.numeric.bounds import measurement_range
    from qnnsym.strategies import dense_models, extreme_label_datasets, parameters, qubit_circuits

    @given(st.one_of(dense_models(max_dim=8, max_layers=8), qubit_circuits(max_qubits=2, max_gates=6)), st.data(),
           st.floats(0.05, 1.0))
    def prop(model, draw, fraction):
        data = draw.draw(extreme_label_datasets(model))
        theta = draw.draw(parameters(model.n_params)).copy()
        lo, hi = measurement_range(model)
        S, delta = model.generator_norm_sq_sum(), hi - lo
        norms = np.array([l.generator.norm for l in model.layers])
        lr = fraction / (4 * S * delta**2 * data.m)  # any step: the bounds hold at every point
        res, kers = [], []
        for _ in range(15):
            _, g, r, J = loss_and_gradient(model, data, theta)
            yhat = r + data.targets
            spread = np.clip((hi - yhat) * (yhat - lo), 0.0, None)
            # S4 at this point, squared: J_il^2 <= 4 ||H_l||^2 (lambda_max - yhat_i)(yhat_i - lambda_min)
            excess = (J**2 - 4 * np.outer(spread, norms**2)) / (4 * norms**2 * delta**2)
            assert np.max(excess) <= KERNEL_TOL, excess
            res.append(r)
            kers.append(J @ J.T)
            theta -= lr * g
        v = kernel_violations(model, data.targets, np.array(res), np.array(kers), constant=constant)
        assert max(v.values()) <= KERNEL_TOL, v

    return run_property(prop, max_examples)


def build() -> Theorem:
    return Theorem(
        id="S5",
        title="The tangent kernel vanishes at boundary labels",
        statement=STATEMENT,
        claimed="PROVED",
        assumptions=["C1–C4; labels y_i ∈ {λmin, λmax} for the second part", "S = Σ_l‖H_l‖², Δ = λmax − λmin"],
        uses=["S2", "S4"],
        steps=_steps(),
        numeric=_numeric,
        property=_property,
    )
