"""The engine's conformance checks, at fixed seeds, with no test framework.

Each check computes one quantity two independent ways (or tests one identity) and
reports the largest error against a named tolerance from :mod:`qnnsym.tolerances`.
``qnnsym verify`` runs them; the test suite runs them too and adds hypothesis
versions on random instances.

>>> from qnnsym.conformance import run_conformance
>>> results = run_conformance(only=["pauli-matrices"])
>>> results[0].passed
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import tolerances as tol

__all__ = ["CheckResult", "CHECKS", "SEEDS", "run_conformance", "check_names", "check_seeds"]


@dataclass(frozen=True)
class CheckResult:
    """One row of the ``qnnsym verify`` table."""

    name: str
    max_error: float
    tolerance: float
    passed: bool
    seconds: float
    detail: str = ""
    measure: str = "abs error"
    seeds: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("name", "measure", "max_error", "tolerance", "passed", "seconds", "detail")}
        out["seeds"] = list(self.seeds)
        return out


CHECKS: dict[str, tuple[str, str, Callable[[], tuple[float, float, str]]]] = {}
#: The seeds each check draws its random instances from (recorded by ``qnnsym verify --json``):
#: a tuple, or a callable returning one where the seeds follow from the fixtures.
SEEDS: dict[str, tuple[int, ...] | Callable[[], tuple[int, ...]]] = {}


def _check(name: str, description: str, measure: str = "abs error", seeds=()):
    """Register a check; ``measure`` says what its error is (abs error, z-score, |order - k|),
    ``seeds`` which seeds its random instances come from."""

    def deco(fn):
        CHECKS[name] = (description, measure, fn)
        SEEDS[name] = seeds
        return fn

    return deco


def check_seeds(name: str) -> tuple[int, ...]:
    """The seeds check ``name`` uses, sorted."""
    seeds = SEEDS.get(name, ())
    return tuple(sorted(set(seeds() if callable(seeds) else seeds)))


# -- fixtures (fixed seeds) ------------------------------------------------------------
def _models():
    from .model import DenseHermitian, circuit, dense_haar_model, hardware_efficient_ansatz
    from .sampling import haar_unitaries

    rng = np.random.default_rng(20230314)
    a = rng.standard_normal((8, 8)) + 1j * rng.standard_normal((8, 8))
    return {
        "hea(3q,2L)": hardware_efficient_ansatz(3, 2),
        "dense(d=8,p=12,diag)": dense_haar_model(8, 12, seed=11),
        "dense(d=8,p=12,pauli,final W)": dense_haar_model(8, 12, seed=12, generator="pauli", final_unitary=True, gamma=1.5),
        "mixed-gates(3q)": circuit(
            3,
            [("H", 0), ("RX", 1), ("CZ", 0, 2), ("PAULIROT", "XYZ"), ("U", (0, 1, 2), haar_unitaries(8, 1, seed=5)[0]),
             ("EXP", "YYI"), ("S", 1), ("RZ", 2), ("SWAP", 0, 2), ("RY", 0), ("T", 2)],
            DenseHermitian(0.5 * (a + a.conj().T)),
        ),
        "dense-generator(3q)": circuit(3, [("RY", 0), ("GEN", DenseHermitian(0.5 * (a + a.conj().T))), ("CNOT", 0, 1), ("RX", 2)], "ZZI"),
    }


def _datasets(d: int):
    from .model import Dataset, random_orthonormal_dataset
    from .sampling import random_density_matrices

    return {
        "pure": random_orthonormal_dataset(d, 4, seed=7),
        "mixed": Dataset(random_density_matrices(d, 3, rank=2, seed=8), [0.3, -0.2, 0.9]),
    }


#: Seeds of the fixtures: _models (generator matrix, two dense models, the U gate) and _datasets.
MODEL_SEEDS = (20230314, 11, 12, 5)
DATASET_SEEDS = (7, 8)


def _model_seeds(*theta_seeds: int) -> Callable[[], tuple[int, ...]]:
    return lambda: MODEL_SEEDS + tuple(theta_seeds)


def _case_seeds(*extra: int) -> Callable[[], tuple[int, ...]]:
    return lambda: MODEL_SEEDS + DATASET_SEEDS + tuple(100 + m.n_params for m in _models().values()) + tuple(extra)


def _thetas(p: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, p)


def _cases():
    for name, model in _models().items():
        for kind, data in _datasets(model.dim).items():
            yield f"{name}/{kind}", model, data, _thetas(model.n_params, 100 + model.n_params)


def _depth(model) -> int:
    return len(model.layers) + 8  # rotations plus fixed gates between them, generously


# -- checks ----------------------------------------------------------------------------
@_check("pauli-matrices", "Pauli string matrices: bit-mask action (C6) == Kronecker product; products with phases")
def _pauli_matrices():
    from .model.pauli import all_pauli_strings

    err = 0.0
    strings = all_pauli_strings(2, include_identity=True)
    for p in strings:
        m = p.matrix()
        d = p.dim
        act = np.zeros((d, d), dtype=complex)
        for b in range(d):  # column b of P is P|b> = i^nY (-1)^popcount(b & z) |b ^ x>
            act[b ^ p.x_mask, b] = (1j) ** p.n_y * (-1) ** bin(b & p.z_mask).count("1")
        err = max(err, float(np.max(np.abs(act - m))))
        for q in strings:
            phase, r = p * q
            err = max(err, float(np.max(np.abs(phase * r.matrix() - m @ q.matrix()))))
    return err, 0.0, f"{len(strings)} strings, {len(strings) ** 2} products; exact (== 0)"


@_check("layer-unitarity", "every layer U_l W_l, the whole circuit (engine and reference) is unitary", seeds=_model_seeds(1))
def _unitarity():
    from .numeric import reference, unitary

    err, tolerance = 0.0, 0.0
    for name, model in _models().items():
        th = _thetas(model.n_params, 1)
        d = model.dim
        for u in reference.layer_unitaries(model, th):
            err = max(err, float(np.max(np.abs(u.conj().T @ u - np.eye(d)))))
        u = unitary(model, th)
        err = max(err, float(np.max(np.abs(u.conj().T @ u - np.eye(d)))))
        tolerance = max(tolerance, tol.linalg_tol(d, _depth(model)))
    return err, tolerance, "max |U^dag U - I| over 5 models"


@_check("unitary-vs-reference", "engine U(theta) and M(theta) == dense reference (C1, C2)", seeds=_model_seeds(2))
def _unitary_ref():
    from .numeric import effective_measurement, reference, unitary

    err, tolerance = 0.0, tol.AGREEMENT_ATOL
    for name, model in _models().items():
        th = _thetas(model.n_params, 2)
        err = max(err, float(np.max(np.abs(unitary(model, th) - reference.unitary(model, th)))))
        err = max(err, float(np.max(np.abs(effective_measurement(model, th) - reference.effective_measurement(model, th)))))
    return err, tolerance, "5 models"


@_check("predict-vs-reference", "predictions: engine (pure rows, eigen-decomposed mixed inputs) == reference (density matrices)",
        seeds=_case_seeds())
def _predict_ref():
    from .numeric import predict, reference

    err = max(float(np.max(np.abs(predict(m, dt, th) - reference.predict(m, dt, th)))) for _, m, dt, th in _cases())
    return err, tol.AGREEMENT_ATOL, "5 models x pure/mixed inputs"


@_check("adjoint-vs-S1", "adjoint Jacobian == reference i tr(Hhat_l [M, rho_i]) (SPEC S1)", seeds=_case_seeds())
def _adjoint_ref():
    from .numeric import jacobian, reference

    err = max(float(np.max(np.abs(jacobian(m, dt, th) - reference.jacobian(m, dt, th)))) for _, m, dt, th in _cases())
    return err, tol.AGREEMENT_ATOL, "5 models x pure/mixed inputs"


@_check("adjoint-vs-finite-differences", "adjoint Jacobian == five-point central differences of the reference predictions",
        seeds=_case_seeds())
def _adjoint_fd():
    from .numeric import jacobian, reference

    worst_ratio, worst = 0.0, (0.0, 1.0)
    for _, m, dt, th in _cases():
        omega = max(l.generator.spread for l in m.layers)
        scale = m.measurement.norm
        h = tol.finite_difference_step(omega)
        t = tol.finite_difference_tol(omega, scale, tol.linalg_tol(m.dim, _depth(m), scale))
        fd = reference.finite_difference_jacobian(lambda x: reference.predict(m, dt, x), th, h)
        e = float(np.max(np.abs(jacobian(m, dt, th) - fd)))
        if e / t > worst_ratio:
            worst_ratio, worst = e / t, (e, t)
    return worst[0], worst[1], "tolerance: h^4 omega^5 ||M||/30 + 18/(12h) x evaluation error, x2 (worst case shown)"


@_check("parameter-shift-vs-adjoint", "parameter-shift Jacobian == adjoint Jacobian (generators with two eigenvalues)",
        seeds=_case_seeds())
def _pshift():
    from .model import circuit
    from .numeric import jacobian

    err, n = 0.0, 0
    for name, m, dt, th in _cases():
        if name.startswith(("mixed-gates", "dense-generator")):
            continue  # generators with more than two eigenvalues: parameter shift does not apply
        err = max(err, float(np.max(np.abs(jacobian(m, dt, th, "parameter_shift") - jacobian(m, dt, th)))))
        n += 1
    return err, tol.PARAMETER_SHIFT_ATOL, f"{n} model/input pairs"


@_check("kernel-psd-rank", "K = J J^T is symmetric PSD with rank <= min(m, p) (SPEC S2)", seeds=_case_seeds(3, 4, 5))
def _kernel():
    from .model import dense_haar_model, random_orthonormal_dataset
    from .numeric import jacobian, tangent_kernel

    err, tolerance = 0.0, 0.0
    cases = list(_cases())
    # a case with p < m, so the rank bound bites
    small = dense_haar_model(8, 2, seed=3)
    cases.append(("p<m", small, random_orthonormal_dataset(8, 6, seed=4), _thetas(2, 5)))
    for _, m, dt, th in cases:
        k = tangent_kernel(m, dt, th)
        w = np.linalg.eigvalsh(k)
        scale = max(float(w[-1]), 1.0)
        t = 100 * tol.EPS * scale * k.shape[0]
        rank_bound = min(dt.m, m.n_params)
        excess = w[: k.shape[0] - rank_bound]  # eigenvalues that must vanish
        err = max(err, float(np.max(np.abs(k - k.T))), float(max(0.0, -w[0])),
                  float(np.max(np.abs(excess))) if excess.size else 0.0)
        tolerance = max(tolerance, t)
    return err, tolerance, "asymmetry, negative eigenvalues, eigenvalues beyond rank min(m, p)"


def _haar_moment(power: int, exact: Callable[[int], float]) -> tuple[float, float, str]:
    from .numeric.haar import haar_average

    worst, detail = 0.0, []
    n = 40000
    for d, seed in ((2, 31), (4, 32), (8, 33)):
        res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** power, d=d, n_samples=n, seed=seed)
        z = res.z_score(exact(d))
        worst = max(worst, z)
        detail.append(f"d={d}: {res.mean:.5f}±{res.stderr:.1e} vs {exact(d):.5f}")
    return worst, tol.MONTE_CARLO_Z, f"z-score; n={n}, seeds 31-33; " + "; ".join(detail)


@_check("haar-moment-2", "Haar sampler: E|U_00|^2 = 1/d within z standard errors", "z-score", seeds=(31, 32, 33))
def _haar2():
    return _haar_moment(2, lambda d: 1.0 / d)


@_check("haar-moment-4", "Haar sampler: E|U_00|^4 = 2/(d(d+1)) within z standard errors", "z-score", seeds=(31, 32, 33))
def _haar4():
    return _haar_moment(4, lambda d: 2.0 / (d * (d + 1)))


def _flow_case():
    from .model import dense_haar_model, random_orthonormal_dataset
    from .numeric import effective_measurement

    model = dense_haar_model(8, 4, seed=41)
    data = random_orthonormal_dataset(8, 4, seed=42)
    return effective_measurement(model, _thetas(4, 43)), data


@_check("flow-rhs-vs-reference", "asymptotic-flow right-hand side (numba) == -c[M,[M,R]] (numpy reference)", seeds=(41, 42, 43))
def _flow_rhs():
    from .numeric import reference
    from .numeric.flow import flow_rhs

    m0, data = _flow_case()
    rhos = data.density_matrices()
    err = float(np.max(np.abs(flow_rhs(m0, rhos, data.targets, 0.7) - reference.asymptotic_flow_rhs(m0, rhos, data.targets, 0.7))))
    return err, tol.linalg_tol(8, 4, 10.0), "d=8, m=4, c=0.7"


@_check("flow-isospectral", "asymptotic flow conserves the spectrum of M (SPEC S11): exponential-midpoint integrator",
        seeds=(41, 42, 43))
def _flow_iso():
    from .numeric import asymptotic_flow

    m0, data = _flow_case()
    tr = asymptotic_flow(m0, data, c=0.5, t_final=5.0, dt=0.01, method="isospectral")
    steps = tr.meta["steps"]
    powers = [np.linalg.matrix_power(m, k) for m in (m0, tr.final) for k in (1, 2, 3, 4)]
    trace_drift = max(abs(np.trace(powers[k]) - np.trace(powers[4 + k])) / max(1.0, abs(np.trace(powers[k]))) for k in range(4))
    err = max(float(tr.series["spectrum_drift"].max()), float(trace_drift))
    return err, tol.linalg_tol(8, steps), f"d=8, m=4, {steps} steps; max of eigenvalue drift and relative drift of tr M^k, k=1..4"


@_check("flow-rk4-accuracy", "RK4 asymptotic flow: 4th-order convergence of the spectrum drift (error ratio for dt, dt/2 ~ 16)", "|order - 4|",
        seeds=(41, 42, 43))
def _flow_rk4():
    from .numeric import asymptotic_flow

    m0, data = _flow_case()
    drift = [float(asymptotic_flow(m0, data, c=0.5, t_final=2.0, dt=dt).series["spectrum_drift"].max()) for dt in (0.1, 0.05)]
    order = float(np.log2(drift[0] / drift[1]))
    return abs(order - 4.0), 0.5, f"drift at dt=0.1: {drift[0]:.2e}, dt=0.05: {drift[1]:.2e}; observed order {order:.2f}"


@_check("flow-loss-monotone", "the asymptotic flow never increases the loss (L' = -c ||[M,R]||_F^2, SPEC S11)", seeds=(41, 42, 43))
def _flow_mono():
    from .numeric import asymptotic_flow

    m0, data = _flow_case()
    tr = asymptotic_flow(m0, data, c=0.5, t_final=5.0, dt=0.01)
    inc = float(max(0.0, np.max(np.diff(tr.loss))))
    return inc, tol.linalg_tol(8, 1, float(tr.loss[0])), f"largest loss increase over {len(tr)} records"


@_check("gd-tracks-flow", "gradient descent converges to gradient flow at first order in the step (C3)", "|order - 1|",
        seeds=(51, 52, 53))
def _gd_flow():
    from .model import dense_haar_model, random_orthonormal_dataset
    from .numeric import gradient_descent, gradient_flow

    model = dense_haar_model(4, 6, seed=51)
    data = random_orthonormal_dataset(4, 2, seed=52)
    th0 = _thetas(6, 53)
    flow = gradient_flow(model, data, th0, eta=1.0, t_final=1.0, dt=0.01)
    errs = []
    for lr in (2e-3, 1e-3):
        gd = gradient_descent(model, data, th0, lr=lr, steps=int(round(1.0 / lr)), eta=1.0, record_every=int(round(0.01 / lr)))
        errs.append(float(np.max(np.abs(gd.loss - flow.loss))))
    order = float(np.log2(errs[0] / errs[1]))
    return abs(order - 1.0), 0.2, f"max |L_GD - L_flow| on [0,1]: {errs[0]:.2e} (lr=2e-3), {errs[1]:.2e} (lr=1e-3); order {order:.2f}"


@_check("frozen-kernel-vs-ode", "frozen-kernel prediction exp(-eta K t) r0 == RK4 solution of r' = -eta K r (SPEC S3)", seeds=(61,))
def _frozen():
    from .numeric import frozen_kernel_prediction

    rng = np.random.default_rng(61)
    a = rng.standard_normal((4, 3))
    k = a @ a.T  # rank 3: one zero mode keeps its residual
    r0 = rng.standard_normal(4)
    times = np.linspace(0, 2, 201)
    pred = frozen_kernel_prediction(k, r0, eta=0.8, times=times).residuals
    r, h, out = r0.copy(), times[1] - times[0], [r0.copy()]
    f = lambda v: -0.8 * k @ v  # noqa: E731
    for _ in times[1:]:
        k1 = f(r); k2 = f(r + h / 2 * k1); k3 = f(r + h / 2 * k2); k4 = f(r + h * k3)  # noqa: E702
        r = r + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(r.copy())
    err = float(np.max(np.abs(pred - np.array(out))))
    lam = float(np.linalg.eigvalsh(0.8 * k)[-1])
    bound = (lam * h) ** 4 / 120 * lam * 2.0 * float(np.linalg.norm(r0)) * 2  # RK4 local error x steps, x2
    return err, bound, "m=4, rank-3 kernel, 200 RK4 steps; tolerance = RK4 truncation bound"


def _register_crosschecks() -> None:
    """The symbolic-vs-numeric cross-checks of :mod:`qnnsym.check` run as rows of the same table."""
    from . import check

    for name, fn in check.CROSSCHECKS.items():
        def run(fn=fn):
            res = fn()
            return res.max_error, res.tolerance, res.detail

        CHECKS[name] = (fn.__doc__ or name, check.MEASURES[name], run)
        SEEDS[name] = check.SEEDS.get(name, ())


_register_crosschecks()


def check_names() -> list[str]:
    return list(CHECKS)


def run_conformance(only: list[str] | None = None, progress: Callable[[str], None] | None = None) -> list[CheckResult]:
    """Run the checks (all, or those named in ``only``) and return their results; never raises on a failure."""
    from .errors import InvalidInput

    names = list(CHECKS) if not only else list(only)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise InvalidInput("only", f"check names among {list(CHECKS)}", repr(unknown))
    out = []
    for name in names:
        description, measure, fn = CHECKS[name]
        if progress:
            progress(name)
        t0 = time.perf_counter()
        try:
            err, tolerance, detail = fn()
            passed = bool(np.isfinite(err) and err <= tolerance)
        except Exception as exc:  # a crash is a failure with its reason, not a traceback
            err, tolerance, detail, passed = float("nan"), float("nan"), f"{type(exc).__name__}: {exc}", False
        out.append(CheckResult(name, float(err), float(tolerance), passed, time.perf_counter() - t0, detail, measure,
                               check_seeds(name)))
    return out
