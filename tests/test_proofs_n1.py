"""N1 (the frozen-kernel prediction beside the QNN): the proof verifies as CHECKED with exactly its open steps
not shown, wrong claims are rejected (a wrong mean-kernel constant, the wrong frozen rate, tracking claimed at
the boundary, PROVED claimed), and qnnsym.neighbours.frozen agrees with slow independent references (central
differences of the tangent kernel, RK4 of the linearised system, mpmath divided differences, the QNN itself)."""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import pytest

from qnnsym.errors import InvalidInput, TooLarge, UnsupportedOperation
from qnnsym.model import QNN, Dataset, DenseUnitary, DiagonalOperator, Layer, circuit, dense_haar_model, random_orthonormal_dataset
from qnnsym.neighbours import frozen
from qnnsym.numeric import frozen_kernel_prediction, gradient_flow, jacobian, predict, tangent_kernel
from qnnsym.proofs import n01_frozen_kernel as n1
from qnnsym.sampling import haar_unitaries
from qnnsym.theorems import close_step, verify_theorem
from verified import verified

KNOWN = {"S7": "PROVED", "S8": "PROVED", "S12": "PROVED", "T3.2": "PROVED"}


def _instance(d=4, p=5, m=3, seed=3, final=False, generator="pauli", label=0.5):
    model = dense_haar_model(d, p, seed=seed, generator=generator, final_unitary=final)
    data = random_orthonormal_dataset(d, m, seed=seed + 1, labels=(label, -label))
    theta = np.random.default_rng(seed + 2).uniform(0, 2 * np.pi, p)
    return model, data, theta


# ----------------------------------------------------------------------------- the proof
def test_n1_verifies_as_checked_with_only_its_open_steps_not_shown():
    res = verified("N1")
    assert res.passed and res.claimed == res.shown == "CHECKED", res.describe()
    not_shown = [s for s in res.steps if not s.closed]
    assert len(not_shown) == 2 and all(s.declared_open for s in not_shown), res.describe()
    assert res.numeric is not None and res.numeric.passed and res.property_examples >= 20
    for part in ("(a) interior", "(b) dQNTK", "(c)", "(d) boundary", "(e) Monte Carlo"):
        assert part in res.numeric.detail


def test_n1_cannot_claim_proved():
    thm = dataclasses.replace(n1.build(), claimed="PROVED", numeric=None, property=None, golden=[])
    res = verify_theorem(thm, known=KNOWN)
    assert not res.passed and res.shown != "PROVED"
    assert {s.rule for s in res.steps if not s.closed} == {"open: numeric evidence only (check (a))",
                                                         "open: numeric evidence only (check (b))"}


def test_n1_rejects_a_wrong_mean_kernel_constant():
    wrong = n1._steps(constant=3)
    bad = [s for s in wrong if s.claim.startswith(("Pauli blocks", "no final block"))]
    assert len(bad) == 2 and not any(close_step(s, KNOWN).closed for s in bad)
    good = [s for s in n1._steps() if s.claim.startswith(("Pauli blocks", "no final block"))]
    assert all(close_step(s, KNOWN).closed for s in good)
    # and the Monte Carlo of E K against a 25 % too large constant
    worst, line, _, _ = n1._monte_carlo("quick", 2.5, n=400)
    assert worst > 1.0, line
    worst, line, _, _ = n1._monte_carlo("quick", 2, n=400)
    assert worst <= 1.0, line


def test_n1_rejects_the_wrong_frozen_rate():
    worst, line = n1._rate_check("max")  # claims the frozen loss decays at 2ηa (λ_max) instead of 2ηλ_min
    assert worst > 1.0, line
    assert n1._rate_check("min")[0] <= 1.0
    golden = [g for g in n1._golden() if g.name.startswith("ηλ_min")][0]
    S = n1._symbols()
    assert n1.frozen_rate("max").subs({S["c"]: 1, S["d"]: 8, S["m"]: 4}) != golden.expected


def test_n1_rejects_tracking_claimed_at_the_boundary():
    grid = {8: (32,), 16: (128,)}
    worst, line, info = n1._interior("quick", 1.0, 1.0, grid=grid, nseeds=1)
    assert worst > 1.0 and info["ratio_factor"] > 1e3 * n1.RATIO_BAND, line  # the ratio criterion fails by far
    _, line_ok, ok = n1._interior("quick", 1.0, 0.5, grid=grid, nseeds=1)
    assert ok["ratio_factor"] < n1.RATIO_BAND, line_ok  # ... and holds inside the range
    assert all(ok["max_error"][d] <= n1.TRACKING_BOUND[d] for d in grid), line_ok


def test_n1_rejects_a_frozen_kernel_off_by_a_factor():
    worst, line, info = n1._interior("quick", 3.0, 0.5, grid={8: (32,), 16: (128,)}, nseeds=1)
    assert worst > 1.0 and info["ratio_factor"] > n1.RATIO_BAND, line


def test_n1_boundary_check_sees_the_ratio_vanish():
    worst, line, ratios = n1._boundary("quick")
    assert worst == 0.0, line
    assert ratios[-1] < 1e-20 and np.all(np.diff(ratios) < 0)


# ----------------------------------------------------------------------------- mean kernel
def test_mean_kernel_matches_s8_edge_and_bulk_terms():
    d = 4
    model = dense_haar_model(d, 3, seed=1, generator="diagonal", measurement="XI")  # H = diag(±1) anticommutes with XI
    data = random_orthonormal_dataset(d, 2, seed=2)
    # bulk: 2 layers × 2dβ(H)β(M0) = 2 × 2·4·(4/15)² ; edge: ‖[H, XI]‖² /(d²−1) = 16/15
    expected = (np.eye(2) - 0.25) * (2 * 2 * 4 * (4 / 15) ** 2 + 16 / 15)
    assert np.allclose(frozen.mean_kernel(model, data), expected, rtol=1e-13)


def test_mean_kernel_refuses_models_without_haar_blocks():
    qnn = circuit(1, [("RY", 0)], measurement="Z")
    with pytest.raises(InvalidInput) as info:
        frozen.mean_kernel(qnn, Dataset.basis_state(2))
    assert info.value.argument == "model"


def test_mean_kernel_prediction_is_the_frozen_prediction_with_kbar():
    model, data, theta = _instance(final=True)
    times = np.linspace(0, 3, 7)
    traj = frozen.mean_kernel_prediction(model, data, theta, eta=0.2, times=times)
    kbar = frozen.mean_kernel(model, data)
    ref = frozen_kernel_prediction(kbar, predict(model, data, theta) - data.targets, eta=0.2, times=times)
    assert np.allclose(traj.residuals, ref.residuals, rtol=0, atol=1e-14)
    assert np.isclose(traj.meta["rate"], 0.2 * np.linalg.eigvalsh(kbar)[0])


# ----------------------------------------------------------------------------- dJ and dK
def test_kernel_derivative_against_central_differences_of_the_tangent_kernel():
    model, data, theta = _instance()
    h = 1e-5
    fd = np.array([(tangent_kernel(model, data, theta + h * e) - tangent_kernel(model, data, theta - h * e)) / (2 * h)
                   for e in np.eye(model.n_params)])
    for method in ("shift", "finite_difference"):
        dk = frozen.kernel_derivative(model, data, theta, method=method)
        assert dk.shape == (5, 3, 3)
        assert np.max(np.abs(dk - fd)) < 1e-7 * max(1.0, np.max(np.abs(dk))), method


def test_jacobian_derivative_is_a_symmetric_hessian():
    model, data, theta = _instance(d=3, p=4, m=2, generator="diagonal")
    dj = frozen.jacobian_derivative(model, data, theta)
    assert np.max(np.abs(dj - dj.transpose(2, 1, 0))) < 1e-13
    assert np.max(np.abs(dj)) > 1e-3  # not trivially zero


def test_shift_needs_two_eigenvalues_finite_differences_do_not():
    d = 3
    W = haar_unitaries(d, 2, seed=5)
    model = QNN((Layer(DiagonalOperator(np.array([1.0, 0.0, -1.0])), DenseUnitary(W[0])),
                 Layer(DiagonalOperator(np.array([1.0, 1.0, -1.0])), DenseUnitary(W[1]))),
                DiagonalOperator(np.array([1.0, -1.0, 0.5])))
    data = random_orthonormal_dataset(d, 2, seed=6)
    theta = np.array([0.3, -0.7])
    with pytest.raises(UnsupportedOperation):
        frozen.jacobian_derivative(model, data, theta)
    dj = frozen.jacobian_derivative(model, data, theta, method="finite_difference", step=1e-5)
    h = 1e-4
    ref = np.array([(jacobian(model, data, theta + h * e) - jacobian(model, data, theta - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.max(np.abs(dj - ref)) < 1e-6


def test_size_guards(monkeypatch):
    model, data, theta = _instance()
    monkeypatch.setattr(frozen, "DQNTK_MAX_WORK", 10.0)
    with pytest.raises(TooLarge) as info:
        frozen.jacobian_derivative(model, data, theta)
    assert info.value.argument == "model" and "mean_kernel_prediction" in str(info.value)
    monkeypatch.setattr(frozen, "CORRECTION_MAX_WORK", 100.0)
    with pytest.raises(TooLarge) as info:
        frozen.dqntk_residual_correction(np.ones((3, 2)), np.zeros((2, 3, 2)), np.ones(3), eta=1.0, times=np.zeros(5))
    assert info.value.argument == "times"


# ----------------------------------------------------------------------------- the correction
def _rk4_reference(J, dJ, r0, eta, times, h=2e-4):
    """The linearised system integrated directly: r0' = −ηK0 r0, S' = r0, δθ = −ηJᵀS, ΔK = Σ_l dK_l δθ_l,
    r1' = −ηK0 r1 − ηΔK r0 (no eigen-decomposition, no divided differences)."""
    m = J.shape[0]
    K0 = J @ J.T
    dK = np.einsum("lik,jk->lij", dJ, J)
    dK = dK + dK.transpose(0, 2, 1)

    def rhs(y):
        r, S, r1 = y[:m], y[m:2 * m], y[2 * m:]
        DK = np.einsum("lij,l->ij", dK, -eta * J.T @ S)
        return np.concatenate([-eta * K0 @ r, r, -eta * K0 @ r1 - eta * DK @ r])

    y = np.concatenate([r0, np.zeros(2 * m)])
    out, t = [], 0.0
    for target in times:
        n = int(round((target - t) / h))
        for _ in range(n):
            k1 = rhs(y)
            k2 = rhs(y + h / 2 * k1)
            k3 = rhs(y + h / 2 * k2)
            k4 = rhs(y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += n * h
        out.append(y[2 * m:].copy())
    return np.array(out)


@pytest.mark.parametrize("case", ["circuit", "rank_deficient", "repeated"])
def test_correction_against_rk4_of_the_linearised_system(case):
    rng = np.random.default_rng(11)
    if case == "circuit":
        model, data, theta = _instance()
        J, dJ = jacobian(model, data, theta), frozen.jacobian_derivative(model, data, theta)
        r0 = predict(model, data, theta) - data.targets
    elif case == "rank_deficient":  # m > p: K0 has zero eigenvalues
        J, dJ, r0 = rng.normal(size=(4, 2)), rng.normal(size=(2, 4, 2)), rng.normal(size=4)
    else:  # K0 = 2 I: every eigenvalue repeated, divided differences at coincident nodes
        J = np.sqrt(2) * np.eye(3)
        dJ, r0 = rng.normal(size=(3, 3, 3)), rng.normal(size=3)
    times = [0.0, 0.1, 0.5, 1.0, 2.0]
    ana = frozen.dqntk_residual_correction(J, dJ, r0, eta=0.7, times=times)
    ref = _rk4_reference(J, dJ, r0, 0.7, times)
    assert np.max(np.abs(ana - ref)) < 1e-10 * max(1.0, np.max(np.abs(ref))), (case, np.max(np.abs(ana - ref)))
    assert np.max(np.abs(ref)) > 1e-3


@pytest.mark.parametrize("nodes,t", [((0.0, 0.0, 0.0), 1.0), ((1.0, 1.0 + 1e-9, 1.0 + 2e-9), 3.0),
                                     ((0.0, 0.3, 0.3), 2.0), ((2.0, 0.5, 7.0), 1.5), ((0.01, 5.0, 40.0), 10.0),
                                     ((1e-12, 1e-12, 2.0), 0.5)])
def test_divided_difference_against_mpmath(nodes, t):
    got = frozen._divided_difference_2(*(np.array([x]) for x in nodes), t)[0]
    with mpmath.workdps(80):
        # the textbook recursion at 80 digits; coincident nodes are split by 1e-30 (a relative change ~1e-30)
        y = [mpmath.mpf(x) + k * mpmath.mpf("1e-30") for k, x in enumerate(nodes)]
        g = [mpmath.exp(-v * t) for v in y]
        g01, g12 = (g[0] - g[1]) / (y[0] - y[1]), (g[1] - g[2]) / (y[1] - y[2])
        exact = float((g01 - g12) / (y[0] - y[2]))
    assert abs(got - exact) <= 1e-13 * abs(exact), (got, exact)


def test_dqntk_beats_the_frozen_kernel_at_small_times():
    model, data, theta = _instance(d=4, p=8, m=2, final=True)
    eta = 0.3
    tr = gradient_flow(model, data, theta, eta=eta, t_final=0.02, dt=0.0025)
    f0 = frozen_kernel_prediction(tangent_kernel(model, data, theta), tr.residuals[0], eta=eta, times=tr.times)
    dq = frozen.dqntk_correction(model, data, theta, eta=eta, times=tr.times)
    e0 = np.linalg.norm(tr.residuals - f0.residuals, axis=1)
    e1 = np.linalg.norm(tr.residuals - dq.residuals, axis=1)
    assert e1[-1] < 0.05 * e0[-1] and e0[-1] > 0
    slope0, slope1 = np.log2(e0[-1] / e0[len(e0) // 2]), np.log2(e1[-1] / e1[len(e1) // 2])
    assert abs(slope0 - 2) < 0.2 and abs(slope1 - 3) < 0.2, (slope0, slope1)
    assert np.allclose(dq.series["correction_norm"][0], 0.0)


# ----------------------------------------------------------------------------- the figure
def test_figure_data_plot_summary():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_def = frozen.FIGURE
    assert fig_def.name == "N1" and fig_def.full_sizes["p"] > 32
    res = fig_def.data(p=8, p_boundary=16, t_interior=4.0, t_boundary=60.0, dt=0.05)
    assert res.name == "N1" and len(res.select("interior_loss")) == 4 and len(res.select("boundary_loss")) == 3
    r = res.summary["boundary"]["ratio_at"]
    assert r[40.0] < r[5.0] < 1
    fig, caption = fig_def.plot(res, plt)
    assert caption.startswith("N1:") and len(fig.axes) == 2
    plt.close(fig)
    lines = fig_def.summary(res)
    assert len(lines) == 2 and "interior" in lines[0] and "boundary" in lines[1]
    with pytest.raises(InvalidInput) as info:
        fig_def.data(label=1.0)
    assert info.value.argument == "label"
