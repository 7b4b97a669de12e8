r"""Trigonometric polynomials in a canonical normal form (the coefficients of ``M(θ)``).

A :class:`TrigPoly` is a sum of ``coeff · Π_v f_v`` with ``f_v ∈ {cos(kv), sin(kv)}``,
``k > 0``, at most one factor per variable.  Products of factors in the same variable are
reduced at once by the product-to-sum (power-reduction) formulas

.. math::

   \cos a \cos b = \tfrac12[\cos(a-b) + \cos(a+b)], \qquad
   \sin a \sin b = \tfrac12[\cos(a-b) - \cos(a+b)],

   \sin a \cos b = \tfrac12[\sin(a+b) + \sin(a-b)],

so two equal trig polynomials have identical normal forms and "is zero" is decided by ``== 0``.

Representation: a *factor* is ``(variable id, kind, frequency)`` with kind :data:`COS` or
:data:`SIN` and frequency ``> 0`` (an ``int``, a ``Fraction`` or a SymPy number); a *monomial* is a
tuple of factors sorted by variable id.  Variable ids come from a module-level registry
(:func:`_vid`): each symbol gets a small integer the first time it is seen, which fixes the
order of factors within a monomial.  Coefficients are kept canonical by :func:`_canon`
(``int``/``Fraction``/``float`` when the value is such a number, else an expanded SymPy
expression such as ``√2/2``).

Private helper module of :mod:`qnnsym.symbolic.circuit` and :mod:`qnnsym.symbolic.kernel`.

>>> from qnnsym.symbolic.symbols import theta
>>> from qnnsym.symbolic._trigpoly import COS, SIN, TrigPoly
>>> s = TrigPoly.factor(theta(1), SIN, 1)
>>> (s * s).to_expr()                     # sin²θ = ½ − ½ cos 2θ
1/2 - cos(2*theta_1)/2
>>> s.diff(theta(1)).to_expr()
cos(theta_1)
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cmp_to_key, lru_cache
from typing import Any, Iterable

import sympy as sp

from ._exact import FLOAT_DROP

__all__ = ["COS", "SIN", "TrigPoly", "_canon", "_sum_of_products", "_collect"]


# --------------------------------------------------------------------------- coefficients
def _canon(c: Any) -> Any:
    """Canonical coefficient: ``int``/``Fraction``/``float`` when the value is such a number,
    otherwise an ``expand``-ed SymPy expression (radicals such as ``√2/2``, ``I``)."""
    if isinstance(c, sp.Basic):
        if not c.is_Number:
            c = sp.expand(c)
            if not c.is_Number:
                return c
        if c.is_Integer:
            return int(c)
        if c.is_Rational:
            return Fraction(int(c.p), int(c.q))
        return float(c)
    if isinstance(c, float) and abs(c) <= FLOAT_DROP:
        return 0
    return c


def _to_sympy(c: Any) -> sp.Expr:
    if isinstance(c, Fraction):
        return sp.Rational(c.numerator, c.denominator)
    return sp.sympify(c)


# --------------------------------------------------------------------------- trig polynomials
# A factor is ``(variable id, kind, frequency)`` with kind COS or SIN and frequency > 0 (an int,
# a Fraction or a SymPy number); a monomial is a tuple of factors sorted by variable id.
COS, SIN = 0, 1
#: Symbol-id registry: symbol → small integer (first come, first numbered), and its inverse.
_VAR_IDS: dict = {}
_VARS: list = []


def _vid(sym: sp.Symbol) -> int:
    """A stable small integer per symbol (the order monomials are sorted in)."""
    try:
        return _VAR_IDS[sym]
    except KeyError:
        _VAR_IDS[sym] = len(_VARS)
        _VARS.append(sym)
        return _VAR_IDS[sym]


def _freq(f: Any) -> Any:
    return _canon(sp.sympify(f)) if not isinstance(f, (int, Fraction)) else f


def _norm(sign: int, kind: int, f: Any) -> tuple | None:
    """``sign * kind(f v)`` normalised to ``f > 0``; ``(sign, None, None)`` for ``cos 0 = 1``; ``None`` for ``sin 0``."""
    if f == 0:
        return None if kind == SIN else (sign, None, None)
    if f < 0:
        return (sign, COS, -f) if kind == COS else (-sign, SIN, -f)
    return (sign, kind, f)


@lru_cache(maxsize=None)
def _factor_product(ka: int, fa: Any, kb: int, fb: Any) -> tuple:
    """Power reduction (product-to-sum) of two factors in one variable, each term times ½:

    ``cos a cos b = ½[cos(a−b) + cos(a+b)]``, ``sin a sin b = ½[cos(a−b) − cos(a+b)]``,
    ``sin a cos b = ½[sin(a+b) + sin(a−b)]``, ``cos a sin b = ½[sin(a+b) − sin(a−b)]``.
    """
    if ka == COS and kb == COS:
        out = (_norm(1, COS, fa - fb), _norm(1, COS, fa + fb))
    elif ka == SIN and kb == SIN:
        out = (_norm(1, COS, fa - fb), _norm(-1, COS, fa + fb))
    elif ka == SIN:
        out = (_norm(1, SIN, fa + fb), _norm(1, SIN, fa - fb))
    else:
        out = (_norm(1, SIN, fa + fb), _norm(1, SIN, fb - fa))
    return tuple(t for t in out if t is not None)


_INV2 = [Fraction(1, 2**s) for s in range(256)]


@lru_cache(maxsize=None)
def _factor_expr(factor: tuple) -> sp.Expr:
    v, kind, f = factor
    return (sp.cos if kind == COS else sp.sin)(_to_sympy(f) * _VARS[v])


def _mono_product(m1: tuple, m2: tuple) -> tuple[int, list]:
    """Product of two monomials, reduced per shared variable.

    Returns ``(h, [(sign, monomial), ...])``: the product is ``2^{-h} Σ sign · monomial`` where
    ``h`` is the number of shared variables (each contributes a factor ½ by power reduction).
    """
    if not m1 or not m2:
        return 0, [(1, m1 or m2)]
    parts: list = [(1, [])]
    halves = 0
    i = j = 0
    n1, n2 = len(m1), len(m2)
    while i < n1 or j < n2:
        if j >= n2 or (i < n1 and m1[i][0] < m2[j][0]):
            for _, lst in parts:
                lst.append(m1[i])
            i += 1
        elif i >= n1 or m2[j][0] < m1[i][0]:
            for _, lst in parts:
                lst.append(m2[j])
            j += 1
        else:
            v = m1[i][0]
            prods = _factor_product(m1[i][1], m1[i][2], m2[j][1], m2[j][2])
            halves += 1
            new = []
            for s, lst in parts:
                for s2, kind, f in prods:
                    new.append((s * s2, lst + [(v, kind, f)] if kind is not None else list(lst)))
            parts = new
            i += 1
            j += 1
    return halves, [(s, tuple(lst)) for s, lst in parts]


class TrigPoly:
    """A trigonometric polynomial in normal form (internal representation).

    ``terms`` maps a monomial (factors ``(variable id, COS|SIN, frequency > 0)`` sorted by
    variable id, at most one per variable) to a non-zero coefficient.
    """

    __slots__ = ("terms",)

    def __init__(self, terms: dict | None = None):
        self.terms: dict = terms if terms is not None else {}

    @classmethod
    def constant(cls, c: Any) -> "TrigPoly":
        c = _canon(c)
        return cls({} if c == 0 else {(): c})

    @classmethod
    def factor(cls, var: sp.Symbol, kind: int, freq: Any, coeff: Any = 1) -> "TrigPoly":
        """``coeff * cos(freq var)`` or ``coeff * sin(freq var)``."""
        t = _norm(1, kind, _freq(freq))
        if t is None:
            return cls()
        s, k, f = t
        return cls({(): s * coeff} if k is None else {((_vid(var), k, f),): s * coeff})

    def is_zero(self) -> bool:
        return not self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def add_into(self, other: "TrigPoly", scale: Any = 1) -> None:
        """``self += scale * other`` in place, collecting like monomials."""
        t = self.terms
        scale = _canon(scale)
        for mono, c in other.terms.items():
            new = _canon(t.get(mono, 0) + (c if scale == 1 else scale * c))
            if new == 0:
                t.pop(mono, None)
            else:
                t[mono] = new

    def __mul__(self, other: "TrigPoly") -> "TrigPoly":
        return _sum_of_products([(self, other)])[0]

    def diff(self, var: sp.Symbol) -> "TrigPoly":
        """Term-wise ``d/dvar``: ``cos(kv)' = -k sin(kv)``, ``sin(kv)' = k cos(kv)``."""
        vid = _vid(var)
        out = {}
        for mono, c in self.terms.items():
            for j, (v, kind, f) in enumerate(mono):
                if v == vid:
                    new = mono[:j] + ((v, SIN if kind == COS else COS, f),) + mono[j + 1 :]
                    out[new] = _canon(-f * c if kind == COS else f * c)
                    break
        return TrigPoly(out)

    def to_expr(self) -> sp.Expr:
        """The SymPy expression ``Σ coeff Π cos/sin(k v)``."""
        # Terms are built in SymPy's canonical argument order (number first, then factors sorted
        # by Basic.compare), which is what Mul(...) would produce, without re-running Mul.flatten.
        factors = {f for mono in self.terms for f in mono}
        order = sorted((_factor_expr(f) for f in factors), key=cmp_to_key(sp.Basic.compare))
        rank = {e: i for i, e in enumerate(order)}
        args = []
        for mono, c in self.terms.items():
            c = _to_sympy(c)
            fac = sorted((_factor_expr(f) for f in mono), key=rank.__getitem__)
            if not c.is_Number or not fac:
                args.append(sp.Mul(c, *fac))
            elif c == 1 and len(fac) == 1:
                args.append(fac[0])
            else:
                args.append(sp.Mul._from_args(tuple(fac) if c == 1 else (c, *fac), True))
        return sp.Add(*args)


def _sum_of_products(pairs: Iterable[tuple["TrigPoly", "TrigPoly"]]) -> tuple["TrigPoly", int, int]:
    """``Σ_k a_k b_k`` in normal form: expand every monomial pair, power-reduce, collect.

    With only rational coefficients the accumulation runs in Python integers (every
    coefficient scaled by a common ``D · 2^H``, divided out once at the end); otherwise in the
    coefficients' own arithmetic (floats, or SymPy for radicals).  Returns the polynomial, the
    number of raw monomial products and the number of distinct monomials before cancellation.
    """
    pairs = [(a, b) for a, b in pairs if a.terms and b.terms]
    coeffs = [c for a, b in pairs for t in (a, b) for c in t.terms.values()]
    rational = all(isinstance(c, (int, Fraction)) for c in coeffs)
    acc: dict = {}
    get = acc.get
    raw = 0
    if rational:
        den = math.lcm(*[c.denominator for c in coeffs]) if coeffs else 1
        top = max([len(m) for a, b in pairs for m in a.terms] + [0])
        for a, b in pairs:
            bi = [(m, int(c * den)) for m, c in b.terms.items()]
            for m1, c1 in a.terms.items():
                c1 = int(c1 * den)
                for m2, c2 in bi:
                    raw += 1
                    h, parts = _mono_product(m1, m2)
                    c = (c1 * c2) << (top - h)
                    for s, mono in parts:
                        acc[mono] = get(mono, 0) + (c if s > 0 else -c)
        scale = Fraction(1, den * den << top)
        out = {}
        for mono, c in acc.items():
            if c:
                c = c * scale
                out[mono] = c.numerator if c.denominator == 1 else c
        return TrigPoly(out), raw, len(acc)
    for a, b in pairs:
        for m1, c1 in a.terms.items():
            for m2, c2 in b.terms.items():
                raw += 1
                h, parts = _mono_product(m1, m2)
                c = c1 * c2 * (_INV2[h] if h < len(_INV2) else Fraction(1, 1 << h)) if h else c1 * c2
                neg = -c
                for s, mono in parts:
                    acc[mono] = get(mono, 0) + (c if s > 0 else neg)
    return _collect(acc), raw, len(acc)


def _collect(acc: dict) -> TrigPoly:
    out = {}
    for mono, c in acc.items():
        c = _canon(c)
        if c != 0:
            out[mono] = c
    return TrigPoly(out)
