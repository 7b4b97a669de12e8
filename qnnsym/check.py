"""Symbolic against numeric: the two engines held against each other.

The numeric side is always computed independently (numba adjoint sweeps, Monte Carlo over
Haar samples), never from the symbolic result; the symbolic side is evaluated from its exact
expression.  A float64 comparison that lands near its tolerance (within a factor
:data:`ARBITRATION_BAND` of it), or whose tolerance is within that factor of the float64
resolution ``eps * |value|`` of the values compared, is arbitrated: the symbolic side is re-evaluated with mpmath at
:data:`ARBITRATION_DIGITS` digits, so a pass or a fail is never decided inside the round-off of
the symbolic evaluation itself.  The arbitrated difference is taken at that precision too
(the float64 numeric value is an exact binary number), so even a tolerance below the float64
spacing of the values is decided correctly.

>>> from qnnsym.check import compare_expressions
>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> res = compare_expressions("cos", sp.Matrix([sp.cos(x)]), (x,), [[0.5]], [[0.8775825618903728]], tolerance=1e-12)
>>> res.passed, res.arbitrated
(True, False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import tolerances as tol

__all__ = [
    "ARBITRATION_BAND",
    "ARBITRATION_DIGITS",
    "Agreement",
    "compare_expressions",
    "CROSSCHECKS",
    "MEASURES",
    "SEEDS",
    "run_crosschecks",
]

#: Comparisons whose float64 error lies in ``[tolerance / BAND, tolerance * BAND]`` are arbitrated.
ARBITRATION_BAND = 10.0
#: Digits of the mpmath re-evaluation.
ARBITRATION_DIGITS = 50


@dataclass(frozen=True)
class Agreement:
    """The outcome of one symbolic-vs-numeric comparison."""

    name: str
    max_error: float
    tolerance: float
    passed: bool
    arbitrated: bool
    detail: str = ""
    measure: str = "abs error"


def _high_precision_error(exprs, variables, point, numeric) -> float:
    """``max |expr(point) - numeric|`` with the expressions evaluated and the differences taken at
    :data:`ARBITRATION_DIGITS` digits (the float64 inputs and numeric values are exact binary
    numbers, so only the final rounding of the difference to float64 remains)."""
    import mpmath
    import sympy as sp

    subs = {v: sp.Float(repr(float(x)), ARBITRATION_DIGITS) for v, x in zip(variables, point)}
    worst = mpmath.mpf(0)
    with mpmath.workdps(ARBITRATION_DIGITS):
        for e, num in zip(exprs, numeric):
            exact = sp.N(sp.sympify(e).subs(subs), ARBITRATION_DIGITS)
            re, im = (mpmath.mpf(str(sp.re(exact))), mpmath.mpf(str(sp.im(exact))))
            diff = mpmath.hypot(re - mpmath.mpf(float(num.real)), im - mpmath.mpf(float(num.imag)))
            worst = max(worst, diff)
    return float(worst)


def compare_expressions(
    name: str,
    exprs,
    variables: Sequence,
    points,
    numeric_values,
    *,
    tolerance: float,
) -> Agreement:
    """Evaluate the SymPy matrix ``exprs`` (entries in ``variables``) at each point of ``points`` and
    compare with ``numeric_values`` (one flattened array per point), arbitrating near the tolerance."""
    import sympy as sp

    from .errors import InvalidInput
    from .validate import complex_array, describe, finite_real, real_vector

    if not isinstance(name, str):
        raise InvalidInput("name", "a string", describe(name))
    tolerance = finite_real("tolerance", tolerance)
    if tolerance <= 0:
        raise InvalidInput("tolerance", "a finite real number > 0", repr(tolerance))
    if isinstance(variables, (str, bytes)) or not isinstance(variables, (list, tuple)) \
            or not all(isinstance(v, sp.Symbol) for v in variables) or len(set(variables)) != len(variables):
        raise InvalidInput("variables", "a list of distinct SymPy symbols", describe(variables))
    if isinstance(exprs, (list, tuple)):
        if not all(isinstance(e, (sp.Basic, int, float, complex)) and not isinstance(e, bool) for e in exprs):
            raise InvalidInput("exprs", "a SymPy matrix or a list of SymPy expressions", describe(exprs))
    elif not isinstance(exprs, sp.MatrixBase):
        raise InvalidInput("exprs", "a SymPy matrix or a list of SymPy expressions", describe(exprs))
    if isinstance(points, (str, bytes)) or not hasattr(points, "__len__"):
        raise InvalidInput("points", f"a sequence of points of length {len(variables)}", describe(points))
    points = [real_vector(f"points[{k}]", p, length=len(variables)) for k, p in enumerate(points)]
    if isinstance(numeric_values, (str, bytes)) or not hasattr(numeric_values, "__len__") \
            or len(numeric_values) != len(points):
        raise InvalidInput("numeric_values", f"{len(points)} arrays (one per point)", describe(numeric_values))
    size = len(exprs) if isinstance(exprs, (list, tuple)) else exprs.rows * exprs.cols
    numeric_values = [complex_array(f"numeric_values[{k}]", np.ravel(v), (size,)) for k, v in enumerate(numeric_values)]
    flat = list(sp.Matrix(exprs)) if not isinstance(exprs, (list, tuple)) else list(exprs)
    f = sp.lambdify(list(variables), flat, modules="numpy")
    worst, arbitrated = 0.0, False
    for point, num in zip(points, numeric_values):
        sym = np.array(f(*point), dtype=np.complex128).ravel()
        num = np.asarray(num, dtype=np.complex128).ravel()
        err = float(np.max(np.abs(sym - num))) if num.size else 0.0
        # float64 resolves differences only down to ~eps * |value|: below that, even err = 0 decides nothing
        resolution = tol.EPS * float(max(np.max(np.abs(sym)), np.max(np.abs(num)))) if num.size else 0.0
        near = tolerance / ARBITRATION_BAND <= err or tolerance <= ARBITRATION_BAND * resolution
        if near and err <= tolerance * ARBITRATION_BAND:
            err = _high_precision_error(flat, variables, point, num)
            arbitrated = True
        worst = max(worst, err)
    return Agreement(name, worst, tolerance, bool(worst <= tolerance), arbitrated,
                     f"{len(points)} points" + ("; arbitrated at 50 digits" if arbitrated else ""))


# -- the cross-checks run by `qnnsym verify` ---------------------------------------------------
CROSSCHECKS: dict[str, Callable[[], Agreement]] = {}
#: What each cross-check's error measures ("abs error" or "z-score").
MEASURES: dict[str, str] = {}
#: The seeds each cross-check draws its random instances from.
SEEDS: dict[str, tuple[int, ...]] = {}


def _crosscheck(name: str, measure: str = "abs error", seeds: tuple[int, ...] = ()):
    """Register a cross-check under a short name (the text after the colon describes it)."""
    name = name.split(":")[0]
    MEASURES[name] = measure
    SEEDS[name] = tuple(seeds)

    def deco(fn):
        CROSSCHECKS[name] = fn
        return fn

    return deco


def _circuit_cases():
    from .model import AngleEncoding, circuit, hardware_efficient_ansatz, random_orthonormal_dataset

    rng = np.random.default_rng(7)
    hea = hardware_efficient_ansatz(2, 2)
    enc = AngleEncoding(2).dataset(rng.uniform(0, np.pi, (3, 2)), [1.0, -1.0, 0.5])
    mixed = circuit(2, [("H", 0), ("RX", 0), ("CZ", 0, 1), ("RY", 1), ("T", 1), ("PAULIROT", "XY"), ("SWAP", 0, 1), ("RZ", 0)], "YZ")
    return [("hea(2q,2L)/encoded", hea, enc), ("gates(2q)/orthonormal", mixed, random_orthonormal_dataset(4, 3, seed=8))]


@_crosscheck("symbolic-vs-adjoint: predictions, J, K", seeds=(7, 8, 11))
def _jac_kernel() -> Agreement:
    from .numeric import predict_and_jacobian
    from .symbolic.kernel import derive_tangent_kernel

    worst, arbitrated, parts = 0.0, False, []
    for name, model, data in _circuit_cases():
        der = derive_tangent_kernel(model, data)
        rng = np.random.default_rng(11)
        points = [rng.uniform(-np.pi, np.pi, model.n_params) for _ in range(5)]
        nums = []
        for th in points:
            y, J = predict_and_jacobian(model, data, th)
            nums.append(np.concatenate([y, J.ravel(), (J @ J.T).ravel()]))
        exprs = list(der.predictions) + list(der.jacobian) + list(der.kernel)
        res = compare_expressions(name, exprs, der.theta, points, nums, tolerance=tol.AGREEMENT_ATOL * 1e-2)
        worst, arbitrated = max(worst, res.max_error), arbitrated or res.arbitrated
        parts.append(f"{name}: {res.max_error:.1e}")  # no timings in details: records stay comparable
    t = tol.AGREEMENT_ATOL * 1e-2
    return Agreement("symbolic-vs-adjoint", worst, t, worst <= t, arbitrated, "; ".join(parts))


@_crosscheck("weingarten-vs-monte-carlo: E|U_00|^4, E|U_00 U_11|^2", "z-score", seeds=(21, 22, 23))
def _wg_mc() -> Agreement:
    from .numeric.haar import haar_average
    from .symbolic.weingarten import weingarten

    worst, parts = 0.0, []
    for d, seed in ((2, 21), (3, 22), (5, 23)):
        # E|U_00|^4 = sum over sigma, tau in S_2 of Wg(sigma tau^-1) = 2 (Wg(e) + Wg((12)))
        exact4 = float(2 * (weingarten((0, 1), d) + weingarten((1, 0), d)))
        # E|U_00|^2 |U_11|^2 = Wg(e, d)  (rows and columns distinct: only sigma = tau = e contributes)
        exact_mix = float(weingarten((0, 1), d))
        res = haar_average(lambda U: np.stack([np.abs(U[:, 0, 0]) ** 4, np.abs(U[:, 0, 0] * U[:, 1, 1]) ** 2], axis=1),
                           d=d, n_samples=40000, seed=seed)
        z = np.max(res.z_score([exact4, exact_mix]))
        worst = max(worst, float(z))
        parts.append(f"d={d}: {res.summary(exact=[exact4, exact_mix])}")
    return Agreement("weingarten-vs-monte-carlo", worst, tol.MONTE_CARLO_Z, worst <= tol.MONTE_CARLO_Z, False,
                     "z-score, n=40000, seeds 21-23; " + "; ".join(parts), "z-score")


@_crosscheck("haar-second-moments-vs-monte-carlo: alpha, beta of S7", "z-score", seeds=(31, 32))
def _alpha_beta_mc() -> Agreement:
    from .numeric.haar import haar_average
    from .symbolic.haar import second_moment_coefficients

    worst, parts = 0.0, []
    for d, seed in ((2, 31), (4, 32)):
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        a = np.round(0.5 * (a + a.conj().T), 1)  # exact decimals so the symbolic side is exact
        import sympy as sp

        alpha, beta = second_moment_coefficients(sp.Matrix(a.tolist()).applyfunc(sp.nsimplify), d)
        # E tr(VAV^dag B) tr(VAV^dag C) = alpha tr(B) tr(C) + beta tr(BC) for Hermitian B, C
        b = np.diag(np.arange(1, d + 1, dtype=float))
        v = np.ones(d) / np.sqrt(d)
        c = np.outer(v, v).astype(complex)  # tr c = 1, tr(bc) = (d + 1)/2: both coefficients matter
        exact = complex(alpha) * np.trace(b) * np.trace(c) + complex(beta) * np.trace(b @ c)

        def f(U):
            va = U @ a @ U.conj().transpose(0, 2, 1)
            return (np.einsum("nab,ba->n", va, b) * np.einsum("nab,ba->n", va, c)).real

        res = haar_average(f, d=d, n_samples=40000, seed=seed)
        z = float(res.z_score(exact.real))
        worst = max(worst, z)
        parts.append(f"d={d}: {res.summary(exact=exact.real)}")
    return Agreement("haar-second-moments", worst, tol.MONTE_CARLO_Z, worst <= tol.MONTE_CARLO_Z, False,
                     "z-score, n=40000; " + "; ".join(parts), "z-score")


def run_crosschecks(only: list[str] | None = None) -> list[tuple[Agreement, float]]:
    """Run the cross-checks; returns ``(agreement, seconds)`` pairs and never raises on a failure."""
    from .errors import InvalidInput

    if only is not None:
        if isinstance(only, (str, bytes)) or not isinstance(only, (list, tuple)):
            raise InvalidInput("only", f"a list of cross-check names among {sorted(CROSSCHECKS)} or None", repr(only)[:60])
        unknown = [n for n in only if n not in CROSSCHECKS]
        if unknown:
            raise InvalidInput("only", f"cross-check names among {sorted(CROSSCHECKS)}", repr(unknown)[:60])
    out = []
    for name, fn in CROSSCHECKS.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        try:
            res = fn()
        except Exception as exc:
            res = Agreement(name, float("nan"), float("nan"), False, False, f"{type(exc).__name__}: {exc}")
        out.append((res, time.perf_counter() - t0))
    return out
