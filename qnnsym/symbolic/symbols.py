"""Every SymPy symbol of qnnsym, created once with its assumptions.

A symbol with different assumptions is a *different* symbol to SymPy
(``Symbol('d') != Symbol('d', positive=True)``) and silently blocks
simplification, so every module takes its symbols from here.

- :data:`d` -- the Hilbert-space dimension, a positive integer.
- :func:`theta` -- the real circuit parameters ``theta_1, theta_2, ...``.
- :func:`feature` -- the real classical features ``x_1, x_2, ...``.
- :func:`sample_feature` -- the real feature ``x_{i,q}`` (printed ``x_i_q``) of qubit ``q`` of
  sample ``i``, for expressions in several encoded samples at once.
- :func:`trace_symbol` -- a named trace invariant such as ``tr(A**2)`` (a complex
  number in general, so it carries no assumption beyond being commutative).

>>> from qnnsym.symbolic.symbols import d, theta, trace_symbol
>>> d.is_integer and d.is_positive
True
>>> theta(1) is theta(1), theta(1).is_real
(True, True)
>>> trace_symbol("tr(A**2)")
tr(A**2)
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import sympy

from .printing import register_latex_name

__all__ = ["d", "theta", "feature", "sample_feature", "trace_symbol"]

#: The Hilbert-space dimension ``d`` (positive integer).
d: sympy.Symbol = sympy.Symbol("d", positive=True, integer=True)


def _index(name: str, value: object, minimum: int) -> int:
    from ..errors import InvalidInput
    from ..validate import describe

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < minimum:
        what = "a positive integer" if minimum == 1 else "a non-negative integer"
        raise InvalidInput(name, what, describe(value))
    return int(value)


def theta(l: int | str) -> sympy.Symbol:
    """The real parameter ``theta_l`` of layer ``l >= 1``, or of a generic layer named by an
    identifier (``theta("l")``), one object per ``l``."""
    if isinstance(l, str) and l.isidentifier():
        return _theta(l)
    return _theta(_index("l", l, 1))


@lru_cache(maxsize=None)
def _theta(l: int | str) -> sympy.Symbol:
    return sympy.Symbol(f"theta_{l}", real=True)


def feature(i: int) -> sympy.Symbol:
    """The real classical feature ``x_i``, ``i >= 0`` (one object per ``i``)."""
    return _feature(_index("i", i, 0))


@lru_cache(maxsize=None)
def _feature(i: int) -> sympy.Symbol:
    return sympy.Symbol(f"x_{i}", real=True)


def sample_feature(i: int, q: int) -> sympy.Symbol:
    """``x_{i,q}`` (printed ``x_i_q``, LaTeX ``x_{i,q}``): feature ``q`` of sample ``i`` (real).

    :func:`feature` provides one feature symbol per qubit, ``feature(q) = x_q`` (the generic
    input); a kernel between several encoded samples needs one set per sample, created here
    once each with the same assumption (real).

    >>> sample_feature(2, 0), sample_feature(2, 0) is sample_feature(2, 0), sample_feature(2, 0).is_real
    (x_2_0, True, True)
    """
    return _sample_feature(_index("i", i, 0), _index("q", q, 0))


@lru_cache(maxsize=None)
def _sample_feature(i: int, q: int) -> sympy.Symbol:
    register_latex_name(f"x_{i}_{q}", f"x_{{{i},{q}}}")
    return sympy.Symbol(f"x_{i}_{q}", real=True)


def trace_symbol(name: str) -> sympy.Symbol:
    """The trace invariant called ``name`` (e.g. ``"tr(A*B)"``), one object per name.

    Build names with :func:`qnnsym.symbolic.haar.trace_invariant`, which puts a
    product of abstract operators into its canonical cyclic form first.
    """
    if not isinstance(name, str) or not name.strip():
        from ..errors import InvalidInput
        from ..validate import describe

        raise InvalidInput("name", "a non-empty string such as 'tr(A*B)'", describe(name))
    return _trace_symbol(name)


@lru_cache(maxsize=None)
def _trace_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name)
