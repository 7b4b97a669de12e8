"""Permutations of ``range(t)`` and partitions of ``t``, for the Weingarten calculus.

Representation
--------------
A permutation ``p`` of ``range(t)`` is the tuple of its images: ``p[i]`` is where
``i`` goes.  ``(1, 2, 0)`` sends ``0 -> 1 -> 2 -> 0``.

Composition order
-----------------
``compose(p, q)`` is ``p o q``: *apply q first*, i.e. ``compose(p, q)[i] == p[q[i]]``.
With this order ``P_{p o q} = P_p P_q`` for the permutation operators of
:func:`qnnsym.symbolic.haar.permutation_operator`.

A partition (cycle type) is a non-increasing tuple of positive integers, e.g.
``(2, 1)``; the empty tuple is the partition of 0.  Lists of all permutations are
in lexicographic order (that of :func:`itertools.permutations`), lists of
partitions in reverse lexicographic order (``(3,), (2, 1), (1, 1, 1)``).

>>> from qnnsym.symbolic.permutations import compose, cycles, cycle_type, inverse
>>> p, q = (1, 2, 0), (1, 0, 2)
>>> compose(p, q)                 # q first: 0 -> 1 -> 2, 1 -> 0 -> 1, 2 -> 2 -> 0
(2, 1, 0)
>>> cycles((1, 2, 0, 4, 3)), cycle_type((1, 2, 0, 4, 3))
([(0, 1, 2), (3, 4)], (3, 2))
>>> compose(p, inverse(p))
(0, 1, 2)
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from ..errors import InvalidInput, TooLarge
from ..validate import describe

__all__ = [
    "Permutation",
    "Partition",
    "is_permutation",
    "is_partition",
    "identity",
    "compose",
    "inverse",
    "cycles",
    "from_cycles",
    "cycle_type",
    "num_cycles",
    "all_permutations",
    "partitions",
    "centralizer_order",
    "class_size",
    "conjugacy_classes",
    "representative",
    "permutation_index",
    "multiplication_table",
    "MAX_TABLE_T",
    "MAX_LIST_T",
    "MAX_PARTITION_T",
    "MAX_POINTS",
]

Permutation = tuple[int, ...]
Partition = tuple[int, ...]

#: Largest ``t`` for which :func:`multiplication_table` builds the ``t! x t!`` table.
MAX_TABLE_T = 6
#: Largest ``t`` for which :func:`all_permutations` and :func:`conjugacy_classes` list the
#: ``t!`` permutations (``9! = 362880`` tuples, about 50 MB).
MAX_LIST_T = 9
#: Largest ``t`` for which :func:`partitions` lists the partitions of ``t`` (``p(50) = 204226``).
MAX_PARTITION_T = 50
#: Largest number of points of a permutation built by :func:`identity`, :func:`from_cycles` or
#: :func:`representative`.
MAX_POINTS = 10**6


def is_permutation(p: object) -> bool:
    """True when ``p`` is a tuple/list of ints that is a permutation of ``range(len(p))``."""
    if not isinstance(p, (tuple, list)):
        return False
    if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in p):
        return False
    return sorted(int(x) for x in p) == list(range(len(p)))


def is_partition(mu: object) -> bool:
    """True when ``mu`` is a non-increasing tuple/list of positive ints."""
    if not isinstance(mu, (tuple, list)):
        return False
    if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x > 0 for x in mu):
        return False
    return all(mu[i] >= mu[i + 1] for i in range(len(mu) - 1))


# --------------------------------------------------------------------------------------------
# validation (public functions check their arguments; the underscored ones trust them)


def _permutation(name: str, p: object, t: int | None = None) -> Permutation:
    what = "a permutation of range(t) as a tuple of images, e.g. (1, 2, 0)" if t is None else \
        f"a permutation of range({t}) as a tuple of images"
    if not is_permutation(p) or (t is not None and len(p) != t):  # type: ignore[arg-type]
        got = describe(p) if not isinstance(p, (tuple, list)) else repr(tuple(p))[:60]
        raise InvalidInput(name, what, got)
    return tuple(int(x) for x in p)  # type: ignore[union-attr]


def _partition(name: str, mu: object) -> Partition:
    if not is_partition(mu):
        got = describe(mu) if not isinstance(mu, (tuple, list)) else repr(tuple(mu))[:60]
        raise InvalidInput(name, "a partition: a non-increasing tuple of positive ints, e.g. (2, 1)", got)
    return tuple(int(x) for x in mu)  # type: ignore[union-attr]


def _size(name: str, t: object, maximum: int, why: str) -> int:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
        raise InvalidInput(name, "a non-negative integer", describe(t))
    t = int(t)
    if t < 0:
        raise InvalidInput(name, "a non-negative integer", str(t))
    if t > maximum:
        raise TooLarge(name, f"{name} <= {maximum} ({why})", f"{name} = {t}")
    return t


# --------------------------------------------------------------------------------------------
# permutations


def identity(t: int) -> Permutation:
    """The identity permutation of ``range(t)``."""
    return tuple(range(_size("t", t, MAX_POINTS, "MAX_POINTS")))


def _compose(p: Sequence[int], q: Sequence[int]) -> Permutation:
    return tuple(p[i] for i in q)


def compose(p: Sequence[int], q: Sequence[int]) -> Permutation:
    """``p o q`` (apply ``q`` first): ``compose(p, q)[i] == p[q[i]]``."""
    p = _permutation("p", p)
    return _compose(p, _permutation("q", q, len(p)))


def _inverse(p: Sequence[int]) -> Permutation:
    inv = [0] * len(p)
    for i, j in enumerate(p):
        inv[j] = i
    return tuple(inv)


def inverse(p: Sequence[int]) -> Permutation:
    """The inverse permutation: ``compose(p, inverse(p)) == identity(len(p))``."""
    return _inverse(_permutation("p", p))


def _cycles(p: Sequence[int]) -> list[tuple[int, ...]]:
    seen = [False] * len(p)
    out = []
    for start in range(len(p)):
        if seen[start]:
            continue
        cyc = []
        k = start
        while not seen[k]:
            seen[k] = True
            cyc.append(k)
            k = p[k]
        out.append(tuple(cyc))
    return out


def cycles(p: Sequence[int]) -> list[tuple[int, ...]]:
    """The cycles of ``p`` including fixed points, each written ``(k, p[k], p[p[k]], ...)``
    from its smallest element, sorted by that element."""
    return _cycles(_permutation("p", p))


def _from_cycles(cycle_list: Iterable[Sequence[int]], t: int) -> Permutation:
    p = list(range(t))
    for cyc in cycle_list:
        for a, b in zip(cyc, tuple(cyc[1:]) + (cyc[0],)):
            p[a] = b
    return tuple(p)


def from_cycles(cycle_list: Iterable[Sequence[int]], t: int) -> Permutation:
    """The permutation of ``range(t)`` with the given (disjoint) cycles; ``(a, b, c)``
    sends ``a -> b -> c -> a``.  Unlisted points are fixed.

    >>> from_cycles([(0, 2)], 3)
    (2, 1, 0)
    """
    t = _size("t", t, MAX_POINTS, "MAX_POINTS")
    what = f"disjoint non-empty cycles of ints in range({t}), e.g. [(0, 2)]"
    if isinstance(cycle_list, (str, bytes)) or not isinstance(cycle_list, Iterable):
        raise InvalidInput("cycle_list", what, describe(cycle_list))
    cycle_list = list(cycle_list)
    used: set[int] = set()
    for i, cyc in enumerate(cycle_list):
        if not isinstance(cyc, (tuple, list)) or not cyc or not all(
                isinstance(x, (int, np.integer)) and not isinstance(x, bool) and 0 <= x < t for x in cyc):
            raise InvalidInput(f"cycle_list[{i}]", what, describe(cyc) if not isinstance(cyc, (tuple, list)) else repr(tuple(cyc))[:60])
        if used & set(int(x) for x in cyc) or len(set(cyc)) != len(cyc):
            raise InvalidInput(f"cycle_list[{i}]", what, f"{tuple(cyc)!r}, which repeats a point")
        used |= set(int(x) for x in cyc)
    return _from_cycles([tuple(int(x) for x in c) for c in cycle_list], t)


def _cycle_type(p: Sequence[int]) -> Partition:
    return tuple(sorted((len(c) for c in _cycles(p)), reverse=True))


def cycle_type(p: Sequence[int]) -> Partition:
    """The cycle type of ``p`` as a partition of ``len(p)`` (non-increasing)."""
    return _cycle_type(_permutation("p", p))


def _num_cycles(p: Sequence[int]) -> int:
    return len(_cycles(p))


def num_cycles(p: Sequence[int]) -> int:
    """The number of cycles of ``p``, fixed points included."""
    return len(_cycles(_permutation("p", p)))


@lru_cache(maxsize=None)
def _all_permutations(t: int) -> tuple[Permutation, ...]:
    return tuple(itertools.permutations(range(t)))


def all_permutations(t: int) -> tuple[Permutation, ...]:
    """All ``t!`` permutations of ``range(t)`` in lexicographic order (``t <= MAX_LIST_T``)."""
    return _all_permutations(_size("t", t, MAX_LIST_T, f"t! = {math.factorial(MAX_LIST_T)} tuples at most; "
                                                        "work with cycle types (partitions(t)) instead"))


@lru_cache(maxsize=None)
def _partitions(t: int) -> tuple[Partition, ...]:
    def gen(n: int, largest: int) -> Iterable[Partition]:
        if n == 0:
            yield ()
            return
        for first in range(min(n, largest), 0, -1):
            for rest in gen(n - first, first):
                yield (first,) + rest

    return tuple(gen(t, t))


def partitions(t: int) -> tuple[Partition, ...]:
    """All partitions of ``t`` in reverse lexicographic order (``(t,)`` first; ``t <= MAX_PARTITION_T``)."""
    return _partitions(_size("t", t, MAX_PARTITION_T, "the number of partitions p(t) grows like exp(pi sqrt(2t/3))"))


def _centralizer_order(mu: Sequence[int]) -> int:
    z = 1
    for k, m in Counter(mu).items():
        z *= k**m * math.factorial(m)
    return z


def centralizer_order(mu: Sequence[int]) -> int:
    """``z_mu = prod_k k^{m_k} m_k!``: the order of the centraliser of a permutation of
    cycle type ``mu`` (``m_k`` = number of parts equal to ``k``)."""
    return _centralizer_order(_partition("mu", mu))


def class_size(mu: Sequence[int]) -> int:
    """The number ``t!/z_mu`` of permutations of cycle type ``mu``."""
    mu = _partition("mu", mu)
    return math.factorial(sum(mu)) // _centralizer_order(mu)


@lru_cache(maxsize=None)
def _conjugacy_classes(t: int) -> dict[Partition, tuple[Permutation, ...]]:
    out: dict[Partition, list[Permutation]] = {mu: [] for mu in _partitions(t)}
    for p in _all_permutations(t):
        out[_cycle_type(p)].append(p)
    return {mu: tuple(v) for mu, v in out.items()}


def conjugacy_classes(t: int) -> dict[Partition, tuple[Permutation, ...]]:
    """The permutations of ``range(t)`` grouped by cycle type, in the order of :func:`partitions`
    (``t <= MAX_LIST_T``)."""
    return dict(_conjugacy_classes(_size("t", t, MAX_LIST_T, f"t! = {math.factorial(MAX_LIST_T)} permutations at most")))


def representative(mu: Sequence[int]) -> Permutation:
    """A permutation of cycle type ``mu``: consecutive blocks ``(0 .. mu_0-1)(mu_0 ..)...``."""
    mu = _partition("mu", mu)
    _size("sum(mu)", sum(mu), MAX_POINTS, "MAX_POINTS")
    cyc, start = [], 0
    for part in mu:
        cyc.append(tuple(range(start, start + part)))
        start += part
    return _from_cycles(cyc, start)


def permutation_index(p: Sequence[int]) -> int:
    """The position of ``p`` in :func:`all_permutations` (its lexicographic rank)."""
    p = _permutation("p", p)
    t = len(p)
    rank, remaining = 0, list(range(t))
    for i, x in enumerate(p):
        j = remaining.index(x)
        rank += j * math.factorial(t - 1 - i)
        remaining.pop(j)
    return rank


@lru_cache(maxsize=None)
def _tables(t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if t > MAX_TABLE_T:
        n = math.factorial(t)
        raise TooLarge(
            "t",
            f"t <= {MAX_TABLE_T} for a t! x t! permutation table",
            f"t = {t} ({n}^2 = {n * n} entries); use class functions / cycle types instead",
        )
    perms = np.array(_all_permutations(t), dtype=np.int64).reshape(-1, t)
    n = perms.shape[0]
    weights = t ** np.arange(t - 1, -1, -1, dtype=np.int64)
    codes = perms @ weights  # increasing, because the list is lexicographic
    # comp[i, j, k] = perms[i][perms[j][k]]  (perms[i] o perms[j])
    comp = perms[np.arange(n)[:, None, None], perms[None, :, :]]
    mult = np.searchsorted(codes, comp @ weights).astype(np.int32)
    inv = np.argmax(mult == 0, axis=1)  # the identity has index 0
    ct_index = {mu: i for i, mu in enumerate(_partitions(t))}
    classes = np.array([ct_index[_cycle_type(p)] for p in _all_permutations(t)], dtype=np.int32)
    for arr in (mult, inv, classes):
        arr.setflags(write=False)
    return mult, inv, classes


def multiplication_table(t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index tables of ``S_t`` in the order of :func:`all_permutations` (read-only arrays).

    Returns
    -------
    mult : ndarray of shape (t!, t!)
        ``mult[i, j]`` is the index of ``perms[i] o perms[j]`` (``perms[j]`` first).
    inv : ndarray of shape (t!,)
        ``inv[i]`` is the index of ``perms[i]^{-1}``.
    classes : ndarray of shape (t!,)
        ``classes[i]`` is the index in :func:`partitions` of the cycle type of ``perms[i]``.

    Raises
    ------
    qnnsym.errors.TooLarge
        For ``t > MAX_TABLE_T``.

    Examples
    --------
    >>> mult, inv, classes = multiplication_table(3)
    >>> perms = all_permutations(3)
    >>> perms[mult[3, 1]] == compose(perms[3], perms[1])
    True
    """
    return _tables(_size("t", t, 10**9, "t"))
