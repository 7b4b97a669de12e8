"""Hypothesis strategies for malformed and extreme values, and the assertion every fuzz test uses.

Each strategy draws values that are wrong *by construction* (so a test never has to filter):
NaN/inf-laced arrays, wrong shapes and dtypes, matrices just outside the Hermitian / unitary /
normalisation / PSD tolerances of :mod:`qnnsym.tolerances`, non-positive or non-integral sizes.
:func:`expect_invalid` calls an entry point and asserts that it raised
:class:`~qnnsym.errors.InvalidInput` naming the expected argument; :data:`COUNTS` counts the
inputs tried per entry point (printed at the end of the run by ``tests/fuzz/conftest.py``).
"""

from __future__ import annotations

import collections
import re
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import strategies as st

from qnnsym.errors import InvalidInput
from qnnsym.tolerances import HERMITIAN_ATOL, NORMALISATION_ATOL, PSD_ATOL, UNITARY_ATOL

#: Inputs tried per entry point in this session (a hypothesis example counts once per call).
COUNTS: "collections.Counter[str]" = collections.Counter()


def expect_invalid(entry: str, argument: str | re.Pattern, fn: Callable, *args: Any, **kwargs: Any) -> InvalidInput:
    """Call ``fn`` and assert it raises ``InvalidInput`` whose ``argument`` is ``argument``
    (a string for equality, a compiled pattern for ``fullmatch``) and whose message is
    ``"{argument}: expected ..., got ..."``."""
    COUNTS[entry] += 1
    with pytest.raises(InvalidInput) as info:
        fn(*args, **kwargs)
    err = info.value
    if isinstance(argument, re.Pattern):
        assert argument.fullmatch(err.argument), (err.argument, str(err))
    else:
        assert err.argument == argument, (err.argument, str(err))
    assert str(err).startswith(f"{err.argument}: expected "), str(err)
    assert ", got " in str(err) and err.expected and err.got
    return err


def expect_finite(entry: str, value: Any) -> Any:
    """Count one valid-but-extreme input of ``entry`` and assert every number in ``value`` is finite."""
    COUNTS[entry] += 1
    arrays = value if isinstance(value, (tuple, list)) else (value,)
    for a in arrays:
        assert np.all(np.isfinite(np.asarray(a))), value
    return value


# -- scalars -------------------------------------------------------------------------------

NON_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf"), np.float64("nan"), np.float32("inf")])
WRONG_TYPE = st.one_of(
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.just(object()),
    st.just({"a": 1}),
)


def bad_real() -> st.SearchStrategy:
    """Not a finite real number."""
    return st.one_of(NON_FINITE, WRONG_TYPE)


def bad_positive_real() -> st.SearchStrategy:
    """Not a finite real number > 0."""
    return st.one_of(bad_real(), st.floats(max_value=0.0, allow_nan=False, allow_infinity=False), st.just(-0.0))


def bad_positive_int(maximum: int | None = None) -> st.SearchStrategy:
    """Not an integer >= 1 (zero, negatives, floats, even integral ones, bools, strings...)."""
    out = [
        st.integers(max_value=0),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=3),
        st.none(),
        st.just(np.float64(2.0)),
    ]
    if maximum is not None:
        out.append(st.integers(min_value=maximum + 1, max_value=maximum + 10**6))
    return st.one_of(*out)


def bad_nonnegative_int() -> st.SearchStrategy:
    return st.one_of(st.integers(max_value=-1), st.floats(), st.booleans(), st.text(max_size=3), st.none())


def bad_text() -> st.SearchStrategy:
    return st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.lists(st.text(max_size=2), max_size=2))


# -- arrays --------------------------------------------------------------------------------

_FINITE = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def non_finite_laced(draw, shape: tuple[int, ...], complex_: bool = False) -> np.ndarray:
    """A finite array of ``shape`` with one entry replaced by NaN or +-inf."""
    n = int(np.prod(shape))
    vals = np.array(draw(st.lists(_FINITE, min_size=n, max_size=n)), dtype=np.complex128 if complex_ else np.float64)
    i = draw(st.integers(0, n - 1))
    vals[i] = draw(NON_FINITE)
    return vals.reshape(shape)


@st.composite
def wrong_dtype_array(draw, shape: tuple[int, ...]) -> Any:
    """Strings, objects, booleans, ragged lists, None: never numbers numpy reads as real."""
    n = int(np.prod(shape))
    kind = draw(st.sampled_from(["str", "object", "bool", "ragged", "none", "dict"]))
    if kind == "str":
        return np.array([draw(st.text(min_size=1, max_size=2))] * n).reshape(shape)
    if kind == "object":
        a = np.empty(n, dtype=object)
        a[:] = [object() for _ in range(n)]
        return a.reshape(shape)
    if kind == "bool":
        return np.ones(shape, dtype=bool)
    if kind == "ragged":
        return [[0.0], [0.0, 1.0]]
    if kind == "none":
        return None
    return {"not": "an array"}


@st.composite
def wrong_shape(draw, shape: tuple[int, ...]) -> np.ndarray:
    """A finite float array whose shape differs from ``shape`` (other length, or other ndim).

    Never 0-d: the validators read a scalar as a vector of length 1 (documented leniency).
    """
    ndim = draw(st.sampled_from([len(shape), len(shape) + 1, max(len(shape) - 1, 1)]))
    dims = tuple(draw(st.lists(st.integers(0, 5), min_size=ndim, max_size=ndim)))
    if dims == tuple(shape):
        dims = dims + (1,)
    return np.zeros(dims)


def bad_real_vector(length: int) -> st.SearchStrategy:
    return st.one_of(non_finite_laced((length,)), wrong_dtype_array((length,)), wrong_shape((length,)), complex_with_imag((length,)))


@st.composite
def complex_with_imag(draw, shape: tuple[int, ...]) -> np.ndarray:
    """A complex array with a non-zero imaginary part (where a real one is expected)."""
    a = np.zeros(shape, dtype=np.complex128)
    a.flat[draw(st.integers(0, a.size - 1))] = 1j * draw(st.floats(1e-6, 1e3))
    return a


# -- matrices just outside the tolerances --------------------------------------------------

def _rng(draw) -> np.random.Generator:
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _hermitian(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return 0.5 * (a + a.conj().T)


def _unitary(rng: np.random.Generator, d: int) -> np.ndarray:
    z = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _excess(draw, tol: float) -> float:
    """A deviation strictly above ``tol``: 1.5x to 1e9x it (log-uniform)."""
    return tol * 10 ** draw(st.floats(np.log10(1.5), 9.0))


@st.composite
def non_hermitian(draw, d: int) -> np.ndarray:
    """``H + e K`` with ``K`` anti-Hermitian, ``max|A - A^H| > HERMITIAN_ATOL * max(1, max|A|)``."""
    rng = _rng(draw)
    h = _hermitian(rng, d)
    k = np.zeros((d, d), dtype=np.complex128)
    i, j = draw(st.integers(0, d - 1)), draw(st.integers(0, d - 1))
    k[i, j] += 1.0 if i != j else 1j
    k[j, i] -= 1.0 if i != j else -1j  # K = -K^H
    k = 0.5 * (k - k.conj().T)
    scale = max(1.0, float(np.max(np.abs(h))))
    # max|A - A^H| = 2 e max|K| = e, so e = excess * scale puts it just outside the tolerance
    e = _excess(draw, HERMITIAN_ATOL) * scale
    return h + e * k / np.max(np.abs(k - k.conj().T))


@st.composite
def non_unitary(draw, d: int) -> np.ndarray:
    """``(1 + e) U`` or ``U + e E_ij``: ``max|U^H U - I|`` above ``UNITARY_ATOL``."""
    u = _unitary(_rng(draw), d)
    e = _excess(draw, UNITARY_ATOL)
    if draw(st.booleans()):
        return (1 + e) * u  # U^H U - I = (2e + e^2) I
    out = u.copy()
    out[:, 0] *= 1 + e  # column 0 longer by (1 + e)
    return out


@st.composite
def unnormalised_state(draw, d: int) -> np.ndarray:
    """``(1 + e) psi`` with ``| ||psi|| - 1 | > NORMALISATION_ATOL`` (both signs of e)."""
    rng = _rng(draw)
    v = rng.normal(size=d) + 1j * rng.normal(size=d)
    v /= np.linalg.norm(v)
    e = min(_excess(draw, NORMALISATION_ATOL), 0.5) * draw(st.sampled_from([1.0, -1.0]))
    return (1 + e) * v


@st.composite
def bad_density(draw, d: int) -> tuple[np.ndarray, str]:
    """A Hermitian matrix with trace != 1 or a negative eigenvalue (just outside the tolerances);
    returns ``(rho, flaw)``."""
    rng = _rng(draw)
    u = _unitary(rng, d)
    w = rng.dirichlet(np.ones(d))
    flaw = draw(st.sampled_from(["trace", "psd"]))
    if flaw == "trace":
        w = w * (1 + min(_excess(draw, NORMALISATION_ATOL), 0.5) * draw(st.sampled_from([1.0, -1.0])))
    else:
        e = min(_excess(draw, PSD_ATOL), 0.4)
        w = np.r_[-e, 1 + e, np.zeros(d - 2)]  # trace 1, smallest eigenvalue -e
    return (u * w) @ u.conj().T, flaw


@st.composite
def valid_density(draw, d: int) -> np.ndarray:
    rng = _rng(draw)
    u = _unitary(rng, d)
    return (u * rng.dirichlet(np.ones(d))) @ u.conj().T


@st.composite
def valid_hermitian(draw, d: int, scale: float = 1.0) -> np.ndarray:
    return scale * _hermitian(_rng(draw), d)


# -- valid but extreme ---------------------------------------------------------------------

def extreme_theta(p: int) -> st.SearchStrategy:
    """Finite parameter vectors spanning 1e-300 to 1e300 in magnitude (and exact zeros)."""
    mag = st.one_of(st.just(0.0), st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False),
                    st.floats(-1e-300, 1e-300, allow_nan=False), st.floats(-1e6, 1e6))
    return st.lists(mag, min_size=p, max_size=p).map(np.array)
