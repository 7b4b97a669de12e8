"""Hostile values for the symbolic layer, the theorem machinery and the CLI, and the assertion
their fuzz tests use.

Every strategy draws values that are wrong *by construction* for the argument it is named after
(no filtering needed): non-integral, non-positive or non-finite sizes and dimensions (Python,
NumPy and SymPy numbers, symbols known to be negative or non-integer), sequences that are not
permutations or partitions, objects of the wrong type.  :func:`expect_invalid` runs an entry point
under a wall-clock limit (a hang fails the test) and asserts the documented error naming the
argument.
"""

from __future__ import annotations

import collections
import math
import re
from typing import Any, Callable

import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from qnnsym.errors import InvalidInput
from qnnsym.timelimit import TimeLimitExceeded, time_limit

try:  # share the per-entry counters printed by tests/fuzz/conftest.py when it is there
    from hostile import COUNTS
except ImportError:  # pragma: no cover
    COUNTS: "collections.Counter[str]" = collections.Counter()

#: Wall-clock seconds one hostile call may take before the test calls it a hang.
HANG_SECONDS = 10.0


def expect_invalid(entry: str, argument: str | re.Pattern, fn: Callable, *args: Any, **kwargs: Any) -> InvalidInput:
    """Call ``fn(*args, **kwargs)``; assert it raises :class:`~qnnsym.errors.InvalidInput` (a
    :class:`~qnnsym.errors.TooLarge` counts) within :data:`HANG_SECONDS`, whose ``argument`` is
    ``argument`` (equal, or ``fullmatch`` for a pattern) and whose message has the documented form
    ``"{argument}: expected ..., got ..."``."""
    COUNTS[f"symbolic/{entry}"] += 1
    try:
        with time_limit(HANG_SECONDS):
            with pytest.raises(InvalidInput) as info:
                fn(*args, **kwargs)
    except TimeLimitExceeded:  # pragma: no cover - only on failure
        pytest.fail(f"{entry} did not answer within {HANG_SECONDS} s (args={args!r:.200}, kwargs={kwargs!r:.200})")
    err = info.value
    if isinstance(argument, re.Pattern):
        assert argument.fullmatch(err.argument), (entry, err.argument, str(err))
    else:
        assert err.argument == argument, (entry, err.argument, str(err))
    assert str(err).startswith(f"{err.argument}: expected "), str(err)
    assert ", got " in str(err) and err.expected and err.got, str(err)
    return err


# -- sizes and dimensions ------------------------------------------------------------------

_WRONG_TYPE = st.one_of(
    st.text(max_size=4),
    st.none(),
    st.booleans(),
    st.just(object()),
    st.just([2]),
    st.just({"d": 2}),
    st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
)
_FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(np.float64(2.0)), st.just(2.0))
_BAD_SYMPY_NUMBERS = st.sampled_from([sp.Rational(1, 2), sp.Float(2.0), sp.nan, sp.oo, -sp.oo, sp.zoo, sp.I,
                                      sp.Integer(-3), sp.Integer(0), sp.sqrt(2)])


def bad_order(minimum: int = 0) -> st.SearchStrategy:
    """Not an integer ``>= minimum`` (the moment / number of copies ``t``)."""
    return st.one_of(st.integers(max_value=minimum - 1), _FLOATS, _WRONG_TYPE,
                     st.sampled_from([sp.Rational(1, 2), sp.Float(2.0), sp.Symbol("t")]))


def bad_dimension() -> st.SearchStrategy:
    """Not a positive integer nor a symbol that may be one (``d``)."""
    return st.one_of(
        st.integers(max_value=0), _FLOATS, _WRONG_TYPE, _BAD_SYMPY_NUMBERS,
        st.sampled_from([sp.Symbol("n", negative=True), sp.Symbol("z", integer=False), -sp.Symbol("q", positive=True)]),
    )


def bad_optional_dimension() -> st.SearchStrategy:
    """:func:`bad_dimension` without None, for the functions that read ``d=None`` as the symbol ``d``."""
    return bad_dimension().filter(lambda v: v is not None)


def bad_int_dimension() -> st.SearchStrategy:
    """Not a positive integer (where a symbolic ``d`` is not accepted either)."""
    return st.one_of(bad_dimension(), st.just(sp.Symbol("d", positive=True, integer=True)))


# -- permutations and partitions -----------------------------------------------------------

@st.composite
def bad_permutation(draw, t: int | None = None) -> Any:
    """Not a permutation of ``range(t)`` (of any length when ``t`` is None)."""
    n = t if t is not None else draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["repeat", "out_of_range", "negative", "float", "text", "type", "length"]))
    base = list(range(n))
    if kind == "repeat":
        if n == 1:
            return (0, 0)
        i = draw(st.integers(0, n - 1))
        base[i] = base[(i + draw(st.integers(1, n - 1))) % n]  # a duplicate, so a point is missing
        return tuple(base)
    if kind == "out_of_range":
        base[draw(st.integers(0, n - 1))] = n + draw(st.integers(0, 5))
        return tuple(base)
    if kind == "negative":
        base[draw(st.integers(0, n - 1))] = -draw(st.integers(1, 5))
        return tuple(base)
    if kind == "float":
        return tuple(float(x) for x in base)
    if kind == "text":
        return "".join(str(x) for x in base)
    if kind == "type":
        return draw(st.one_of(st.none(), st.integers(), st.just({0: 0}), st.just(np.arange(n) + 0.5)))
    # length: a genuine permutation of the wrong size (only wrong when the size is fixed)
    if t is None:
        return tuple(base[:-1]) + (n + 1,)
    return tuple(range(t + draw(st.integers(1, 2))))


def bad_partition() -> st.SearchStrategy:
    """Not a non-increasing tuple of positive ints."""
    return st.one_of(
        st.lists(st.integers(1, 4), min_size=2, max_size=4).filter(lambda l: any(a < b for a, b in zip(l, l[1:]))).map(tuple),
        st.lists(st.integers(-3, 0), min_size=1, max_size=3).map(lambda l: tuple(sorted(l, reverse=True))),
        st.just((2.0, 1.0)), st.just("21"), st.none(), st.integers(), st.just((True,)),
    )


# -- objects -------------------------------------------------------------------------------

def not_an(*types: type) -> st.SearchStrategy:
    """Values of none of ``types`` (a wrong object where a model, dataset, Op... is expected)."""
    pool = st.one_of(_WRONG_TYPE, st.integers(), st.floats(), st.just(sp.Symbol("A")), st.just(np.eye(2)),
                     st.just(sp.eye(2)), st.just((1, 2)))
    return pool.filter(lambda v: not isinstance(v, types))


def bad_rationalize() -> st.SearchStrategy:
    """Not ``None`` nor a finite tolerance ``> 0``."""
    return st.one_of(st.floats(max_value=0.0), st.sampled_from([math.nan, math.inf, -math.inf]),
                     st.text(max_size=3), st.booleans(), st.just([1e-9]))


def bad_positive_int() -> st.SearchStrategy:
    """Not an integer ``>= 1``."""
    return st.one_of(st.integers(max_value=0), _FLOATS, _WRONG_TYPE)


def bad_seconds() -> st.SearchStrategy:
    """Not a finite number of seconds ``> 0``."""
    return st.one_of(st.floats(max_value=0.0), st.sampled_from([math.nan, math.inf]), st.text(max_size=3),
                     st.booleans(), st.just([1.0]))


@st.composite
def non_finite_matrix(draw, n: int = 2) -> np.ndarray:
    """An ``n x n`` float matrix with a NaN or an infinity somewhere."""
    a = np.eye(n)
    i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
    a[i, j] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return a
