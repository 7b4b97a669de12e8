"""Small shared pieces for the files in ``proofs/``: symbolic vectors and identities reused by
several derivations, instances with labels at the measurement's extremes, and a runner that
turns a hypothesis test into property evidence with a counted number of examples.

>>> from qnnsym.proofkit import lagrange_identity_step
>>> from qnnsym.theorems import close_step
>>> close_step(lagrange_identity_step(3)).closed
True
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Callable, Iterator

import numpy as np

from .errors import InvalidInput, TooLarge
from .theorems import Step
from .validate import describe, positive_int

#: Largest vector length of the identities of :func:`lagrange_identity_step` and
#: :func:`sum_of_squares_step` (their right-hand sides have ``n(n-1)/2`` squares).
MAX_IDENTITY_N = 200
#: Largest ``d`` of :func:`hermitian_symbols` (``d^2`` real symbols).
MAX_HERMITIAN_D = 64


def _name(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise InvalidInput(name, "an identifier such as 'a' or 'rho'", describe(value))
    return value


def _bounded(name: str, value: Any, limit: int, what: str) -> int:
    value = positive_int(name, value)
    if value > limit:
        raise TooLarge(name, f"{name} <= {limit} ({what})",
                       f"{name} = {value}; check the inequality numerically (numpy) at this size instead")
    return value


def _sympy_expr(name: str, value: Any) -> Any:
    import sympy as sp

    if isinstance(value, bool) or not isinstance(value, (sp.Basic, sp.MatrixBase, int)):
        raise InvalidInput(name, "a SymPy expression", describe(value))
    value = sp.sympify(value)
    if not isinstance(value, sp.MatrixBase) and value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidInput(name, "a finite SymPy expression", str(value))
    return value

__all__ = [
    "real_vector_symbols",
    "lagrange_identity_step",
    "sum_of_squares_step",
    "PROPERTY_SETTINGS",
    "run_property",
    "property_seed",
    "extreme_label_instances",
    "lazy_step",
    "z_scores",
    "commutator",
    "nc_word",
    "cyclic_trace",
    "hermitian_symbols",
]


def real_vector_symbols(name: str, n: int):
    """``n`` real SymPy symbols ``name_0 .. name_{n-1}`` as a column matrix."""
    import sympy as sp

    _name("name", name)
    n = _bounded("n", n, 10**4, "symbols in one vector")
    return sp.Matrix(sp.symbols(f"{name}_0:{n}", real=True))


def lagrange_identity_step(n: int) -> Step:
    """Lagrange's identity ``|a|^2 |b|^2 - (a.b)^2 = sum_{k<l} (a_k b_l - a_l b_k)^2`` for ``a, b`` in R^n:
    the Cauchy–Schwarz inequality as an identity that closes by ``expand``."""
    import sympy as sp

    n = _bounded("n", n, MAX_IDENTITY_N, "the identity has n(n-1)/2 squares to expand")
    a, b = real_vector_symbols("a", n), real_vector_symbols("b", n)
    lhs = (a.dot(a)) * (b.dot(b)) - a.dot(b) ** 2
    rhs = sum((a[k] * b[l] - a[l] * b[k]) ** 2 for k in range(n) for l in range(k + 1, n))
    return Step(
        f"Cauchy–Schwarz in R^{n} as Lagrange's identity: |a|²|b|² − (a·b)² is a sum of squares",
        "expand",
        lhs,
        sp.sympify(rhs),
    )


def sum_of_squares_step(m: int) -> Step:
    """``m sum x_i^2 - (sum x_i)^2 = sum_{i<j} (x_i - x_j)^2`` (so ``sum |x_i| <= sqrt(m) |x|``)."""
    import sympy as sp

    m = _bounded("m", m, MAX_IDENTITY_N, "the identity has m(m-1)/2 squares to expand")
    x = real_vector_symbols("x", m)
    lhs = m * x.dot(x) - sum(x) ** 2
    rhs = sum((x[i] - x[j]) ** 2 for i in range(m) for j in range(i + 1, m))
    return Step(f"m Σx_i² − (Σx_i)² = Σ_(i<j) (x_i − x_j)² for m = {m}", "expand", lhs, sp.sympify(rhs))


#: The hypothesis settings every theorem property runs under (``max_examples`` is set per run);
#: ``qnnsym verify --json`` records them.  Derandomised with no example database, so the
#: examples depend only on the test and ``max_examples``.
PROPERTY_SETTINGS: dict = {"derandomize": True, "deadline": None, "database": None, "suppress_health_check": ["too_slow"]}


#: The seeded run :func:`property_seed` opened in this context (``None``: properties are derandomised).
_PROPERTY_RUN: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qnnsym_property_run", default=None)


def _seed_arg(seed: Any) -> int:
    import numbers

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise InvalidInput("seed", "a non-negative integer below 2**64", describe(seed))
    return int(seed)


@contextlib.contextmanager
def property_seed(seed: int) -> Iterator[dict]:
    """Within the block, every :func:`run_property` call without its own ``seed`` runs under
    ``hypothesis.seed(seed)`` (not derandomised); yields ``{"seed": seed, "examples": n}`` with
    ``n`` the examples run so far, counted even when a falsifying example raises.  This is how
    a property campaign (``qnnsym sweep``) seeds a theorem's ``property(max_examples)``.

    >>> with property_seed(7) as run:
    ...     run["seed"], run["examples"]
    (7, 0)
    """
    run = {"seed": _seed_arg(seed), "examples": 0}
    token = _PROPERTY_RUN.set(run)
    try:
        yield run
    finally:
        _PROPERTY_RUN.reset(token)


def run_property(test: Callable, max_examples: int, *, seed: int | None = None) -> int:
    """Run a ``@given`` test under a derandomised profile with ``max_examples`` examples and
    return the number of examples executed (a falsifying example raises).

    With ``seed`` (or inside :func:`property_seed`) the test runs non-derandomised under
    ``hypothesis.seed(seed)`` instead: another seed draws other examples, the same seed the
    same ones.  Without either, the run is exactly the derandomised one."""
    if not callable(test) or not hasattr(getattr(test, "hypothesis", None), "inner_test"):
        raise InvalidInput("test", "a hypothesis @given test function", describe(test))
    max_examples = positive_int("max_examples", max_examples)
    run = _PROPERTY_RUN.get()
    if seed is not None:
        seed = _seed_arg(seed)
    elif run is not None:
        seed = run["seed"]
    return _run_counted(test, max_examples, seed, run)


def _run_counted(test: Callable, max_examples: int, seed: int | None, run: dict | None) -> int:
    """Run ``test`` with ``max_examples`` examples, derandomised (``seed is None``) or under
    ``hypothesis.seed(seed)``; the examples executed, added to ``run`` even when one raises."""
    from hypothesis import HealthCheck, settings
    from hypothesis import seed as hypothesis_seed

    count = [0]
    inner = test.hypothesis.inner_test

    def counting(*args, **kwargs):
        count[0] += 1
        return inner(*args, **kwargs)

    test.hypothesis.inner_test = counting
    try:
        configured = settings(max_examples=max_examples,
                              derandomize=PROPERTY_SETTINGS["derandomize"] if seed is None else False,
                              deadline=PROPERTY_SETTINGS["deadline"], database=PROPERTY_SETTINGS["database"],
                              suppress_health_check=[getattr(HealthCheck, h) for h in PROPERTY_SETTINGS["suppress_health_check"]])(test)
        (configured if seed is None else hypothesis_seed(seed)(configured))()
    finally:
        test.hypothesis.inner_test = inner
        if run is not None:
            run["examples"] += count[0]
    return count[0]


def extreme_label_instances(profile: str = "quick"):
    """Fixed-seed (model, data, theta0) triples whose labels sit at the extreme eigenvalues of
    ``M_0``: dense models (Pauli ``M_0 = Z``, labels ±1; ``gamma = 2`` with labels ±2) and a
    hardware-efficient ansatz on angle-encoded data."""
    from .model import AngleEncoding, dense_haar_model, hardware_efficient_ansatz, random_orthonormal_dataset

    if profile not in ("quick", "full"):
        raise InvalidInput("profile", "'quick' or 'full'", describe(profile))
    sizes = [(4, 20, 2), (8, 40, 4)] if profile == "quick" else [(4, 20, 2), (8, 40, 4), (16, 200, 8), (32, 400, 8)]
    out = []
    for i, (d, p, m) in enumerate(sizes):
        model = dense_haar_model(d, p, seed=100 + i)
        data = random_orthonormal_dataset(d, m, seed=200 + i)
        theta = np.random.default_rng(300 + i).uniform(-np.pi, np.pi, p)
        out.append((f"dense d={d} p={p} m={m}", model, data, theta))
    g = dense_haar_model(8, 40, seed=150, gamma=2.0)
    out.append(("dense d=8 p=40 m=4 gamma=2", g, random_orthonormal_dataset(8, 4, seed=250, labels=(2.0, -2.0)),
                np.random.default_rng(350).uniform(-np.pi, np.pi, 40)))
    hea = hardware_efficient_ansatz(3, 3)
    feats = np.random.default_rng(400).uniform(0, np.pi, (4, 3))
    out.append(("hea 3q 3L m=4", hea, AngleEncoding(3).dataset(feats, [1.0, -1.0, 1.0, -1.0]),
                np.random.default_rng(401).uniform(-np.pi, np.pi, hea.n_params)))
    return out


def lazy_step(claim: str, rule: str, thunk: Callable[[], tuple], uses: tuple = ()) -> Step:
    """A :class:`Step` whose two sides are computed only when it is verified: ``thunk()`` returns
    ``(lhs, rhs)`` and the step closes when the named rewrites of ``rule`` take ``lhs − rhs`` to 0
    (exactly the test :func:`qnnsym.theorems.close_step` applies to an eager step)."""
    from qnnsym.theorems import _is_zero, _rule_chain

    if not isinstance(rule, str) or not rule.strip():
        raise InvalidInput("rule", "a non-empty string naming rewrites, e.g. 'expand'", describe(rule))
    if not callable(thunk):
        raise InvalidInput("thunk", "a callable returning (lhs, rhs)", describe(thunk))

    def check() -> bool:
        chain = _rule_chain(rule)
        if chain is None:
            return False
        lhs, rhs = thunk()
        expr = lhs - rhs
        for fn in chain:
            expr = fn(expr)
        return _is_zero(expr)

    return Step(claim, rule, check=check, uses=uses)


def z_scores(samples: np.ndarray, exact: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-component Monte Carlo mean, standard error and ``|mean − exact|/stderr`` of real samples
    (leading axis = samples)."""
    from .validate import complex_array

    arr = np.asarray(samples) if not isinstance(samples, str) else None
    if arr is None or arr.ndim < 1:
        raise InvalidInput("samples", "a finite real array of shape (n, ...) with n >= 2", describe(samples))
    samples = complex_array("samples", arr, (None,) * arr.ndim)
    if np.any(samples.imag != 0) or samples.shape[0] < 2:
        raise InvalidInput("samples", "a finite real array of shape (n, ...) with n >= 2",
                           f"shape {samples.shape}" + (" with non-zero imaginary parts" if np.any(samples.imag != 0) else ""))
    samples = samples.real
    n = samples.shape[0]
    mean = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / np.sqrt(n)
    ex = np.asarray(exact) if not isinstance(exact, str) else None
    if ex is None or ex.dtype.kind not in "biuf" or not np.all(np.isfinite(ex)) or np.broadcast_shapes(ex.shape, mean.shape) != mean.shape:
        raise InvalidInput("exact", f"finite real number(s) broadcastable to shape {mean.shape}", describe(exact))
    exact = ex.astype(float)
    diff = np.abs(mean - exact)
    # components that are exactly constant (e.g. imaginary parts of real quantities) carry only
    # round-off: a floor of 1e-9 (relative to the sample scale) keeps them from dividing by ~0
    floor = 1e-9 * np.maximum(1.0, np.abs(samples).max(axis=0))
    z = diff / np.sqrt(se**2 + floor**2)
    return mean, se, z


def commutator(a, b):
    """``[a, b] = ab - ba``."""
    a, b = _sympy_expr("a", a), _sympy_expr("b", b)
    return a * b - b * a


def nc_word(term):
    """``(coefficient, word)`` of one expanded noncommutative monomial (powers written out)."""
    term = _sympy_expr("term", term)
    cpart, ncpart = term.args_cnc()
    word = []
    for f in ncpart:
        if f.is_Pow and f.exp.is_Integer and f.exp > 0:
            word += [f.base] * int(f.exp)
        else:
            word.append(f)
    import sympy as sp

    return sp.Mul(*cpart), tuple(word)


def cyclic_trace(expr):
    """The trace of a noncommutative polynomial as a commutative polynomial in trace symbols.

    Linearity of the trace, then ``tr(XY) = tr(YX)``: every word is replaced by its lexicographically
    least cyclic rotation (by symbol name), so words with equal traces get the same symbol.  A result
    of ``0`` proves the trace identity for all square matrices (the converse is not claimed).

    >>> import sympy as sp
    >>> A, B = sp.symbols("A B", commutative=False)
    >>> cyclic_trace(A * B - B * A)
    0
    >>> cyclic_trace(A * B * A)
    tr(A*A*B)
    """
    import sympy as sp

    expr = _sympy_expr("expr", expr)
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        coef, word = nc_word(term)
        if not word:
            out += coef * sp.Symbol("tr(1)")
            continue
        rots = [word[k:] + word[:k] for k in range(len(word))]
        best = min(rots, key=lambda w: tuple(str(f) for f in w))
        out += coef * sp.Symbol("tr(" + "*".join(str(f) for f in best) + ")")
    return sp.expand(out)


def hermitian_symbols(d: int, name: str):
    """A ``d x d`` Hermitian SymPy matrix with real symbols ``name_ab`` (real and imaginary parts)."""
    import sympy as sp

    d = _bounded("d", d, MAX_HERMITIAN_D, "d^2 real symbols")
    _name("name", name)
    m = sp.zeros(d, d)
    for a in range(d):
        m[a, a] = sp.Symbol(f"{name}_{a}{a}", real=True)
        for b in range(a + 1, d):
            re, im = sp.Symbol(f"{name}_{a}{b}", real=True), sp.Symbol(f"{name}i_{a}{b}", real=True)
            m[a, b] = re + sp.I * im
            m[b, a] = re - sp.I * im
    return m
