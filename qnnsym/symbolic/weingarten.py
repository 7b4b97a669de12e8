r"""The Weingarten function of the unitary group U(d), exactly.

Mathematics
-----------
For a permutation :math:`\sigma \in S_t` with cycle type :math:`\mu`,

.. math::

    \mathrm{Wg}(\sigma, d) = \frac{1}{t!^2} \sum_{\lambda \vdash t,\ \ell(\lambda) \le d}
        \frac{\chi_\lambda(e)^2\, \chi_\lambda(\sigma)}{s_\lambda(1^d)}
      = \sum_{\lambda \vdash t,\ \ell(\lambda) \le d}
        \frac{\chi_\lambda(\mu)}{H_\lambda \prod_{(i,j) \in \lambda} (d + j - i)},

where :math:`\chi_\lambda` is the irreducible character of :math:`S_t` (computed with the
Murnaghan--Nakayama rule on beta-sets, memoised), :math:`H_\lambda` the product of the hook
lengths, and :math:`s_\lambda(1^d) = \prod_{cells}(d + c)/H_\lambda` the dimension of the
U(d)-irrep (content formula; ``c = j - i``).  The second form follows from
:math:`\chi_\lambda(e) = t!/H_\lambda`.

* ``d`` a Python ``int``: the sum runs over the partitions with at most ``d`` rows and the
  value is an exact :class:`sympy.Rational`.  For ``d < t`` this is the *pseudo-inverse*
  Weingarten function (the Moore--Penrose inverse of the Gram matrix
  ``G[s, t] = d^{#cycles(s^-1 t)}``, which is singular there).
* ``d`` symbolic (the positive-integer symbol :data:`qnnsym.symbolic.symbols.d`, or any
  non-numeric SymPy expression): the sum runs over all ``lambda |- t`` and the result is a
  fully cancelled rational function of ``d``, returned as an expanded integer numerator over
  a product of linear factors ``(d + c)^m``.  It has poles at ``d < t``: for an integer
  ``d < t`` call with the integer, never substitute into the symbolic formula.

The symbolic sum is built over the common denominator ``prod_c (d + c)^{m_c}`` with plain
integer polynomial arithmetic, and the linear factors that divide the numerator are removed
by exact synthetic division (a polynomial ``N`` is divisible by ``d + c`` iff ``N(-c) = 0``).
No general-purpose ``cancel``/``factor`` is needed.  Values depend only on the cycle type and
are cached per ``(t, d)`` (a whole table of cycle types at once).

>>> from qnnsym.symbolic.symbols import d
>>> weingarten((0, 1), d), weingarten((1, 0), d)
(1/((d - 1)*(d + 1)), -1/(d*(d - 1)*(d + 1)))
>>> weingarten((2, 1), d)            # a transposition in S_3: a pole at d = 2 ...
-1/((d - 2)*(d - 1)*(d + 1)*(d + 2))
>>> weingarten((2, 1), 2)            # ... but one qubit has a (pseudo-inverse) value
1/144

The orthogonal-group Weingarten function is *not* provided (see docs/weingarten.md).
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from functools import lru_cache
from typing import Any, Mapping, Sequence

import sympy

from ..errors import InvalidInput, TooLarge
from ..validate import describe
from . import permutations as perm
from .symbols import d as D

__all__ = [
    "MAX_T",
    "character",
    "hook_product",
    "schur_dimension",
    "weingarten",
    "weingarten_table",
    "gram_matrix",
    "weingarten_matrix",
]

#: Largest ``t`` accepted by :func:`weingarten` / :func:`weingarten_table`.
MAX_T = 20

_DIM_EXPECTED = "a positive integer or a non-numeric SymPy expression such as qnnsym.symbolic.symbols.d"

# --------------------------------------------------------------------------------------------
# validation


def _dimension(name: str, value: Any) -> int | sympy.Expr:
    """``value`` as a Python ``int >= 1`` or a non-numeric SymPy expression."""
    if isinstance(value, bool):
        raise InvalidInput(name, _DIM_EXPECTED, describe(value))
    if isinstance(value, numbers.Integral):
        if int(value) < 1:
            raise InvalidInput(name, _DIM_EXPECTED, str(int(value)))
        return int(value)
    if isinstance(value, sympy.Basic):
        if value.is_Integer:
            return _dimension(name, int(value))
        if isinstance(value, sympy.Expr) and not value.is_number:
            if value.is_positive is False or value.is_integer is False:
                raise InvalidInput(name, _DIM_EXPECTED, f"{value} (known to be non-positive or non-integer)")
            return value
    raise InvalidInput(name, _DIM_EXPECTED, describe(value))


def _order(name: str, t: Any) -> int:
    if isinstance(t, bool) or not isinstance(t, numbers.Integral) or int(t) < 0:
        raise InvalidInput(name, "a non-negative integer", describe(t))
    t = int(t)
    if t > MAX_T:
        raise TooLarge(
            name,
            f"t <= MAX_T = {MAX_T} (the character table of S_t grows like the square of the partition count)",
            f"t = {t}",
        )
    return t


def _cycle_type_of(name: str, sigma: Any) -> perm.Partition:
    """Cycle type of ``sigma`` given as a permutation image tuple or as a partition.

    The two forms cannot be confused: a non-empty permutation of ``range(t)`` contains 0,
    a partition contains only positive parts.
    """
    if isinstance(sigma, (tuple, list)):
        if perm.is_permutation(sigma):
            return perm._cycle_type(tuple(int(x) for x in sigma))
        if perm.is_partition(sigma):
            return tuple(int(x) for x in sigma)
    raise InvalidInput(
        name,
        "a permutation of range(t) as a tuple of images (e.g. (1, 0, 2)) "
        "or a cycle type as a non-increasing tuple of positive ints (e.g. (2, 1))",
        describe(sigma) if not isinstance(sigma, (tuple, list)) else repr(tuple(sigma)),
    )


# --------------------------------------------------------------------------------------------
# characters, hooks, contents


def _conjugate(lam: perm.Partition) -> perm.Partition:
    return tuple(sum(1 for part in lam if part > j) for j in range(lam[0])) if lam else ()


def hook_product(lam: perm.Partition) -> int:
    """``H_lambda``: the product of the hook lengths of the Young diagram ``lam``.

    Validated before the cache is consulted: ``(True,)`` hashes like ``(1,)``, so a cached
    call must never be the first to see an argument.

    >>> hook_product((2, 1))
    3
    """
    if not perm.is_partition(lam):
        raise InvalidInput("lam", "a partition (non-increasing tuple of positive ints)", repr(lam)[:60])
    return _hook_product(tuple(int(x) for x in lam))


@lru_cache(maxsize=None)
def _hook_product(lam: perm.Partition) -> int:
    conj = _conjugate(lam)
    h = 1
    for i, row in enumerate(lam):
        for j in range(row):
            h *= row - j + conj[j] - i - 1
    return h


def _contents(lam: perm.Partition) -> list[int]:
    return [j - i for i, row in enumerate(lam) for j in range(row)]


@lru_cache(maxsize=None)
def _mn(lam: perm.Partition, mu: perm.Partition) -> int:
    """Murnaghan--Nakayama on beta-sets: remove a border strip of length ``mu[0]``."""
    if not mu:
        return 1
    k, rest = mu[0], mu[1:]
    n = len(lam)
    beta = [lam[i] + (n - 1 - i) for i in range(n)]
    bset = set(beta)
    total = 0
    for b in beta:
        nb = b - k
        if nb < 0 or nb in bset:
            continue
        # height of the strip = number of beta numbers strictly between nb and b
        sign = -1 if sum(1 for x in beta if nb < x < b) % 2 else 1
        new_beta = sorted((bset - {b}) | {nb}, reverse=True)
        new_lam = tuple(x for x in (new_beta[i] - (n - 1 - i) for i in range(n)) if x > 0)
        total += sign * _mn(new_lam, rest)
    return total


def character(lam: Sequence[int], mu: Sequence[int]) -> int:
    r"""The irreducible character :math:`\chi_\lambda(\mu)` of :math:`S_t` (Murnaghan--Nakayama).

    Parameters
    ----------
    lam, mu : partitions of the same ``t``
        The irrep and the cycle type.

    Examples
    --------
    >>> character((2, 1), (1, 1, 1)), character((2, 1), (2, 1)), character((2, 1), (3,))
    (2, 0, -1)
    """
    for name, x in (("lam", lam), ("mu", mu)):
        if not perm.is_partition(x):
            raise InvalidInput(name, "a partition (non-increasing tuple of positive ints)", repr(x))
    if sum(lam) != sum(mu):
        raise InvalidInput("mu", f"a partition of {sum(lam)} (the size of lam)", f"a partition of {sum(mu)}")
    return _mn(tuple(int(x) for x in lam), tuple(sorted((int(x) for x in mu), reverse=True)))


def schur_dimension(lam: Sequence[int], d: Any) -> sympy.Expr:
    r"""``s_lambda(1^d) = prod_{cells} (d + c) / H_lambda``: the dimension of the U(d) irrep.

    Zero for an integer ``d`` smaller than the number of rows.

    >>> from qnnsym.symbolic.symbols import d
    >>> schur_dimension((2,), d), schur_dimension((1, 1, 1), 2)
    (d*(d + 1)/2, 0)
    """
    if not perm.is_partition(lam):
        raise InvalidInput("lam", "a partition (non-increasing tuple of positive ints)", repr(lam))
    dd = _dimension("d", d)
    lam = tuple(int(x) for x in lam)
    return sympy.Mul(*[dd + c for c in _contents(lam)]) / hook_product(lam)


# --------------------------------------------------------------------------------------------
# integer polynomials (coefficient lists, lowest degree first)


def _pmul_linear(p: list[int], c: int) -> list[int]:
    """``p(d) * (d + c)``."""
    out = [0] * (len(p) + 1)
    for i, a in enumerate(p):
        out[i] += c * a
        out[i + 1] += a
    return out


def _pdiv_linear(p: list[int], c: int) -> list[int] | None:
    """``p(d) / (d + c)`` when exact (``p(-c) == 0``), else ``None``."""
    # synthetic division by the root r = -c, from the top coefficient down
    r = -c
    q = [0] * (len(p) - 1)
    carry = 0
    for i in range(len(p) - 1, 0, -1):
        carry = p[i] + carry * r
        q[i - 1] = carry
    return q if p[0] + carry * r == 0 else None


def _ptrim(p: list[int]) -> list[int]:
    while len(p) > 1 and p[-1] == 0:
        p = p[:-1]
    return p


@lru_cache(maxsize=None)
def _symbolic_data(t: int) -> tuple[dict[int, int], int, dict[perm.Partition, tuple[int, ...]]]:
    """Common-denominator form: ``Wg(mu, d) = N_mu(d) / (L * prod_c (d + c)^{m_c})``."""
    lams = perm.partitions(t)
    counts = {lam: {} for lam in lams}
    for lam in lams:
        for c in _contents(lam):
            counts[lam][c] = counts[lam].get(c, 0) + 1
    den: dict[int, int] = {}
    for cnt in counts.values():
        for c, m in cnt.items():
            den[c] = max(den.get(c, 0), m)
    scale = math.lcm(*(hook_product(lam) for lam in lams)) if lams else 1
    cofactors = {}
    for lam in lams:
        q = [1]
        for c, m in den.items():
            for _ in range(m - counts[lam].get(c, 0)):
                q = _pmul_linear(q, c)
        cofactors[lam] = q
    deg = sum(den.values())
    nums = {}
    for mu in lams:
        acc = [0] * (deg - t + 1)
        for lam in lams:
            w = _mn(lam, mu) * (scale // hook_product(lam))
            if w:
                for i, a in enumerate(cofactors[lam]):
                    acc[i] += w * a
        nums[mu] = tuple(acc)
    return den, scale, nums


def _to_expr(num: Sequence[int], den: Mapping[int, int], scale: int) -> sympy.Expr:
    """Reduce ``num / (scale * prod (d + c)^m)`` and return it as a SymPy expression in ``d``."""
    p = _ptrim(list(num))
    if p == [0]:
        return sympy.S.Zero
    left: dict[int, int] = {}
    for c in sorted(den):
        m = den[c]
        while m > 0:
            q = _pdiv_linear(p, c)
            if q is None:
                break
            p, m = q, m - 1
        if m:
            left[c] = m
    g = math.gcd(*p)
    if p[-1] < 0:
        g = -g
    p = [a // g for a in p]
    coeff = sympy.Rational(g, scale)
    numerator = sympy.Add(*[a * D**i for i, a in enumerate(p) if a])
    factors = [sympy.Pow(D + c, -m) for c, m in sorted(left.items())]
    return sympy.Mul(coeff, numerator, *factors)


def _combination(t: int, weights: Mapping[tuple[perm.Partition, int], int]) -> sympy.Expr:
    """``sum_{(mu, k)} w * d^k * Wg(mu, d)`` for symbolic ``d``, fully cancelled.

    Used by :mod:`qnnsym.symbolic.haar` to collect the coefficient of one trace monomial.
    """
    den, scale, nums = _symbolic_data(t)
    kmax = max((k for _, k in weights), default=0)
    acc = [0] * (max(len(v) for v in nums.values()) + kmax)
    for (mu, k), w in weights.items():
        if w:
            for i, a in enumerate(nums[mu]):
                acc[i + k] += w * a
    return _to_expr(acc, den, scale)


@lru_cache(maxsize=None)
def _symbolic_table(t: int) -> dict[perm.Partition, sympy.Expr]:
    den, scale, nums = _symbolic_data(t)
    return {mu: _to_expr(nums[mu], den, scale) for mu in perm.partitions(t)}


@lru_cache(maxsize=None)
def _integer_table(t: int, d: int) -> dict[perm.Partition, sympy.Rational]:
    lams = [lam for lam in perm.partitions(t) if len(lam) <= d]
    weights = {}
    for lam in lams:
        denom = hook_product(lam)
        for c in _contents(lam):
            denom *= d + c  # > 0 because c >= -(rows - 1) >= 1 - d
        weights[lam] = Fraction(1, denom)
    out = {}
    for mu in perm.partitions(t):
        v = sum((_mn(lam, mu) * w for lam, w in weights.items()), Fraction(0))
        out[mu] = sympy.Rational(v.numerator, v.denominator)
    return out


def _table(t: int, dd: int | sympy.Expr) -> dict[perm.Partition, sympy.Expr]:
    if isinstance(dd, int):
        return _integer_table(t, dd)
    table = _symbolic_table(t)
    if dd == D:
        return table
    return {mu: v.subs(D, dd) for mu, v in table.items()}


# --------------------------------------------------------------------------------------------
# public API


def weingarten(sigma: Sequence[int], d: Any) -> sympy.Expr:
    r"""The unitary Weingarten function :math:`\mathrm{Wg}(\sigma, d)`.

    Parameters
    ----------
    sigma : tuple of int
        A permutation of ``range(t)`` as the tuple of its images (``(1, 0, 2)`` swaps 0 and
        1), or directly its cycle type as a partition of ``t`` (``(2, 1)``).  The two forms
        are told apart by the 0 that every non-empty permutation image contains.
    d : int or sympy.Expr
        The dimension: a positive ``int`` (exact value; the pseudo-inverse Weingarten
        function when ``d < t``) or the symbol :data:`qnnsym.symbolic.symbols.d` (or another
        non-numeric expression, substituted into the generic rational function).

    Returns
    -------
    sympy.Rational or sympy.Expr
        ``Wg(sigma, d)``; symbolic results are fully cancelled: an expanded integer
        numerator over a product of linear factors.  Compare symbolic results with
        ``sympy.cancel(a - b) == 0``.

    Raises
    ------
    qnnsym.errors.InvalidInput
        ``sigma`` neither a permutation of ``range(t)`` nor a partition; ``d`` not a
        positive integer or symbolic expression.
    qnnsym.errors.TooLarge
        ``t > MAX_T``.

    Examples
    --------
    >>> from qnnsym.symbolic.symbols import d
    >>> weingarten((1, 1, 1), d)
    (d**2 - 2)/(d*(d - 2)*(d - 1)*(d + 1)*(d + 2))
    >>> weingarten((3,), d)
    2/(d*(d - 2)*(d - 1)*(d + 1)*(d + 2))
    >>> weingarten((1, 2, 0), 3)      # 2/(d (d^2-1)(d^2-4)) at d = 3
    1/60
    """
    mu = _cycle_type_of("sigma", sigma)
    t = _order("sigma (its size t)", sum(mu))
    dd = _dimension("d", d)
    return _table(t, dd)[mu]


def weingarten_table(t: int, d: Any) -> dict[perm.Partition, sympy.Expr]:
    """``Wg(mu, d)`` for every cycle type ``mu`` of ``S_t``, in the order of
    :func:`qnnsym.symbolic.permutations.partitions` (``(t,)`` first).

    Parameters
    ----------
    t : int
        The number of tensor copies (``0 <= t <= MAX_T``).
    d : int or sympy.Expr
        As in :func:`weingarten`.

    Examples
    --------
    >>> from qnnsym.symbolic.symbols import d
    >>> weingarten_table(2, d)
    {(2,): -1/(d*(d - 1)*(d + 1)), (1, 1): 1/((d - 1)*(d + 1))}
    >>> weingarten_table(2, 1)   # U(1): E|u|^4 = 1 = sum over the 4 pairs (sigma, tau) of Wg
    {(2,): 1/4, (1, 1): 1/4}
    """
    t = _order("t", t)
    dd = _dimension("d", d)
    return dict(_table(t, dd))


def _table_order(t: int) -> int:
    t = _order("t", t)
    if t > perm.MAX_TABLE_T:
        n = math.factorial(t)
        raise TooLarge(
            "t",
            f"t <= {perm.MAX_TABLE_T} for a t! x t! matrix",
            f"t = {t} ({n * n} entries); work with weingarten_table(t, d) and cycle types instead",
        )
    return t


def gram_matrix(t: int, d: Any) -> sympy.Matrix:
    r"""The Gram matrix :math:`G_{\sigma,\tau} = \mathrm{tr}(P_\sigma^\dagger P_\tau) = d^{\#\mathrm{cycles}(\sigma^{-1}\tau)}`.

    Rows and columns follow :func:`qnnsym.symbolic.permutations.all_permutations`.  For
    ``d >= t`` its inverse is :func:`weingarten_matrix`; for ``d < t`` it is singular and
    :func:`weingarten_matrix` is its Moore--Penrose pseudo-inverse.

    Examples
    --------
    >>> from qnnsym.symbolic.symbols import d
    >>> gram_matrix(2, d)
    Matrix([
    [d**2,    d],
    [   d, d**2]])
    >>> gram_matrix(2, d) * weingarten_matrix(2, d) == sympy.eye(2)
    False
    >>> (gram_matrix(2, d) * weingarten_matrix(2, d)).applyfunc(sympy.cancel) == sympy.eye(2)
    True
    """
    t = _table_order(t)
    dd = _dimension("d", d)
    mult, inv, _ = perm.multiplication_table(t)
    perms = perm.all_permutations(t)
    powers = [dd**k for k in range(t + 1)]
    ncyc = [perm._num_cycles(p) for p in perms]
    n = len(perms)
    return sympy.Matrix(n, n, lambda i, j: powers[ncyc[mult[inv[i], j]]])


def weingarten_matrix(t: int, d: Any) -> sympy.Matrix:
    r"""The matrix :math:`W_{\sigma,\tau} = \mathrm{Wg}(\sigma^{-1}\tau, d)`, rows and columns in
    the order of :func:`qnnsym.symbolic.permutations.all_permutations`.

    Examples
    --------
    >>> weingarten_matrix(2, 2)
    Matrix([
    [ 1/3, -1/6],
    [-1/6,  1/3]])
    """
    t = _table_order(t)
    dd = _dimension("d", d)
    mult, inv, classes = perm.multiplication_table(t)
    table = _table(t, dd)
    values = [table[mu] for mu in perm.partitions(t)]
    n = math.factorial(t)
    return sympy.Matrix(n, n, lambda i, j: values[classes[mult[inv[i], j]]])
