r"""Exact numbers for the symbolic engine: how a float of the model becomes a SymPy number.

A float in the model (a generator coefficient ``0.5``, a label ``1.0``, a state entry) is read
exactly by :func:`exact_number` when it is a dyadic rational with denominator ``≤ 2^20`` or the
double nearest to ``p/q`` with ``q ≤ 1000``; any other float stays a SymPy ``Float`` unless
``rationalize=tol`` is given (then :func:`sympy.nsimplify` with that tolerance, radicals
``√2, √3`` allowed).  :data:`FLOAT_DROP` is the round-off threshold below which a float
coefficient is dropped.

Private helper module of :mod:`qnnsym.symbolic.circuit`, which re-exports :func:`exact_number`.

>>> from qnnsym.symbolic._exact import exact_number, _exact_matrix
>>> _exact_matrix([[0.5, 1j], [-1j, 0.25]], None)
Matrix([
[1/2,   I],
[ -I, 1/4]])
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import InvalidInput
from ..validate import describe

__all__ = ["FLOAT_DROP", "exact_number", "_exact_matrix", "_rationalize"]

#: Float coefficients (from float gates) below this are dropped as round-off.
FLOAT_DROP = 1e-14


def exact_number(x: Any, *, rationalize: float | None = None) -> sp.Expr:
    """A number as an exact SymPy number when that is unambiguous, else a ``Float``.

    Without ``rationalize`` a float is read exactly only if it *is* a dyadic rational with
    denominator ``≤ 2^20`` or the double nearest ``p/q`` with ``q ≤ 1000``; with
    ``rationalize=tol`` :func:`sympy.nsimplify` may also return radicals within ``tol``.

    >>> exact_number(0.5), exact_number(1 / 3), exact_number(0.1234567891234), exact_number(2j)
    (1/2, 1/3, 0.123456789123400, 2*I)
    """
    rationalize = _rationalize(rationalize)
    if isinstance(x, sp.Basic):
        if x.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InvalidInput("x", "a finite number", str(x))
        return x
    if not isinstance(x, (numbers.Number, np.number)):
        raise InvalidInput("x", "a finite number (int, float, complex or SymPy number)", describe(x))
    if isinstance(x, (complex, np.complexfloating)):
        re, im = exact_number(float(x.real), rationalize=rationalize), exact_number(float(x.imag), rationalize=rationalize)
        return re + sp.I * im
    if isinstance(x, (bool, int, np.integer)):
        return sp.Integer(int(x))
    x = float(x)
    if not np.isfinite(x):
        raise InvalidInput("x", "a finite number", repr(x))
    if rationalize is not None:
        return sp.nsimplify(x, [sp.sqrt(2), sp.sqrt(3)], tolerance=rationalize)
    fr = Fraction(x)
    if fr.denominator <= 2**20:
        return sp.Rational(fr.numerator, fr.denominator)
    near = fr.limit_denominator(1000)
    if float(near) == x:
        return sp.Rational(near.numerator, near.denominator)
    return sp.Float(x)


def _rationalize(value: Any) -> float | None:
    """``None`` or a finite tolerance ``> 0`` (the ``rationalize`` argument of the symbolic engine)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)) \
            or not math.isfinite(float(value)) or float(value) <= 0:
        raise InvalidInput("rationalize", "None or a finite tolerance > 0 (e.g. 1e-12)", describe(value))
    return float(value)


def _exact_matrix(a: np.ndarray, rationalize: float | None) -> sp.Matrix:
    a = np.asarray(a)
    return sp.Matrix(a.shape[0], a.shape[1], [exact_number(complex(z), rationalize=rationalize) for z in a.ravel()])
