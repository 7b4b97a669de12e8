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

from ..errors import TooLarge

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
]

Permutation = tuple[int, ...]
Partition = tuple[int, ...]

#: Largest ``t`` for which :func:`multiplication_table` builds the ``t! x t!`` table.
MAX_TABLE_T = 6


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


def identity(t: int) -> Permutation:
    """The identity permutation of ``range(t)``."""
    return tuple(range(t))


def compose(p: Sequence[int], q: Sequence[int]) -> Permutation:
    """``p o q`` (apply ``q`` first): ``compose(p, q)[i] == p[q[i]]``."""
    return tuple(p[i] for i in q)


def inverse(p: Sequence[int]) -> Permutation:
    """The inverse permutation: ``compose(p, inverse(p)) == identity(len(p))``."""
    inv = [0] * len(p)
    for i, j in enumerate(p):
        inv[j] = i
    return tuple(inv)


def cycles(p: Sequence[int]) -> list[tuple[int, ...]]:
    """The cycles of ``p`` including fixed points, each written ``(k, p[k], p[p[k]], ...)``
    from its smallest element, sorted by that element."""
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


def from_cycles(cycle_list: Iterable[Sequence[int]], t: int) -> Permutation:
    """The permutation of ``range(t)`` with the given (disjoint) cycles; ``(a, b, c)``
    sends ``a -> b -> c -> a``.  Unlisted points are fixed.

    >>> from_cycles([(0, 2)], 3)
    (2, 1, 0)
    """
    p = list(range(t))
    for cyc in cycle_list:
        for a, b in zip(cyc, tuple(cyc[1:]) + (cyc[0],)):
            p[a] = b
    return tuple(p)


def cycle_type(p: Sequence[int]) -> Partition:
    """The cycle type of ``p`` as a partition of ``len(p)`` (non-increasing)."""
    return tuple(sorted((len(c) for c in cycles(p)), reverse=True))


def num_cycles(p: Sequence[int]) -> int:
    """The number of cycles of ``p``, fixed points included."""
    return len(cycles(p))


@lru_cache(maxsize=None)
def all_permutations(t: int) -> tuple[Permutation, ...]:
    """All ``t!`` permutations of ``range(t)`` in lexicographic order."""
    return tuple(itertools.permutations(range(t)))


@lru_cache(maxsize=None)
def partitions(t: int) -> tuple[Partition, ...]:
    """All partitions of ``t`` in reverse lexicographic order (``(t,)`` first)."""

    def gen(n: int, largest: int) -> Iterable[Partition]:
        if n == 0:
            yield ()
            return
        for first in range(min(n, largest), 0, -1):
            for rest in gen(n - first, first):
                yield (first,) + rest

    return tuple(gen(t, t))


def centralizer_order(mu: Sequence[int]) -> int:
    """``z_mu = prod_k k^{m_k} m_k!``: the order of the centraliser of a permutation of
    cycle type ``mu`` (``m_k`` = number of parts equal to ``k``)."""
    z = 1
    for k, m in Counter(mu).items():
        z *= k**m * math.factorial(m)
    return z


def class_size(mu: Sequence[int]) -> int:
    """The number ``t!/z_mu`` of permutations of cycle type ``mu``."""
    return math.factorial(sum(mu)) // centralizer_order(mu)


@lru_cache(maxsize=None)
def conjugacy_classes(t: int) -> dict[Partition, tuple[Permutation, ...]]:
    """The permutations of ``range(t)`` grouped by cycle type, in the order of :func:`partitions`."""
    out: dict[Partition, list[Permutation]] = {mu: [] for mu in partitions(t)}
    for p in all_permutations(t):
        out[cycle_type(p)].append(p)
    return {mu: tuple(v) for mu, v in out.items()}


def representative(mu: Sequence[int]) -> Permutation:
    """A permutation of cycle type ``mu``: consecutive blocks ``(0 .. mu_0-1)(mu_0 ..)...``."""
    cyc, start = [], 0
    for part in mu:
        cyc.append(tuple(range(start, start + part)))
        start += part
    return from_cycles(cyc, start)


def permutation_index(p: Sequence[int]) -> int:
    """The position of ``p`` in :func:`all_permutations` (its lexicographic rank)."""
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
    perms = np.array(all_permutations(t), dtype=np.int64).reshape(-1, t)
    n = perms.shape[0]
    weights = t ** np.arange(t - 1, -1, -1, dtype=np.int64)
    codes = perms @ weights  # increasing, because the list is lexicographic
    # comp[i, j, k] = perms[i][perms[j][k]]  (perms[i] o perms[j])
    comp = perms[np.arange(n)[:, None, None], perms[None, :, :]]
    mult = np.searchsorted(codes, comp @ weights).astype(np.int32)
    inv = np.argmax(mult == 0, axis=1)  # the identity has index 0
    ct_index = {mu: i for i, mu in enumerate(partitions(t))}
    classes = np.array([ct_index[cycle_type(p)] for p in all_permutations(t)], dtype=np.int32)
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
    return _tables(t)
